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

use super::writelock::{beside, open_lock_file};

/// The history lock of one outbox, held until dropped.
#[derive(Debug)]
pub struct HistoryLock {
    file: File,
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
            Ok(()) => Ok(Some(HistoryLock { file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(error),
        }
    }
}

impl Drop for HistoryLock {
    fn drop(&mut self) {
        // Closing the file would release it too; an unlock that fails leaves it to that.
        let _ = self.file.unlock();
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
