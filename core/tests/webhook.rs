//! The webhook's decision against the CRM sandbox: the CRM's current status decides, never
//! the call's; every refusal has its status and reason; the last call is kept.

mod common;

use std::time::Duration;

use modretailcrm_core::api::client::Entity;
use modretailcrm_core::config::IntegrationSettings;
use modretailcrm_core::sync::engine::Engine;
use modretailcrm_core::sync::inbound::request::HttpRequest;
use modretailcrm_core::sync::inbound::webhook::{StatusAction, handle, last_call};
use serde_json::{Value, json};

use common::{RunningSandbox, SANDBOX_KEY, api_requests, control, sandbox};

const SECRET: &str = "4c1d5e6f7a8b9c0d1e2f3a4b5c6d7e8f";

fn engine(sandbox: &RunningSandbox, name: &str) -> Engine {
    let dir = std::env::temp_dir().join(format!("modretailcrm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let settings = json!({
        "modretailcrm_url": sandbox.url(), "modretailcrm_apiKey": SANDBOX_KEY,
        "modretailcrm_siteCode": "shop", "modretailcrm_queue_path": dir.join("outbox.sqlite"),
        "modretailcrm_send_mode": "queue", "modretailcrm_rate_limit": "0",
        "modretailcrm_log_file": dir.join("api.log"), "modretailcrm_sync_statuses": "1,2,3",
        "modretailcrm_webhook_secret": SECRET, "modretailcrm_timeout": "3",
    });
    let settings = IntegrationSettings::parse(settings.as_object().unwrap())
        .unwrap()
        .unwrap();
    Engine::open(settings, None).unwrap()
}

/// The site's statuses: 1 new, 2 prepayed, 3 delivering, 4 complete (not synced).
fn codes() -> Value {
    json!({"1": "new", "2": "prepayed", "3": "delivering", "4": "complete"})
}

fn call(params: &[(&str, &str)]) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        path: "/modretailcrm/webhook".into(),
        post: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        remote_addr: "127.0.0.1".into(),
        ..HttpRequest::default()
    }
}

fn create_order(engine: &Engine, external_id: &str, status: &str) {
    let order = json!({"externalId": external_id, "number": external_id.replace('-', "/"),
        "status": status, "firstName": "Иван"});
    modretailcrm_core::runtime::block_on(
        engine
            .reading_client(std::time::Instant::now() + Duration::from_secs(5))
            .create(Entity::Order, order, None),
    )
    .unwrap()
    .expect("the sandbox takes the order");
}

#[test]
fn the_crms_current_status_decides_not_the_call() {
    let sandbox = sandbox();
    let engine = engine(&sandbox, "webhook-decides");
    create_order(&engine, "2611-7", "new");
    control(&sandbox, "DELETE", "requests", Value::Null);

    // A forged call says complete; the CRM holds new: the site order gets status 1.
    let forged = call(&[
        ("secret", SECRET),
        ("order_id", "2611-7"),
        ("status", "complete"),
    ]);
    let answer = handle(&engine, &forged, &codes()).expect("ours");
    assert_eq!(answer.code, 200, "{answer:?}");
    assert_eq!(
        answer.actions,
        [StatusAction {
            order: "2611/7".into(),
            id: None,
            status: 1
        }]
    );
    assert_eq!(
        answer.body,
        json!({"success": true, "order": "2611/7", "status": 1, "crmStatus": "new"})
    );
    assert_eq!(answer.log, None);
    assert_eq!(
        api_requests(&sandbox),
        ["GET /api/v5/orders/2611-7"],
        "one read, nothing written"
    );

    // The outbox gave the order its externalId: the site order id comes with the action.
    engine.outbox().order_external_id(7, "2611-7").unwrap();
    let answer = handle(&engine, &forged, &codes()).unwrap();
    assert_eq!(answer.actions[0].id, Some(7));
    assert_eq!(answer.body["id"], json!(7));
    let last = last_call(&engine).unwrap().unwrap();
    assert_eq!(last["code"], json!(200));
    assert_eq!(last["order"], json!("2611-7"));
    assert_eq!(
        last["verdict"],
        json!("order 2611/7: the CRM's status new gives site status 1 (the call said complete)")
    );
    assert!(last["at"].as_u64().unwrap() > 0);
}

#[test]
fn refusals_have_their_status_and_reason_and_change_nothing() {
    let sandbox = sandbox();
    let engine = engine(&sandbox, "webhook-refusals");
    create_order(&engine, "2611-8", "complete");
    create_order(&engine, "2611-9", "assembling");
    control(&sandbox, "DELETE", "requests", Value::Null);
    let refused = |params: &[(&str, &str)], code: u16, reason: &str| {
        let answer = handle(&engine, &call(params), &codes()).expect("ours");
        assert_eq!(answer.code, code, "{answer:?}");
        assert!(answer.actions.is_empty());
        assert_eq!(answer.body["success"], json!(false));
        let message = answer.body["errorMsg"].as_str().unwrap();
        assert!(message.contains(reason), "{message}");
        let log = answer.log.unwrap();
        assert!(log.contains("127.0.0.1") && log.contains(reason), "{log}");
        assert!(!log.contains(SECRET), "{log}");
    };
    refused(&[("order_id", "2611-8")], 403, "secret");
    refused(
        &[("order_id", "2611-8"), ("secret", "guess")],
        403,
        "secret",
    );
    assert_eq!(
        api_requests(&sandbox),
        Vec::<String>::new(),
        "nothing read for a refused call"
    );
    refused(
        &[("order_id", "9999-1"), ("secret", SECRET)],
        404,
        "no order with externalId 9999-1",
    );
    // complete is held by status 4, which is not synced; assembling by none.
    refused(
        &[("order_id", "2611-8"), ("secret", SECRET)],
        422,
        "\"complete\"",
    );
    refused(
        &[("order_id", "2611-9"), ("secret", SECRET)],
        422,
        "\"assembling\"",
    );
    let last = last_call(&engine).unwrap().unwrap();
    assert_eq!(last["code"], json!(422));

    // Two synced statuses hold one code: refused, both named.
    let twice = json!({"1": "new", "2": "new"});
    let answer = handle(
        &engine,
        &call(&[("order_id", "2611-7"), ("secret", SECRET)]),
        &twice,
    );
    assert_eq!(answer.unwrap().code, 404, "2611-7 is not in this sandbox");
    create_order(&engine, "2611-7", "new");
    let answer = handle(
        &engine,
        &call(&[("order_id", "2611-7"), ("secret", SECRET)]),
        &twice,
    );
    let answer = answer.unwrap();
    assert_eq!(answer.code, 422);
    assert!(answer.body["errorMsg"].as_str().unwrap().contains("[1, 2]"));

    // The CRM down while checking: 503.
    control(&sandbox, "POST", "faults", json!({"mode": "reset"}));
    let answer = handle(
        &engine,
        &call(&[("order_id", "2611-7"), ("secret", SECRET)]),
        &codes(),
    );
    control(&sandbox, "DELETE", "faults", Value::Null);
    let answer = answer.unwrap();
    assert_eq!(answer.code, 503, "{answer:?}");
    assert!(answer.actions.is_empty());

    // Not a webhook call: nothing kept, nothing answered.
    let mut page = call(&[("order_id", "2611-7"), ("secret", SECRET)]);
    page.path = "/catalog/".into();
    assert_eq!(handle(&engine, &page, &codes()), None);
}
