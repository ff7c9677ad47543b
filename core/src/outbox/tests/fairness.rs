//! Writers queue for the outbox's write lock instead of racing SQLite's busy handler: with
//! SQLite's own wait switched off entirely, eight enqueuing handles and a delivering one
//! still never see "busy", and every record is there exactly once. On MySQL the writers
//! queue for the write-lock row, with the same outcome.

use std::collections::BTreeSet;
use std::time::Duration;

use super::super::{Outbox, OutboxError, OutboxSettings};
use super::{Store, TempDir, at, each_backend, record, settings};

const ENQUEUERS: usize = 8;
const EACH: usize = 60;

/// SQLite's busy handler off: any wait left to SQLite fails at once.
fn no_busy_wait() -> OutboxSettings {
    OutboxSettings {
        busy_timeout: Duration::ZERO,
        ..settings()
    }
}

/// Enqueues `EACH` records of its own keys on its own handle; answers the failures.
fn enqueue_all(store: &Store, writer: usize) -> Vec<OutboxError> {
    let outbox = store.open_with(no_busy_wait());
    (0..EACH)
        .filter_map(|n| {
            let key = format!("order:{writer}-{n}");
            outbox
                .enqueue(&record("order.create", &key, &[]), at(0))
                .err()
        })
        .collect()
}

/// Claims and acknowledges `rounds` times on its own handle; answers how many it delivered
/// and the failures.
fn deliver(store: &Store, rounds: usize) -> (usize, Vec<OutboxError>) {
    let outbox = store.open_with(no_busy_wait());
    let (mut delivered, mut failures) = (0, Vec::new());
    for _ in 0..rounds {
        match outbox.claim("deliverer", at(1), Duration::from_secs(30), 5) {
            Ok(batch) => {
                for claimed in batch {
                    match outbox.ack(&claimed, None, at(1)) {
                        Ok(()) => delivered += 1,
                        Err(error) => failures.push(error),
                    }
                }
            }
            Err(error) => failures.push(error),
        }
    }
    (delivered, failures)
}

#[test]
fn enqueuers_and_a_deliverer_never_fail_busy_and_lose_nothing() {
    each_backend("fair", enqueue_and_deliver_at_once);
}

/// Eight handles enqueue while another delivers, on `store`.
fn enqueue_and_deliver_at_once(store: &Store) {
    drop(store.open_with(no_busy_wait()));

    let (enqueue_failures, (delivered, delivery_failures)) = std::thread::scope(|scope| {
        let enqueuers: Vec<_> = (0..ENQUEUERS)
            .map(|writer| scope.spawn(move || enqueue_all(store, writer)))
            .collect();
        let deliverer = scope.spawn(|| deliver(store, 100));
        let failures: Vec<OutboxError> = enqueuers
            .into_iter()
            .flat_map(|handle| handle.join().expect("enqueuer"))
            .collect();
        (failures, deliverer.join().expect("deliverer"))
    });
    assert!(
        enqueue_failures.is_empty(),
        "{} enqueues failed: {:?}",
        enqueue_failures.len(),
        enqueue_failures.first()
    );
    assert!(
        delivery_failures.is_empty(),
        "{} claims/acks failed: {:?}",
        delivery_failures.len(),
        delivery_failures.first()
    );

    // Every record exactly once: what was delivered plus what is left.
    let outbox = store.open();
    let status = outbox.status(at(2)).expect("status");
    assert_eq!(status.delivered, delivered as u64);
    assert_eq!(status.delivered + status.pending, (ENQUEUERS * EACH) as u64);
    let left = outbox
        .claim("checker", at(2), Duration::from_secs(30), ENQUEUERS * EACH)
        .expect("claim the rest");
    let keys: BTreeSet<_> = left.iter().map(|r| r.entity_key.clone()).collect();
    assert_eq!(keys.len(), left.len(), "no record twice");
    assert_eq!(left.len() as u64, status.pending);
}

/// Enqueues leave the copy of the WAL into the database file to the deliveries: the file
/// does not grow while records are queued, and does once a delivery checkpoints.
#[test]
fn enqueues_leave_the_checkpoint_to_the_deliveries() {
    let dir = TempDir::new("checkpoint");
    let path = dir.file("outbox.sqlite");
    let outbox = Outbox::open_with(&path, settings()).expect("open");
    let size = || std::fs::metadata(&path).expect("the file").len();
    let empty = size();
    for n in 0..300 {
        let key = format!("order:{n}");
        outbox
            .enqueue(&record("order.create", &key, &[]), at(0))
            .expect("enqueue");
    }
    assert_eq!(size(), empty, "no enqueue copied pages into the file");
    outbox.checkpoint().expect("checkpoint");
    assert!(size() > empty, "the delivery's checkpoint did");
    assert_eq!(outbox.status(at(1)).expect("status").pending, 300);
}
