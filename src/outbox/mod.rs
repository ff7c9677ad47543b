//! The durable outbox: every change for the CRM is written here before any network call.
//!
//! One SQLite file (WAL, `synchronous=FULL`, mode 0600) is shared by every PHP worker and
//! cron run of the shop. A shop event [`Outbox::enqueue`]s a record; a worker
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
//! Plain Rust: no PHP, no HTTP. Every time is the caller's `now`, so tests control time.
//!
//! ```no_run
//! use std::time::{Duration, SystemTime};
//! use modretailcrm::outbox::{NewRecord, Outbox};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), modretailcrm::outbox::OutboxError> {
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
mod delivery_lock;
mod destination;
mod error;
mod keys;
mod lease;
mod ops;
mod order_ids;
mod ratelimit;
mod schema;
mod shared;
mod store;

#[cfg(test)]
mod tests;

pub use breaker::{OpenBreaker, Passage};
pub use claim::Claimed;
pub use delivery_lock::{DeliveryLock, HeldLock};
pub use destination::Destination;
pub use error::{OutboxError, Result};
pub use ops::{
    BreakerStatus, DEAD_LETTERS_LISTED, DeadLetter, LastError, OutboxStatus, RetrySelection,
    Unmapped,
};
pub use shared::open_shared;
pub use store::{NewRecord, Outbox, OutboxSettings};
