//! What a worker reports about a record it holds: delivered, try again later, or give up.
//!
//! Each report is accepted only while the record is still the worker's: pending, and leased
//! under the same fencing token ([`Claimed`]'s lease generation). A report after another
//! worker claimed the record, or after it was discarded, fails with
//! [`OutboxError::LeaseLost`] and changes nothing. A report after the lease ran out but
//! before anyone else claimed the record is still accepted: nobody else has sent it.

use std::time::{Duration, SystemTime};

use rusqlite::{ToSql, Transaction, params};
use serde_json::Value;

use super::backoff::backoff;
use super::claim::Claimed;
use super::clock::{from_millis, to_millis};
use super::error::{Failure, OutboxError, Result};
use super::keys;
use super::ratelimit::take;
use super::store::Outbox;

impl Outbox {
    /// Marks the record delivered at `now`, keeps the CRM's `result` (its id, number …) and
    /// makes the next record of the same key due.
    pub fn ack(&self, claimed: &Claimed, result: Option<&Value>, now: SystemTime) -> Result<()> {
        let now = to_millis(now);
        let result = result.map(Value::to_string);
        self.write(|tx| {
            settle(
                tx,
                claimed.id,
                claimed.generation,
                "state = 'delivered', delivered_at = ?3, result = ?4",
                &[&now, &result],
            )?;
            tx.prepare_cached(
                "UPDATE activity SET last_success_at = max(coalesce(last_success_at, ?1), ?1)",
            )?
            .execute([now])?;
            keys::hand_on(tx, &claimed.entity_key, now)?;
            Ok(())
        })
    }

    /// Records a passing failure (`error`, and `details` such as
    /// `{"status": 503, "errorMsg": …, "errors": …}`) and schedules the next attempt after
    /// the backoff for the attempts made so far. Returns when that attempt is due. The key's
    /// later records keep waiting.
    pub fn retry_later(
        &self,
        claimed: &Claimed,
        error: &str,
        details: Option<&Value>,
        now: SystemTime,
    ) -> Result<SystemTime> {
        let delay = backoff(
            self.settings.backoff_base,
            self.settings.backoff_cap,
            claimed.attempts,
            &mut fastrand::Rng::new(),
        );
        let due = to_millis(now.checked_add(delay).unwrap_or(now));
        let now = to_millis(now);
        self.write(|tx| {
            settle(
                tx,
                claimed.id,
                claimed.generation,
                "next_attempt_at = ?3",
                &[&due],
            )?;
            note_error(tx, claimed.id, error, details, now)
        })?;
        Ok(from_millis(due))
    }

    /// Sets the record aside after a permanent failure, with the CRM's answer in `error`
    /// and `details`. It is not tried again until [`Outbox::retry`] asks; until then the
    /// later records of its key, and the records that depend on its key, wait.
    pub fn dead_letter(
        &self,
        claimed: &Claimed,
        error: &str,
        details: Option<&Value>,
        now: SystemTime,
    ) -> Result<()> {
        let now = to_millis(now);
        self.write(|tx| bury(tx, claimed.id, claimed.generation, error, details, now))
    }
}

/// Extends the lease of `claimed` to at least `until` while it is still the worker's.
fn renew(tx: &Transaction<'_>, claimed: &Claimed, until: i64) -> Result<(), Failure> {
    let renewed = tx
        .prepare_cached(
            "UPDATE records
                SET lease_until = max(coalesce(lease_until, ?3), ?3),
                    next_attempt_at = max(coalesce(next_attempt_at, ?3), ?3)
              WHERE id = ?1 AND lease_gen = ?2 AND state = 'pending'",
        )?
        .execute(params![claimed.id, claimed.generation, until])?;
    match renewed {
        0 => Err(OutboxError::LeaseLost { id: claimed.id }.into()),
        _ => Ok(()),
    }
}

/// Dead-letters record `id` held under lease `generation`.
pub(super) fn bury(
    tx: &Transaction<'_>,
    id: i64,
    generation: i64,
    error: &str,
    details: Option<&Value>,
    now: i64,
) -> Result<(), Failure> {
    settle(tx, id, generation, "state = 'dead'", &[])?;
    note_error(tx, id, error, details, now)
}

/// Applies `changes` (an SQL `SET` list whose parameters, `extra`, are numbered from `?3`)
/// to record `id` and releases its lease, provided the record is still pending under lease
/// `generation`; fails with [`OutboxError::LeaseLost`] otherwise.
fn settle(
    tx: &Transaction<'_>,
    id: i64,
    generation: i64,
    changes: &str,
    extra: &[&dyn ToSql],
) -> Result<(), Failure> {
    let update = format!(
        "UPDATE records SET {changes}, lease_owner = NULL, lease_until = NULL
          WHERE id = ?1 AND lease_gen = ?2 AND state = 'pending'"
    );
    let mut arguments: Vec<&dyn ToSql> = vec![&id, &generation];
    arguments.extend_from_slice(extra);
    match tx.prepare_cached(&update)?.execute(arguments.as_slice())? {
        0 => Err(OutboxError::LeaseLost { id }.into()),
        _ => Ok(()),
    }
}

/// Keeps `error` on the record and as the outbox's last error.
fn note_error(
    tx: &Transaction<'_>,
    id: i64,
    error: &str,
    details: Option<&Value>,
    now: i64,
) -> Result<(), Failure> {
    let details = details.map(Value::to_string);
    tx.prepare_cached(
        "UPDATE records SET last_error = ?2, error_details = ?3, last_error_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, error, details, now])?;
    tx.prepare_cached(
        "UPDATE activity SET last_error = ?2, last_error_at = ?3, last_error_record = ?1
          WHERE last_error_at IS NULL OR last_error_at <= ?3",
    )?
    .execute(params![id, error, now])?;
    Ok(())
}

impl Outbox {
    /// The fence and the pace before each request of a delivery, in one transaction: checks
    /// that `claimed` is still this worker's (its lease generation, the fencing token, is
    /// unchanged and it is pending) and extends its lease to at least `until`, so a delivery
    /// that is alive keeps its record; then takes a token as [`Outbox::take_token`] does.
    /// The request may go when this answers `Ok(Ok(()))`; `Ok(Err(wait))` means the next
    /// token comes in `wait` (the lease is extended all the same). Fails with
    /// [`OutboxError::LeaseLost`] — and the request must not be sent — when another worker
    /// has claimed the record since, or it was reported or discarded.
    pub fn renew_and_take_token(
        &self,
        claimed: &Claimed,
        until: SystemTime,
        key: &str,
        per_second: u32,
        now: SystemTime,
    ) -> Result<Result<(), Duration>> {
        self.write(|tx| {
            renew(tx, claimed, to_millis(until))?;
            take(tx, key, per_second, to_millis(now))
        })
    }

    /// Whether a change of the same entity was queued after `claimed` (delivered or not): an
    /// answer about `claimed` must then not be followed by a request carrying its older
    /// payload.
    pub fn has_newer(&self, claimed: &Claimed) -> Result<bool> {
        self.read(|tx| {
            Ok(tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM records WHERE id > ?1 AND entity_key = ?2)",
                )?
                .query_row(params![claimed.id, claimed.entity_key], |row| row.get(0))?)
        })
    }

    /// The newest record of the same kind and entity queued after `claimed` and not yet
    /// delivered, when there is one: for a change that carries the whole current state
    /// (an order's update), that record makes `claimed` unnecessary.
    pub fn newer_of_same_kind(&self, claimed: &Claimed) -> Result<Option<i64>> {
        self.read(|tx| {
            Ok(tx
                .prepare_cached(
                    "SELECT MAX(id) FROM records
                     WHERE id > ?1 AND entity_key = ?2 AND kind = ?3 AND state = 'pending'",
                )?
                .query_row(
                    params![claimed.id, claimed.entity_key, claimed.kind],
                    |row| row.get(0),
                )?)
        })
    }
}
