//! The CRM's status changes read from its history, kept until the site has them.
//!
//! The history sync (`sync::inbound::history`) reads `orders/history` from the read position
//! on and stores each status change that concerns the site here, in the transaction that
//! moves the read position past it: durable before it is handed to the site. An entry stays
//! `pending` until the site confirms it (`applied`) or it is `set_aside` with its reason
//! (unknown order, unmapped status code, stale, refused by miniShop2); a set-aside entry is
//! put back by [`Outbox::retry_history`]. Three positions are kept in `inbound_state`:
//! - `history.cursor`: every entry up to it is settled (confirmed, set aside, or not the
//!   site's). It moves only past settled entries, never back;
//! - `history.read`: the last entry read from the CRM (the next read asks for later ones);
//! - `history.latest`: the CRM's latest entry seen, for the lag `status()` shows.
//!
//! A pending entry handed out and never confirmed (the process died between applying and
//! confirming) is handed out again by the next pull; applying it again finds the order in
//! that status already and changes nothing. One handed out [`MAX_RETURNS`] times without a
//! confirmation is set aside, so that an entry whose applying kills the process does not
//! stop the sync.

use std::time::SystemTime;

use serde_json::Value;

use super::clock::{from_millis, to_millis};
use super::db::{Row, Tx, args};
use super::error::{Failure, Result};
use super::inbound_state::{get, set};
use super::store::Outbox;

/// How many times a pending entry is handed out without a confirmation before it is set
/// aside.
pub const MAX_RETURNS: i64 = 3;

/// How many set-aside entries [`Outbox::history_status`] lists.
pub const SET_ASIDE_LISTED: usize = 50;

const CURSOR: &str = "history.cursor";
const READ: &str = "history.read";
const LATEST: &str = "history.latest";

/// A status change of a CRM order, as read from the CRM's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The history entry's id in the CRM.
    pub history_id: i64,
    /// The order as the entry gives it (`id`, `externalId`, `number`, `site` …).
    pub crm_order: Value,
    /// The new status code.
    pub code: String,
    /// When the CRM made the change.
    pub changed_at: SystemTime,
    /// Made with our own API key: the site's own change, come back.
    pub own: bool,
}

/// How the site settled a pending entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement<'a> {
    /// The site has the change.
    Applied,
    /// Not applied, rightly: the site made or applied a later change of the order.
    Skipped(&'a str),
    /// Not applied, for this reason; listed in the status and retried by
    /// [`Outbox::retry_history`].
    SetAside(&'a str),
}

/// An entry set aside, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAsideEntry {
    /// The entry.
    pub entry: HistoryEntry,
    /// Why it was not applied.
    pub reason: String,
    /// When it was set aside.
    pub at: SystemTime,
}

/// How a confirmation found its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// The entry was pending and is settled now.
    Settled,
    /// The entry was settled before (a repeated confirmation): nothing changed.
    AlreadySettled,
    /// No entry has that id.
    Unknown,
}

/// The history sync at a glance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryStatus {
    /// Every entry up to this id is settled; `None` before the first pull.
    pub cursor: Option<i64>,
    /// When the cursor last moved.
    pub cursor_moved_at: Option<SystemTime>,
    /// The last entry read from the CRM.
    pub read: Option<i64>,
    /// The CRM's latest entry seen, and when it was seen.
    pub latest: Option<(i64, SystemTime)>,
    /// Entries read and not settled yet.
    pub pending: u64,
    /// Entries skipped as older than a later change of their order.
    pub skipped: u64,
    /// How many entries are set aside.
    pub set_aside_count: u64,
    /// The latest set-aside entries, at most [`SET_ASIDE_LISTED`], newest first.
    pub set_aside: Vec<SetAsideEntry>,
}

impl Outbox {
    /// The history cursor: every entry up to it is settled; `None` before the first pull.
    pub fn history_cursor(&self) -> Result<Option<i64>> {
        self.read(|tx| number(tx, CURSOR))
    }

    /// Where the next read of the CRM's history starts: after this entry.
    pub fn history_read_position(&self) -> Result<Option<i64>> {
        self.read(|tx| Ok(number(tx, READ)?.or(number(tx, CURSOR)?)))
    }

    /// The first pull: the cursor starts at the CRM's latest entry `latest` (the changes
    /// made before the sync began are not the site's to apply), unless another process set
    /// it meanwhile. Returns the cursor.
    pub fn start_history(&self, latest: i64, now: SystemTime) -> Result<i64> {
        self.write(|tx| {
            if let Some(cursor) = number(tx, CURSOR)? {
                return Ok(cursor);
            }
            for name in [CURSOR, READ, LATEST] {
                set(tx, name, &latest.to_string(), now)?;
            }
            Ok(latest)
        })
    }

    /// Keeps the status changes `entries` read from the CRM and moves the read position to
    /// `read_to` (the last entry read, kept or not), in one transaction; then moves the
    /// cursor past what is settled. Entries at or before the read position were read
    /// before and are left alone.
    pub fn store_history(
        &self,
        entries: &[HistoryEntry],
        read_to: i64,
        now: SystemTime,
    ) -> Result<()> {
        self.write(|tx| {
            let read = number(tx, READ)?.or(number(tx, CURSOR)?).unwrap_or(0);
            for entry in entries.iter().filter(|entry| entry.history_id > read) {
                let (state, settled_at) = match entry.own {
                    true => ("applied", Some(to_millis(now))),
                    false => ("pending", None),
                };
                tx.execute(
                    "{insert_ignore} INTO {history_entries}
                            (history_id, crm_order, code, changed_at, read_at, state, settled_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?)",
                    args![
                        entry.history_id,
                        entry.crm_order.to_string().as_str(),
                        &entry.code,
                        to_millis(entry.changed_at),
                        to_millis(now),
                        state,
                        settled_at,
                    ],
                )?;
            }
            if read_to > read {
                set(tx, READ, &read_to.to_string(), now)?;
            }
            if number(tx, LATEST)?.is_none_or(|latest| read_to >= latest) {
                set(tx, LATEST, &read_to.max(read).to_string(), now)?;
            }
            advance_cursor(tx, now)
        })
    }

    /// The pending entries to hand to the site, oldest first, at most `limit`: each counted
    /// as handed out once more; those handed out [`MAX_RETURNS`] times already are set aside
    /// instead.
    pub fn take_pending_history(&self, limit: usize, now: SystemTime) -> Result<Vec<HistoryEntry>> {
        self.write(|tx| {
            let rows = tx
                .query_all(
                    "SELECT history_id, crm_order, code, changed_at, returned
                       FROM {history_entries}
                      WHERE state = 'pending' ORDER BY history_id LIMIT ?",
                    args![i64::try_from(limit).unwrap_or(i64::MAX)],
                )?
                .iter()
                .map(|row| Ok((entry_of(row)?, row.int(4)?)))
                .collect::<std::result::Result<Vec<_>, Failure>>()?;
            let mut handed = Vec::with_capacity(rows.len());
            for (entry, returned) in rows {
                if returned >= MAX_RETURNS {
                    let reason = format!(
                        "handed to the site {returned} times and never confirmed: applying it may \
                         stop the PHP process (see the PHP error log)"
                    );
                    settle(tx, entry.history_id, Settlement::SetAside(&reason), now)?;
                    continue;
                }
                tx.execute(
                    "UPDATE {history_entries} SET returned = returned + 1 WHERE history_id = ?",
                    args![entry.history_id],
                )?;
                handed.push(entry);
            }
            advance_cursor(tx, now)?;
            Ok(handed)
        })
    }

    /// Settles pending entry `history_id` as `settlement` says. The cursor moves past what
    /// is settled.
    pub fn settle_history(
        &self,
        history_id: i64,
        settlement: Settlement<'_>,
        now: SystemTime,
    ) -> Result<Confirmation> {
        self.write(|tx| {
            let state = match tx.query_opt(
                "SELECT state FROM {history_entries} WHERE history_id = ?",
                args![history_id],
            )? {
                Some(row) => Some(row.text(0)?),
                None => None,
            };
            match state.as_deref() {
                None => Ok(Confirmation::Unknown),
                Some("pending") => {
                    settle(tx, history_id, settlement, now)?;
                    advance_cursor(tx, now)?;
                    Ok(Confirmation::Settled)
                }
                Some(_) => Ok(Confirmation::AlreadySettled),
            }
        })
    }

    /// Puts every set-aside entry back to pending (the next pull hands it to the site
    /// again, mapped with the statuses of then). Returns how many.
    pub fn retry_history(&self) -> Result<usize> {
        self.write(|tx| {
            let count = tx.execute(
                "UPDATE {history_entries} SET state = 'pending', returned = 0, reason = NULL,
                        settled_at = NULL
                  WHERE state = 'set_aside'",
                &[],
            )?;
            Ok(usize::try_from(count).unwrap_or(usize::MAX))
        })
    }

    /// Deletes the entries applied or skipped before `settled_before` that no entry still to
    /// be handed out could need (those before the first pending or set-aside one: the check
    /// for a later applied change reads them). Returns how many.
    pub fn purge_history(&self, settled_before: SystemTime) -> Result<usize> {
        self.write(|tx| {
            let first_open = tx
                .query_one(
                    "SELECT min(history_id) FROM {history_entries}
                      WHERE state IN ('pending', 'set_aside')",
                    &[],
                )?
                .opt_int(0)?
                .unwrap_or(i64::MAX);
            let deleted = tx.execute(
                "DELETE FROM {history_entries}
                  WHERE state IN ('applied', 'skipped') AND settled_at < ? AND history_id < ?",
                args![to_millis(settled_before), first_open],
            )?;
            Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
        })
    }

    /// The history sync at a glance.
    pub fn history_status(&self) -> Result<HistoryStatus> {
        self.read(|tx| {
            let cursor = get(tx, CURSOR)?;
            let latest = get(tx, LATEST)?;
            let mut count = |state: &str| -> std::result::Result<u64, Failure> {
                tx.query_one(
                    "SELECT count(*) FROM {history_entries} WHERE state = ?",
                    args![state],
                )?
                .count(0)
            };
            let (pending, skipped, set_aside_count) =
                (count("pending")?, count("skipped")?, count("set_aside")?);
            let set_aside = tx
                .query_all(
                    "SELECT history_id, crm_order, code, changed_at, reason, settled_at
                       FROM {history_entries} WHERE state = 'set_aside'
                      ORDER BY history_id DESC LIMIT ?",
                    args![SET_ASIDE_LISTED as i64],
                )?
                .iter()
                .map(|row| {
                    Ok(SetAsideEntry {
                        entry: entry_of(row)?,
                        reason: row.opt_text(4)?.unwrap_or_default(),
                        at: from_millis(row.opt_int(5)?.unwrap_or(0)),
                    })
                })
                .collect::<std::result::Result<_, Failure>>()?;
            Ok(HistoryStatus {
                cursor: cursor.as_ref().and_then(|(value, _)| value.parse().ok()),
                cursor_moved_at: cursor.map(|(_, at)| at),
                read: number(tx, READ)?,
                latest: latest.and_then(|(value, at)| value.parse().ok().map(|id| (id, at))),
                pending,
                skipped,
                set_aside_count,
                set_aside,
            })
        })
    }

    /// The latest entry after `history_id` of the CRM order `external_id` that the site
    /// applied, if any: an earlier change handed out after it (a retried one) would revert it.
    pub fn later_applied_history(&self, external_id: &str, history_id: i64) -> Result<Option<i64>> {
        self.read(|tx| {
            let external = tx.dialect().json_text("crm_order", "$.externalId");
            tx.query_one(
                &format!(
                    "SELECT max(history_id) FROM {{history_entries}}
                      WHERE state = 'applied' AND history_id > ? AND {external} = ?"
                ),
                args![history_id, external_id],
            )?
            .opt_int(0)
        })
    }

    /// When the site last queued a status change of the order the CRM knows as
    /// `external_id` (an `order.create` or `order.edit` carrying a status), if the outbox
    /// still holds one.
    pub fn site_status_changed_at(&self, external_id: &str) -> Result<Option<SystemTime>> {
        let key = format!("order:{external_id}");
        self.read(|tx| {
            let at = tx
                .query_one(
                    "SELECT max(created_at) FROM {records}
                      WHERE entity_key = ? AND kind IN ('order.create', 'order.edit')
                        AND (CASE WHEN json_valid(payload)
                                  THEN json_extract(payload, '$.status') END) IS NOT NULL",
                    args![&key],
                )?
                .opt_int(0)?;
            Ok(at.map(from_millis))
        })
    }
}

/// The entry of a row whose first four columns are `history_id, crm_order, code,
/// changed_at`.
fn entry_of(row: &Row) -> std::result::Result<HistoryEntry, Failure> {
    let order = row.text(1)?;
    Ok(HistoryEntry {
        history_id: row.int(0)?,
        crm_order: serde_json::from_str(&order).unwrap_or(Value::Null),
        code: row.text(2)?,
        changed_at: from_millis(row.int(3)?),
        own: false,
    })
}

/// Settles pending entry `history_id` as `settlement` says.
fn settle(
    tx: &mut dyn Tx,
    history_id: i64,
    settlement: Settlement<'_>,
    now: SystemTime,
) -> std::result::Result<(), Failure> {
    let (state, reason) = match settlement {
        Settlement::Applied => ("applied", None),
        Settlement::Skipped(reason) => ("skipped", Some(reason)),
        Settlement::SetAside(reason) => ("set_aside", Some(reason)),
    };
    tx.execute(
        "UPDATE {history_entries} SET state = ?, reason = ?, settled_at = ?
          WHERE history_id = ? AND state = 'pending'",
        args![state, reason, to_millis(now), history_id],
    )?;
    Ok(())
}

/// Moves the cursor to just before the first pending entry after it, or to the read
/// position when none is pending; never back.
fn advance_cursor(tx: &mut dyn Tx, now: SystemTime) -> std::result::Result<(), Failure> {
    let Some(cursor) = number(tx, CURSOR)? else {
        return Ok(());
    };
    let first_pending = tx
        .query_one(
            "SELECT min(history_id) FROM {history_entries}
              WHERE state = 'pending' AND history_id > ?",
            args![cursor],
        )?
        .opt_int(0)?;
    let target = match first_pending {
        Some(pending) => pending - 1,
        None => number(tx, READ)?.unwrap_or(cursor),
    };
    if target > cursor {
        set(tx, CURSOR, &target.to_string(), now)?;
    }
    Ok(())
}

/// The whole number stored under `name`, if any.
fn number(tx: &mut dyn Tx, name: &str) -> std::result::Result<Option<i64>, Failure> {
    Ok(get(tx, name)?.and_then(|(value, _)| value.parse().ok()))
}
