//! Enqueueing a change once: a record whose entity key the outbox already holds (pending,
//! dead or delivered and not purged yet) is not written again. A form submitted twice with
//! the same content within a minute has one key (see `mapping::form`), so it is one record.
//!
//! Delivered records have no index on their key (`records_key_open` leaves them out), so the
//! key is first looked for among all records in a read transaction, which holds up no
//! writer (a scan: 100,000 delivered records took 46 ms in a debug build on a loaded
//! machine; inside the write lock it would hold up every enqueue of the shop that long).
//! Then, in the write transaction, the key's undelivered records are looked for again
//! through the index before the insert, so two processes submitting the same key at the same
//! moment still write one record. (A record of the key that one of them inserts and
//! delivers between the other's two looks would be missed: a lead sent twice — for an order
//! or a customer, the CRM refuses the second `externalId`.) Plain SQL, the same on any
//! backend.

use std::time::SystemTime;

use super::clock::to_millis;
use super::db::{Tx, args};
use super::error::{Failure, Result};
use super::store::{NewRecord, Outbox, check, insert};

/// Any record of the key.
const ANY: &str = "SELECT id FROM {records} WHERE entity_key = ? LIMIT 1";

/// An undelivered record of the key (through the `records_key_open` index).
const UNDELIVERED: &str =
    "SELECT id FROM {records} WHERE entity_key = ? AND state <> 'delivered' LIMIT 1";

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
        if let Some(id) = self.read(|tx| first(tx, ANY, key))? {
            return Ok(Enqueued::Existing(id));
        }
        let payload = record.payload.to_string();
        self.write(|tx| {
            Ok(match first(tx, UNDELIVERED, key)? {
                Some(id) => Enqueued::Existing(id),
                None => Enqueued::New(insert(tx, record, &payload, to_millis(now))?),
            })
        })
    }
}

/// The id `sql` finds for `key`, if any.
fn first(tx: &mut dyn Tx, sql: &str, key: &str) -> Result<Option<i64>, Failure> {
    match tx.query_opt(sql, args![key])? {
        Some(row) => Ok(Some(row.int(0)?)),
        None => Ok(None),
    }
}
