//! Opening the outbox file and writing records into it.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde_json::Value;

use super::clock::to_millis;
use super::damage;
use super::db::mysql::{MysqlStore, MysqlTarget};
use super::db::sqlite::SqliteTx;
use super::db::{Tx, args};
use super::destination::Destination;
use super::error::{Failure, OutboxError, Result};
use super::keys;
use super::schema::{self, Identity};
use super::writelock::{Held, WriteLock};

/// Tunables of an [`Outbox`]; the defaults suit production, tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSettings {
    /// The delay after a record's first failure; it doubles with each further failure.
    pub backoff_base: Duration,
    /// The longest delay between two attempts.
    pub backoff_cap: Duration,
    /// How long an operation waits for SQLite's lock before giving up with
    /// [`OutboxError::Busy`]. Writers of this extension queue for the outbox's write lock
    /// instead (see `writelock.rs`) and never meet each other here; this bounds the wait for
    /// a program that writes the file without that lock (the `sqlite3` shell …) and for
    /// readers during SQLite's own recovery.
    pub busy_timeout: Duration,
}

impl Default for OutboxSettings {
    /// 1 s doubling up to 10 min; a 5 s busy timeout.
    fn default() -> Self {
        OutboxSettings {
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(600),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A change to send to the CRM, as the shop's event produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    /// What to do: `customer.create`, `order.create`, `order.edit`, `order.status`,
    /// `payment.edit`, `custom` … The delivery engine gives the kinds their meaning.
    pub kind: String,
    /// The entity changed, e.g. `customer:17` or `order:2311-12`. Records of one key are
    /// delivered one at a time, in the order they were enqueued.
    pub entity_key: String,
    /// What to send.
    pub payload: Value,
    /// Entity keys whose records enqueued before this one must all be delivered before this
    /// one may go (an order's create depends on its customer's key).
    pub depends_on: Vec<String>,
    /// The CRM the record is for; `None` lets any flush of the file deliver it.
    pub destination: Option<Destination>,
}

/// The durable outbox: a SQLite file shared by every process of one server, or tables in
/// the shop's MySQL/MariaDB database shared by every web node ([`Outbox::open_mysql`]).
///
/// Each operation is one transaction. Writes first queue for the outbox's write lock (on
/// SQLite a blocking `flock` on `<outbox>-lock`, see `writelock.rs`, then `BEGIN
/// IMMEDIATE`; on MySQL a lock row, see `db/mysql.rs`), so processes and threads that share
/// the outbox are serialised and wait their turn; reads never wait for writes. The handle
/// itself may be shared between threads.
#[derive(Debug)]
pub struct Outbox {
    pub(super) settings: OutboxSettings,
    pub(super) store: Store,
}

/// Where an outbox keeps its records.
#[derive(Debug)]
pub(super) enum Store {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// Tables in a MySQL/MariaDB database.
    Mysql(MysqlStore),
}

/// An open SQLite outbox file.
#[derive(Debug)]
pub(super) struct SqliteStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    lock: WriteLock,
    /// Why the file is damaged, once that is known: writes are refused from then on.
    damage: OnceLock<String>,
}

impl Outbox {
    /// Opens the outbox at `path` with the default settings; see [`Outbox::open_with`].
    pub fn open(path: &Path) -> Result<Outbox> {
        Outbox::open_with(path, OutboxSettings::default())
    }

    /// Opens the outbox at `path`, creating the missing folders (mode 0700) and the file
    /// (mode 0600, whatever the umask), and bringing its schema up to date.
    ///
    /// The file runs in WAL mode with `synchronous=FULL`, so a record is on disk when
    /// [`Outbox::enqueue`] returns. The path must be absolute and name a regular file (or
    /// none yet): `:memory:`, a PHP stream such as `php://memory`, a folder, a FIFO or a
    /// device are refused ([`OutboxError::NotAFile`]), as are a file that is not a SQLite
    /// database, a database of another application and a file from a newer version, before
    /// anything is written to them. A file whose header shows it was cut opens for reading
    /// only: [`Outbox::status`] works and says so, every write fails with
    /// [`OutboxError::Damaged`].
    pub fn open_with(path: &Path, settings: OutboxSettings) -> Result<Outbox> {
        refuse_non_file_name(path)?;
        let failed = |source| OutboxError::Open {
            path: path.to_path_buf(),
            source,
        };
        create_file(path).map_err(failed)?;
        refuse_non_file(path)?;
        let lock = WriteLock::open(path).map_err(failed)?;
        let held = hold(&lock)?;
        let damage = damage::inspect(path).map_err(failed)?;
        let (mut conn, version) = match connect(path, &settings, damage.is_some()) {
            Ok(opened) => opened,
            Err(failure) => {
                return Err(match (failure.at(path), damage) {
                    (OutboxError::Corrupt { .. }, Some(reason)) => OutboxError::Damaged {
                        path: path.to_path_buf(),
                        reason,
                    },
                    (error, _) => error,
                });
            }
        };
        if damage.is_none() {
            prepare(&mut conn, version).map_err(|failure| failure.at(path))?;
        }
        drop(held);
        Ok(Outbox {
            settings,
            store: Store::Sqlite(SqliteStore {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
                lock,
                damage: damage.map(OnceLock::from).unwrap_or_default(),
            }),
        })
    }

    /// Opens the outbox in the MySQL/MariaDB database `target` names, creating its tables
    /// (`{prefix}modretailcrm_outbox` and companions, InnoDB, utf8mb4) or bringing them up
    /// to date; see `db/mysql.rs`.
    pub fn open_mysql(target: &MysqlTarget, settings: OutboxSettings) -> Result<Outbox> {
        Ok(Outbox {
            settings,
            store: Store::Mysql(MysqlStore::open(target)?),
        })
    }

    /// The MySQL store of a MySQL outbox.
    pub(super) fn mysql(&self) -> Option<&MysqlStore> {
        match &self.store {
            Store::Mysql(store) => Some(store),
            Store::Sqlite(_) => None,
        }
    }

    /// Why the file is damaged, when it is: the handle then refuses every write. A MySQL
    /// outbox is never found damaged.
    pub fn damage(&self) -> Option<&str> {
        match &self.store {
            Store::Sqlite(store) => store.damage.get().map(String::as_str),
            Store::Mysql(_) => None,
        }
    }

    /// Copies the pages the WAL has gathered into the database file: a passive checkpoint,
    /// which waits for nobody and holds up no writer. Deliveries run it after their work, so
    /// that the copy is not made inside an enqueue's turn (SQLite's automatic checkpoint,
    /// left as a backstop at 10,000 pages). Nothing to do on a damaged file.
    /// On MySQL there is nothing to do.
    pub fn checkpoint(&self) -> Result<()> {
        let Store::Sqlite(store) = &self.store else {
            return Ok(());
        };
        if self.damage().is_some() {
            return Ok(());
        }
        let conn = store.conn.lock().unwrap_or_else(PoisonError::into_inner);
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|error| Failure::from(error).at(&store.path))
    }

    /// The file this outbox lives in; for a MySQL outbox, its server, database and table
    /// prefix (never the password).
    pub fn path(&self) -> &Path {
        match &self.store {
            Store::Sqlite(store) => &store.path,
            Store::Mysql(store) => Path::new(store.location()),
        }
    }

    /// Writes `record` to the outbox, due at once unless an earlier record of its key is
    /// still undelivered. Returns the record's id; ids only ever increase. The record is on
    /// disk when this returns.
    pub fn enqueue(&self, record: &NewRecord, now: SystemTime) -> Result<i64> {
        check(record)?;
        let payload = record.payload.to_string();
        self.write(|tx| insert(tx, record, &payload, to_millis(now)))
    }

    /// Runs `work` in a write transaction (under the write lock) and commits it; on a
    /// damaged file it fails with [`OutboxError::Damaged`], writing nothing. On MySQL `work`
    /// may run again after a deadlock or a lost connection (see `db/mysql.rs`).
    pub(super) fn write<T>(
        &self,
        work: impl FnMut(&mut dyn Tx) -> Result<T, Failure>,
    ) -> Result<T> {
        match &self.store {
            Store::Sqlite(store) => store.transaction(TransactionBehavior::Immediate, work),
            Store::Mysql(store) => store.transaction(true, work),
        }
    }

    /// Runs `work` in a read transaction: one consistent snapshot.
    pub(super) fn read<T>(&self, work: impl FnMut(&mut dyn Tx) -> Result<T, Failure>) -> Result<T> {
        match &self.store {
            Store::Sqlite(store) => store.transaction(TransactionBehavior::Deferred, work),
            Store::Mysql(store) => store.transaction(false, work),
        }
    }
}

impl SqliteStore {
    /// Why the file is damaged, when it is known to be.
    fn damage(&self) -> Option<&str> {
        self.damage.get().map(String::as_str)
    }

    /// Runs `work` in a transaction begun with `behavior` on this handle's connection and
    /// commits it; any failure rolls everything back.
    fn transaction<T>(
        &self,
        behavior: TransactionBehavior,
        mut work: impl FnMut(&mut dyn Tx) -> Result<T, Failure>,
    ) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let _held = match behavior {
            TransactionBehavior::Deferred => None,
            _ => {
                if let Some(reason) = self.damage() {
                    return Err(self.damaged(reason));
                }
                Some(hold(&self.lock)?)
            }
        };
        let outcome = conn
            .transaction_with_behavior(behavior)
            .map_err(Failure::from)
            .and_then(|tx| {
                let value = work(&mut SqliteTx(&tx))?;
                tx.commit()?;
                Ok(value)
            });
        outcome.map_err(|failure| match failure.at(&self.path) {
            OutboxError::Corrupt { .. } => {
                let reason = self
                    .damage
                    .get_or_init(|| "SQLite found damaged pages while reading it".to_string());
                self.damaged(reason)
            }
            error => error,
        })
    }

    /// The error for a write refused because the file is damaged.
    fn damaged(&self, reason: &str) -> OutboxError {
        OutboxError::Damaged {
            path: self.path.clone(),
            reason: reason.to_string(),
        }
    }
}

/// Refuses a record with an empty kind or entity key before anything is written.
pub(super) fn check(record: &NewRecord) -> Result<()> {
    if record.kind.is_empty() {
        return Err(OutboxError::Invalid("the record kind is empty".into()));
    }
    if record.entity_key.is_empty() || record.depends_on.iter().any(String::is_empty) {
        return Err(OutboxError::Invalid("an entity key is empty".into()));
    }
    Ok(())
}

/// Inserts `record` (checked; its payload as `payload`, made before the write lock is
/// taken) in `tx` at `now` (Unix ms), due at once unless an earlier record of its key is
/// still undelivered; returns its id.
pub(super) fn insert(
    tx: &mut dyn Tx,
    record: &NewRecord,
    payload: &str,
    now: i64,
) -> Result<i64, Failure> {
    let destination = record.destination.as_ref();
    let next_attempt_at = keys::is_free(tx, &record.entity_key)?.then_some(now);
    tx.execute(
        "INSERT INTO {records} (kind, entity_key, payload, created_at, next_attempt_at,
                               crm_url, crm_site, crm_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        args![
            &record.kind,
            &record.entity_key,
            payload,
            now,
            next_attempt_at,
            destination.map(|d| d.url.as_str()),
            destination.map(|d| d.site.as_str()),
            destination.map(|d| d.key_fingerprint.as_str())
        ],
    )?;
    let id = tx.last_insert_id()?;
    for key in record
        .depends_on
        .iter()
        .filter(|key| **key != record.entity_key)
    {
        tx.execute(
            "{insert_ignore} INTO {record_deps} (record_id, entity_key) VALUES (?, ?)",
            args![id, key],
        )?;
    }
    Ok(id)
}

/// Waits for the outbox's write `lock` and holds it until the result is dropped.
fn hold(lock: &WriteLock) -> Result<Held<'_>> {
    lock.hold().map_err(|source| OutboxError::Open {
        path: lock.path().to_path_buf(),
        source,
    })
}

/// Puts the file (at schema `version`) in WAL mode and brings its schema up to date; runs
/// under the write lock.
fn prepare(conn: &mut Connection, version: i64) -> Result<(), Failure> {
    // journal_mode answers with the mode now in force; WAL is kept in the file.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    if version < schema::supported_version() {
        schema::migrate(conn)?;
    }
    Ok(())
}

/// Refuses paths that SQLite or PHP would not take for a file on disk: empty, relative,
/// SQLite's `:memory:` and URI names, PHP stream wrappers (`php://memory` …).
fn refuse_non_file_name(path: &Path) -> Result<()> {
    let text = path.to_string_lossy();
    let memory = path.file_name().is_some_and(|name| name == ":memory:");
    let why = if text.is_empty() {
        "it is empty"
    } else if text == ":memory:" || memory || text.starts_with("file:") {
        "it names an in-memory or URI database, which another process never sees"
    } else if text.contains("://") {
        "it is a PHP stream, not a file on disk"
    } else if !path.is_absolute() {
        "it is relative (it must be absolute, or relative to the site's core_path)"
    } else {
        return Ok(());
    };
    Err(OutboxError::NotAFile {
        path: path.to_path_buf(),
        why: why.into(),
    })
}

/// Refuses a path that exists but is not a regular file (a folder, a FIFO, a device …).
fn refuse_non_file(path: &Path) -> Result<()> {
    let kind = fs::metadata(path)
        .map_err(|source| OutboxError::Open {
            path: path.to_path_buf(),
            source,
        })?
        .file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a folder"
    } else {
        "a FIFO, socket or device"
    };
    Err(OutboxError::NotAFile {
        path: path.to_path_buf(),
        why: format!("it is {what}, not a regular file"),
    })
}

/// Creates the folders and, when it does not exist yet, the file with mode 0600.
fn create_file(path: &Path) -> io::Result<()> {
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        // The umask may have taken bits away from the mode; the file is ours, set it.
        Ok(_) => fs::set_permissions(path, Permissions::from_mode(0o600)),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

/// The WAL size (pages) at which a commit checkpoints by itself: a backstop for a site whose
/// deliveries do not run (they checkpoint after each flush, see [`Outbox::checkpoint`]).
const AUTO_CHECKPOINT_PAGES: u32 = 10_000;

/// Opens the connection, checks what the file is (answering its schema version) and sets
/// the pragmas; WAL mode and migrating are left to [`prepare`]. A `damaged` file is opened
/// for reading only.
///
/// A connection does not checkpoint the WAL when it closes: that would take SQLite's write
/// lock outside the outbox's write lock. Checkpoints run after deliveries
/// ([`Outbox::checkpoint`]), and when a commit has grown the WAL past
/// [`AUTO_CHECKPOINT_PAGES`] inside the writer's turn.
fn connect(
    path: &Path,
    settings: &OutboxSettings,
    damaged: bool,
) -> Result<(Connection, i64), Failure> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(settings.busy_timeout)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    if damaged {
        // Read what is left: SQLite refuses a file shorter than its header says unless the
        // schema is "writable"; `query_only` keeps anything from being written all the same.
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA writable_schema = ON;")?;
    }
    let version = match schema::identify(&conn)? {
        Identity::Foreign => {
            return Err(OutboxError::NotOutbox {
                path: path.to_path_buf(),
            }
            .into());
        }
        Identity::Outbox(version) if version > schema::supported_version() => {
            return Err(OutboxError::Newer {
                path: path.to_path_buf(),
                found: version,
                supported: schema::supported_version(),
            }
            .into());
        }
        Identity::Outbox(version) => version,
    };
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; \
         PRAGMA wal_autocheckpoint = {AUTO_CHECKPOINT_PAGES};"
    ))?;
    Ok((conn, version))
}
