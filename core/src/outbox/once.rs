//! Enqueueing a change once: a record whose entity key the outbox already holds (pending,
//! dead or delivered and not purged yet) is not written again. A form submitted twice with
//! the same content within a minute has one key (see `mapping::form`), so it is one record.
//!
//! The look-up and the insert are one write transaction, so two processes submitting the
//! same key at the same moment still write one record. The query is plain SQL (no SQLite
//! extension), the same on any backend. It reads the key's records without an index on
//! delivered ones (the partial `records_key_open` index skips them): a scan of the file's
//! records, which forms (rare, one at a time) can afford.

use std::time::SystemTime;

use rusqlite::OptionalExtension;

use super::clock::to_millis;
use super::error::Result;
use super::store::{NewRecord, Outbox, check, insert};

/// What [`Outbox::enqueue_once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// The record was written; its id.
    New(i64),
    /// A record of the same entity key was there already (its id): nothing was written.
    Existing(i64),
}

impl Enqueued {
    /// The id of the record that stands for the change.
    pub fn id(self) -> i64 {
        match self {
            Enqueued::New(id) | Enqueued::Existing(id) => id,
        }
    }
}

impl Outbox {
    /// Writes `record` unless the outbox holds a record of its entity key already (in any
    /// state); durable when this returns.
    pub fn enqueue_once(&self, record: &NewRecord, now: SystemTime) -> Result<Enqueued> {
        check(record)?;
        let payload = record.payload.to_string();
        self.write(|tx| {
            let existing: Option<i64> = tx
                .prepare_cached("SELECT id FROM records WHERE entity_key = ?1 ORDER BY id LIMIT 1")?
                .query_row([&record.entity_key], |row| row.get(0))
                .optional()?;
            Ok(match existing {
                Some(id) => Enqueued::Existing(id),
                None => Enqueued::New(insert(tx, record, &payload, to_millis(now))?),
            })
        })
    }
}
