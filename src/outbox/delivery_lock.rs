//! At most one deliverer per outbox file: an exclusive `flock` on a file beside it.
//!
//! Every flush of the shop — after a response, in `sync` mode, from cron — first takes this
//! lock; a flush that finds it taken delivers nothing (it may wait for it, see the engine).
//! So a CRM that hangs holds at most one of the site's PHP workers, while the others queue
//! their changes and return. The lock belongs to the open file: a worker that dies, even
//! killed with -9, releases it, and the kernel hands it on. Each flush opens the file anew,
//! so two flushes of one process (PHP's thread and the delivery thread) exclude each other
//! too.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct DeliveryLock {
    _file: File,
}

impl DeliveryLock {
    /// The lock file of the outbox at `outbox`: `<outbox>-delivery.lock` (mode 0600).
    pub fn path(outbox: &Path) -> PathBuf {
        let mut name = outbox.as_os_str().to_owned();
        name.push("-delivery.lock");
        PathBuf::from(name)
    }

    /// Takes the lock of the outbox at `outbox` if nobody holds it: `Ok(None)` when another
    /// flush (of any process) holds it.
    pub fn try_acquire(outbox: &Path) -> io::Result<Option<DeliveryLock>> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(Self::path(outbox))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DeliveryLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = std::env::temp_dir().join(format!("modretailcrm-dlock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let outbox = dir.join("outbox.sqlite");
        let held = DeliveryLock::try_acquire(&outbox).unwrap();
        assert!(held.is_some());
        assert!(
            DeliveryLock::try_acquire(&outbox).unwrap().is_none(),
            "taken"
        );
        drop(held);
        assert!(
            DeliveryLock::try_acquire(&outbox).unwrap().is_some(),
            "free again"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
