//! At most one deliverer per outbox file: an exclusive `flock` on a file beside it.
//!
//! Every flush of the shop — after a response, in `sync` mode, from cron — first holds this
//! lock; a flush that finds it taken delivers nothing (it may wait for it, see the engine).
//! So a CRM that hangs holds at most one of the site's PHP workers, while the others queue
//! their changes and return. The lock file is opened with the integration, next to the
//! outbox, and stays open with it (a cache folder emptied meanwhile does not stop deliveries).
//! The `flock` belongs to the open file: a process that dies, even killed with -9, releases
//! it. Flushes that share one open lock (an integration's own flush and its delivery thread)
//! take turns through a flag of their own, since a second `flock` on the same open file
//! would not exclude anything.
//!
//! An outbox in MySQL ([`super::Outbox::open_mysql`]) is shared by web nodes that share no
//! files: its delivery lock is a named `GET_LOCK` of the database (see `db/mysql.rs`),
//! released by the server when the holder's connection ends.

use std::fs::{File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::store::Outbox;
use super::writelock::{beside, open_lock_file};

/// The delivery lock of one outbox: an open lock file, or the outbox's database.
#[derive(Debug)]
pub struct DeliveryLock {
    kind: Kind,
    held: AtomicBool,
}

/// Where the lock lives.
#[derive(Debug)]
enum Kind {
    /// A lock file beside the SQLite outbox.
    File(File),
    /// A named lock of the MySQL outbox's database.
    Database(Arc<Outbox>),
}

/// The lock, held until dropped.
#[derive(Debug)]
pub struct HeldLock<'a> {
    lock: &'a DeliveryLock,
}

impl DeliveryLock {
    /// The lock file of the outbox at `outbox`: `<outbox>-delivery.lock`.
    pub fn path(outbox: &Path) -> PathBuf {
        beside(outbox, "-delivery.lock")
    }

    /// Opens (or creates, mode 0600) the lock file of the outbox at `outbox`.
    pub fn open(outbox: &Path) -> io::Result<DeliveryLock> {
        let file = open_lock_file(&Self::path(outbox))?;
        Ok(DeliveryLock {
            kind: Kind::File(file),
            held: AtomicBool::new(false),
        })
    }

    /// The delivery lock of `outbox`: the lock file beside it, or for a MySQL outbox the
    /// database's named lock.
    pub fn of(outbox: &Arc<Outbox>) -> io::Result<DeliveryLock> {
        match outbox.mysql() {
            None => Self::open(outbox.path()),
            Some(_) => Ok(DeliveryLock {
                kind: Kind::Database(Arc::clone(outbox)),
                held: AtomicBool::new(false),
            }),
        }
    }

    /// Takes the lock if no flush holds it, in this process or another: `Ok(None)` when one
    /// does.
    pub fn try_hold(&self) -> io::Result<Option<HeldLock<'_>>> {
        if self.held.swap(true, Ordering::AcqRel) {
            return Ok(None);
        }
        let taken = match &self.kind {
            Kind::File(file) => match file.try_lock() {
                Ok(()) => Ok(true),
                Err(TryLockError::WouldBlock) => Ok(false),
                Err(TryLockError::Error(error)) => Err(error),
            },
            Kind::Database(outbox) => outbox
                .mysql()
                .map_or(Ok(false), |db| db.try_lock("delivery"))
                .map_err(io::Error::other),
        };
        match taken {
            Ok(true) => Ok(Some(HeldLock { lock: self })),
            refused => {
                self.held.store(false, Ordering::Release);
                refused.map(|_| None)
            }
        }
    }
}

impl Drop for HeldLock<'_> {
    fn drop(&mut self) {
        match &self.lock.kind {
            // Closing the file would release it too; an unlock that fails leaves it to that.
            Kind::File(file) => {
                let _ = file.unlock();
            }
            Kind::Database(outbox) => {
                if let Some(db) = outbox.mysql() {
                    db.unlock("delivery");
                }
            }
        }
        self.lock.held.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_across_open_files_and_within_one() {
        let dir = std::env::temp_dir().join(format!("modretailcrm-dlock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let outbox = dir.join("outbox.sqlite");
        let (one, other) = (
            DeliveryLock::open(&outbox).unwrap(),
            DeliveryLock::open(&outbox).unwrap(),
        );
        let held = one.try_hold().unwrap();
        assert!(held.is_some());
        assert!(one.try_hold().unwrap().is_none(), "taken, same open file");
        assert!(
            other.try_hold().unwrap().is_none(),
            "taken, another open file"
        );
        drop(held);
        let again = other.try_hold().unwrap();
        assert!(again.is_some(), "free again");
        assert!(one.try_hold().unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
