//! The circuit breaker of each CRM, shared by every process using the outbox file.
//!
//! When the CRM does not answer (no connection, a timeout, a broken connection) or its
//! gateway says it is unavailable (502, 503, 504), the delivering worker [`Outbox::trip`]s
//! the breaker: for a period every flush of that CRM stops before sending anything, so no
//! worker waits on a dead CRM more than once per period. The period starts at the caller's
//! base (the engine passes `retry_delay`, at most the call timeout) and doubles with each
//! further failure in a row up to a cap. When the period is over, the next flush probes: [`Outbox::pass_breaker`]
//! makes the CRM's records that wait out a backoff due at once (in their order: each is due
//! from when it was queued), so that when the probe succeeds the backlog goes in one flush;
//! when it fails the breaker opens again for longer. The first answer after the failures
//! [`Outbox::close_breaker`]s it.

use std::time::{Duration, SystemTime};

use super::clock::{duration_millis, from_millis, to_millis};
use super::db::args;
use super::destination::{Destination, for_destination};
use super::error::Result;
use super::store::Outbox;

/// A breaker that keeps every worker from trying its CRM until `until`.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenBreaker {
    /// When the next attempt may be made.
    pub until: SystemTime,
    /// Why it opened: the last failure.
    pub reason: String,
    /// Failures in a row so far.
    pub failures: u32,
}

/// What [`Outbox::pass_breaker`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum Passage {
    /// No failure since the last answer: deliver as usual.
    Closed,
    /// The CRM failed before and the period is over: this flush probes it, and its records
    /// that waited out a backoff are due again. Close the breaker on the first answer.
    Probe,
    /// Keep away until the breaker's time.
    Open(OpenBreaker),
}

impl Outbox {
    /// Whether a flush may try the CRM of `destination` at `now` (see the module
    /// documentation); when the period after failures is over, makes the destination's
    /// backed-off records due again.
    pub fn pass_breaker(&self, destination: &Destination, now: SystemTime) -> Result<Passage> {
        let crm = destination.name();
        let crm = crm.as_str();
        let now = to_millis(now);
        let stored = self.read(|tx| {
            match tx.query_opt(
                "SELECT open_until, reason, failures FROM {breakers} WHERE crm = ?",
                args![crm],
            )? {
                Some(row) => Ok(Some((row.int(0)?, row.text(1)?, row.small(2)?))),
                None => Ok(None),
            }
        })?;
        match stored {
            None => return Ok(Passage::Closed),
            Some((until, reason, failures)) if until > now => {
                return Ok(Passage::Open(OpenBreaker {
                    until: from_millis(until),
                    reason,
                    failures,
                }));
            }
            Some(_) => {}
        }
        self.write(|tx| {
            tx.execute(
                concat!(
                    "UPDATE {records} AS r
                        SET next_attempt_at = CASE WHEN created_at < ? THEN created_at ELSE ? END
                      WHERE state = 'pending' AND next_attempt_at > ? AND lease_until IS NULL
                        AND ",
                    for_destination!()
                ),
                args![
                    now,
                    now,
                    now,
                    &destination.site,
                    &destination.site,
                    &destination.url,
                    &destination.key_fingerprint
                ],
            )?;
            Ok(Passage::Probe)
        })
    }

    /// Opens the breaker of `destination`'s CRM after a failure (`reason`) at `now`, for
    /// `base` doubled by each earlier failure in a row, at most `cap`. Returns the open
    /// breaker.
    pub fn trip(
        &self,
        destination: &Destination,
        reason: &str,
        base: Duration,
        cap: Duration,
        now: SystemTime,
    ) -> Result<OpenBreaker> {
        let crm = destination.name();
        let now = to_millis(now);
        let (base, cap) = (duration_millis(base), duration_millis(cap));
        self.write(|tx| {
            let before =
                tx.query_opt("SELECT failures FROM {breakers} WHERE crm = ?", args![&crm])?;
            let failures = match before {
                Some(row) => row.small(0)?,
                None => 0,
            }
            .saturating_add(1);
            let period = base
                .saturating_mul(1_i64 << failures.saturating_sub(1).min(40))
                .min(cap);
            let until = now.saturating_add(period);
            let upsert = tx.dialect().upsert(
                "INSERT INTO {breakers} (crm, failures, open_until, reason, since)
                 VALUES (?, ?, ?, ?, ?)",
                "crm",
                &[("failures", None), ("open_until", None), ("reason", None)],
            );
            tx.execute(&upsert, args![&crm, failures, until, reason, now])?;
            Ok(OpenBreaker {
                until: from_millis(until),
                reason: reason.to_string(),
                failures,
            })
        })
    }

    /// Closes the breaker of `destination`'s CRM: it answered again.
    pub fn close_breaker(&self, destination: &Destination) -> Result<()> {
        let crm = destination.name();
        self.write(|tx| {
            tx.execute("DELETE FROM {breakers} WHERE crm = ?", args![&crm])?;
            Ok(())
        })
    }
}
