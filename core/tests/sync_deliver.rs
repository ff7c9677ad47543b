//! Delivering one change so that sending it again is harmless, against the CRM sandbox.

mod common;

use modretailcrm_core::api::client::{Client, ClientSettings};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::transport::TransportSettings;
use modretailcrm_core::runtime::block_on;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::deliver::{Outcome, deliver};
use serde_json::{Value, json};
use std::time::Duration;

use common::{RunningSandbox, SANDBOX_KEY, control, sandbox};

fn client(sandbox: &RunningSandbox, timeout: Duration) -> Client {
    Client::new(
        ClientSettings {
            url: CrmUrl::parse(&sandbox.url()).unwrap(),
            api_key: ApiKey::parse(SANDBOX_KEY).unwrap(),
            site: Some("shop".into()),
            transport: TransportSettings {
                rate_limit: 0,
                timeout,
                ..TransportSettings::default()
            },
        },
        None,
    )
}

fn send(crm: &Client, kind: &str, payload: Value) -> Outcome {
    send_superseded(crm, kind, payload, false)
}

/// Sends a change, saying whether a newer change of its entity is queued.
fn send_superseded(crm: &Client, kind: &str, payload: Value, newer: bool) -> Outcome {
    block_on(deliver(
        crm,
        &Change::parse(kind, payload).unwrap(),
        &|| newer,
    ))
    .unwrap()
}

fn state(sandbox: &RunningSandbox) -> Value {
    control(sandbox, "GET", "state", Value::Null)
}

/// The customers or orders the sandbox holds.
fn stored(sandbox: &RunningSandbox, what: &str) -> Vec<Value> {
    state(sandbox)[what].as_array().cloned().unwrap_or_default()
}

fn order(external_id: &str, customer: &str) -> Value {
    json!({
        "externalId": external_id,
        "customer": {"externalId": customer},
        "firstName": "Иван",
        "phone": "+7 900 000-00-00",
        "email": "ivan@example.com",
        "items": [{"offer": {"externalId": "5"}, "productName": "Чайник", "initialPrice": 1000, "quantity": 1}],
    })
}

#[test]
fn a_create_the_crm_already_has_counts_as_delivered_and_edits_it() {
    let sandbox = sandbox();
    let crm = client(&sandbox, Duration::from_secs(5));
    assert!(matches!(
        send(
            &crm,
            "customer.create",
            json!({"externalId": "17", "firstName": "Иван"})
        ),
        Outcome::Delivered(_)
    ));
    assert!(matches!(
        send(&crm, "order.create", order("100-1", "17")),
        Outcome::Delivered(_)
    ));
    let mut changed = order("100-1", "17");
    changed["firstName"] = json!("Пётр");
    assert!(matches!(
        send(&crm, "order.create", changed),
        Outcome::Delivered(_)
    ));
    let orders = stored(&sandbox, "orders");
    assert_eq!(orders.len(), 1, "no duplicate");
    assert_eq!(
        orders[0]["firstName"], "Пётр",
        "the differing payload was sent as an edit"
    );
    assert!(matches!(
        send(
            &crm,
            "customer.create",
            json!({"externalId": "17", "lastName": "Петров"})
        ),
        Outcome::Delivered(_)
    ));
    let customers = stored(&sandbox, "customers");
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0]["lastName"], "Петров");
}

#[test]
fn a_create_the_crm_already_has_is_not_followed_by_an_edit_when_a_newer_change_is_queued() {
    let sandbox = sandbox();
    let crm = client(&sandbox, Duration::from_secs(5));
    send(
        &crm,
        "customer.create",
        json!({"externalId": "17", "firstName": "Иван"}),
    );
    let mut newer = order("100-1", "17");
    newer["status"] = json!("assembling");
    assert!(matches!(
        send(&crm, "order.create", newer),
        Outcome::Delivered(_)
    ));
    control(&sandbox, "DELETE", "requests", Value::Null);
    // A late attempt of the create (status "new"), while a newer change of the order is
    // queued: the CRM's copy counts as delivered, and nothing overwrites it.
    let mut create = order("100-1", "17");
    create["status"] = json!("new");
    let Outcome::Delivered(answer) = send_superseded(&crm, "order.create", create, true) else {
        panic!("a create the CRM has counts as delivered");
    };
    assert_eq!(
        answer["order"]["number"],
        stored(&sandbox, "orders")[0]["number"]
    );
    let orders = stored(&sandbox, "orders");
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0]["status"], "assembling",
        "not overwritten by the older create"
    );
    let sent: Vec<String> = control(&sandbox, "GET", "requests", Value::Null)["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        sent.iter().all(|request| !request.contains("/edit")),
        "no edit: {sent:?}"
    );
}

#[test]
fn another_order_holding_the_external_id_is_refused_not_overwritten() {
    let sandbox = sandbox();
    let crm = client(&sandbox, Duration::from_secs(5));
    for customer in ["17", "18"] {
        send(&crm, "customer.create", json!({"externalId": customer}));
    }
    let mut first = order("2611-16", "17");
    first["createdAt"] = json!("2026-11-29 10:00:00");
    assert!(matches!(
        send(&crm, "order.create", first.clone()),
        Outcome::Delivered(_)
    ));
    // Another customer's order that miniShop2 gave the same number, placed the same second.
    let mut other = order("2611-16", "18");
    other["createdAt"] = json!("2026-11-29 10:00:00");
    other["firstName"] = json!("Пётр");
    let Outcome::Refused(error) = send(&crm, "order.create", other) else {
        panic!("another order's create must be refused");
    };
    assert!(
        error
            .to_string()
            .contains("another order with externalId 2611-16"),
        "{error}"
    );
    let orders = stored(&sandbox, "orders");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["firstName"], "Иван", "the first order is intact");
    assert_eq!(orders[0]["customer"]["externalId"], "17");
    // The same order sent again (its first answer lost) is still an edit.
    first["firstName"] = json!("Иван Петрович");
    assert!(matches!(
        send(&crm, "order.create", first),
        Outcome::Delivered(_)
    ));
    assert_eq!(stored(&sandbox, "orders")[0]["firstName"], "Иван Петрович");
}

#[test]
fn a_retry_after_a_lost_answer_makes_no_duplicate() {
    let sandbox = sandbox();
    let patient = client(&sandbox, Duration::from_secs(5));
    let impatient = client(&sandbox, Duration::from_millis(300));
    send(&patient, "customer.create", json!({"externalId": "17"}));
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "late_answer", "delay_ms": 60000, "count": 1}),
    );
    assert!(
        matches!(
            send(&impatient, "order.create", order("200-1", "17")),
            Outcome::RetryLater(_)
        ),
        "the answer was lost"
    );
    assert_eq!(
        stored(&sandbox, "orders").len(),
        1,
        "yet the CRM has the order"
    );
    assert!(matches!(
        send(&patient, "order.create", order("200-1", "17")),
        Outcome::Delivered(_)
    ));
    assert_eq!(
        stored(&sandbox, "orders").len(),
        1,
        "the retry made no duplicate"
    );
}

#[test]
fn an_order_whose_customer_is_missing_creates_the_customer_first() {
    let sandbox = sandbox();
    let crm = client(&sandbox, Duration::from_secs(5));
    assert!(matches!(
        send(&crm, "order.create", order("300-1", "42")),
        Outcome::Delivered(_)
    ));
    let customers = stored(&sandbox, "customers");
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0]["externalId"], "42");
    assert_eq!(customers[0]["email"], "ivan@example.com");
    assert_eq!(
        stored(&sandbox, "orders")[0]["customer"]["externalId"],
        "42"
    );
}

#[test]
fn a_customer_edit_for_a_customer_the_crm_lacks_becomes_a_create() {
    let sandbox = sandbox();
    let crm = client(&sandbox, Duration::from_secs(5));
    assert!(matches!(
        send(
            &crm,
            "customer.edit",
            json!({"externalId": "55", "firstName": "Анна"})
        ),
        Outcome::Delivered(_)
    ));
    let customers = stored(&sandbox, "customers");
    assert_eq!(
        (customers.len(), customers[0]["firstName"].as_str()),
        (1, Some("Анна"))
    );
}

#[test]
fn validation_errors_are_refused_and_outages_retry_later() {
    let sandbox = sandbox();
    let crm = client(&sandbox, Duration::from_secs(5));
    send(&crm, "customer.create", json!({"externalId": "17"}));
    let mut bad = order("400-1", "17");
    bad["delivery"] = json!({"code": "teleport"});
    match send(&crm, "order.create", bad) {
        Outcome::Refused(error) => assert!(error.to_string().contains("400"), "{error}"),
        other => panic!("{other:?}"),
    }
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "status", "status": 500, "count": 1}),
    );
    assert!(matches!(
        send(&crm, "order.create", order("400-2", "17")),
        Outcome::RetryLater(_)
    ));
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "reset", "count": 1}),
    );
    assert!(matches!(
        send(&crm, "order.create", order("400-2", "17")),
        Outcome::RetryLater(_)
    ));
    assert!(matches!(
        send(&crm, "order.create", order("400-2", "17")),
        Outcome::Delivered(_)
    ));
    assert!(matches!(
        send(
            &crm,
            "request",
            json!({"method": "POST", "route": "tasks/create", "params": {"task": {"text": "Call", "performerId": 1}, "site": "shop"}})
        ),
        Outcome::Delivered(_)
    ));
}
