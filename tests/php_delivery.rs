//! How the integration delivers through the real `php` with the real extension, against the
//! CRM sandbox: every HTTP request under the shared rate limit, and delivery after the
//! response on a SAPI that cannot end the response early.

mod common;

use std::time::SystemTime;

use common::builtin_server::BuiltInServer;
use common::{RunningSandbox, SANDBOX_KEY, control, run_php_test, sandbox};
use modretailcrm_core::outbox::Outbox;
use serde_json::{Value, json};

#[test]
fn every_request_of_a_delivery_waits_for_the_shared_rate_limit() {
    run_php_test("outbox_paced_requests.php", &sandbox());
}

/// The API requests the sandbox received, as `(path, status)`; `None` while unanswered.
fn requests(sandbox: &RunningSandbox) -> Vec<(String, Option<u64>)> {
    control(sandbox, "GET", "requests", Value::Null)["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default().to_string(),
                r["status"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn without_fastcgi_finish_request_the_visitor_does_not_wait_for_the_crm() {
    let sandbox = sandbox();
    let dir = std::env::temp_dir().join(format!("modretailcrm-deferred-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a test folder");
    let url = sandbox.url();
    let mut server = BuiltInServer::start(
        "deferred_router.php",
        &[
            ("CRM_URL", &url),
            ("CRM_KEY", SANDBOX_KEY),
            ("OUTBOX_DIR", dir.to_str().expect("a UTF-8 path")),
        ],
        &dir,
    );
    // The CRM answers nothing until the fault is cleared.
    control(&sandbox, "POST", "faults", json!({"mode": "blackhole"}));

    let first = server.get("/?order=1");
    assert!(
        first.contains(r#"{"sapi":"cli-server","state":"queued"}"#),
        "{first}"
    );
    // The visitor has the response; the delivery it started is still waiting for the CRM.
    server.wait_until("the delivery's request reaches the CRM", || {
        requests(&sandbox) == [("/api/v5/orders/create".to_string(), None)]
    });
    // A second checkout meanwhile is answered too; the delivery under way takes its order.
    let second = server.get("/?order=2");
    assert!(second.contains(r#""state":"queued""#), "{second}");
    assert_eq!(
        requests(&sandbox),
        [("/api/v5/orders/create".to_string(), None)],
        "the CRM still holds the first request"
    );

    control(&sandbox, "DELETE", "faults", Value::Null);
    let orders = || {
        let state = control(&sandbox, "GET", "state", Value::Null);
        let mut ids: Vec<String> = state["orders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["externalId"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    };
    server.wait_until("both orders reach the CRM", || orders().len() >= 2);
    assert_eq!(orders(), ["800-1", "800-2"], "each order once");
    let created = requests(&sandbox)
        .into_iter()
        .filter(|(path, status)| path == "/api/v5/orders/create" && *status == Some(201))
        .count();
    assert_eq!(created, 2, "{:?}", requests(&sandbox));

    // While a delivery on the thread waits for the CRM, the next request of the process
    // comes in sync mode.
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "blackhole", "count": 1}),
    );
    control(&sandbox, "DELETE", "requests", Value::Null);
    server.get("/?order=3");
    server.wait_until("the third order's request reaches the CRM", || {
        requests(&sandbox) == [("/api/v5/orders/create".to_string(), None)]
    });
    // One delivery at a time per site: a sync send meanwhile queues its change and returns at
    // once, holding no second worker on the CRM; the delivery under way takes it.
    let sync = server.get("/?customer=1");
    assert!(sync.contains(r#""state":"queued""#), "{sync}");
    assert_eq!(
        requests(&sandbox),
        [("/api/v5/orders/create".to_string(), None)],
        "the CRM still holds the thread's request, and nothing else was sent"
    );
    control(&sandbox, "DELETE", "faults", Value::Null);
    server.wait_until("the third order reaches the CRM", || orders().len() >= 3);
    server.wait_until("the sync customer reaches the CRM", || {
        control(&sandbox, "GET", "state", Value::Null)["customers"]
            .as_array()
            .is_some_and(|customers| customers.iter().any(|c| c["externalId"] == "c1"))
    });
    assert_eq!(orders(), ["800-1", "800-2", "800-3"]);

    // The server stops while a delivery waits for the CRM: the process exits cleanly (the
    // module shutdown cancels the delivery and waits for its thread) and the order stays
    // queued for a later delivery.
    control(&sandbox, "POST", "faults", json!({"mode": "blackhole"}));
    control(&sandbox, "DELETE", "requests", Value::Null);
    server.get("/?order=4");
    server.wait_until("the fourth order's request reaches the CRM", || {
        requests(&sandbox) == [("/api/v5/orders/create".to_string(), None)]
    });
    let status = server.interrupt();
    assert!(status.success(), "{status}; server log:\n{}", server.log());
    let outbox = Outbox::open(&dir.join("outbox.sqlite")).expect("the outbox opens");
    let queued = outbox.status(SystemTime::now()).expect("a status");
    assert_eq!((queued.pending, queued.delivered), (1, 4), "{queued:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
