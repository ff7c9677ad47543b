//! The fence of a delivery, against the CRM sandbox: a worker whose record another worker took
//! over while the CRM was slow sends nothing more for it — the delivery lock aside (it keeps
//! workers of one site apart; the fence holds whatever happens to the lock).

mod common;

use std::time::{Duration, SystemTime};

use modretailcrm_core::config::IntegrationSettings;
use modretailcrm_core::outbox::Outbox;
use modretailcrm_core::runtime::block_on;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::engine::{Engine, LockWait};
use serde_json::{Value, json};

use common::{SANDBOX_KEY, control, sandbox};

#[test]
fn a_worker_whose_record_was_taken_over_sends_nothing_more_for_it() {
    let sandbox = sandbox();
    let dir = std::env::temp_dir().join(format!("modretailcrm-fence-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let queue = dir.join("outbox.sqlite");
    let settings = json!({
        "modretailcrm_url": sandbox.url(), "modretailcrm_apiKey": SANDBOX_KEY,
        "modretailcrm_siteCode": "shop", "modretailcrm_queue_path": queue,
        "modretailcrm_send_mode": "queue", "modretailcrm_rate_limit": "0",
        "modretailcrm_log_file": dir.join("api.log"),
    });
    let settings = IntegrationSettings::parse(settings.as_object().unwrap())
        .unwrap()
        .unwrap();
    let engine = Engine::open(settings, None).unwrap();
    // The order's customer is missing: the delivery needs three requests, the first is slow.
    let order = json!({"externalId": "fence-1", "customer": {"externalId": "17"}, "firstName": "Иван",
        "items": [{"offer": {"externalId": "5"}, "productName": "Чайник", "initialPrice": 1000, "quantity": 1}]});
    engine
        .enqueue(&Change::parse("order.create", order).unwrap())
        .unwrap();
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "delay", "delay_ms": 1500, "count": 1}),
    );
    let slow = std::thread::spawn(move || {
        block_on(engine.flush(Duration::from_secs(30), None, LockWait::Skip))
            .unwrap()
            .unwrap()
    });
    let sent = || {
        control(&sandbox, "GET", "requests", Value::Null)["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["path"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    while sent().is_empty() {
        std::thread::yield_now();
    }
    // Meanwhile another worker takes the record over (its clock says the lease ran out).
    let other = Outbox::open(&queue).unwrap();
    let later = SystemTime::now() + Duration::from_secs(3600);
    let taken = other
        .claim("other-worker", later, Duration::from_secs(60), 1)
        .unwrap();
    assert_eq!(taken.len(), 1, "taken over");
    let report = slow.join().unwrap();
    assert_eq!(
        (report.delivered, report.retried, report.dead),
        (0, 0, 0),
        "the first worker reports nothing on a record no longer its own: {report:?}"
    );
    assert_eq!(
        sent(),
        ["/api/v5/orders/create"],
        "no customer, no second create from the first worker"
    );
    let state = control(&sandbox, "GET", "state", Value::Null);
    assert_eq!(state["customers"], json!([]), "{state}");
    let _ = std::fs::remove_dir_all(&dir);
}
