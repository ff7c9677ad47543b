//! Handing due records to workers, each under a lease.

use std::time::{Duration, SystemTime};

use rusqlite::{named_params, params};
use serde_json::Value;

use super::clock::{duration_millis, from_millis, to_millis};
use super::destination::{Destination, for_destination};
use super::error::{OutboxError, Result};
use super::lease;
use super::store::Outbox;

/// The records that may go now, soonest due first.
///
/// A record is eligible when it is pending, due, not leased, the oldest undelivered record
/// of its key, and every record of the keys it depends on that was enqueued before it (lower
/// id) is delivered. A dead record counts as undelivered, so it blocks its own key and the
/// records that depend on that key, and nothing else. Ids, not creation times, decide what
/// came first: they follow the order of the transactions that wrote the records, whatever
/// the processes' clocks say.
///
/// With a destination (`:url`, `:site`, `:key`, see `destination.rs`), only its records, and
/// those queued for no CRM in particular, are eligible; with NULLs, any record.
///
/// The outer scan walks `records_due` from the oldest due time and stops at `:now` (named
/// explicitly: without statistics SQLite would rather scan `records_state`); each check is an
/// index probe (`records_key_open`, the primary key of `record_deps`).
pub(super) const ELIGIBLE: &str = concat!(
    "
    SELECT r.id FROM records AS r INDEXED BY records_due
     WHERE r.state = 'pending'
       AND r.next_attempt_at <= :now
       AND (r.lease_until IS NULL OR r.lease_until <= :now)
       AND ",
    for_destination!(),
    "
       AND NOT EXISTS (
           SELECT 1 FROM records AS e
            WHERE e.entity_key = r.entity_key AND e.state <> 'delivered' AND e.id < r.id)
       AND NOT EXISTS (
           SELECT 1 FROM record_deps AS d
             JOIN records AS e
               ON e.entity_key = d.entity_key AND e.state <> 'delivered' AND e.id < r.id
            WHERE d.record_id = r.id)
     ORDER BY r.next_attempt_at, r.id
     LIMIT :limit"
);

/// Leases one record: counts the attempt, pushes its due time to the end of the lease (so
/// it is not looked at while leased, and is due again if the worker never reports), and
/// notes on it when a previous worker's lease ran out without a report.
const TAKE: &str = "
    UPDATE records
       SET attempts = attempts + 1,
           lease_gen = lease_gen + 1,
           last_error = CASE WHEN lease_owner IS NULL THEN last_error
               ELSE 'worker ' || lease_owner || ' did not report before its lease ran out' END,
           last_error_at = CASE WHEN lease_owner IS NULL THEN last_error_at ELSE ?4 END,
           lease_owner = ?2,
           lease_until = ?3,
           next_attempt_at = ?3
     WHERE id = ?1
    RETURNING kind, entity_key, payload, created_at, attempts, lease_gen, last_error";

/// A record leased to a worker, to be delivered and then reported with
/// [`Outbox::ack`], [`Outbox::retry_later`] or [`Outbox::dead_letter`].
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    /// The record's id.
    pub id: i64,
    /// What to do (`order.create` …).
    pub kind: String,
    /// The entity changed (`order:2311-12` …).
    pub entity_key: String,
    /// What to send.
    pub payload: Value,
    /// When the record was enqueued.
    pub created_at: SystemTime,
    /// How many times the record has been handed to a worker, this time included. A worker
    /// that died holding it counts too.
    pub attempts: u32,
    /// The error of the previous attempt, if any.
    pub last_error: Option<String>,
    /// The worker holding the lease.
    pub lease_owner: String,
    /// When the lease runs out: past it another worker may claim the record.
    pub lease_until: SystemTime,
    /// The lease's fencing token: which lease of the record this is.
    pub(super) generation: i64,
}

impl Outbox {
    /// Leases up to `limit` eligible records to `worker` until `now + lease` and returns
    /// them, soonest due first (see the eligibility rules in the module documentation).
    ///
    /// The choice and the leases are one `BEGIN IMMEDIATE` transaction, so two workers never
    /// get the same record. A record whose lease runs out unreported becomes claimable again;
    /// its first worker can then no longer report on it. A record whose stored payload is
    /// not JSON is dead-lettered on the spot instead of being returned.
    pub fn claim(
        &self,
        worker: &str,
        now: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>> {
        self.claim_for(worker, None, now, lease, limit)
    }

    /// [`Outbox::claim`], limited to the records queued for `destination` (and those queued
    /// for no CRM in particular) when it is given: a shop's flush never takes another shop's
    /// records from a shared file (see [`Destination`] for what counts as the same CRM).
    pub fn claim_for(
        &self,
        worker: &str,
        destination: Option<&Destination>,
        now: SystemTime,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<Claimed>> {
        if worker.is_empty() {
            return Err(OutboxError::Invalid("the worker name is empty".into()));
        }
        let now = to_millis(now);
        let until = now.saturating_add(duration_millis(lease));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.write(|tx| {
            let ids = tx
                .prepare_cached(ELIGIBLE)?
                .query_map(
                    named_params! {
                        ":now": now,
                        ":limit": limit,
                        ":url": destination.map(|d| &d.url),
                        ":site": destination.map(|d| &d.site),
                        ":key": destination.map(|d| &d.key_fingerprint),
                    },
                    |row| row.get::<_, i64>(0),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut take = tx.prepare_cached(TAKE)?;
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                let (kind, entity_key, payload, created_at, attempts, generation, last_error) =
                    take.query_row(params![id, worker, until, now], |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, i64>(3)?,
                            row.get::<_, u32>(4)?,
                            row.get::<_, i64>(5)?,
                            row.get::<_, Option<String>>(6)?,
                        ))
                    })?;
                match serde_json::from_str(&payload) {
                    Ok(payload) => claimed.push(Claimed {
                        id,
                        kind,
                        entity_key,
                        payload,
                        created_at: from_millis(created_at),
                        attempts,
                        last_error,
                        lease_owner: worker.to_string(),
                        lease_until: from_millis(until),
                        generation,
                    }),
                    Err(error) => {
                        let message = format!("the stored payload is not valid JSON: {error}");
                        lease::bury(tx, id, generation, &message, None, now)?;
                    }
                }
            }
            Ok(claimed)
        })
    }
}
