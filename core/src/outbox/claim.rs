//! Handing due records to workers, each under a lease.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::clock::{duration_millis, from_millis, to_millis};
use super::db::{Arg, args};
use super::destination::{Destination, for_destination};
use super::error::{OutboxError, Result};
use super::lease;
use super::store::{Outbox, Store};

/// The records that may go now, soonest due first.
///
/// A record is eligible when it is pending, due, not leased, the oldest undelivered record
/// of its key, and every record of the keys it depends on that was enqueued before it (lower
/// id) is delivered. A dead record counts as undelivered, so it blocks its own key and the
/// records that depend on that key, and nothing else. Ids, not creation times, decide what
/// came first: they follow the order of the transactions that wrote the records (writers
/// take turns on both backends), whatever the processes' clocks say.
///
/// Parameters: now, now, the destination's site, site, address and key fingerprint (see
/// `destination.rs`; with NULLs, any record), then the limit.
///
/// On SQLite the outer scan walks `records_due` from the oldest due time and stops at `now`
/// (named explicitly: without statistics SQLite would rather scan `records_state`); each
/// check is an index probe (`records_key_open`, the primary key of `record_deps`).
pub(super) const ELIGIBLE: &str = concat!(
    "
    SELECT r.id FROM {records} AS r {indexed_by:records_due}
     WHERE r.state = 'pending'
       AND r.next_attempt_at <= ?
       AND (r.lease_until IS NULL OR r.lease_until <= ?)
       AND ",
    for_destination!(),
    "
       AND NOT EXISTS (
           SELECT 1 FROM {records} AS e
            WHERE e.entity_key = r.entity_key AND e.state <> 'delivered' AND e.id < r.id)
       AND NOT EXISTS (
           SELECT 1 FROM {record_deps} AS d
             JOIN {records} AS e
               ON e.entity_key = d.entity_key AND e.state <> 'delivered' AND e.id < r.id
            WHERE d.record_id = r.id)
     ORDER BY r.next_attempt_at, r.id
     LIMIT ?"
);

/// Leases one record: counts the attempt, pushes its due time to the end of the lease (so
/// it is not looked at while leased, and is due again if the worker never reports), and
/// notes on it when a previous worker's lease ran out without a report. Parameters: now,
/// the worker, the lease's end (twice), the record, now. The conditions repeat the claim's,
/// so that on a server without `SKIP LOCKED` a record another node took meanwhile is left
/// alone (no row changed).
const TAKE: &str = "
    UPDATE {records}
       SET attempts = attempts + 1,
           lease_gen = lease_gen + 1,
           last_error = CASE WHEN lease_owner IS NULL THEN last_error
               ELSE concat('worker ', lease_owner, ' did not report before its lease ran out')
               END,
           last_error_at = CASE WHEN lease_owner IS NULL THEN last_error_at ELSE ? END,
           lease_owner = ?,
           lease_until = ?,
           next_attempt_at = ?
     WHERE id = ? AND state = 'pending' AND (lease_until IS NULL OR lease_until <= ?)";

/// What a lease hands the worker.
const TAKEN: &str = "
    SELECT kind, entity_key, payload, created_at, attempts, lease_gen, last_error
      FROM {records} WHERE id = ?";

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
    /// The choice and the leases are one write transaction, so two workers never get the
    /// same record: writers take turns, and on MySQL the chosen rows are besides locked with
    /// `FOR UPDATE SKIP LOCKED` where the server has it, the lease itself being a
    /// conditional update everywhere. A record whose lease runs out unreported becomes claimable again;
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
        let locking = match &self.store {
            Store::Sqlite(_) => "",
            Store::Mysql(store) => store.claim_locking()?,
        };
        self.write(|tx| {
            let eligible = match destination {
                Some(d) => args![
                    now,
                    now,
                    &d.site,
                    &d.site,
                    &d.url,
                    &d.key_fingerprint,
                    limit
                ],
                None => args![now, now, Arg::Null, Arg::Null, Arg::Null, Arg::Null, limit],
            };
            let ids = tx.query_all(&format!("{ELIGIBLE}{locking}"), eligible)?;
            let mut claimed = Vec::with_capacity(ids.len());
            for id in ids {
                let id = id.int(0)?;
                if tx.execute(TAKE, args![now, worker, until, until, id, now])? == 0 {
                    continue;
                }
                let Some(row) = tx.query_opt(TAKEN, args![id])? else {
                    continue;
                };
                let generation = row.int(5)?;
                match serde_json::from_str(&row.text(2)?) {
                    Ok(payload) => claimed.push(Claimed {
                        id,
                        kind: row.text(0)?,
                        entity_key: row.text(1)?,
                        payload,
                        created_at: from_millis(row.int(3)?),
                        attempts: row.small(4)?,
                        last_error: row.opt_text(6)?,
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
