//! What a worker reports about a record it holds: delivered, try again later, or give up.
//!
//! Each report is accepted only while the record is still the worker's: pending, and leased
//! under the same fencing token ([`Claimed`]'s lease generation). A report after another
//! worker claimed the record, or after it was discarded, fails with
//! [`OutboxError::LeaseLost`] and changes nothing. A report after the lease ran out but
//! before anyone else claimed the record is still accepted: nobody else has sent it.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::backoff::backoff;
use super::claim::Claimed;
use super::clock::{from_millis, to_millis};
use super::db::{Arg, Tx, args};
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
                "state = 'delivered', delivered_at = ?, result = ?",
                args![now, result.as_ref()],
            )?;
            tx.execute(
                "UPDATE {activity} SET last_success_at =
                     CASE WHEN last_success_at > ? THEN last_success_at ELSE ? END",
                args![now, now],
            )?;
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
                "next_attempt_at = ?",
                args![due],
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
fn renew(tx: &mut dyn Tx, claimed: &Claimed, until: i64) -> Result<(), Failure> {
    let renewed = tx.execute(
        "UPDATE {records}
            SET lease_until = CASE WHEN lease_until > ? THEN lease_until ELSE ? END,
                next_attempt_at = CASE WHEN next_attempt_at > ? THEN next_attempt_at ELSE ? END
          WHERE id = ? AND lease_gen = ? AND state = 'pending'",
        args![until, until, until, until, claimed.id, claimed.generation],
    )?;
    match renewed {
        0 => Err(OutboxError::LeaseLost { id: claimed.id }.into()),
        _ => Ok(()),
    }
}

/// Dead-letters record `id` held under lease `generation`.
pub(super) fn bury(
    tx: &mut dyn Tx,
    id: i64,
    generation: i64,
    error: &str,
    details: Option<&Value>,
    now: i64,
) -> Result<(), Failure> {
    settle(tx, id, generation, "state = 'dead'", &[])?;
    note_error(tx, id, error, details, now)
}

/// Applies `changes` (an SQL `SET` list whose parameters are `extra`) to record `id` and
/// releases its lease, provided the record is still pending under lease `generation`; fails
/// with [`OutboxError::LeaseLost`] otherwise.
fn settle(
    tx: &mut dyn Tx,
    id: i64,
    generation: i64,
    changes: &str,
    extra: &[Arg<'_>],
) -> Result<(), Failure> {
    let update = format!(
        "UPDATE {{records}} SET {changes}, lease_owner = NULL, lease_until = NULL
          WHERE id = ? AND lease_gen = ? AND state = 'pending'"
    );
    let mut arguments = extra.to_vec();
    arguments.extend_from_slice(args![id, generation]);
    match tx.execute(&update, &arguments)? {
        0 => Err(OutboxError::LeaseLost { id }.into()),
        _ => Ok(()),
    }
}

/// Keeps `error` on the record and as the outbox's last error.
fn note_error(
    tx: &mut dyn Tx,
    id: i64,
    error: &str,
    details: Option<&Value>,
    now: i64,
) -> Result<(), Failure> {
    let details = details.map(Value::to_string);
    tx.execute(
        "UPDATE {records} SET last_error = ?, error_details = ?, last_error_at = ? WHERE id = ?",
        args![error, details.as_ref(), now, id],
    )?;
    tx.execute(
        "UPDATE {activity} SET last_error = ?, last_error_at = ?, last_error_record = ?
          WHERE last_error_at IS NULL OR last_error_at <= ?",
        args![error, now, id, now],
    )?;
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
            tx.query_one(
                "SELECT EXISTS (SELECT 1 FROM {records} WHERE id > ? AND entity_key = ?)",
                args![claimed.id, &claimed.entity_key],
            )?
            .flag(0)
        })
    }

    /// The newest record of the same kind and entity queued after `claimed` and not yet
    /// delivered, when there is one: for a change that carries the whole current state
    /// (an order's update), that record makes `claimed` unnecessary.
    pub fn newer_of_same_kind(&self, claimed: &Claimed) -> Result<Option<i64>> {
        self.read(|tx| {
            tx.query_one(
                "SELECT MAX(id) FROM {records}
                 WHERE id > ? AND entity_key = ? AND kind = ? AND state = 'pending'",
                args![claimed.id, &claimed.entity_key, &claimed.kind],
            )?
            .opt_int(0)
        })
    }
}
