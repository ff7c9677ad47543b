//! The per-key turn: which record of an entity key may go next.
//!
//! Records of one key are delivered one at a time in id order. Only the key's oldest
//! undelivered record (its head) carries a due time; the others wait with `next_attempt_at`
//! NULL, outside the `records_due` index, so a long backlog behind a slow or dead head costs
//! the claim query nothing. Whatever ends a head's turn hands it on here: delivery, discard.
//! A dead head keeps its turn, so the key stays blocked until the head is retried or
//! discarded. The claim query checks the order again on its own, so this bookkeeping
//! decides only what is looked at, never what is allowed.

use super::db::{Tx, args};
use super::error::Failure;

/// Whether `key` has no undelivered record, so that a new record of it is due at once.
pub(super) fn is_free(tx: &mut dyn Tx, key: &str) -> Result<bool, Failure> {
    Ok(!tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM {records} WHERE entity_key = ? AND state <> 'delivered')",
            args![key],
        )?
        .flag(0)?)
}

/// Makes the new head of `key` due at `now` when it is a pending record still waiting for its
/// turn.
pub(super) fn hand_on(tx: &mut dyn Tx, key: &str, now: i64) -> Result<(), Failure> {
    let head = tx.query_opt(
        "SELECT id FROM {records} WHERE entity_key = ? AND state <> 'delivered'
          ORDER BY id LIMIT 1",
        args![key],
    )?;
    if let Some(head) = head {
        tx.execute(
            "UPDATE {records} SET next_attempt_at = ?
              WHERE id = ? AND state = 'pending' AND next_attempt_at IS NULL",
            args![now, head.int(0)?],
        )?;
    }
    Ok(())
}
