//! Enqueueing a change once: a record whose entity key the outbox already holds (pending,
//! dead or delivered and not purged yet) is not written again. A form submitted twice with
//! the same content within a minute has one key (see `mapping::form`), so it is one record.
//!
//! The key is looked for among all records (through `records_key`, every state, see
//! `schema.rs` version 7) inside the write transaction that inserts the record, so two
//! processes submitting the same key at the same moment write one record. Plain SQL, the
//! same on any backend.

use std::time::SystemTime;

use super::clock::to_millis;
use super::db::{Tx, args};
use super::error::{Failure, Result};
use super::store::{NewRecord, Outbox, check, insert};

/// Any record of the key.
pub(super) const ANY: &str = "SELECT id FROM {records} WHERE entity_key = ? LIMIT 1";

/// What [`Outbox::enqueue_once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// The record was written; its id.
    New(i64),
    /// A record of the same entity key was there already (its id): nothing was written.
    Existing(i64),
}

impl Outbox {
    /// Writes `record` unless the outbox holds a record of its entity key already (in any
    /// state); durable when this returns.
    pub fn enqueue_once(&self, record: &NewRecord, now: SystemTime) -> Result<Enqueued> {
        check(record)?;
        let key = record.entity_key.as_str();
        let payload = record.payload.to_string();
        self.write(|tx| {
            Ok(match first(tx, key)? {
                Some(id) => Enqueued::Existing(id),
                None => Enqueued::New(insert(tx, record, &payload, to_millis(now))?),
            })
        })
    }
}

/// The id of a record of `key`, if any.
fn first(tx: &mut dyn Tx, key: &str) -> Result<Option<i64>, Failure> {
    match tx.query_opt(ANY, args![key])? {
        Some(row) => Ok(Some(row.int(0)?)),
        None => Ok(None),
    }
}
