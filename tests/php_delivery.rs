//! How the integration delivers through the real `php` with the real extension, against the
//! CRM sandbox: every HTTP request under the shared rate limit, and delivery after the
//! response on a SAPI that cannot end the response early.

mod common;

use std::time::{Duration, SystemTime};

use common::builtin_server::BuiltInServer;
use common::{RunningSandbox, SANDBOX_KEY, control, run_php_test, sandbox};
use modretailcrm_core::config::IntegrationSettings;
use modretailcrm_core::outbox::Outbox;
use modretailcrm_core::runtime::block_on;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::engine::{Engine, LockWait};
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

/// The API requests the sandbox received since the last call, as `METHOD path status`.
fn take_requests(sandbox: &RunningSandbox) -> Vec<String> {
    let sent = control(sandbox, "GET", "requests", Value::Null)["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            format!(
                "{} {} {}",
                r["method"].as_str().unwrap_or_default(),
                r["path"].as_str().unwrap_or_default(),
                r["status"]
            )
        })
        .collect();
    control(sandbox, "DELETE", "requests", Value::Null);
    sent
}

#[test]
fn without_cron_a_change_that_failed_while_the_crm_was_down_goes_with_a_later_page() {
    let sandbox = sandbox();
    let dir = std::env::temp_dir().join(format!("modretailcrm-no-cron-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a test folder");
    let queue = dir.join("outbox.sqlite");
    // The CRM is down while a customer is saved and its delivery tried.
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "status", "status": 503}),
    );
    let settings = json!({
        "modretailcrm_url": sandbox.url(), "modretailcrm_apiKey": SANDBOX_KEY,
        "modretailcrm_siteCode": "shop", "modretailcrm_queue_path": queue,
        "modretailcrm_send_mode": "queue", "modretailcrm_rate_limit": "0",
        "modretailcrm_retry_delay": "0.001", "modretailcrm_retry_delay_max": "0.001",
        "modretailcrm_log_file": dir.join("api.log"),
    });
    let settings = IntegrationSettings::parse(settings.as_object().expect("an object"))
        .expect("valid settings")
        .expect("active");
    let engine = Engine::open(settings, None).expect("the outbox opens");
    let customer = json!({"externalId": "no-cron-1", "firstName": "Ольга"});
    engine
        .enqueue(&Change::parse("customer.create", customer).expect("a change"))
        .expect("queued");
    let report = block_on(engine.flush(Duration::from_millis(200), None, LockWait::Wait))
        .expect("a runtime")
        .expect("a flush");
    assert!(report.delivered == 0 && report.retried > 0, "{report:?}");
    take_requests(&sandbox);

    let url = sandbox.url();
    let server = BuiltInServer::start(
        "without_cron_router.php",
        &[
            ("CRM_URL", &url),
            ("CRM_KEY", SANDBOX_KEY),
            ("OUTBOX_DIR", dir.to_str().expect("a UTF-8 path")),
        ],
        &dir,
    );
    let pending = || {
        Outbox::open(&queue)
            .expect("the outbox opens")
            .status(SystemTime::now())
            .expect("a status")
            .pending
    };
    // A page; what miniShop2 was asked after it.
    let page = || {
        let page = server.get("/");
        let (_, after) = page.split_once("a page\n").unwrap_or_else(|| {
            panic!("{page}\nserver log:\n{}", server.log());
        });
        after.trim().to_string()
    };
    // A page while the CRM is still down: the work after it tries again, in vain.
    assert_eq!(page(), "miniShop2: []");
    assert!(
        take_requests(&sandbox).contains(&"POST /api/v5/customers/create 503".to_string()),
        "the page's work tried the customer again"
    );
    assert_eq!(pending(), 1);
    // The CRM is back; a page within the same minute leaves the CRM alone.
    control(&sandbox, "DELETE", "faults", Value::Null);
    page();
    assert_eq!(
        take_requests(&sandbox),
        Vec::<String>::new(),
        "once a minute at most"
    );
    // A minute later (the last run moved back a minute), an ordinary page delivers it and
    // starts the history sync at the CRM's latest entry.
    let outbox = Outbox::open(&queue).expect("the outbox opens");
    let a_minute_later = || {
        let (_, last) = outbox
            .inbound_state("history.last_poll")
            .expect("readable")
            .expect("the work ran");
        outbox
            .set_inbound_state("history.last_poll", "", last - Duration::from_secs(61))
            .expect("written");
    };
    a_minute_later();
    page();
    let sent = take_requests(&sandbox);
    assert_eq!(
        sent,
        [
            "POST /api/v5/customers/create 201",
            "GET /api/v5/orders/history 200"
        ],
        "server log:\n{}",
        server.log()
    );
    assert_eq!(pending(), 0);
    let started = outbox.history_cursor().expect("readable").expect("started");
    // The site's order 2611/1 (Paid) reaches the CRM, and a manager ships it there: a page a
    // minute later applies it through miniShop2, and nothing goes back to the CRM.
    let order = json!({"externalId": "2611-1", "firstName": "Ольга"});
    engine
        .enqueue(&Change::parse("order.create", order).expect("a change"))
        .expect("queued");
    let report = block_on(engine.flush(Duration::from_secs(10), None, LockWait::Wait))
        .expect("a runtime")
        .expect("a flush");
    assert_eq!(report.delivered, 1, "{report:?}");
    let shipped = control(
        &sandbox,
        "POST",
        "orders/2611-1/status",
        json!({"status": "delivering"}),
    );
    assert_eq!(shipped["success"], true, "{shipped}");
    take_requests(&sandbox);
    a_minute_later();
    assert_eq!(
        page(),
        "miniShop2: [[1,3]]",
        "server log:\n{}",
        server.log()
    );
    assert_eq!(take_requests(&sandbox), ["GET /api/v5/orders/history 200"]);
    let history = outbox.history_status().expect("readable");
    assert_eq!((history.pending, history.set_aside_count), (0, 0));
    assert!(history.cursor.is_some_and(|cursor| cursor > started));
    assert_eq!(pending(), 0, "nothing queued back for the CRM");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
