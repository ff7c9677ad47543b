//! How long `enqueue` takes, the time a shop event adds to the request in deferred mode.

use std::time::{Duration, Instant, SystemTime};

use serde_json::json;

use super::{TempDir, open};
use crate::outbox::NewRecord;

/// Prints the median and p99 of `enqueue` over 10,000 order-sized records. Run it with
/// `cargo test --release --lib outbox::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore = "prints figures; run by hand"]
fn enqueue_timing() {
    let dir = TempDir::new("timing");
    let outbox = open(&dir.file("outbox.sqlite"));
    let items: Vec<_> = (0..5)
        .map(|n| {
            json!({"offer": {"externalId": format!("sku-{n}")}, "quantity": 2,
                        "initialPrice": 1500.5, "productName": "T-Shirt, blue, XL"})
        })
        .collect();
    let mut times: Vec<Duration> = (0..10_000)
        .map(|n| {
            let record = NewRecord {
                kind: "order.create".into(),
                entity_key: format!("order:{n}"),
                payload: json!({
                    "externalId": n.to_string(), "number": format!("2311-{n}"),
                    "customer": {"externalId": (n % 500).to_string()},
                    "email": "buyer@example.com", "phone": "+7 900 000-00-00",
                    "items": items, "delivery": {"code": "courier", "cost": 300,
                    "address": {"text": "Moscow, Tverskaya 1"}},
                }),
                depends_on: vec![format!("customer:{}", n % 500)],
                destination: None,
            };
            let start = Instant::now();
            outbox.enqueue(&record, SystemTime::now()).expect("enqueue");
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |fraction: f64| times[((times.len() - 1) as f64 * fraction) as usize];
    println!(
        "enqueue, {} records: median {:?}, p99 {:?}, max {:?}",
        times.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
