//! What an operator does with the outbox: look at it, retry, discard, purge.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::clock::{from_millis, to_millis};
use super::db::{Row, Tx, args};
use super::error::{Failure, OutboxError, Result};
use super::keys;
use super::store::Outbox;

/// How many dead letters [`Outbox::status`] lists (the oldest first); `dead` counts them all.
pub const DEAD_LETTERS_LISTED: usize = 100;

/// How many records [`Outbox::purge`] deletes per transaction, so that enqueueing processes
/// never wait long for it.
const PURGE_BATCH: i64 = 500;

/// The outbox at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxStatus {
    /// Records waiting to be delivered, those being delivered included.
    pub pending: u64,
    /// Pending records leased to a worker right now.
    pub in_flight: u64,
    /// Records delivered and not purged yet.
    pub delivered: u64,
    /// Records delivered in the 24 hours before `now`.
    pub delivered_last_day: u64,
    /// Records set aside after a permanent failure.
    pub dead: u64,
    /// How long the oldest pending record has been waiting.
    pub oldest_pending_age: Option<Duration>,
    /// When a record was last delivered (kept when the record is purged).
    pub last_success_at: Option<SystemTime>,
    /// The last failure reported on any record.
    pub last_error: Option<LastError>,
    /// Entity keys held back by a dead letter: their later records, and the records that
    /// depend on them, wait until it is retried or discarded.
    pub blocked_keys: u64,
    /// The oldest [`DEAD_LETTERS_LISTED`] dead letters.
    pub dead_letters: Vec<DeadLetter>,
    /// Shop references (delivery, payment, status …) that changes went without, because
    /// they have no CRM code, most recently seen first.
    pub unmapped: Vec<Unmapped>,
    /// Why the file is damaged, when it is: the figures are what could still be read, and
    /// every write (enqueue included) is refused.
    pub damaged: Option<String>,
    /// The CRMs whose circuit breaker has counted failures since their last answer.
    pub breakers: Vec<BreakerStatus>,
    /// Pending records by the CRM they were queued for (address and site code, see
    /// [`Destination::name`](super::Destination::name)), so that records waiting for another
    /// shop, or for settings changed since, show; records queued for no CRM in particular
    /// are left out.
    pub pending_by_crm: Vec<(String, u64)>,
}

/// A CRM that failed to answer, as its circuit breaker records it.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakerStatus {
    /// The CRM (address and site code).
    pub crm: String,
    /// Until when no worker tries it; past it, the next flush probes it.
    pub open_until: SystemTime,
    /// The last failure.
    pub reason: String,
    /// Failures in a row.
    pub failures: u32,
    /// When the first of them happened.
    pub since: SystemTime,
}

/// A shop reference without a CRM code, as [`Outbox::note_unmapped`] recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmapped {
    /// What is missing, e.g. `payment 2 (Card on delivery) has no retailcrm_payment_code`.
    pub reference: String,
    /// When a change first went without it.
    pub first_seen: SystemTime,
    /// When a change last went without it.
    pub last_seen: SystemTime,
    /// How many changes went without it.
    pub seen: u64,
}

/// The last failure reported on any record.
#[derive(Debug, Clone, PartialEq)]
pub struct LastError {
    /// What went wrong.
    pub message: String,
    /// When.
    pub at: SystemTime,
    /// The record it happened to (which may have been discarded or purged since).
    pub record_id: Option<i64>,
}

/// A record set aside after a permanent failure.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// The record's id, for [`Outbox::retry`] and [`Outbox::discard`].
    pub id: i64,
    /// What it was to do.
    pub kind: String,
    /// The entity it changes.
    pub entity_key: String,
    /// The error that set it aside.
    pub error: String,
    /// What the CRM answered (`status`, `errorMsg`, `errors` …), when known.
    pub details: Option<Value>,
    /// How many times it was tried.
    pub attempts: u32,
    /// When it was enqueued.
    pub created_at: SystemTime,
    /// When it was set aside.
    pub failed_at: Option<SystemTime>,
}

/// Which records [`Outbox::retry`] sends again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetrySelection {
    /// These records.
    Ids(Vec<i64>),
    /// Every dead letter.
    AllDead,
}

/// A day in milliseconds, the unit of the records' times.
const DAY_MILLIS: i64 = 86_400_000;

impl Outbox {
    /// Counts, ages, the last success and error, and the dead letters, from one snapshot.
    pub fn status(&self, now: SystemTime) -> Result<OutboxStatus> {
        let now = to_millis(now);
        self.read(|tx| {
            let counts = tx.query_one(
                "SELECT coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0),
                        coalesce(sum(CASE WHEN state = 'delivered' THEN 1 ELSE 0 END), 0),
                        coalesce(sum(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0)
                   FROM {records}",
                &[],
            )?;
            let (pending, delivered, dead) = (counts.count(0)?, counts.count(1)?, counts.count(2)?);
            let delivered_last_day = tx
                .query_one(
                    "SELECT count(*) FROM {records} WHERE state = 'delivered' AND delivered_at > ?",
                    args![now.saturating_sub(DAY_MILLIS)],
                )?
                .count(0)?;
            let in_flight = tx
                .query_one(
                    "SELECT count(*) FROM {records} WHERE state = 'pending' AND lease_until > ?",
                    args![now],
                )?
                .count(0)?;
            let oldest_pending = match tx.query_opt(
                "SELECT created_at FROM {records} WHERE state = 'pending' ORDER BY id LIMIT 1",
                &[],
            )? {
                Some(row) => Some(row.int(0)?),
                None => None,
            };
            let blocked_keys = tx
                .query_one(
                    "SELECT count(DISTINCT entity_key) FROM {records} WHERE state = 'dead'",
                    &[],
                )?
                .count(0)?;
            let activity = tx.query_one(
                "SELECT last_success_at, last_error, last_error_at, last_error_record
                   FROM {activity}",
                &[],
            )?;
            let (last_success_at, error, error_at, error_record) = (
                activity.opt_int(0)?,
                activity.opt_text(1)?,
                activity.opt_int(2)?,
                activity.opt_int(3)?,
            );
            Ok(OutboxStatus {
                pending,
                in_flight,
                delivered,
                delivered_last_day,
                dead,
                oldest_pending_age: oldest_pending.map(|created_at| {
                    Duration::from_millis(
                        u64::try_from(now.saturating_sub(created_at)).unwrap_or(0),
                    )
                }),
                last_success_at: last_success_at.map(from_millis),
                last_error: error.zip(error_at).map(|(message, at)| LastError {
                    message,
                    at: from_millis(at),
                    record_id: error_record,
                }),
                blocked_keys,
                dead_letters: dead_letters(tx)?,
                unmapped: unmapped(tx)?,
                breakers: breakers(tx)?,
                pending_by_crm: pending_by_crm(tx)?,
                damaged: self.damage().map(str::to_string),
            })
        })
    }

    /// Records that a change went without these references (no CRM code), so `status`
    /// can show the shop owner what to map.
    pub fn note_unmapped(&self, references: &[String], now: SystemTime) -> Result<()> {
        if references.is_empty() {
            return Ok(());
        }
        let now = to_millis(now);
        self.write(|tx| {
            let upsert = tx.dialect().upsert(
                "INSERT INTO {unmapped} (reference, first_seen, last_seen, seen)
                 VALUES (?, ?, ?, 1)",
                "reference",
                &[("last_seen", None), ("seen", Some("seen + 1"))],
            );
            for reference in references {
                tx.execute(&upsert, args![reference, now, now])?;
            }
            Ok(())
        })
    }

    /// Makes the selected records due at `now` with their attempts reset, and returns how
    /// many it changed. A dead letter goes back to pending (it is tried when its key's turn
    /// comes, normally at once); a pending record waiting for a backoff is tried now. A
    /// delivered record, a record waiting behind an earlier one of its key and a record
    /// being delivered right now are left alone. An id that does not exist fails the whole
    /// call with [`OutboxError::NotFound`], changing nothing.
    pub fn retry(&self, which: &RetrySelection, now: SystemTime) -> Result<usize> {
        let now = to_millis(now);
        self.write(|tx| {
            let ids = match which {
                RetrySelection::Ids(ids) => ids.clone(),
                RetrySelection::AllDead => tx
                    .query_all(
                        "SELECT id FROM {records} WHERE state = 'dead' ORDER BY id",
                        &[],
                    )?
                    .iter()
                    .map(|row| row.int(0))
                    .collect::<Result<_, _>>()?,
            };
            let mut revived = 0;
            for id in ids {
                if revive(tx, id, now)? {
                    revived += 1;
                }
            }
            Ok(revived)
        })
    }

    /// Removes record `id`, whatever its state, unless a worker is delivering it right now
    /// ([`OutboxError::InFlight`]).
    ///
    /// Discarding gives up on that change for good. When it was the oldest undelivered
    /// record of its key (typically a dead letter), the key's next record becomes due, and
    /// records of other keys that depend on this key and waited only for it may go: e.g.
    /// discarding a dead `order.create` lets that order's later edits go, and the delivery
    /// engine then has to cope with an order the CRM does not know.
    pub fn discard(&self, id: i64, now: SystemTime) -> Result<()> {
        let now = to_millis(now);
        self.write(|tx| {
            let row = tx
                .query_opt(
                    "SELECT entity_key, state = 'pending' AND coalesce(lease_until > ?, 0)
                       FROM {records} WHERE id = ?",
                    args![now, id],
                )?
                .ok_or(OutboxError::NotFound { id })?;
            let key = row.text(0)?;
            if row.flag(1)? {
                return Err(OutboxError::InFlight { id }.into());
            }
            tx.execute("DELETE FROM {records} WHERE id = ?", args![id])?;
            keys::hand_on(tx, &key, now)?;
            Ok(())
        })
    }

    /// Deletes the records delivered before `delivered_before` and returns how many. It
    /// works in small transactions so that it never holds up enqueueing for long. Delivered
    /// records block nothing, so this changes what may go next in no way. What is deleted is
    /// overwritten in the file (every connection runs with `secure_delete`, so neither a
    /// purge nor an update leaves customers' data in free space).
    pub fn purge(&self, delivered_before: SystemTime) -> Result<usize> {
        let before = to_millis(delivered_before);
        // Usually nothing is due: a read says so without taking the write lock.
        let due = self.read(|tx| {
            tx.query_one(
                "SELECT EXISTS (SELECT 1 FROM {records} {indexed_by:records_delivered}
                                 WHERE state = 'delivered' AND delivered_at < ?)",
                args![before],
            )?
            .flag(0)
        })?;
        if !due {
            return Ok(0);
        }
        let mut purged = 0;
        loop {
            let deleted = self.write(|tx| {
                let ids = tx
                    .query_all(
                        "SELECT id FROM {records} {indexed_by:records_delivered}
                          WHERE state = 'delivered' AND delivered_at < ? LIMIT ?",
                        args![before, PURGE_BATCH],
                    )?
                    .iter()
                    .map(|row| row.int(0))
                    .collect::<Result<Vec<_>, _>>()?;
                if ids.is_empty() {
                    return Ok(0);
                }
                let marks = vec!["?"; ids.len()].join(", ");
                let ids: Vec<_> = ids.into_iter().map(super::db::Arg::Int).collect();
                tx.execute(
                    &format!("DELETE FROM {{records}} WHERE id IN ({marks})"),
                    &ids,
                )
            })?;
            purged += usize::try_from(deleted).unwrap_or(usize::MAX);
            if i64::try_from(deleted).unwrap_or(i64::MAX) < PURGE_BATCH {
                return Ok(purged);
            }
        }
    }
}

/// The shop references changes went without, most recently seen first.
fn unmapped(tx: &mut dyn Tx) -> Result<Vec<Unmapped>, Failure> {
    tx.query_all(
        "SELECT reference, first_seen, last_seen, seen FROM {unmapped}
          ORDER BY last_seen DESC, reference",
        &[],
    )?
    .iter()
    .map(|row| {
        Ok(Unmapped {
            reference: row.text(0)?,
            first_seen: from_millis(row.int(1)?),
            last_seen: from_millis(row.int(2)?),
            seen: row.count(3)?,
        })
    })
    .collect()
}

/// Pending records by the CRM they were queued for.
fn pending_by_crm(tx: &mut dyn Tx) -> Result<Vec<(String, u64)>, Failure> {
    tx.query_all(
        "SELECT crm_url, crm_site, count(*) FROM {records}
          WHERE state = 'pending' AND crm_site IS NOT NULL
          GROUP BY crm_url, crm_site ORDER BY crm_url, crm_site",
        &[],
    )?
    .iter()
    .map(|row| {
        let url = row.opt_text(0)?.unwrap_or_default();
        Ok((format!("{url} site={}", row.text(1)?), row.count(2)?))
    })
    .collect()
}

/// The breakers that counted failures.
fn breakers(tx: &mut dyn Tx) -> Result<Vec<BreakerStatus>, Failure> {
    tx.query_all(
        "SELECT crm, open_until, reason, failures, since FROM {breakers} ORDER BY crm",
        &[],
    )?
    .iter()
    .map(|row| {
        Ok(BreakerStatus {
            crm: row.text(0)?,
            open_until: from_millis(row.int(1)?),
            reason: row.text(2)?,
            failures: row.small(3)?,
            since: from_millis(row.int(4)?),
        })
    })
    .collect()
}

/// The oldest dead letters.
fn dead_letters(tx: &mut dyn Tx) -> Result<Vec<DeadLetter>, Failure> {
    tx.query_all(
        "SELECT id, kind, entity_key, coalesce(last_error, ''), error_details, attempts,
                created_at, last_error_at
           FROM {records} WHERE state = 'dead' ORDER BY id LIMIT ?",
        args![i64::try_from(DEAD_LETTERS_LISTED).unwrap_or(i64::MAX)],
    )?
    .iter()
    .map(dead_letter)
    .collect()
}

/// The dead letter of a row of [`dead_letters`].
fn dead_letter(row: &Row) -> Result<DeadLetter, Failure> {
    Ok(DeadLetter {
        id: row.int(0)?,
        kind: row.text(1)?,
        entity_key: row.text(2)?,
        error: row.text(3)?,
        details: row.opt_text(4)?.map(|text| {
            // Written by this code as JSON; anything else is shown as the text it is.
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        }),
        attempts: row.small(5)?,
        created_at: from_millis(row.int(6)?),
        failed_at: row.opt_int(7)?.map(from_millis),
    })
}

/// Makes record `id` due again with its attempts reset, if it is dead or waiting for a
/// backoff; says whether it did.
fn revive(tx: &mut dyn Tx, id: i64, now: i64) -> Result<bool, Failure> {
    let revived = tx.execute(
        "UPDATE {records}
            SET attempts = 0,
                next_attempt_at = CASE state WHEN 'dead' THEN NULL ELSE ? END,
                state = 'pending'
          WHERE id = ?
            AND (state = 'dead'
                 OR (state = 'pending' AND next_attempt_at IS NOT NULL
                     AND coalesce(lease_until <= ?, 1)))",
        args![now, id, now],
    )?;
    let key = tx.query_opt("SELECT entity_key FROM {records} WHERE id = ?", args![id])?;
    match (revived, key) {
        (0, Some(_)) => Ok(false),
        (_, Some(key)) => {
            keys::hand_on(tx, &key.text(0)?, now)?;
            Ok(true)
        }
        (_, None) => Err(OutboxError::NotFound { id }.into()),
    }
}
