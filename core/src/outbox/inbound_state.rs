//! Named values kept in the outbox file every PHP process shares: those of the CRM → site
//! direction (the history cursor, the last webhook call and its verdict, and the like) and
//! the state of the operator's runs (each upload's checkpoint, `upload.customers` and
//! `upload.orders`; the last reconciliation's report, `reconcile.last`). Each value is text
//! (JSON where it has a structure) and carries the time it was last set.

use std::time::SystemTime;

use super::clock::{from_millis, to_millis};
use super::db::{Tx, args};
use super::error::{Failure, Result};
use super::store::Outbox;

impl Outbox {
    /// The value named `name` and when it was set, if it ever was.
    pub fn inbound_state(&self, name: &str) -> Result<Option<(String, SystemTime)>> {
        self.read(|tx| get(tx, name))
    }

    /// Sets the value named `name` to `value` at `now`, durably when this returns.
    pub fn set_inbound_state(&self, name: &str, value: &str, now: SystemTime) -> Result<()> {
        self.write(|tx| set(tx, name, value, now))
    }
}

/// The value named `name` and when it was set, read in `tx`.
pub(super) fn get(
    tx: &mut dyn Tx,
    name: &str,
) -> std::result::Result<Option<(String, SystemTime)>, Failure> {
    match tx.query_opt(
        "SELECT value, updated_at FROM {inbound_state} WHERE name = ?",
        args![name],
    )? {
        Some(row) => Ok(Some((row.text(0)?, from_millis(row.int(1)?)))),
        None => Ok(None),
    }
}

/// Sets the value named `name` to `value` at `now` in `tx`.
pub(super) fn set(
    tx: &mut dyn Tx,
    name: &str,
    value: &str,
    now: SystemTime,
) -> std::result::Result<(), Failure> {
    let upsert = tx.dialect().upsert(
        "INSERT INTO {inbound_state} (name, value, updated_at) VALUES (?, ?, ?)",
        "name",
        &[("value", None), ("updated_at", None)],
    );
    tx.execute(&upsert, args![name, value, to_millis(now)])?;
    Ok(())
}
