//! What an operator does with the outbox: look at it, retry, discard, purge.

use std::time::{Duration, SystemTime};

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::Value;

use super::clock::{from_millis, to_millis};
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
            let (pending, delivered, dead): (i64, i64, i64) = tx.query_row(
                "SELECT count(*) FILTER (WHERE state = 'pending'),
                        count(*) FILTER (WHERE state = 'delivered'),
                        count(*) FILTER (WHERE state = 'dead')
                   FROM records",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
            let delivered_last_day: i64 = tx.query_row(
                "SELECT count(*) FROM records WHERE state = 'delivered' AND delivered_at > ?1",
                [now.saturating_sub(DAY_MILLIS)],
                |row| row.get(0),
            )?;
            let in_flight: i64 = tx.query_row(
                "SELECT count(*) FROM records WHERE state = 'pending' AND lease_until > ?1",
                [now],
                |row| row.get(0),
            )?;
            let oldest_pending: Option<i64> = tx
                .query_row(
                    "SELECT created_at FROM records WHERE state = 'pending' ORDER BY id LIMIT 1",
                    [],
                    |row| row.get(0),
                )
                .optional()?;
            let blocked_keys: i64 = tx.query_row(
                "SELECT count(DISTINCT entity_key) FROM records WHERE state = 'dead'",
                [],
                |row| row.get(0),
            )?;
            let (last_success_at, error, error_at, error_record): (
                Option<i64>,
                Option<String>,
                Option<i64>,
                Option<i64>,
            ) = tx.query_row(
                "SELECT last_success_at, last_error, last_error_at, last_error_record
                   FROM activity",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )?;
            Ok(OutboxStatus {
                pending: tally(pending),
                in_flight: tally(in_flight),
                delivered: tally(delivered),
                delivered_last_day: tally(delivered_last_day),
                dead: tally(dead),
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
                blocked_keys: tally(blocked_keys),
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
            let mut upsert = tx.prepare_cached(
                "INSERT INTO unmapped (reference, first_seen, last_seen, seen) VALUES (?1, ?2, ?2, 1)
                 ON CONFLICT (reference) DO UPDATE SET last_seen = ?2, seen = seen + 1",
            )?;
            for reference in references {
                upsert.execute(params![reference, now])?;
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
                    .prepare("SELECT id FROM records WHERE state = 'dead' ORDER BY id")?
                    .query_map([], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
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
            let (key, in_flight): (String, bool) = tx
                .query_row(
                    "SELECT entity_key, state = 'pending' AND coalesce(lease_until > ?2, 0)
                       FROM records WHERE id = ?1",
                    params![id, now],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?
                .ok_or(OutboxError::NotFound { id })?;
            if in_flight {
                return Err(OutboxError::InFlight { id }.into());
            }
            tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
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
        let due: bool = self.read(|tx| {
            Ok(tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM records INDEXED BY records_delivered
                                     WHERE state = 'delivered' AND delivered_at < ?1)",
                )?
                .query_row([before], |row| row.get(0))?)
        })?;
        if !due {
            return Ok(0);
        }
        let mut purged = 0;
        loop {
            let deleted = self.write(|tx| {
                Ok(tx
                    .prepare_cached(
                        "DELETE FROM records WHERE id IN (
                             SELECT id FROM records INDEXED BY records_delivered
                              WHERE state = 'delivered' AND delivered_at < ?1 LIMIT ?2)",
                    )?
                    .execute(params![before, PURGE_BATCH])?)
            })?;
            purged += deleted;
            if i64::try_from(deleted).unwrap_or(i64::MAX) < PURGE_BATCH {
                return Ok(purged);
            }
        }
    }
}

/// A count as SQLite returns it, as an unsigned number.
fn tally(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

/// The oldest dead letters.
fn unmapped(tx: &Transaction<'_>) -> Result<Vec<Unmapped>, Failure> {
    let mut query = tx.prepare_cached(
        "SELECT reference, first_seen, last_seen, seen FROM unmapped ORDER BY last_seen DESC, reference",
    )?;
    let rows = query.query_map([], |row| {
        Ok(Unmapped {
            reference: row.get(0)?,
            first_seen: from_millis(row.get(1)?),
            last_seen: from_millis(row.get(2)?),
            seen: tally(row.get(3)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn pending_by_crm(tx: &Transaction<'_>) -> rusqlite::Result<Vec<(String, u64)>> {
    tx.prepare_cached(
        "SELECT crm_url || ' site=' || crm_site, count(*) FROM records
          WHERE state = 'pending' AND crm_site IS NOT NULL
          GROUP BY crm_url, crm_site ORDER BY crm_url, crm_site",
    )?
    .query_map([], |row| Ok((row.get(0)?, tally(row.get(1)?))))?
    .collect()
}

fn breakers(tx: &Transaction<'_>) -> rusqlite::Result<Vec<BreakerStatus>> {
    tx.prepare_cached("SELECT crm, open_until, reason, failures, since FROM breakers ORDER BY crm")?
        .query_map([], |row| {
            Ok(BreakerStatus {
                crm: row.get(0)?,
                open_until: from_millis(row.get(1)?),
                reason: row.get(2)?,
                failures: row.get(3)?,
                since: from_millis(row.get(4)?),
            })
        })?
        .collect()
}

fn dead_letters(tx: &Transaction<'_>) -> rusqlite::Result<Vec<DeadLetter>> {
    tx.prepare(
        "SELECT id, kind, entity_key, coalesce(last_error, ''), error_details, attempts,
                created_at, last_error_at
           FROM records WHERE state = 'dead' ORDER BY id LIMIT ?1",
    )?
    .query_map(
        [i64::try_from(DEAD_LETTERS_LISTED).unwrap_or(i64::MAX)],
        |row| {
            Ok(DeadLetter {
                id: row.get(0)?,
                kind: row.get(1)?,
                entity_key: row.get(2)?,
                error: row.get(3)?,
                details: row.get::<_, Option<String>>(4)?.map(|text| {
                    // Written by this code as JSON; anything else is shown as the text it is.
                    serde_json::from_str(&text).unwrap_or(Value::String(text))
                }),
                attempts: row.get(5)?,
                created_at: from_millis(row.get(6)?),
                failed_at: row.get::<_, Option<i64>>(7)?.map(from_millis),
            })
        },
    )?
    .collect()
}

/// Makes record `id` due again with its attempts reset, if it is dead or waiting for a
/// backoff; says whether it did.
fn revive(tx: &Transaction<'_>, id: i64, now: i64) -> Result<bool, Failure> {
    let key: Option<String> = tx
        .prepare_cached(
            "UPDATE records
                SET attempts = 0,
                    next_attempt_at = CASE state WHEN 'dead' THEN NULL ELSE ?2 END,
                    state = 'pending'
              WHERE id = ?1
                AND (state = 'dead'
                     OR (state = 'pending' AND next_attempt_at IS NOT NULL
                         AND coalesce(lease_until <= ?2, 1)))
             RETURNING entity_key",
        )?
        .query_row(params![id, now], |row| row.get(0))
        .optional()?;
    match key {
        Some(key) => {
            keys::hand_on(tx, &key, now)?;
            Ok(true)
        }
        None if exists(tx, id)? => Ok(false),
        None => Err(OutboxError::NotFound { id }.into()),
    }
}

/// Whether record `id` exists.
fn exists(tx: &Transaction<'_>, id: i64) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM records WHERE id = ?1)",
        [id],
        |row| row.get(0),
    )
}
