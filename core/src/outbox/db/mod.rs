//! The seam between the outbox's rules and the database that keeps them.
//!
//! Every rule of the outbox (per-key order, dependencies, leases with fencing, dead letters,
//! the shared rate limit, breakers, the history cursor …) is written once, against [`Tx`]: a
//! transaction that runs SQL with positional `?` parameters ([`Arg`]) and answers rows of
//! [`Cell`]s. Two backends implement it: SQLite (`sqlite.rs`, one file shared by the
//! processes of one server) and MySQL/MariaDB (`mysql.rs`, the shop's database shared by
//! every web node). The SQL is written in the subset both understand; what differs lives in
//! [`Dialect`]: the tables' names (`{records}` … in the SQL), `INSERT OR IGNORE`, upserts,
//! SQLite's index hints and reading text out of JSON.

pub(super) mod mysql;
pub(super) mod sqlite;

use super::error::{Failure, OutboxError};

/// A parameter of a statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Arg<'a> {
    /// SQL NULL.
    Null,
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(&'a str),
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<u32> for Arg<'_> {
    fn from(value: u32) -> Self {
        Arg::Int(i64::from(value))
    }
}

impl From<f64> for Arg<'_> {
    fn from(value: f64) -> Self {
        Arg::Real(value)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl<'a, T: Into<Arg<'a>>> From<Option<T>> for Arg<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Arg::Null, Into::into)
    }
}

/// The parameters of a statement, in the order of its `?`s.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::outbox::db::Arg::from($value)),*]
    };
}
pub(super) use args;

/// A value read from a row.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    /// SQL NULL.
    Null,
    /// A whole number.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text (or bytes, read as UTF-8).
    Text(String),
}

/// A row of a result.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row(pub(super) Vec<Cell>);

impl Row {
    /// Column `index`, NULL when the row has no such column.
    fn cell(&self, index: usize) -> &Cell {
        self.0.get(index).unwrap_or(&Cell::Null)
    }

    /// Column `index` as a whole number, `None` for NULL. MySQL sends some numbers (sums,
    /// decimals) as text; they are read as the numbers they are.
    pub(super) fn opt_int(&self, index: usize) -> Result<Option<i64>, Failure> {
        match self.cell(index) {
            Cell::Null => Ok(None),
            Cell::Int(value) => Ok(Some(*value)),
            Cell::Real(value) if value.fract() == 0.0 => Ok(Some(*value as i64)),
            Cell::Text(text) => text
                .split('.')
                .next()
                .and_then(|whole| whole.parse().ok())
                .map(Some)
                .ok_or_else(|| decode(index, "a number", text)),
            Cell::Real(value) => Err(decode(index, "a whole number", &value.to_string())),
        }
    }

    /// Column `index` as a whole number.
    pub(super) fn int(&self, index: usize) -> Result<i64, Failure> {
        self.opt_int(index)?
            .ok_or_else(|| decode(index, "a number", "NULL"))
    }

    /// Column `index` as a count (negative counts as 0).
    pub(super) fn count(&self, index: usize) -> Result<u64, Failure> {
        Ok(u64::try_from(self.opt_int(index)?.unwrap_or(0)).unwrap_or(0))
    }

    /// Column `index` as a small count such as attempts or failures.
    pub(super) fn small(&self, index: usize) -> Result<u32, Failure> {
        Ok(u32::try_from(self.count(index)?).unwrap_or(u32::MAX))
    }

    /// Column `index` as a truth value (a number, non-zero meaning true).
    pub(super) fn flag(&self, index: usize) -> Result<bool, Failure> {
        Ok(self.opt_int(index)?.unwrap_or(0) != 0)
    }

    /// Column `index` as a floating-point number.
    pub(super) fn real(&self, index: usize) -> Result<f64, Failure> {
        match self.cell(index) {
            Cell::Real(value) => Ok(*value),
            Cell::Int(value) => Ok(*value as f64),
            Cell::Text(text) => text.parse().map_err(|_| decode(index, "a number", text)),
            Cell::Null => Err(decode(index, "a number", "NULL")),
        }
    }

    /// Column `index` as text, `None` for NULL.
    pub(super) fn opt_text(&self, index: usize) -> Result<Option<String>, Failure> {
        match self.cell(index) {
            Cell::Null => Ok(None),
            Cell::Text(text) => Ok(Some(text.clone())),
            Cell::Int(value) => Ok(Some(value.to_string())),
            Cell::Real(value) => Ok(Some(value.to_string())),
        }
    }

    /// Column `index` as text.
    pub(super) fn text(&self, index: usize) -> Result<String, Failure> {
        self.opt_text(index)?
            .ok_or_else(|| decode(index, "text", "NULL"))
    }
}

/// The failure for a column that does not hold what the outbox wrote there.
fn decode(index: usize, wanted: &str, found: &str) -> Failure {
    Failure::Outbox(OutboxError::Invalid(format!(
        "the outbox database holds an unexpected value in column {index}: {wanted} expected, \
         {found:.40} found"
    )))
}

/// A transaction on the outbox's database. Statements name the outbox's tables in braces
/// (`{records}`, `{record_deps}` …, see [`TABLES`]) and take positional `?` parameters.
pub(super) trait Tx {
    /// Which SQL the database speaks.
    fn dialect(&self) -> Dialect;

    /// Runs a statement and answers how many rows it changed.
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, Failure>;

    /// Runs a query and answers all its rows.
    fn query_all(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, Failure>;

    /// The id the last `INSERT` gave its row.
    fn last_insert_id(&mut self) -> Result<i64, Failure>;

    /// Runs a query and answers its first row, if any.
    fn query_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>, Failure> {
        Ok(self.query_all(sql, args)?.into_iter().next())
    }

    /// Runs a query that always answers a row (an aggregate, `EXISTS` …) and answers it.
    fn query_one(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Row, Failure> {
        Ok(self.query_opt(sql, args)?.unwrap_or(Row(Vec::new())))
    }
}

/// The outbox's tables: the name the SQL gives each (in braces) and the name of the table
/// on MySQL, after the table prefix. On SQLite the tables have the SQL's names.
pub(super) const TABLES: &[(&str, &str)] = &[
    ("records", "modretailcrm_outbox"),
    ("record_deps", "modretailcrm_outbox_deps"),
    ("activity", "modretailcrm_outbox_activity"),
    ("rate_limits", "modretailcrm_outbox_rate_limits"),
    ("unmapped", "modretailcrm_outbox_unmapped"),
    ("order_ids", "modretailcrm_outbox_order_ids"),
    ("breakers", "modretailcrm_outbox_breakers"),
    ("inbound_state", "modretailcrm_outbox_inbound_state"),
    ("history_entries", "modretailcrm_outbox_history"),
    ("meta", "modretailcrm_outbox_meta"),
];

/// The SQL a database speaks, where SQLite's and MySQL's differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    /// SQLite (the outbox file).
    Sqlite,
    /// MySQL or MariaDB.
    Mysql,
}

impl Dialect {
    /// `sql` with its `{table}` names, `{insert_ignore}` and `{indexed_by:index}` hints made
    /// this dialect's; `prefix` is the MySQL table prefix (validated, see `mysql.rs`).
    pub(super) fn translate(self, sql: &str, prefix: &str) -> String {
        let mut out = String::with_capacity(sql.len() + 64);
        let mut rest = sql;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                rest = &rest[open..];
                break;
            };
            let token = &rest[open + 1..open + close];
            rest = &rest[open + close + 1..];
            if let Some(&(_, table)) = TABLES.iter().find(|(name, _)| *name == token) {
                match self {
                    Dialect::Sqlite => out.push_str(token),
                    Dialect::Mysql => {
                        out.push('`');
                        out.push_str(prefix);
                        out.push_str(table);
                        out.push('`');
                    }
                }
            } else if token == "insert_ignore" {
                out.push_str(match self {
                    Dialect::Sqlite => "INSERT OR IGNORE",
                    Dialect::Mysql => "INSERT IGNORE",
                });
            } else if let Some(index) = token.strip_prefix("indexed_by:") {
                if self == Dialect::Sqlite {
                    out.push_str("INDEXED BY ");
                    out.push_str(index);
                }
            } else {
                out.push('{');
                out.push_str(token);
                out.push('}');
            }
        }
        out.push_str(rest);
        out
    }

    /// An upsert: `insert` (an `INSERT INTO … VALUES …`), and on a row with the same `key`
    /// the `updates` instead: each column set to the new row's value (`None`) or to an
    /// expression of the stored row (`Some`).
    pub(super) fn upsert(
        self,
        insert: &str,
        key: &str,
        updates: &[(&str, Option<&str>)],
    ) -> String {
        let set = updates
            .iter()
            .map(|(column, expression)| match (self, expression) {
                (_, Some(expression)) => format!("{column} = {expression}"),
                (Dialect::Sqlite, None) => format!("{column} = excluded.{column}"),
                (Dialect::Mysql, None) => format!("{column} = VALUES({column})"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        match self {
            Dialect::Sqlite => format!("{insert} ON CONFLICT ({key}) DO UPDATE SET {set}"),
            Dialect::Mysql => format!("{insert} ON DUPLICATE KEY UPDATE {set}"),
        }
    }

    /// The SQL for the text at JSON `path` of `column` (NULL when it is missing).
    pub(super) fn json_text(self, column: &str, path: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '{path}')"),
            Dialect::Mysql => format!("JSON_UNQUOTE(JSON_EXTRACT({column}, '{path}'))"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_hints_are_each_dialects() {
        let sql = "{insert_ignore} INTO {records} AS r {indexed_by:records_due} WHERE a = '{x}'";
        assert_eq!(
            Dialect::Sqlite.translate(sql, "modx_"),
            "INSERT OR IGNORE INTO records AS r INDEXED BY records_due WHERE a = '{x}'"
        );
        assert_eq!(
            Dialect::Mysql.translate(sql, "modx_"),
            "INSERT IGNORE INTO `modx_modretailcrm_outbox` AS r  WHERE a = '{x}'"
        );
    }

    #[test]
    fn numbers_sent_as_text_are_read_as_numbers() {
        let row = Row(vec![
            Cell::Text("12".into()),
            Cell::Text("3.000".into()),
            Cell::Null,
        ]);
        assert_eq!(row.int(0).unwrap(), 12);
        assert_eq!(row.count(1).unwrap(), 3);
        assert_eq!(row.opt_int(2).unwrap(), None);
        assert!(row.int(2).is_err());
    }
}
