//! What can go wrong with the outbox, in words a shop's sysadmin can act on.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// Every way an outbox operation can fail. Whatever the error, the file is left consistent:
/// each operation is one SQLite transaction that either happens entirely or not at all.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The folder or the file could not be created or opened (permissions, a path through a
    /// regular file, a full disk …).
    #[error("cannot open the outbox {}: {source}", .path.display())]
    Open {
        /// The outbox file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: io::Error,
    },
    /// The file is not a SQLite database, or is damaged.
    #[error(
        "the outbox {} is not a SQLite database or is damaged; nothing was written to it. \
         Move it aside (keep it: the records in it may be recoverable) and a new outbox \
         will be created",
        .path.display()
    )]
    Corrupt {
        /// The outbox file.
        path: PathBuf,
    },
    /// The file is a SQLite database of some other application.
    #[error(
        "{} is a SQLite database of another application, not a modretailcrm outbox; \
         nothing was written to it. Point the queue path setting at another file",
        .path.display()
    )]
    NotOutbox {
        /// The file.
        path: PathBuf,
    },
    /// The path names no file on disk that other processes would see: empty, relative,
    /// `:memory:`, a PHP stream, a folder, a FIFO, a device …
    #[error(
        "the outbox path {} cannot be used: {why}. Set modretailcrm_queue_path to a file \
         on disk (absolute, or relative to the site's core folder)",
        .path.display()
    )]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// The file is damaged (cut short, pages overwritten): it is kept for reading, every
    /// write is refused.
    #[error(
        "the outbox {} is damaged ({reason}); nothing was written to it, and no change is \
         accepted into it. Move it aside (keep it: the records in it may be recoverable) and \
         a new outbox will be created",
        .path.display()
    )]
    Damaged {
        /// The outbox file.
        path: PathBuf,
        /// What shows the damage.
        reason: String,
    },
    /// The file was written by a newer version of the extension.
    #[error(
        "the outbox {} was written by a newer version of modretailcrm (schema version \
         {found}; this version knows up to {supported}); nothing was written to it. Upgrade \
         the extension",
        .path.display()
    )]
    Newer {
        /// The outbox file.
        path: PathBuf,
        /// The file's schema version.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },
    /// A program that does not queue for the outbox's write lock (the `sqlite3` shell …)
    /// kept the file locked for longer than the busy timeout.
    #[error(
        "the outbox {} stayed locked by another process for longer than the busy timeout; \
         nothing was changed, try again",
        .path.display()
    )]
    Busy {
        /// The outbox file.
        path: PathBuf,
    },
    /// Any other database failure (disk full, I/O error …).
    #[error("outbox {}: {source}", .path.display())]
    Sqlite {
        /// The outbox file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The worker no longer holds the record: it was already reported, another worker
    /// claimed it after the lease ran out, or it was discarded. Nothing was changed.
    #[error(
        "outbox record {id} is no longer held by this worker (it was already reported, \
         another worker took it over after the lease ran out, or it was discarded); nothing \
         was changed"
    )]
    LeaseLost {
        /// The record.
        id: i64,
    },
    /// No record has this id.
    #[error("there is no outbox record {id}")]
    NotFound {
        /// The id asked for.
        id: i64,
    },
    /// The record is leased to a worker that is delivering it right now.
    #[error("outbox record {id} is being delivered right now; try again when that attempt ends")]
    InFlight {
        /// The record.
        id: i64,
    },
    /// The outbox's MySQL/MariaDB database refused or could not be reached (wrong
    /// credentials, a read-only server, the server gone …). `location` names the server, the
    /// database and the table prefix, never the password. Nothing was changed.
    #[error("outbox {location}: {message}; nothing was changed")]
    Database {
        /// The server, database and table prefix.
        location: String,
        /// What went wrong, in words a sysadmin can act on.
        message: String,
    },
    /// A value given to the outbox is unusable (an empty kind or entity key, a zero limit …).
    #[error("invalid outbox request: {0}")]
    Invalid(String),
}

/// Shorthand for outbox results.
pub type Result<T, E = OutboxError> = std::result::Result<T, E>;

/// An error inside a transaction, before the outbox path is attached to it.
#[derive(Debug)]
pub(super) enum Failure {
    /// SQLite refused.
    Db(rusqlite::Error),
    /// MySQL/MariaDB refused, or the connection failed.
    Mysql(mysql::Error),
    /// A rule of the outbox refused.
    Outbox(OutboxError),
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Db(error)
    }
}

impl From<mysql::Error> for Failure {
    fn from(error: mysql::Error) -> Self {
        Failure::Mysql(error)
    }
}

impl From<OutboxError> for Failure {
    fn from(error: OutboxError) -> Self {
        Failure::Outbox(error)
    }
}

impl Failure {
    /// The [`OutboxError`] for this failure on the outbox at `path`: corruption, lock time-outs
    /// and other SQLite errors told apart.
    pub(super) fn at(self, path: &Path) -> OutboxError {
        let error = match self {
            Failure::Outbox(error) => return error,
            Failure::Mysql(error) => {
                return OutboxError::Database {
                    location: path.display().to_string(),
                    message: error.to_string(),
                };
            }
            Failure::Db(error) => error,
        };
        let path = path.to_path_buf();
        match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                OutboxError::Corrupt { path }
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => OutboxError::Busy { path },
            _ => OutboxError::Sqlite {
                path,
                source: error,
            },
        }
    }
}
