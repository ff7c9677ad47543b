//! The fair write lock: every write to the outbox queues for one lock file beside it.
//!
//! SQLite's own busy handler sleep-polls with growing sleeps: under contention a writer can
//! lose every race for the whole busy timeout, so an enqueue failed (and the shop's change
//! was lost) while other processes wrote hundreds of records. Instead, a writer takes a
//! blocking `flock(LOCK_EX)` on `<outbox>-lock` before `BEGIN IMMEDIATE` and gives it back
//! after the commit. The kernel keeps the waiters and wakes them the moment the lock is
//! given back (Linux wakes them all and one wins, so the order is not strictly first come,
//! first served): nobody sleeps past a free lock and nobody gives up, so a write waits for
//! other short transactions (each one an fsync) rather than for a poll interval, and claims
//! and acks get their turns among enqueues instead of losing to them (measured in
//! `benches/outbox_load.sh`, see the module documentation). A process that dies holding the
//! lock releases it with its file descriptors.
//!
//! The lock is per open file description: every [`WriteLock`] opens the file itself, so two
//! handles in one process exclude each other like two processes do.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The lock file of one outbox, opened for this handle.
#[derive(Debug)]
pub(super) struct WriteLock {
    file: File,
    path: PathBuf,
}

/// The lock, held until dropped.
#[derive(Debug)]
pub(super) struct Held<'a>(&'a File);

impl WriteLock {
    /// Opens (creating it, mode 0600) the lock file beside the outbox at `outbox`.
    pub(super) fn open(outbox: &Path) -> io::Result<WriteLock> {
        let path = beside(outbox, "-lock");
        let file = open_lock_file(&path)?;
        Ok(WriteLock { file, path })
    }

    /// The lock file.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Waits for the lock (blocked in the kernel, not polling) and holds it until the result
    /// is dropped.
    pub(super) fn hold(&self) -> io::Result<Held<'_>> {
        loop {
            match self.file.lock() {
                Ok(()) => return Ok(Held(&self.file)),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        // Closing the file would release it too; an unlock that fails leaves it to that.
        let _ = self.0.unlock();
    }
}

/// The path of the outbox at `outbox` with `suffix` appended: a file beside it.
pub(super) fn beside(outbox: &Path, suffix: &str) -> PathBuf {
    let mut name = outbox.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Opens the lock file at `path`, creating it with mode 0600 (its content is never used).
pub(super) fn open_lock_file(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}
