//! Many threads and processes on one outbox (a file, or a database as web nodes share it):
//! every record delivered exactly once, in order.
//!
//! A multi-process test starts this very test binary again with the `child_process` test
//! selected and its role in the environment; the child reports what it did on stdout.

use std::collections::BTreeMap;
use std::env;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde_json::json;

use super::ratelimit::take_for;
use super::{Store, each_backend};
use crate::outbox::{NewRecord, Outbox};

const ROLE: &str = "MODRETAILCRM_OUTBOX_TEST_ROLE";
const NAME: &str = "MODRETAILCRM_OUTBOX_TEST_NAME";
const TOTAL: &str = "MODRETAILCRM_OUTBOX_TEST_TOTAL";
/// Starts each line a child reports.
const MARK: &str = "outbox-test-report";

const THREADS: usize = 4;
const PROCESSES: usize = 3;
const PER_WORKER: usize = 40;
const TOTAL_RECORDS: usize = (THREADS + PROCESSES) * PER_WORKER;

/// What a child process does.
#[derive(Debug, Clone, Copy)]
pub(super) enum Role {
    /// Enqueue and deliver records: [`work`].
    Worker,
    /// Take rate-limit tokens over 2 s of simulated time.
    Tokens,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Tokens => "tokens",
        }
    }
}

/// Starts this test binary as a child playing `role` on the outbox of `store`.
pub(super) fn spawn_child(role: Role, store: &Store, name: &str) -> Child {
    Command::new(env::current_exe().expect("the test binary"))
        .args([
            "outbox::tests::child_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role.name())
        .envs(store.env())
        .env(NAME, name)
        .env(TOTAL, TOTAL_RECORDS.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a child process")
}

/// Waits for a child and returns what it reported: (what, number) pairs.
pub(super) fn wait_child(child: Child) -> Vec<(String, i64)> {
    let output = child.wait_with_output().expect("wait for the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reports: Vec<(String, i64)> = stdout
        .lines()
        // libtest prints the test's name on the line where the first report starts.
        .filter_map(|line| line.split_once(MARK))
        .map(|(_, report)| {
            let (what, number) = report.trim().split_once(' ').expect("a report");
            (what.to_string(), number.parse().expect("a number"))
        })
        .collect();
    assert!(
        stdout.contains("1 passed"),
        "the child test did not run: {stdout}"
    );
    reports
}

/// The child's side, when this process is one (see [`spawn_child`]).
pub(super) fn run_child() {
    let Ok(role) = env::var(ROLE) else {
        return;
    };
    let name = env::var(NAME).expect("the worker name");
    let outbox = Store::open_from_env();
    let mut report = |what: &str, number: i64| println!("{MARK} {what} {number}");
    if role == Role::Worker.name() {
        let total = env::var(TOTAL)
            .expect("the total")
            .parse()
            .expect("a count");
        work(&outbox, &name, total, &mut report);
    } else {
        for time in take_for(&outbox, 2_000) {
            report("token", i64::try_from(time).expect("small"));
        }
    }
}

/// One worker: enqueues its records, delivering what is due after each, then delivers
/// until all `total` records of all workers are delivered. Reports each claim and ack.
fn work(outbox: &Outbox, name: &str, total: u64, report: &mut dyn FnMut(&str, i64)) {
    let lease = Duration::from_secs(600);
    let deadline = Instant::now() + Duration::from_secs(120);
    let deliver = |report: &mut dyn FnMut(&str, i64)| {
        let claimed = outbox
            .claim(name, SystemTime::now(), lease, 3)
            .expect("claim");
        for record in &claimed {
            report("claimed", record.id);
            outbox
                .ack(record, Some(&json!({"by": name})), SystemTime::now())
                .expect("ack");
            report("acked", record.id);
        }
        claimed.len()
    };
    for n in 0..PER_WORKER {
        let (kind, entity_key, depends_on) = match n % 5 {
            0 => ("customer.edit", format!("customer:{}", n % 3), vec![]),
            1 => (
                "order.create",
                format!("order:{}", n % 7),
                vec![format!("customer:{}", n % 3)],
            ),
            _ => ("order.edit", format!("order:{}", n % 7), vec![]),
        };
        let record = NewRecord {
            kind: kind.into(),
            entity_key,
            payload: json!({"by": name, "n": n}),
            depends_on,
            destination: None,
        };
        outbox.enqueue(&record, SystemTime::now()).expect("enqueue");
        deliver(report);
    }
    while outbox.status(SystemTime::now()).expect("status").delivered < total {
        assert!(Instant::now() < deadline, "{name} gave up waiting");
        if deliver(report) == 0 {
            thread::yield_now();
        }
    }
}

#[test]
fn threads_and_processes_deliver_every_record_exactly_once_in_order() {
    each_backend("concurrency", deliver_everything_once);
}

/// Threads and processes enqueue and deliver on `store` at once.
fn deliver_everything_once(store: &Store) {
    // Everyone opens the new file at once: it is created and migrated exactly once.
    let children: Vec<Child> = (0..PROCESSES)
        .map(|n| spawn_child(Role::Worker, store, &format!("process-{n}")))
        .collect();
    let total = u64::try_from(TOTAL_RECORDS).expect("small");
    let shared = store.open();
    let mut reports: Vec<(String, i64)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|n| {
                let shared = &shared;
                scope.spawn(move || {
                    let own;
                    // Two threads share a handle, the others have their own connection.
                    let outbox = if n < 2 {
                        shared
                    } else {
                        own = store.open();
                        &own
                    };
                    let mut seen = Vec::new();
                    let mut report =
                        |what: &str, number: i64| seen.push((what.to_string(), number));
                    work(outbox, &format!("thread-{n}"), total, &mut report);
                    seen
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("worker thread"))
            .collect()
    });
    for child in children {
        reports.extend(wait_child(child));
    }

    let mut claimed = BTreeMap::<i64, usize>::new();
    let mut acked = BTreeMap::<i64, usize>::new();
    for (what, id) in &reports {
        let counts = if what == "claimed" {
            &mut claimed
        } else {
            &mut acked
        };
        *counts.entry(*id).or_default() += 1;
    }
    assert_eq!(claimed.len(), TOTAL_RECORDS);
    assert!(
        claimed.values().all(|&count| count == 1),
        "claimed twice: {claimed:?}"
    );
    assert_eq!(claimed, acked);

    let status = shared.status(SystemTime::now()).expect("status");
    assert_eq!(
        (status.pending, status.delivered, status.dead),
        (0, total, 0)
    );
    let sent_once = store.number("SELECT count(*) FROM {records} WHERE attempts = 1");
    assert_eq!(
        sent_once,
        i64::try_from(TOTAL_RECORDS).expect("small"),
        "each sent once"
    );
    // Each record was delivered no earlier than the records before it of its own key and
    // of the keys it depends on.
    for check in [
        "SELECT count(*) FROM {records} AS r JOIN {records} AS e
            ON e.entity_key = r.entity_key AND e.id < r.id
         WHERE e.delivered_at > r.delivered_at",
        "SELECT count(*) FROM {records} AS r JOIN {record_deps} AS d ON d.record_id = r.id
           JOIN {records} AS e ON e.entity_key = d.entity_key AND e.id < r.id
         WHERE e.delivered_at > r.delivered_at",
    ] {
        assert_eq!(store.number(check), 0, "{check}");
    }
}
