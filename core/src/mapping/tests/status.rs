use serde_json::{Value, json};

use super::fixtures::load;
use crate::mapping::{
    MappingError, PaymentEdit, StatusChange, StatusChangeInput, StatusRules, status_change,
};

const PAID_AT: &str = "2026-11-29 07:16:52";

/// The order and the new status row of a captured msOnChangeOrderStatus event; the row's
/// `id` is the event's `status` parameter as it came (`'1'` or `2`), and the status rows
/// get CRM codes named after them.
fn from_event(file: &str) -> (Value, Value) {
    let event = load(&format!("events/{file}"));
    let order = event["params"]["order"]["value"]["data"].clone();
    let status_id = event["params"]["status"]["value"].clone();
    let all = load("db/msOrderStatus_all.json");
    let mut status = all
        .as_array()
        .unwrap()
        .iter()
        .find(|row| {
            row["id"].to_string().trim_matches('"') == status_id.to_string().trim_matches('"')
        })
        .unwrap()
        .clone();
    status["retailcrm_status_code"] = json!(status["name"].as_str().unwrap().to_lowercase());
    status["id"] = status_id;
    (order, status)
}

fn rules(sync: &[i64]) -> StatusRules {
    StatusRules {
        sync_statuses: sync.to_vec(),
        ..StatusRules::default()
    }
}

fn change(order: &Value, status: &Value, rules: &StatusRules) -> Option<StatusChange> {
    let input = StatusChangeInput {
        order,
        status,
        paid_at: PAID_AT,
        payment: None,
    };
    status_change(&input, rules).unwrap()
}

#[test]
fn status_change_to_new_from_checkout_event_with_string_id() {
    let (order, status) = from_event("msOnChangeOrderStatus.json");
    assert_eq!(status["id"], json!("1"));
    assert_eq!(
        change(&order, &status, &rules(&[1, 3])),
        Some(StatusChange {
            order_external_id: "2611-1".into(),
            order_edit: Some(json!({"status": "new"})),
            payment_edit: None,
            unmapped: vec![],
        })
    );
    assert_eq!(change(&order, &status, &rules(&[3])), None);
}

#[test]
fn status_change_to_paid_event_marks_the_created_payment_paid() {
    let (order, status) = from_event("msOnChangeOrderStatus__2.json");
    assert_eq!(status["id"], json!(2));
    assert_eq!(
        change(&order, &status, &rules(&[2])),
        Some(StatusChange {
            order_external_id: "2611-1".into(),
            order_edit: Some(json!({"status": "paid"})),
            payment_edit: Some(PaymentEdit {
                external_id: "2611-1-payment".into(),
                payload: json!({"status": "paid", "amount": 2967.18, "paidAt": PAID_AT}),
            }),
            unmapped: vec![],
        })
    );
    // Paid but not synced: only the payment.
    let only_payment = change(&order, &status, &rules(&[])).unwrap();
    assert_eq!(only_payment.order_edit, None);
    assert!(only_payment.payment_edit.is_some());
}

#[test]
fn status_change_of_second_order_event() {
    let (order, status) = from_event("msOnChangeOrderStatus__3.json");
    let changed = change(&order, &status, &rules(&[1])).unwrap();
    assert_eq!(changed.order_external_id, "2611-2");
    assert_eq!(changed.order_edit, Some(json!({"status": "new"})));
}

#[test]
fn paid_statuses_are_configurable_and_compared_as_numbers() {
    let order = json!({"num": "2611/1", "cost": "2967.18"});
    let status = json!({"id": "5", "name": "Draft"});
    let paid = StatusRules {
        sync_statuses: vec![],
        paid_statuses: vec![5],
    };
    let changed = change(&order, &status, &paid).unwrap();
    assert_eq!(
        changed.payment_edit.unwrap().payload["amount"],
        json!(2967.18)
    );
    assert_eq!(change(&order, &status, &StatusRules::default()), None);
}

#[test]
fn synced_status_without_code_is_listed() {
    let order = json!({"num": "2611/1", "cost": 1});
    let status = json!({"id": 3, "name": "Sent"});
    let changed = change(&order, &status, &rules(&[3])).unwrap();
    assert_eq!(changed.order_edit, None);
    assert_eq!(
        changed.unmapped,
        ["status 3 (Sent) has no retailcrm_status_code"]
    );
}

#[test]
fn paid_status_without_a_date_or_a_status_id_is_an_error() {
    let order = json!({"num": "2611/1", "cost": 1});
    let input = StatusChangeInput {
        order: &order,
        status: &json!({"id": 2}),
        paid_at: " ",
        payment: None,
    };
    assert_eq!(
        status_change(&input, &StatusRules::default()),
        Err(MappingError::missing("paid_at"))
    );
    let input = StatusChangeInput {
        order: &order,
        status: &json!({"name": "x"}),
        paid_at: PAID_AT,
        payment: None,
    };
    assert_eq!(
        status_change(&input, &StatusRules::default())
            .unwrap_err()
            .to_string(),
        "status.id is missing"
    );
}

#[test]
fn paid_status_carries_the_payment_type_or_lists_a_payment_without_code() {
    let order = json!({"num": "2611/1", "cost": "2967.18"});
    let status = json!({"id": 2, "name": "Paid"});
    let with_payment = |payment: &Value| {
        let input = StatusChangeInput {
            order: &order,
            status: &status,
            paid_at: PAID_AT,
            payment: Some(payment),
        };
        status_change(&input, &StatusRules::default())
            .unwrap()
            .unwrap()
    };
    let coded =
        with_payment(&json!({"id": 2, "name": "Card", "retailcrm_payment_code": "bank-card"}));
    assert_eq!(
        coded.payment_edit.unwrap().payload,
        json!({"status": "paid", "amount": 2967.18, "paidAt": PAID_AT, "type": "bank-card"})
    );
    let uncoded = with_payment(&json!({"id": 1, "name": "Cash", "retailcrm_payment_code": null}));
    assert_eq!(uncoded.payment_edit, None);
    assert_eq!(
        uncoded.unmapped,
        ["payment 1 (Cash) has no retailcrm_payment_code"]
    );
}

#[test]
fn a_paid_status_with_an_absurd_cost_is_an_error_naming_it() {
    for cost in [json!(1e300), json!(i64::MIN), json!("-1")] {
        let order = json!({"num": "2611/1", "cost": cost});
        let input = StatusChangeInput {
            order: &order,
            status: &json!({"id": 2}),
            paid_at: PAID_AT,
            payment: None,
        };
        match status_change(&input, &StatusRules::default()) {
            Err(MappingError::Invalid { field, .. }) => assert_eq!(field, "order.cost"),
            other => panic!("cost {cost}: {other:?}"),
        }
    }
}
