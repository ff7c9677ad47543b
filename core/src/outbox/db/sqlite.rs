//! [`Tx`] on a SQLite transaction (the outbox file).

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{ToSql, Transaction, params_from_iter};

use super::{Arg, Cell, Dialect, Row, Tx};
use crate::outbox::error::Failure;

/// A SQLite transaction of the outbox; statements are prepared once per connection.
pub(in crate::outbox) struct SqliteTx<'a, 'conn>(pub(in crate::outbox) &'a Transaction<'conn>);

impl ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Arg::Null => ValueRef::Null,
            Arg::Int(value) => ValueRef::Integer(*value),
            Arg::Real(value) => ValueRef::Real(*value),
            Arg::Text(text) => ValueRef::Text(text.as_bytes()),
        }))
    }
}

impl Tx for SqliteTx<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, Failure> {
        let sql = Dialect::Sqlite.translate(sql, "");
        let changed = self
            .0
            .prepare_cached(&sql)?
            .execute(params_from_iter(args))?;
        Ok(changed as u64)
    }

    fn query_all(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>, Failure> {
        let sql = Dialect::Sqlite.translate(sql, "");
        let mut statement = self.0.prepare_cached(&sql)?;
        let columns = statement.column_count();
        let mut rows = statement.query(params_from_iter(args))?;
        let mut all = Vec::new();
        while let Some(row) = rows.next()? {
            let cells = (0..columns)
                .map(|index| {
                    Ok(match row.get_ref(index)? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(value) => Cell::Int(value),
                        ValueRef::Real(value) => Cell::Real(value),
                        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                            Cell::Text(String::from_utf8_lossy(bytes).into_owned())
                        }
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()?;
            all.push(Row(cells));
        }
        Ok(all)
    }

    fn last_insert_id(&mut self) -> Result<i64, Failure> {
        Ok(self.0.last_insert_rowid())
    }
}
