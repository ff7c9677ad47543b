//! Benchmark: `Outbox::enqueue_once` (a form's submission) on a SQLite outbox that keeps N
//! delivered records (default 100,000: a busy shop's week), for new keys and for keys it
//! holds. The delivered records are written straight into the file, as delivery leaves
//! them. Prints p50, p99 and max of 200 calls each.
//! Usage: `cargo bench -p modretailcrm-core --bench enqueue_once [-- N]`

use std::path::Path;
use std::time::{Instant, SystemTime};

use modretailcrm_core::outbox::{NewRecord, Outbox};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let delivered: u64 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("enqueue-once-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run(&dir.join("outbox.sqlite"), delivered);
    std::fs::remove_dir_all(&dir)?;
    result
}

/// Fills the outbox at `path` and times the two kinds of calls.
fn run(path: &Path, delivered: u64) -> Result<(), Box<dyn std::error::Error>> {
    drop(Outbox::open(path)?);
    rusqlite::Connection::open(path)?.execute(
        "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO records (kind, entity_key, payload, created_at, state, delivered_at)
         SELECT 'order.create', 'order:form-' || i, '{}', 1, 'delivered', 2 FROM n",
        [i64::try_from(delivered)?],
    )?;
    let outbox = Outbox::open(path)?;
    println!("enqueue_once on a SQLite outbox with {delivered} delivered records, 200 calls each:");
    for (what, key) in [
        ("a new key", "order:new-"),
        ("a delivered record's key", "order:form-"),
    ] {
        let mut millis = Vec::new();
        for i in 1..=200 {
            let record = NewRecord {
                kind: "order.create".into(),
                entity_key: format!("{key}{i}"),
                payload: serde_json::json!({}),
                depends_on: Vec::new(),
                destination: None,
            };
            let start = Instant::now();
            outbox.enqueue_once(&record, SystemTime::now())?;
            millis.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        millis.sort_by(f64::total_cmp);
        println!(
            "  {what:<26} p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
            millis[99], millis[197], millis[199]
        );
    }
    Ok(())
}
