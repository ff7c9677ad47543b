//! The durable outbox: every change for the CRM is written here before any network call.
//!
//! One SQLite file (WAL, `synchronous=FULL`, mode 0600) is shared by every PHP worker and
//! cron run of the shop; a shop with several web nodes keeps the outbox in its MySQL/MariaDB
//! database instead ([`Outbox::open_mysql`], see `db/mysql.rs`). The rules below are written
//! once, against a transaction of either database (`db/mod.rs`: positional SQL in the subset
//! both speak, the few differences in one place); the schema's migrations give each step for
//! both (`schema.rs`), and [`Outbox::move_undelivered_to`] moves a queue from one to the
//! other. A shop event [`Outbox::enqueue`]s a record; a worker
//! [`Outbox::claim`]s due records under a lease, sends them, and reports each with
//! [`Outbox::ack`], [`Outbox::retry_later`] (passing failure: exponential backoff with
//! jitter) or [`Outbox::dead_letter`] (permanent failure: set aside until
//! [`Outbox::retry`]). [`Outbox::status`], [`Outbox::retry`], [`Outbox::discard`] and
//! [`Outbox::purge`] are for operators; [`Outbox::take_token`] is the rate limit all
//! processes share.
//!
//! What the deliverers of a shop share besides: the [`DeliveryLock`] (one deliverer at a
//! time), the circuit breaker of each CRM ([`Outbox::pass_breaker`], [`Outbox::trip`],
//! [`Outbox::close_breaker`]), the lease renewed before each request
//! ([`Outbox::renew_and_take_token`]); and each record carries its [`Destination`], the CRM
//! it was queued for, so that a flush takes only its own ([`Outbox::claim_for`]).
//!
//! Delivery rules, enforced by [`Outbox::claim`]:
//! - records of one entity key go one at a time, in the order they were enqueued;
//! - a record goes only after every record of the keys it depends on, enqueued before it,
//!   is delivered (an order after its customer);
//! - a dead letter holds back the later records of its key and the records that depend on
//!   its key, and nothing else;
//! - a leased record is not handed to anyone else until the lease runs out; a worker whose
//!   lease ran out and whose record was claimed again cannot report on it any more
//!   ([`OutboxError::LeaseLost`]).
//!
//! Writers take turns, and nobody gives up (issue 10): every write transaction (enqueue,
//! claim, ack, retry, the shared rate limit's token …) first queues for a blocking `flock`
//! on `<outbox>-lock` and only then begins (`BEGIN IMMEDIATE`), see `writelock.rs`. SQLite's
//! own busy handler sleep-polls with growing sleeps; under 8 processes enqueueing flat out it
//! let a writer lose every race for its whole 5 s busy timeout (1 to 8 of 16,000 enqueues
//! failed, and the plugin could only log the lost change) and starved the flusher (1.2–2.9
//! deliveries/s against a 10/s limit). The kernel lock wakes the waiters when it is given
//! back, so a write waits only for other short writes, never for a poll interval, and never
//! fails for waiting; claims and acks get their turns among the enqueues. An enqueue therefore returns
//! with the record on disk, or fails only when the file or the disk does (a damaged file, a
//! full disk, an I/O error). A spill journal for enqueues that cannot get the outbox within a
//! bound was considered and not built: with the queue, no enqueue waits on anything but other
//! short transactions (no write transaction spans a network call: the delivery engine reads
//! a record, sends it, then reports, each a transaction of its own), and the measured waits
//! (see below) stay far below any bound a journal would need. Figures, `benches/outbox_load.sh`
//! on the 2-core development machine (load average 4–6 from other builds), one outbox, the
//! sandbox at 10 requests/s, enqueue latencies in ms, beside the anchor (an fsync'd JSON
//! append under `LOCK_EX` from as many processes, same run):
//!
//! | 8 enqueuers flat out, 100,000 enqueues, 2 flushers | failed | p50 | p99 | p99.9 | max | delivery |
//! |---|---|---|---|---|---|---|
//! | SQLite busy handler (before)                       | 30 | 0.54 | 54.0 | 2,754 | 5,064 | 5.0/s (50%) |
//! | write lock queue (now)                             | 0  | 2.02 | 30.6 | 51.9  | 121   | 10.1/s (101%) |
//! | anchor (now's run)                                 | 0  | 1.02 | 19.3 | 33.8  | 170   | |
//!
//! | 8 enqueuers at 20 changes/s each, 1 flusher | failed | p50 | p99 | p99.9 | max | delivery |
//! |---|---|---|---|---|---|---|
//! | SQLite busy handler (before)                | 0 | 1.15 | 36.5 | 130 | 351 | 10.2/s |
//! | write lock queue (now)                      | 0 | 0.63 | 14.5 | 128 | 133 | 10.2/s |
//! | anchor (now's run)                          | 0 | 0.55 | 6.5  | 12.1 | 15.8 | |
//!
//! The 100,000 enqueues took 203 s before and 59 s now. Smaller automatic checkpoints (100
//! pages instead of SQLite's 1,000, so that the copy a writer does in its turn is shorter)
//! measured no better (paced p50 2.9 ms, p99 43 ms). What did help: enqueues no longer
//! checkpoint at all (the automatic checkpoint is only a backstop at 10,000 pages); the
//! delivering process copies the WAL into the file after each flush with a passive
//! checkpoint, which holds up no writer ([`Outbox::checkpoint`]). Same bench, load average
//! 1.0–1.9, after that change:
//!
//! | scenario | failed | p50 | p99 | p99.9 | max | delivery |
//! |---|---|---|---|---|---|---|
//! | 8 flat out, 100,000 enqueues, 2 flushers | 0 | 1.82 | 6.66 | 18.9 | 60.0 | 10.2/s (102%) |
//! | anchor, same run                         | 0 | 0.85 | 3.28 | 9.43 | 43.2 | |
//! | 8 at 20 changes/s, 1 flusher             | 0 | 0.56 | 4.01 | 6.81 | 7.50 | 10.3/s (103%) |
//! | anchor, same run                         | 0 | 0.34 | 8.18 | 36.0 | 40.2 | |
//!
//! An enqueue is one fsync'd commit; on this machine's disk one fsync of a small append
//! alone takes p50 0.08 ms but p99 3.4 ms, so a p99 below 3 ms is at the disk's own floor.
//! The disk's tail varies from run to run: in four later runs (load 0.2–0.9) the flat-out
//! p99 was 5.8–36 ms (anchor 1.4–19 ms) and the paced p99 1.8–21 ms (anchor 0.9–14.5 ms),
//! with no failure and delivery at 98–103% of the limit in every run. Compare a run with its
//! own anchor. Throughput is the price of fairness: today's build took 25–53 s for the
//! 100,000 flat-out enqueues, the busy handler's 15 s (one writer winning many turns in a
//! row) with one failure and a 4.2 s wait in the same conditions.

//! A file that is not a regular file on disk (`:memory:`, `php://…`, a folder, a FIFO …) is
//! refused on open; a damaged file (cut short: its header counts more pages than it holds;
//! pages overwritten: SQLite reports corruption when it reads them) is kept for reading and
//! refuses every write ([`OutboxError::Damaged`]).
//!
//! Plain Rust: no PHP, no HTTP. Every time is the caller's `now`, so tests control time.
//!
//! ```no_run
//! use std::time::{Duration, SystemTime};
//! use modretailcrm_core::outbox::{NewRecord, Outbox};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), modretailcrm_core::outbox::OutboxError> {
//! let outbox = Outbox::open("/var/www/core/cache/modretailcrm/outbox.sqlite".as_ref())?;
//! outbox.enqueue(
//!     &NewRecord {
//!         kind: "order.create".into(),
//!         entity_key: "order:2311-12".into(),
//!         payload: json!({"externalId": "2311-12"}),
//!         depends_on: vec!["customer:17".into()],
//!         destination: None,
//!     },
//!     SystemTime::now(),
//! )?;
//! for record in outbox.claim("worker-1", SystemTime::now(), Duration::from_secs(30), 10)? {
//!     // … send record.payload …
//!     outbox.ack(&record, None, SystemTime::now())?;
//! }
//! # Ok(())
//! # }
//! ```

mod backoff;
mod breaker;
mod claim;
mod clock;
mod damage;
mod db;
mod delivery_lock;
mod destination;
mod error;
mod history_entries;
mod history_lock;
mod inbound_state;
mod keys;
mod lease;
mod once;
mod ops;
mod order_ids;
mod ratelimit;
mod schema;
mod shared;
mod store;
mod transfer;
mod writelock;

#[cfg(test)]
pub(crate) mod tests;

pub use breaker::{OpenBreaker, Passage};
pub use claim::Claimed;
pub use db::mysql::MysqlTarget;
pub use delivery_lock::{DeliveryLock, HeldLock};
pub use destination::Destination;
pub use error::{OutboxError, Result};
pub use history_entries::{
    Confirmation, HistoryEntry, HistoryStatus, MAX_RETURNS, SET_ASIDE_LISTED, SetAsideEntry,
    Settlement,
};
pub use history_lock::HistoryLock;
pub use once::Enqueued;
pub use ops::{
    BreakerStatus, DEAD_LETTERS_LISTED, DeadLetter, LastError, OutboxStatus, RetrySelection,
    Unmapped,
};
pub use shared::{open_shared, open_shared_mysql};
pub use store::{NewRecord, Outbox, OutboxSettings};
pub use transfer::Moved;
