//! Tests of the outbox on real SQLite files in a temporary folder. Time is simulated: every
//! call gets its `now` from the test.

mod breaker;
mod concurrency;
mod destination;
mod failures;
mod fairness;
mod history_entries;
mod inbound_state;
mod once;
mod open;
mod order;
mod order_ids;
mod privacy;
mod ratelimit;
mod refusals;
mod timing;
mod unmapped;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use super::{Claimed, NewRecord, Outbox, OutboxSettings};

/// A folder removed when the test ends (the sync tests use it too).
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "modretailcrm-outbox-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create the test folder");
        TempDir(path)
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Backoff from 1 s doubling up to 8 s.
pub(super) fn settings() -> OutboxSettings {
    OutboxSettings {
        backoff_base: Duration::from_secs(1),
        backoff_cap: Duration::from_secs(8),
        ..OutboxSettings::default()
    }
}

pub(super) fn open(path: &Path) -> Outbox {
    Outbox::open_with(path, settings()).expect("open the outbox")
}

/// The simulated time `millis` after the start of a test.
pub(super) fn at(millis: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000) + Duration::from_millis(millis)
}

pub(super) fn record(kind: &str, key: &str, depends_on: &[&str]) -> NewRecord {
    NewRecord {
        kind: kind.into(),
        entity_key: key.into(),
        payload: json!({"kind": kind, "key": key}),
        depends_on: depends_on.iter().map(|key| key.to_string()).collect(),
        destination: None,
    }
}

/// Enqueues `record` at `now` and returns its id.
pub(super) fn put(outbox: &Outbox, record: &NewRecord, now: SystemTime) -> i64 {
    outbox.enqueue(record, now).expect("enqueue")
}

/// Claims everything due at `now` for `worker` with a 30 s lease.
pub(super) fn claim(outbox: &Outbox, worker: &str, now: SystemTime) -> Vec<Claimed> {
    outbox
        .claim(worker, now, Duration::from_secs(30), 100)
        .expect("claim")
}

pub(super) fn ids(claimed: &[Claimed]) -> Vec<i64> {
    claimed.iter().map(|record| record.id).collect()
}

/// Runs a child process's part of a multi-process test when this test binary was started
/// by one of those tests (see [`concurrency::spawn_child`]); does nothing otherwise.
#[test]
fn child_process() {
    concurrency::run_child();
}
