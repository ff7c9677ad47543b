//! The per-key turn: which record of an entity key may go next.
//!
//! Records of one key are delivered one at a time in id order. Only the key's oldest
//! undelivered record (its head) carries a due time; the others wait with `next_attempt_at`
//! NULL, outside the `records_due` index, so a long backlog behind a slow or dead head costs
//! the claim query nothing. Whatever ends a head's turn hands it on here: delivery, discard.
//! A dead head keeps its turn, so the key stays blocked until the head is retried or
//! discarded. The claim query checks the order again on its own, so this bookkeeping
//! decides only what is looked at, never what is allowed.

use rusqlite::{Transaction, params};

/// Whether `key` has no undelivered record, so that a new record of it is due at once.
pub(super) fn is_free(tx: &Transaction<'_>, key: &str) -> rusqlite::Result<bool> {
    tx.prepare_cached(
        "SELECT NOT EXISTS (SELECT 1 FROM records WHERE entity_key = ?1 AND state <> 'delivered')",
    )?
    .query_row([key], |row| row.get(0))
}

/// Makes the new head of `key` due at `now` when it is a pending record still waiting for its
/// turn.
pub(super) fn hand_on(tx: &Transaction<'_>, key: &str, now: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE records SET next_attempt_at = ?2
          WHERE id = (SELECT id FROM records
                       WHERE entity_key = ?1 AND state <> 'delivered'
                       ORDER BY id LIMIT 1)
            AND state = 'pending' AND next_attempt_at IS NULL",
    )?
    .execute(params![key, now])?;
    Ok(())
}
