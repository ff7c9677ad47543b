//! The outbox in the shop's MySQL/MariaDB database, shared by every web node.
//!
//! The tables are `{prefix}modretailcrm_outbox` and its companions (see `db/mod.rs`
//! `TABLES`), InnoDB, utf8mb4; `{prefix}modretailcrm_outbox_meta` holds the schema version
//! (the same numbers as the SQLite file's, see `schema.rs`) and the write-lock row.
//!
//! Writers take turns, as on SQLite: a write transaction first locks the write-lock row
//! (`SELECT … FOR UPDATE`; InnoDB queues the waiters and wakes them in turn). The rules
//! need that order: an id is handed out when a record is inserted, and a record inserted
//! later but committed earlier would otherwise be claimed before its predecessor; a key's
//! turn (`keys.rs`) is handed on by reading what other transactions wrote. The claim locks
//! its rows besides with `FOR UPDATE SKIP LOCKED` where the server has it (MySQL ≥ 8.0.1,
//! MariaDB ≥ 10.6, read once per connection), and each lease is a conditional update in
//! any case. Reads take a consistent snapshot and wait for no writer.
//!
//! One connection per handle (the process keeps its handles, see `shared.rs`), opened
//! again in a forked child (the parent's is left to the parent) and after a lost
//! connection. A transaction that fails on a deadlock or a lock wait timeout is run again
//! (up to [`ATTEMPTS`] times); one that loses its connection before its `COMMIT` was sent
//! runs again once on a new connection (the server rolled it back); one that loses it
//! during the `COMMIT` is not (it may have been committed) and fails. Every other failure
//! (wrong credentials, a read-only server, the server gone) is an
//! [`OutboxError::Database`] naming the server, the database and the table prefix — never
//! the password — and nothing was changed.
//!
//! The delivery and history locks (`delivery_lock.rs`, `history_lock.rs`) are named
//! `GET_LOCK`s of the connection, named after the database and the table prefix: the nodes
//! share no files. The server releases them when the connection ends (a process killed
//! with -9 included). A node whose connection is lost while it holds one goes on with its
//! flush without it, and another node may start one meanwhile: the leases and their fencing
//! still keep two nodes from sending one record.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use mysql::consts::CapabilityFlags;
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, Params, Value};

use super::{Arg, Cell, Dialect, Row, Tx};
use crate::outbox::error::{Failure, OutboxError, Result};
use crate::outbox::schema::MIGRATIONS;
pub use crate::site_db::MysqlTarget;
use crate::site_db::{MAX_PREFIX, plain_error};

/// How many times a transaction runs when it meets deadlocks or lock wait timeouts.
const ATTEMPTS: u32 = 5;

/// Checks a table prefix (see [`MysqlTarget::prefix_is_plain`]), so that it can be
/// written into SQL as it is.
fn check_prefix(target: &MysqlTarget) -> Result<()> {
    if target.prefix_is_plain() {
        return Ok(());
    }
    Err(OutboxError::Invalid(format!(
        "the table prefix {:?} cannot be used for the outbox's tables: only letters, \
         digits and _ are allowed, at most {MAX_PREFIX} characters (set \
         modretailcrm_queue_table_prefix)",
        target.prefix
    )))
}

/// An open MySQL outbox: the settings to connect with and the connection of this process.
pub(in crate::outbox) struct MysqlStore {
    opts: Opts,
    prefix: String,
    location: String,
    /// The lock names this process holds (a named lock is re-entrant within a connection,
    /// so the process excludes its own holders itself).
    held: Mutex<HashSet<String>>,
    session: Mutex<Option<Session>>,
}

impl fmt::Debug for MysqlStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlStore")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// The connection of one process.
struct Session {
    conn: Conn,
    pid: u32,
    skip_locked: bool,
}

impl Drop for MysqlStore {
    fn drop(&mut self) {
        let slot = self
            .session
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = slot.take()
            && session.pid != std::process::id()
        {
            // A forked child: the socket is the parent's, saying goodbye on it would end
            // the parent's connection. Leave it alone.
            std::mem::forget(session);
        }
    }
}

impl MysqlStore {
    /// Connects, checks the prefix and brings the tables up to date.
    pub(in crate::outbox) fn open(target: &MysqlTarget) -> Result<MysqlStore> {
        check_prefix(target)?;
        let connection = target
            .connection("modretailcrm_queue_dsn")
            .map_err(OutboxError::Invalid)?;
        let location = format!(
            "MySQL {}, database {}, tables {}modretailcrm_outbox…",
            connection.server, connection.database, target.prefix
        );
        let builder = connection
            .options
            .stmt_cache_size(128)
            .additional_capabilities(CapabilityFlags::CLIENT_FOUND_ROWS)
            .init(vec![
                "SET NAMES utf8mb4 COLLATE utf8mb4_bin",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'",
            ]);
        let store = MysqlStore {
            opts: Opts::from(builder),
            prefix: target.prefix.clone(),
            location,
            held: Mutex::default(),
            session: Mutex::new(None),
        };
        store.prepare()?;
        Ok(store)
    }

    /// The server, database and table prefix, for messages.
    pub(in crate::outbox) fn location(&self) -> &str {
        &self.location
    }

    /// The locking clause of the claim's query on this server.
    pub(in crate::outbox) fn claim_locking(&self) -> Result<&'static str> {
        let skip_locked = self.with_session(|session| Ok(session.skip_locked))?;
        Ok(if skip_locked {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        })
    }

    /// Runs `work` on this process's connection, connecting first when there is none (or
    /// it belongs to the parent of a forked process).
    fn with_session<T>(
        &self,
        work: impl FnOnce(&mut Session) -> std::result::Result<T, Failure>,
    ) -> Result<T> {
        self.on_session(work).map_err(|failure| self.error(failure))
    }

    /// [`MysqlStore::with_session`], failing with the database's own error; the connection
    /// is dropped when it was lost.
    fn on_session<T>(
        &self,
        work: impl FnOnce(&mut Session) -> std::result::Result<T, Failure>,
    ) -> std::result::Result<T, Failure> {
        let mut slot = self.session.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = slot.take_if(|session| session.pid != std::process::id()) {
            // The parent's connection: leave its socket alone (see `Drop`).
            std::mem::forget(session);
        }
        let session = match &mut *slot {
            Some(session) => session,
            None => slot.insert(self.connect()?),
        };
        let outcome = work(session);
        if let Err(Failure::Mysql(error)) = &outcome
            && connection_lost(error)
        {
            *slot = None;
        }
        outcome
    }

    /// A new connection, with the server's `SKIP LOCKED` support read.
    fn connect(&self) -> std::result::Result<Session, Failure> {
        let mut conn = Conn::new(self.opts.clone())?;
        let version: Option<String> = conn.query_first("SELECT VERSION()")?;
        Ok(Session {
            conn,
            pid: std::process::id(),
            skip_locked: skip_locked(version.as_deref().unwrap_or_default()),
        })
    }

    /// Runs `work` in a transaction — a write under the write-lock row when `write` — and
    /// commits it, running it again after a deadlock, a lock wait timeout or a connection
    /// lost before the commit (see the module documentation).
    pub(in crate::outbox) fn transaction<T>(
        &self,
        write: bool,
        mut work: impl FnMut(&mut dyn Tx) -> std::result::Result<T, Failure>,
    ) -> Result<T> {
        let mut reconnected = false;
        let mut attempt = 1;
        loop {
            let mut committing = false;
            let outcome = self.on_session(|session| {
                let conn = &mut session.conn;
                let begin = match write {
                    true => "START TRANSACTION",
                    false => "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
                };
                conn.query_drop(begin)?;
                let mut tx = MysqlTx {
                    conn,
                    prefix: &self.prefix,
                };
                let value = (|| {
                    if write {
                        tx.query_all(
                            "SELECT value FROM {meta} WHERE name = 'write_lock' FOR UPDATE",
                            &[],
                        )?;
                    }
                    let value = work(&mut tx)?;
                    committing = true;
                    tx.conn.query_drop("COMMIT")?;
                    Ok(value)
                })();
                if value.is_err() && !committing {
                    // Nothing to keep; on a lost connection the server rolls back itself.
                    let _ = tx.conn.query_drop("ROLLBACK");
                }
                value
            });
            let error = match outcome {
                Err(Failure::Mysql(error)) => error,
                other => return other.map_err(|failure| self.error(failure)),
            };
            let lost = connection_lost(&error);
            let again = match lost {
                true => !reconnected && !committing,
                false => is_contention(&error) && attempt < ATTEMPTS,
            };
            if !again {
                return Err(self.error(Failure::Mysql(error)));
            }
            reconnected |= lost;
            attempt += 1;
        }
    }

    /// Creates the tables or brings them up to date, under a named lock so that nodes
    /// opening a new database at once migrate it once. DDL commits by itself on MySQL: each
    /// migration is followed by its version bump, and a migration cut short is run again
    /// by the next open only if its tables are still missing (`IF NOT EXISTS` is not used;
    /// see the README for the recovery).
    fn prepare(&self) -> Result<()> {
        let lock = self.lock_name("migrate");
        self.with_session(|session| {
            let conn = &mut session.conn;
            let taken: Option<Option<i64>> =
                conn.exec_first("SELECT GET_LOCK(?, 60)", (lock.as_str(),))?;
            if taken.flatten() != Some(1) {
                return Err(OutboxError::Database {
                    location: self.location.clone(),
                    message: "another node kept the outbox's migration lock for over a minute"
                        .into(),
                }
                .into());
            }
            let outcome = self.migrate(conn);
            let _ = conn.exec_drop("SELECT RELEASE_LOCK(?)", (lock.as_str(),));
            outcome
        })
    }

    /// Applies the migrations the tables lack (see [`MysqlStore::prepare`]).
    fn migrate(&self, conn: &mut Conn) -> std::result::Result<(), Failure> {
        let table = |name: &str| Dialect::Mysql.translate(&format!("{{{name}}}"), &self.prefix);
        let exists = |conn: &mut Conn, name: &str| -> std::result::Result<bool, Failure> {
            let bare = table(name).replace('`', "");
            let found: Option<i64> = conn.exec_first(
                "SELECT count(*) FROM information_schema.tables
                  WHERE table_schema = DATABASE() AND table_name = ?",
                (bare,),
            )?;
            Ok(found.unwrap_or(0) > 0)
        };
        if !exists(conn, "meta")? {
            if exists(conn, "records")? {
                return Err(OutboxError::Database {
                    location: self.location.clone(),
                    message: format!(
                        "the table {} exists but is not a modretailcrm outbox (no {}); choose \
                         another modretailcrm_queue_table_prefix",
                        table("records"),
                        table("meta")
                    ),
                }
                .into());
            }
            conn.query_drop(Dialect::Mysql.translate(
                "CREATE TABLE {meta} (
                     name  VARCHAR(64) NOT NULL PRIMARY KEY,
                     value BIGINT      NOT NULL
                 ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin",
                &self.prefix,
            ))?;
            conn.query_drop(Dialect::Mysql.translate(
                "INSERT INTO {meta} (name, value) VALUES ('schema_version', 0), ('write_lock', 0)",
                &self.prefix,
            ))?;
        }
        let version: i64 = conn
            .query_first(Dialect::Mysql.translate(
                "SELECT value FROM {meta} WHERE name = 'schema_version'",
                &self.prefix,
            ))?
            .unwrap_or(0);
        let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        if version > supported {
            return Err(OutboxError::Newer {
                path: self.location.clone().into(),
                found: version,
                supported,
            }
            .into());
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let sql = Dialect::Mysql.translate(migration.mysql, &self.prefix);
            for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                conn.query_drop(statement)?;
            }
            conn.exec_drop(
                Dialect::Mysql.translate(
                    "UPDATE {meta} SET value = ? WHERE name = 'schema_version'",
                    &self.prefix,
                ),
                (index + 1,),
            )?;
        }
        Ok(())
    }

    /// The name of the named lock `what` of this outbox: unique per database and prefix,
    /// short enough for MySQL's 64 characters.
    pub(in crate::outbox) fn lock_name(&self, what: &str) -> String {
        let database = self.opts.get_db_name().unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in database.bytes().chain([0]).chain(self.prefix.bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("modretailcrm.{hash:016x}.{what}")
    }

    /// Takes the named lock `what` (`delivery`, `history`) of this outbox if nobody — in
    /// this process or on any node — holds it; says whether it did.
    pub(in crate::outbox) fn try_lock(&self, what: &str) -> Result<bool> {
        let name = self.lock_name(what);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.contains(&name) {
            return Ok(false);
        }
        let taken = self.with_session(|session| {
            let taken: Option<Option<i64>> = session
                .conn
                .exec_first("SELECT GET_LOCK(?, 0)", (name.as_str(),))?;
            Ok(taken.flatten() == Some(1))
        })?;
        if taken {
            held.insert(name);
        }
        Ok(taken)
    }

    /// Gives the named lock `what` back.
    pub(in crate::outbox) fn unlock(&self, what: &str) {
        let name = self.lock_name(what);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.remove(&name) {
            // A connection lost meanwhile has released it already.
            let _ = self.with_session(|session| {
                Ok(session
                    .conn
                    .exec_drop("SELECT RELEASE_LOCK(?)", (name.as_str(),))?)
            });
        }
    }

    /// The [`OutboxError`] for `failure`, the password never in it.
    fn error(&self, failure: Failure) -> OutboxError {
        let error = match failure {
            Failure::Mysql(error) => error,
            Failure::Db(error) => {
                return OutboxError::Database {
                    location: self.location.clone(),
                    message: error.to_string(),
                };
            }
            Failure::Outbox(error) => return error,
        };
        OutboxError::Database {
            location: self.location.clone(),
            message: explain(&error),
        }
    }
}

/// Whether `error` is a deadlock or a lock wait timeout: the transaction may run again.
fn is_contention(error: &mysql::Error) -> bool {
    matches!(error, mysql::Error::MySqlError(e) if matches!(e.code, 1205 | 1213))
}

/// Whether `error` means the connection is gone (server gone away, killed, restarted).
fn connection_lost(error: &mysql::Error) -> bool {
    match error {
        mysql::Error::IoError(_) | mysql::Error::CodecError(_) => true,
        mysql::Error::DriverError(
            mysql::DriverError::ConnectTimeout
            | mysql::DriverError::CouldNotConnect(_)
            | mysql::DriverError::PacketOutOfSync
            | mysql::DriverError::UnexpectedPacket,
        ) => true,
        mysql::Error::MySqlError(e) => matches!(e.code, 1053 | 1927 | 2006 | 2013),
        _ => false,
    }
}

/// `error` in words a sysadmin can act on.
fn explain(error: &mysql::Error) -> String {
    match error {
        mysql::Error::MySqlError(e) => match e.code {
            1045 | 1044 | 1698 => format!(
                "the server refused the user (check modretailcrm_queue_user and \
                 modretailcrm_queue_password): {}",
                e.message
            ),
            1049 => format!("the database does not exist: {}", e.message),
            1290 | 1836 => format!(
                "the server is read-only (a replica?): point modretailcrm_queue_dsn at the \
                 primary. {}",
                e.message
            ),
            1213 => "a deadlock persisted through the retries".into(),
            1205 => "a lock wait timed out through the retries".into(),
            _ => plain_error(error),
        },
        error if connection_lost(error) => {
            format!("the server cannot be reached: {}", plain_error(error))
        }
        error => plain_error(error),
    }
}

/// Whether the server whose `VERSION()` is `version` has `SKIP LOCKED`: MariaDB from 10.6,
/// MySQL from 8.0.1.
fn skip_locked(version: &str) -> bool {
    let numbers: Vec<u32> = version
        .split(|c: char| !c.is_ascii_digit())
        .take(3)
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    let at_least =
        |major: u32, minor: u32, patch: u32| numbers.as_slice() >= [major, minor, patch].as_slice();
    if version.contains("MariaDB") {
        at_least(10, 6, 0)
    } else {
        at_least(8, 0, 1)
    }
}

/// [`Tx`] on a MySQL connection inside `START TRANSACTION`.
struct MysqlTx<'a> {
    conn: &'a mut Conn,
    prefix: &'a str,
}

impl MysqlTx<'_> {
    /// The statement's parameters as MySQL values.
    fn params(args: &[Arg<'_>]) -> Params {
        if args.is_empty() {
            return Params::Empty;
        }
        Params::Positional(
            args.iter()
                .map(|arg| match arg {
                    Arg::Null => Value::NULL,
                    Arg::Int(value) => Value::Int(*value),
                    Arg::Real(value) => Value::Double(*value),
                    Arg::Text(text) => Value::Bytes(text.as_bytes().to_vec()),
                })
                .collect(),
        )
    }
}

impl Tx for MysqlTx<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> std::result::Result<u64, Failure> {
        let sql = Dialect::Mysql.translate(sql, self.prefix);
        self.conn.exec_drop(sql, Self::params(args))?;
        Ok(self.conn.affected_rows())
    }

    fn query_all(&mut self, sql: &str, args: &[Arg<'_>]) -> std::result::Result<Vec<Row>, Failure> {
        let sql = Dialect::Mysql.translate(sql, self.prefix);
        let rows: Vec<mysql::Row> = self.conn.exec(sql, Self::params(args))?;
        Ok(rows
            .into_iter()
            .map(|row| {
                Row(row
                    .unwrap()
                    .into_iter()
                    .map(|value| match value {
                        Value::NULL => Cell::Null,
                        Value::Int(value) => Cell::Int(value),
                        Value::UInt(value) => Cell::Int(i64::try_from(value).unwrap_or(i64::MAX)),
                        Value::Float(value) => Cell::Real(f64::from(value)),
                        Value::Double(value) => Cell::Real(value),
                        Value::Bytes(bytes) => {
                            Cell::Text(String::from_utf8_lossy(&bytes).into_owned())
                        }
                        other => Cell::Text(format!("{other:?}")),
                    })
                    .collect())
            })
            .collect())
    }

    fn last_insert_id(&mut self) -> std::result::Result<i64, Failure> {
        Ok(i64::try_from(self.conn.last_insert_id()).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_prefixes_are_refused() {
        let with = |prefix: &str| MysqlTarget {
            prefix: prefix.into(),
            ..MysqlTarget::default()
        };
        assert!(check_prefix(&with("modx_")).is_ok());
        for odd in ["mo`dx", "modx_; DROP TABLE x", &"p".repeat(31)] {
            let error = check_prefix(&with(odd)).expect_err(odd).to_string();
            assert!(error.contains("only letters, digits and _"), "{error}");
        }
    }

    #[test]
    fn skip_locked_is_known_by_server_version() {
        assert!(skip_locked("10.11.19-MariaDB-0+deb12u1"));
        assert!(!skip_locked("10.5.23-MariaDB"));
        assert!(skip_locked("8.0.36"));
        assert!(!skip_locked("5.7.44-log"));
    }
}
