//! Named values of the CRM → site direction, kept in the outbox file every PHP process
//! shares: the history cursor, the last webhook call and its verdict, and the like. Each
//! value is text (JSON where it has a structure) and carries the time it was last set.

use std::time::SystemTime;

use rusqlite::{OptionalExtension, params};

use super::clock::{from_millis, to_millis};
use super::error::Result;
use super::store::Outbox;

impl Outbox {
    /// The value named `name` and when it was set, if it ever was.
    pub fn inbound_state(&self, name: &str) -> Result<Option<(String, SystemTime)>> {
        self.read(|tx| {
            Ok(tx
                .query_row(
                    "SELECT value, updated_at FROM inbound_state WHERE name = ?1",
                    [name],
                    |row| Ok((row.get::<_, String>(0)?, from_millis(row.get(1)?))),
                )
                .optional()?)
        })
    }

    /// Sets the value named `name` to `value` at `now`, durably when this returns.
    pub fn set_inbound_state(&self, name: &str, value: &str, now: SystemTime) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO inbound_state (name, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                                                  updated_at = excluded.updated_at",
                params![name, value, to_millis(now)],
            )?;
            Ok(())
        })
    }
}
