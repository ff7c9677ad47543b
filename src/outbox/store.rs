//! Opening the outbox file and writing records into it.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior, params};
use serde_json::Value;

use super::clock::to_millis;
use super::destination::Destination;
use super::error::{Failure, OutboxError, Result};
use super::keys;
use super::schema::{self, Identity};

/// Tunables of an [`Outbox`]; the defaults suit production, tests shorten them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSettings {
    /// The delay after a record's first failure; it doubles with each further failure.
    pub backoff_base: Duration,
    /// The longest delay between two attempts.
    pub backoff_cap: Duration,
    /// How long an operation waits for another process's transaction before giving up
    /// with [`OutboxError::Busy`].
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

/// The durable outbox: a SQLite file shared by every process of the shop.
///
/// Each operation is one SQLite transaction; writes take the file's write lock at their
/// start (`BEGIN IMMEDIATE`), so processes and threads that share the file are serialised
/// and wait for each other up to the busy timeout. The handle itself may be shared between
/// threads.
#[derive(Debug)]
pub struct Outbox {
    pub(super) conn: Mutex<Connection>,
    pub(super) path: PathBuf,
    pub(super) settings: OutboxSettings,
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
    /// [`Outbox::enqueue`] returns. A file that is not a SQLite database, a database of
    /// another application and a file from a newer version are refused before anything is
    /// written to them.
    pub fn open_with(path: &Path, settings: OutboxSettings) -> Result<Outbox> {
        create_file(path).map_err(|source| OutboxError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let conn = connect(path, &settings).map_err(|failure| failure.at(path))?;
        Ok(Outbox {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            settings,
        })
    }

    /// The file this outbox lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `record` to the outbox, due at once unless an earlier record of its key is
    /// still undelivered. Returns the record's id; ids only ever increase. The record is on
    /// disk when this returns.
    pub fn enqueue(&self, record: &NewRecord, now: SystemTime) -> Result<i64> {
        if record.kind.is_empty() {
            return Err(OutboxError::Invalid("the record kind is empty".into()));
        }
        if record.entity_key.is_empty() || record.depends_on.iter().any(String::is_empty) {
            return Err(OutboxError::Invalid("an entity key is empty".into()));
        }
        let payload = record.payload.to_string();
        let destination = record.destination.as_ref();
        let crm_url = destination.map(|d| d.url.as_str());
        let crm_site = destination.map(|d| d.site.as_str());
        let crm_key = destination.map(|d| d.key_fingerprint.as_str());
        let now = to_millis(now);
        self.write(|tx| {
            let next_attempt_at = keys::is_free(tx, &record.entity_key)?.then_some(now);
            tx.prepare_cached(
                "INSERT INTO records (kind, entity_key, payload, created_at, next_attempt_at,
                                      crm_url, crm_site, crm_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                record.kind,
                record.entity_key,
                payload,
                now,
                next_attempt_at,
                crm_url,
                crm_site,
                crm_key
            ])?;
            let id = tx.last_insert_rowid();
            let mut dependency = tx.prepare_cached(
                "INSERT OR IGNORE INTO record_deps (record_id, entity_key) VALUES (?1, ?2)",
            )?;
            for key in record
                .depends_on
                .iter()
                .filter(|key| **key != record.entity_key)
            {
                dependency.execute(params![id, key])?;
            }
            Ok(id)
        })
    }

    /// Runs `work` in a write transaction (`BEGIN IMMEDIATE`) and commits it.
    pub(super) fn write<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, Failure>,
    ) -> Result<T> {
        self.transaction(TransactionBehavior::Immediate, work)
    }

    /// Runs `work` in a read transaction: one consistent snapshot.
    pub(super) fn read<T>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, Failure>,
    ) -> Result<T> {
        self.transaction(TransactionBehavior::Deferred, work)
    }

    /// Runs `work` in a transaction begun with `behavior` on this handle's connection and
    /// commits it; any failure rolls everything back.
    fn transaction<T>(
        &self,
        behavior: TransactionBehavior,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, Failure>,
    ) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let outcome = conn
            .transaction_with_behavior(behavior)
            .map_err(Failure::from)
            .and_then(|tx| {
                let value = work(&tx)?;
                tx.commit()?;
                Ok(value)
            });
        outcome.map_err(|failure| failure.at(&self.path))
    }
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

/// Opens the connection, checks what the file is, sets the pragmas and migrates.
fn connect(path: &Path, settings: &OutboxSettings) -> Result<Connection, Failure> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(settings.busy_timeout)?;
    let version = match schema::identify(&conn)? {
        Identity::Foreign => Err(OutboxError::NotOutbox {
            path: path.to_path_buf(),
        }),
        Identity::Outbox(version) if version > schema::supported_version() => {
            Err(OutboxError::Newer {
                path: path.to_path_buf(),
                found: version,
                supported: schema::supported_version(),
            })
        }
        Identity::Outbox(version) => Ok(version),
    }?;
    // journal_mode answers with the mode now in force; WAL is kept in the file.
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    if version < schema::supported_version() {
        schema::migrate(&mut conn)?;
    }
    Ok(conn)
}
