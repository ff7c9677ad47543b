//! At most one history pull per outbox file at a time: an exclusive `flock` on a file beside
//! it, held from the pull until the site has confirmed every change the pull handed out.
//!
//! Like the [`super::DeliveryLock`], the `flock` belongs to the open file: a process that
//! dies, even killed with -9, releases it, and the changes it did not confirm are handed
//! out again by the next pull. Each [`HistoryLock`] is an open file of its own, so two
//! holders in one process exclude each other too.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::store::Outbox;
use super::writelock::{beside, open_lock_file};

/// The history lock of one outbox, held until dropped: a lock file beside a SQLite outbox,
/// a named lock of a MySQL outbox's database (the web nodes share no files; see
/// `db/mysql.rs`).
#[derive(Debug)]
pub enum HistoryLock {
    /// The open lock file.
    File(File),
    /// The MySQL outbox holding the named lock.
    Database(Arc<Outbox>),
}

impl HistoryLock {
    /// The lock file of the outbox at `outbox`: `<outbox>-history.lock`.
    pub fn path(outbox: &Path) -> PathBuf {
        beside(outbox, "-history.lock")
    }

    /// Takes the lock of the outbox at `outbox` (creating its file, mode 0600), or `Ok(None)`
    /// when a pull in this process or another holds it.
    pub fn try_take(outbox: &Path) -> io::Result<Option<HistoryLock>> {
        let file = open_lock_file(&Self::path(outbox))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(HistoryLock::File(file))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(error),
        }
    }

    /// Takes the history lock of `outbox` (the file beside a SQLite outbox, the database's
    /// named lock for a MySQL one), or `Ok(None)` when a pull anywhere holds it.
    pub fn try_take_of(outbox: &Arc<Outbox>) -> io::Result<Option<HistoryLock>> {
        let Some(db) = outbox.mysql() else {
            return Self::try_take(outbox.path());
        };
        match db.try_lock("history").map_err(io::Error::other)? {
            true => Ok(Some(HistoryLock::Database(Arc::clone(outbox)))),
            false => Ok(None),
        }
    }
}

impl Drop for HistoryLock {
    fn drop(&mut self) {
        match self {
            // Closing the file would release it too; an unlock that fails leaves it to that.
            HistoryLock::File(file) => {
                let _ = file.unlock();
            }
            HistoryLock::Database(outbox) => {
                if let Some(db) = outbox.mysql() {
                    db.unlock("history");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::tests::TempDir;

    #[test]
    fn one_holder_at_a_time_even_within_a_process() {
        let dir = TempDir::new("history-lock");
        let outbox = dir.file("outbox.sqlite");
        let held = HistoryLock::try_take(&outbox).unwrap();
        assert!(held.is_some());
        assert!(HistoryLock::try_take(&outbox).unwrap().is_none());
        drop(held);
        assert!(HistoryLock::try_take(&outbox).unwrap().is_some());
    }
}
