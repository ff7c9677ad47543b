//! Moving a queue from one outbox to another: from the SQLite file to the MySQL database
//! when a shop grows past one web server, and back (`modretailcrm.php migrate-queue`).
//!
//! What moves: every record not delivered yet (pending and dead), in its order, with its
//! attempts, its errors, its CRM and the keys it waits for; and the state rows (the CRM → site
//! values and history entries, the orders' `externalId`s, the shop references without a CRM
//! code). Delivered records stay where they are (history, purged in time); breakers and rate
//! limit buckets are momentary and start afresh.
//!
//! The copy is one write transaction on the target inside one on the source: the source's
//! writers wait meanwhile (no enqueue slips between the copy and the removal), the target's
//! records are committed before the source's are removed, so a failure on the way leaves
//! every record in the source (and, if only the removal failed, in both: nothing is lost).
//! The moved records get new ids after the target's, in their order. So that no order
//! between two changes is lost, the move is refused when the target holds an undelivered
//! record of a key that moves (or that a moved record waits for), or one that waits for a
//! key that moves: switch the backend setting and move right away, and the target holds
//! only the few changes made in between, of other entities. A record being delivered loses
//! its lease and is due again in the target, as is a record waiting for a backoff.

use std::collections::HashMap;
use std::time::SystemTime;

use super::clock::to_millis;
use super::db::{Arg, Cell, Row, Tx, args};
use super::error::{Failure, OutboxError, Result};
use super::store::Outbox;

/// What [`Outbox::move_undelivered_to`] moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    /// Pending and dead records moved.
    pub records: usize,
    /// State rows copied (CRM → site values, history entries, order ids, unmapped references).
    pub state_rows: usize,
}

/// The columns of a record that move, in the order of [`INSERT_RECORD`]'s parameters.
const RECORD_COLUMNS: &str = "kind, entity_key, payload, created_at, state, attempts, \
     next_attempt_at, last_error, error_details, last_error_at, crm_url, crm_site, crm_key";

/// Writes a moved record.
const INSERT_RECORD: &str = "INSERT INTO {records} (kind, entity_key, payload, created_at, \
     state, attempts, next_attempt_at, last_error, error_details, last_error_at, crm_url, \
     crm_site, crm_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// The state tables that are copied, with their columns.
const STATE: &[(&str, &str)] = &[
    ("inbound_state", "name, value, updated_at"),
    (
        "history_entries",
        "history_id, crm_order, code, changed_at, state, returned, reason, read_at, settled_at",
    ),
    ("order_ids", "site_order_id, external_id"),
    ("unmapped", "reference, first_seen, last_seen, seen"),
];

impl Cell {
    /// The cell as a parameter of a statement.
    fn as_arg(&self) -> Arg<'_> {
        match self {
            Cell::Null => Arg::Null,
            Cell::Int(value) => Arg::Int(*value),
            Cell::Real(value) => Arg::Real(*value),
            Cell::Text(text) => Arg::Text(text),
        }
    }
}

impl Outbox {
    /// Moves this outbox's undelivered records, and copies its state rows, into `target`
    /// (see the module documentation). Fails with [`OutboxError::Invalid`] when `target`
    /// holds undelivered records of the moving entities (or waiting for them), changing
    /// nothing.
    pub fn move_undelivered_to(&self, target: &Outbox, now: SystemTime) -> Result<Moved> {
        let now = to_millis(now);
        self.write(|source| {
            let records = source.query_all(
                &format!(
                    "SELECT id, {RECORD_COLUMNS} FROM {{records}}
                      WHERE state <> 'delivered' ORDER BY id"
                ),
                &[],
            )?;
            let deps = source.query_all(
                "SELECT d.record_id, d.entity_key FROM {record_deps} AS d
                   JOIN {records} AS r ON r.id = d.record_id
                  WHERE r.state <> 'delivered' ORDER BY d.record_id",
                &[],
            )?;
            let mut state = Vec::with_capacity(STATE.len());
            for (table, columns) in STATE {
                state.push(source.query_all(&format!("SELECT {columns} FROM {{{table}}}"), &[])?);
            }
            let moved = target
                .write(|tx| copy_into(tx, &records, &deps, &state, now))
                .map_err(Failure::Outbox)?;
            source.execute("DELETE FROM {records} WHERE state <> 'delivered'", &[])?;
            Ok(moved)
        })
    }
}

/// Writes `records` (rows of `id` and [`RECORD_COLUMNS`]), their `deps` and the `state`
/// rows (of the tables of [`STATE`], in order) into the target `tx`.
fn copy_into(
    tx: &mut dyn Tx,
    records: &[Row],
    deps: &[Row],
    state: &[Vec<Row>],
    now: i64,
) -> Result<Moved, Failure> {
    // The entity key is column 2 of a record's row (after id, kind), 1 of a dependency's.
    let mut keys: Vec<&str> = records
        .iter()
        .filter_map(|row| text_at(row, 2))
        .chain(deps.iter().filter_map(|row| text_at(row, 1)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let waiting = entangled(tx, &keys)?;
    if waiting > 0 {
        return Err(OutboxError::Invalid(format!(
            "the target outbox holds {waiting} undelivered records of the entities that would \
             move (or waiting for them): deliver them first (or discard them), so that no \
             change overtakes an older one"
        ))
        .into());
    }
    let mut ids = HashMap::with_capacity(records.len());
    for record in records {
        let values: Vec<Arg<'_>> = record.0[1..].iter().map(Cell::as_arg).collect();
        tx.execute(INSERT_RECORD, &values)?;
        ids.insert(record.int(0)?, tx.last_insert_id()?);
    }
    for dep in deps {
        if let Some(id) = ids.get(&dep.int(0)?) {
            tx.execute(
                "{insert_ignore} INTO {record_deps} (record_id, entity_key) VALUES (?, ?)",
                args![*id, &dep.text(1)?],
            )?;
        }
    }
    // A record waiting for a lease to run out or for a backoff is due at once in the target.
    tx.execute(
        "UPDATE {records} SET next_attempt_at = ?
          WHERE state = 'pending' AND next_attempt_at > ?",
        args![now, now],
    )?;
    let mut state_rows = 0;
    for ((table, columns), rows) in STATE.iter().zip(state) {
        let marks = vec!["?"; columns.split(',').count()].join(", ");
        let insert = format!("{{insert_ignore}} INTO {{{table}}} ({columns}) VALUES ({marks})");
        for row in rows {
            let values: Vec<Arg<'_>> = row.0.iter().map(Cell::as_arg).collect();
            state_rows += usize::try_from(tx.execute(&insert, &values)?).unwrap_or(0);
        }
    }
    Ok(Moved {
        records: records.len(),
        state_rows,
    })
}

/// The text in column `index` of `row`, if it holds text.
fn text_at(row: &Row, index: usize) -> Option<&str> {
    match row.0.get(index) {
        Some(Cell::Text(text)) => Some(text),
        _ => None,
    }
}

/// How many undelivered records of the target are of one of `keys`, or wait for one.
fn entangled(tx: &mut dyn Tx, keys: &[&str]) -> Result<u64, Failure> {
    let mut count = 0;
    for chunk in keys.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let values: Vec<Arg<'_>> = chunk.iter().map(|key| Arg::Text(key)).collect();
        count += tx
            .query_one(
                &format!(
                    "SELECT count(*) FROM {{records}}
                      WHERE state <> 'delivered' AND entity_key IN ({marks})"
                ),
                &values,
            )?
            .count(0)?;
        count += tx
            .query_one(
                &format!(
                    "SELECT count(*) FROM {{record_deps}} AS d
                       JOIN {{records}} AS r ON r.id = d.record_id
                      WHERE r.state <> 'delivered' AND d.entity_key IN ({marks})"
                ),
                &values,
            )?
            .count(0)?;
    }
    Ok(count)
}
