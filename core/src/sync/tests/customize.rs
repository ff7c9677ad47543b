//! The site's classes: which change each adjusts, and what a failing one leaves.

use serde_json::{Value, json};

use super::{FakeClass, settings};
use crate::logging::BufferSink;
use crate::outbox::tests::TempDir;
use crate::sync::change::Change;
use crate::sync::customize::{CustomError, customize};
use crate::sync::events::EventChanges;

const CLASSES: &str = r#"{"modretailcrm_custom_customers_class": "ShopCustomers",
    "modretailcrm_custom_orders_class": "ShopOrders"}"#;

fn event(changes: Vec<Change>) -> EventChanges {
    EventChanges {
        changes,
        skipped: None,
        unmapped: vec!["delivery 1 (Courier) has no retailcrm_delivery_code".into()],
        order: None,
    }
}

fn order() -> Change {
    Change::OrderCreate(json!({"externalId": "2611-1", "items": []}))
}

fn customer() -> Change {
    Change::CustomerCreate(json!({"externalId": "4", "firstName": "Ivan"}))
}

/// `changes` run through `class` with both classes configured: the changes and the log.
fn run(class: &FakeClass, changes: Vec<Change>) -> (EventChanges, Vec<String>) {
    let dir = TempDir::new("customize");
    let settings = settings(&dir, serde_json::from_str(CLASSES).unwrap());
    let log = BufferSink::new();
    let source = json!({"user": {"id": 4}});
    let customized = customize(&settings, event(changes), &source, class, &log);
    (customized, log.drain())
}

#[test]
fn each_class_adjusts_its_own_changes_with_the_source_rows() {
    let class = FakeClass::answering(|payload| {
        let mut adjusted = payload.clone();
        adjusted["vip"] = json!(true);
        Ok(adjusted)
    });
    let edits = vec![
        Change::CustomerEdit(json!({"externalId": "4"})),
        Change::OrderEdit(json!({"externalId": "2611-1", "status": "new"})),
        Change::PaymentEdit(json!({"externalId": "2611-1-payment", "status": "paid"})),
    ];
    let (customized, log) = run(&class, [vec![customer(), order()], edits.clone()].concat());
    assert_eq!(
        customized.changes,
        [
            vec![
                Change::CustomerCreate(
                    json!({"externalId": "4", "firstName": "Ivan", "vip": true})
                ),
                Change::OrderCreate(json!({"externalId": "2611-1", "items": [], "vip": true})),
                Change::CustomerEdit(json!({"externalId": "4", "vip": true})),
            ],
            edits[1..].to_vec(),
        ]
        .concat()
    );
    assert_eq!(
        class.called(),
        ["ShopCustomers", "ShopOrders", "ShopCustomers"]
    );
    let calls = class.calls.borrow();
    assert_eq!(calls[0].1, json!({"externalId": "4", "firstName": "Ivan"}));
    assert_eq!(calls[0].2, json!({"user": {"id": 4}}));
    assert!(log.is_empty(), "{log:?}");
    assert_eq!(
        customized.unmapped,
        ["delivery 1 (Courier) has no retailcrm_delivery_code"],
        "the rest of the event is kept"
    );
}

#[test]
fn a_class_that_throws_leaves_the_standard_payload_and_a_log_line() {
    let class = FakeClass::answering(|_| Err(CustomError::Threw("RuntimeException".into())));
    let (customized, log) = run(&class, vec![order()]);
    assert_eq!(customized.changes, vec![order()]);
    assert_eq!(
        log,
        [
            "modretailcrm: ShopOrders::map threw RuntimeException; the standard order.create payload is sent"
        ]
    );
}

#[test]
fn a_class_that_returns_no_payload_array_leaves_the_standard_payload() {
    for answer in [json!(null), json!("ok"), json!(7), json!([1, 2])] {
        let class = FakeClass::answering(move |_| Ok(answer.clone()));
        let (customized, log) = run(&class, vec![customer()]);
        assert_eq!(customized.changes, vec![customer()]);
        assert_eq!(
            log,
            [
                "modretailcrm: ShopCustomers::map must return the payload array; the standard customer.create payload is sent"
            ]
        );
    }
    let class = FakeClass::answering(|_| Err(CustomError::Unreadable));
    let (customized, log) = run(&class, vec![customer()]);
    assert_eq!(customized.changes, vec![customer()]);
    assert!(
        log[0].contains("ShopCustomers::map must return the payload array"),
        "{log:?}"
    );
}

#[test]
fn a_class_that_cannot_be_used_or_called_is_named_in_the_log() {
    let unusable = FakeClass::answering(|_| {
        Err(CustomError::Unusable(
            "class ShopOrders is not declared and no file is given to load it from".into(),
        ))
    });
    let (customized, log) = run(&unusable, vec![order()]);
    assert_eq!(customized.changes, vec![order()]);
    assert_eq!(
        log,
        [
            "modretailcrm: class ShopOrders is not declared and no file is given to load it from; the standard order.create payload is sent"
        ]
    );
    let failing = FakeClass::answering(|_| Err(CustomError::Failed("too few arguments".into())));
    let (_, log) = run(&failing, vec![order()]);
    assert_eq!(
        log,
        [
            "modretailcrm: ShopOrders::map failed: too few arguments; the standard order.create payload is sent"
        ]
    );
}

#[test]
fn without_a_class_nothing_is_called() {
    let dir = TempDir::new("customize-none");
    let settings = settings(&dir, json!({}));
    let class = FakeClass::answering(|_| Ok(json!({"replaced": true})));
    let log = BufferSink::new();
    let customized = customize(
        &settings,
        event(vec![customer(), order()]),
        &Value::Null,
        &class,
        &log,
    );
    assert_eq!(customized.changes, vec![customer(), order()]);
    assert!(class.called().is_empty());
    assert!(log.drain().is_empty());
}
