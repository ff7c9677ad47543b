//! Delivering one change so that sending it again is harmless, against the CRM sandbox.

mod common;

use modretailcrm_core::api::client::{Client, ClientSettings};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::error::ApiError;
use modretailcrm_core::api::transport::TransportSettings;
use modretailcrm_core::runtime::block_on;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::deliver::{Outcome, deliver};
use serde_json::{Value, json};
use std::time::Duration;

use common::hostile::{Hostile, HostileServer};
use common::{RunningSandbox, SANDBOX_KEY, control, sandbox};

/// The wordings the sandbox can give its error texts in: delivery must not depend on them.
const WORDINGS: [&str; 3] = ["en", "ru", "reworded"];

fn client(sandbox: &RunningSandbox, timeout: Duration) -> Client {
    client_at(&sandbox.url(), timeout)
}

fn client_at(url: &str, timeout: Duration) -> Client {
    Client::new(
        ClientSettings {
            url: CrmUrl::parse(url).unwrap(),
            api_key: ApiKey::parse(SANDBOX_KEY).unwrap(),
            site: Some("shop".into()),
            transport: TransportSettings {
                rate_limit: 0,
                timeout,
                max_retries: 0,
                ..TransportSettings::default()
            },
        },
        None,
    )
}

/// A sandbox whose error texts come in `wording`.
fn sandbox_in(wording: &str) -> RunningSandbox {
    let sandbox = sandbox();
    let set = control(&sandbox, "POST", "wording", json!({ "wording": wording }));
    assert_eq!(set["success"], true, "{set}");
    sandbox
}

/// `METHOD path?query` of every request the sandbox logged since its log was cleared.
fn sent(sandbox: &RunningSandbox) -> Vec<String> {
    control(sandbox, "GET", "requests", Value::Null)["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let query = r["query"].as_str().unwrap();
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            format!(
                "{} {}{query}",
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap()
            )
        })
        .collect()
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
fn a_create_the_crm_already_has_counts_as_delivered_and_edits_it_in_any_wording() {
    for wording in WORDINGS {
        let sandbox = sandbox_in(wording);
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
        control(&sandbox, "DELETE", "requests", Value::Null);
        let mut changed = order("100-1", "17");
        changed["firstName"] = json!("Пётр");
        assert!(
            matches!(send(&crm, "order.create", changed), Outcome::Delivered(_)),
            "{wording}"
        );
        assert_eq!(
            sent(&sandbox),
            [
                "POST /api/v5/orders/create",
                "GET /api/v5/orders/100-1?by=externalId&site=shop",
                "POST /api/v5/orders/100-1/edit",
            ],
            "{wording}: refused, read back, then edited"
        );
        let orders = stored(&sandbox, "orders");
        assert_eq!(orders.len(), 1, "no duplicate");
        assert_eq!(
            orders[0]["firstName"], "Пётр",
            "the differing payload was sent as an edit"
        );
        control(&sandbox, "DELETE", "requests", Value::Null);
        assert!(matches!(
            send(
                &crm,
                "customer.create",
                json!({"externalId": "17", "lastName": "Петров"})
            ),
            Outcome::Delivered(_)
        ));
        assert_eq!(
            sent(&sandbox),
            [
                "POST /api/v5/customers/create",
                "GET /api/v5/customers/17?by=externalId&site=shop",
                "POST /api/v5/customers/17/edit",
            ],
            "{wording}"
        );
        let customers = stored(&sandbox, "customers");
        assert_eq!(customers.len(), 1);
        assert_eq!(customers[0]["lastName"], "Петров");
    }
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
    let sent = sent(&sandbox);
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
fn an_order_whose_customer_is_missing_creates_the_customer_first_in_any_wording() {
    for wording in WORDINGS {
        let sandbox = sandbox_in(wording);
        let crm = client(&sandbox, Duration::from_secs(5));
        assert!(
            matches!(
                send(&crm, "order.create", order("300-1", "42")),
                Outcome::Delivered(_)
            ),
            "{wording}"
        );
        assert_eq!(
            sent(&sandbox),
            [
                "POST /api/v5/orders/create",
                "POST /api/v5/customers/create",
                "POST /api/v5/orders/create",
            ],
            "{wording}"
        );
        let customers = stored(&sandbox, "customers");
        assert_eq!(customers.len(), 1);
        assert_eq!(customers[0]["externalId"], "42");
        assert_eq!(customers[0]["email"], "ivan@example.com");
        assert_eq!(
            stored(&sandbox, "orders")[0]["customer"]["externalId"],
            "42"
        );
    }
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

/// A CRM answering creates and edits with `refusal` (HTTP 400) and reads with `read`.
fn refusing_crm(refusal: Value, read: Hostile) -> HostileServer {
    HostileServer::start(Hostile::ByMethod {
        get: Box::new(read),
        other: Box::new(Hostile::json(400, &refusal.to_string())),
    })
}

/// `METHOD target` of every request `crm` received.
fn received(crm: &HostileServer) -> Vec<String> {
    crm.requests()
        .iter()
        .map(|request| format!("{} {}", request.method, request.target))
        .collect()
}

fn refused_with(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Refused(ApiError::Response(response)) => {
            assert_eq!(response.status, 400, "the CRM's refusal: {response:?}");
            response.body.unwrap()
        }
        other => panic!("expected the CRM's refusal, got {other:?}"),
    }
}

#[test]
fn a_duplicate_the_crm_cannot_show_is_refused_with_the_crms_text() {
    let not_found = Hostile::json(404, r#"{"success":false,"errorMsg":"Not found"}"#);
    for (kind, route, payload) in [
        ("order.create", "orders", order("500-1", "17")),
        (
            "customer.create",
            "customers",
            json!({"externalId": "500-1"}),
        ),
    ] {
        let refusal = json!({"success": false, "errorMsg": "Не загружено",
                             "errors": {"externalId": "Уже существует"}});
        let crm = refusing_crm(refusal.clone(), not_found.clone());
        let outcome = send(&client_at(crm.url(), Duration::from_secs(5)), kind, payload);
        assert_eq!(refused_with(outcome), refusal, "{kind}");
        assert_eq!(
            received(&crm),
            [
                format!("POST /api/v5/{route}/create"),
                format!("GET /api/v5/{route}/500-1?by=externalId&site=shop"),
            ],
            "{kind}: read back, found nothing, no edit"
        );
    }
}

#[test]
fn only_the_external_id_field_makes_a_duplicate() {
    // Texts that carry every word of a duplicate, but no `externalId` field.
    for refusal in [
        json!({"success": false, "errorMsg": "Order is not loaded",
               "errors": {"email": "A customer with externalId=7 and this email already exists."}}),
        json!({"success": false, "errorMsg": "Order is not loaded",
               "errors": ["Order with externalId=500-1 already exists."]}),
        json!({"success": false, "errorMsg": "Order with externalId=500-1 already exists."}),
    ] {
        let found = Hostile::json(200, r#"{"success":true,"order":{"id":1}}"#);
        let crm = refusing_crm(refusal.clone(), found);
        let outcome = send(
            &client_at(crm.url(), Duration::from_secs(5)),
            "order.create",
            order("500-1", "17"),
        );
        assert_eq!(refused_with(outcome), refusal);
        assert_eq!(
            received(&crm),
            ["POST /api/v5/orders/create"],
            "{refusal}: neither read back nor edited"
        );
    }
}

#[test]
fn a_read_back_that_does_not_get_through_retries_later() {
    let refusal = json!({"success": false, "errorMsg": "x", "errors": {"externalId": "y"}});
    let crm = refusing_crm(refusal, Hostile::json(503, "<html>busy</html>"));
    let outcome = send(
        &client_at(crm.url(), Duration::from_secs(5)),
        "customer.create",
        json!({"externalId": "17"}),
    );
    assert!(matches!(outcome, Outcome::RetryLater(_)), "{outcome:?}");
    assert_eq!(received(&crm).len(), 2, "the create and its read-back");
}
