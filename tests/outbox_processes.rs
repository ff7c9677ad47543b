//! The outbox shared by real PHP processes against the CRM sandbox: a worker killed with
//! SIGKILL in the middle of a delivery, eight processes queueing and delivering 1,000
//! orders at once under one shared rate limit, eight processes queueing flat out while two
//! others deliver, one deliverer at a time while the CRM hangs, and a slow CRM that must not
//! let an older change overwrite a newer one.

mod common;

use std::process::Child;
use std::time::{Duration, Instant};

use common::shop::{Shop, requests, state, wait_for_requests};
use common::{RunningSandbox, SandboxConfig, control};
use serde_json::{Value, json};

#[test]
fn a_worker_killed_mid_delivery_loses_nothing_and_duplicates_nothing() {
    let sandbox = RunningSandbox::spawn_blocking(SandboxConfig::default()).unwrap();
    let shop = Shop::new(&sandbox, "kill", json!({"modretailcrm_timeout": "1"}));
    shop.run(&["enqueue", "kill", "2", "17"]);
    // The CRM makes the change, then keeps the answer: the worker is killed while waiting.
    control(
        &sandbox,
        "POST",
        "faults",
        json!({"mode": "late_answer", "delay_ms": 60000}),
    );
    let mut doomed = shop.worker(&["drain", "60"]);
    wait_for_requests(&sandbox, 1);
    doomed.kill().unwrap();
    doomed.wait().unwrap();
    control(&sandbox, "DELETE", "faults", Value::Null);
    assert_eq!(
        state(&sandbox)["customers"].as_array().unwrap().len(),
        1,
        "the CRM made the change"
    );
    // The next cron run delivers everything once the dead worker's lease has run out.
    shop.run(&["drain", "60"]);
    let state = state(&sandbox);
    assert_eq!(
        state["customers"].as_array().unwrap().len(),
        1,
        "no duplicate customer"
    );
    let orders: Vec<_> = state["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["externalId"].clone())
        .collect();
    assert_eq!(orders, vec![json!("kill-1"), json!("kill-2")]);
}

/// A sandbox that allows `rate` requests a second and a shop `name` whose limit is the same.
fn rate_limited_shop(name: &str, rate: u32) -> (RunningSandbox, Shop) {
    let config = SandboxConfig {
        rate_limit_per_second: rate,
        ..SandboxConfig::default()
    };
    let sandbox = RunningSandbox::spawn_blocking(config).unwrap();
    let shop = Shop::new(
        &sandbox,
        name,
        json!({"modretailcrm_rate_limit": rate.to_string(), "modretailcrm_timeout": "10"}),
    );
    (sandbox, shop)
}

#[test]
fn eight_processes_deliver_a_thousand_orders_exactly_once_under_one_rate_limit() {
    const RATE: u32 = 50;
    let (sandbox, shop) = rate_limited_shop("eight", RATE);
    let processes: Vec<Child> = (0..8)
        .map(|p| {
            let (prefix, customer) = (format!("p{p}"), format!("c{p}"));
            let mut enqueue = shop.worker(&["enqueue", &prefix, "125", &customer]);
            assert!(enqueue.wait().unwrap().success());
            shop.worker(&["drain", "150"])
        })
        .collect();
    for process in processes {
        let output = process.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    let state = state(&sandbox);
    let orders = state["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1000, "exactly 1,000 orders");
    let mut ids: Vec<_> = orders
        .iter()
        .map(|o| o["externalId"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1000, "no duplicates");
    assert_eq!(state["customers"].as_array().unwrap().len(), 8);
    for order in orders {
        let n: u32 = order["externalId"]
            .as_str()
            .unwrap()
            .rsplit('-')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let expected = if n.is_multiple_of(5) {
            "assembling"
        } else {
            "new"
        };
        assert_eq!(
            order["status"], expected,
            "the edit went after the create: {order}"
        );
    }
    let refused = requests(&sandbox)
        .iter()
        .filter(|r| r["status"] == 503)
        .count();
    assert!(
        refused <= 5,
        "the shared limit kept the CRM from refusing: {refused} answers were 503"
    );
}

#[test]
fn while_the_crm_hangs_one_worker_delivers_and_the_others_return_at_once() {
    let sandbox = RunningSandbox::spawn_blocking(SandboxConfig::default()).unwrap();
    let shop = Shop::new(&sandbox, "hang", json!({"modretailcrm_timeout": "30"}));
    shop.run(&["enqueue", "hang", "2", "17"]);
    shop.run(&["enqueue", "other", "2", "18"]);
    control(&sandbox, "POST", "faults", json!({"mode": "blackhole"}));
    // A page's delivery after the response meets the hanging CRM and waits on it.
    let hanging = shop.worker(&["flush", "20"]);
    wait_for_requests(&sandbox, 1);
    // The next pages' deliveries return at once, sending nothing: no second worker is held.
    let after = shop.json(&["after"]);
    assert_eq!(after["busy"], true, "{after}");
    assert_eq!(after["delivered"], 0, "{after}");
    // Cron waits for the delivering worker within its budget, then gives up, sending nothing.
    let cron = shop.json(&["flush", "0.3"]);
    assert_eq!(cron["busy"], true, "{cron}");
    assert_eq!(
        requests(&sandbox).len(),
        1,
        "only the first worker tried the CRM"
    );
    control(&sandbox, "DELETE", "faults", Value::Null);
    let first = hanging.wait_with_output().unwrap();
    let first: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(first["retried"], 1, "{first}");
    assert_eq!(first["busy"], false, "{first}");
}

#[test]
fn a_slow_crm_never_lets_an_older_change_overwrite_a_newer_one() {
    let sandbox = RunningSandbox::spawn_blocking(SandboxConfig::default()).unwrap();
    // A lease of 5 s + 2 s; the create takes three requests (order: customer missing,
    // customer, order), two of them slow, 9 s in all.
    let shop = Shop::new(&sandbox, "fence", json!({"modretailcrm_timeout": "5"}));
    shop.run(&["order", "fence-1", "17"]);
    for delay in [1, 4500, 4500] {
        control(
            &sandbox,
            "POST",
            "faults",
            json!({"mode": "delay", "delay_ms": delay, "count": 1}),
        );
    }
    let mut slow = shop.worker(&["flush", "30"]);
    wait_for_requests(&sandbox, 1);
    // A cron run starts once the slow worker's lease has run out (or it is done).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = shop.json(&["status"]);
        if status["in_flight"] == 0 || slow.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the slow worker never ended: {status}"
        );
        std::thread::yield_now();
    }
    let cron = shop.json(&["flush", "30"]);
    assert_eq!(cron["dead"], 0, "{cron}");
    slow.wait().unwrap();
    shop.json(&["flush", "30"]);
    let state = state(&sandbox);
    let orders = state["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "{state}");
    assert_eq!(
        orders[0]["status"], "assembling",
        "the CRM ends at the newest status: {state}"
    );
    let status = shop.json(&["status"]);
    assert_eq!(status["pending"], 0, "{status}");
    assert_eq!(status["dead"], 0, "{status}");
}

#[test]
fn eight_processes_enqueueing_flat_out_beside_two_flushers_lose_and_repeat_nothing() {
    const RATE: u32 = 200;
    const PER_PROCESS: u32 = 100;
    let (sandbox, shop) = rate_limited_shop("flat-out", RATE);
    let count = PER_PROCESS.to_string();
    let enqueuers: Vec<Child> = (0..8)
        .map(|p| shop.worker(&["enqueue", &format!("f{p}"), &count, &format!("c{p}")]))
        .collect();
    let flushers: Vec<Child> = (0..2).map(|_| shop.worker(&["drain", "60"])).collect();
    for process in enqueuers.into_iter().chain(flushers) {
        let output = process.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "a process failed (an enqueue threw?): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The flushers may have found the outbox empty before the last enqueue: one more run.
    let last = shop.run(&["drain", "60"]);
    let last: Value = serde_json::from_str(last.lines().last().unwrap()).unwrap();
    assert_eq!(last["pending"], 0, "{last}");
    assert_eq!(last["dead"], 0, "{last}");

    let orders = 8 * PER_PROCESS as usize;
    let creates: Vec<Value> = requests(&sandbox)
        .into_iter()
        .filter(|r| r["path"].as_str().unwrap_or("").ends_with("/orders/create"))
        .filter(|r| r["status"] != 503)
        .collect();
    let statuses: Vec<&Value> = creates.iter().map(|r| &r["status"]).collect();
    assert_eq!(
        creates.len(),
        orders,
        "each order sent exactly once; answers other than 201: {:?}",
        statuses.iter().filter(|s| **s != 201).collect::<Vec<_>>()
    );
    let state = state(&sandbox);
    let mut ids: Vec<_> = state["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["externalId"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), orders, "every order in the CRM once");
    assert_eq!(state["customers"].as_array().unwrap().len(), 8);

    // In the outbox: every change once, delivered.
    let outbox = rusqlite::Connection::open(shop.dir.join("outbox.sqlite")).unwrap();
    let (total, distinct, delivered): (i64, i64, i64) = outbox
        .query_row(
            "SELECT count(*), count(DISTINCT kind || payload), count(*) FILTER (WHERE state = 'delivered') FROM records",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    let changes = i64::try_from(8 + orders + orders / 5).unwrap();
    assert_eq!((total, distinct, delivered), (changes, changes, changes));
}
