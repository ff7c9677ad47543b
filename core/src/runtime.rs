//! The async runtime, created lazily and again after a fork.
//!
//! PHP-FPM loads the extension in its master process and forks workers; a tokio runtime
//! created before a fork hangs forever in the child. So nothing is started at module
//! start-up: the runtime is built on first use, remembered together with the process id,
//! and rebuilt (the inherited one forgotten, never dropped) when the id changed.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::runtime::{Builder, Runtime};

/// A value that belongs to one process: built on first use, rebuilt after a fork.
///
/// The copy inherited from the parent is leaked on purpose: its destructor could wait on
/// threads or sockets that only exist in the parent.
pub struct ProcessLocal<T> {
    slot: Mutex<Option<(u32, Arc<T>)>>,
}

impl<T> ProcessLocal<T> {
    /// An empty slot; nothing is built until [`ProcessLocal::get_or_try_init`].
    pub const fn new() -> Self {
        ProcessLocal {
            slot: Mutex::new(None),
        }
    }

    /// The value for the current process, building it with `init` when there is none yet
    /// or when the one held was built by another (parent) process.
    pub fn get_or_try_init<E>(&self, init: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E> {
        let pid = std::process::id();
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((owner, value)) = slot.as_ref()
            && *owner == pid
        {
            return Ok(Arc::clone(value));
        }
        if let Some(inherited) = slot.take() {
            std::mem::forget(inherited);
        }
        let value = Arc::new(init()?);
        *slot = Some((pid, Arc::clone(&value)));
        Ok(value)
    }
}

impl<T> Default for ProcessLocal<T> {
    fn default() -> Self {
        Self::new()
    }
}

static RUNTIME: ProcessLocal<Runtime> = ProcessLocal::new();

/// Runs a future to completion on this process's runtime: a current-thread one, so it keeps
/// no worker threads of its own in the PHP process. PHP's thread calls in, and so does the
/// background delivery thread when there is one ([`crate::sync::background`]): tokio lets
/// several threads `block_on` a current-thread runtime, whichever holds its driver running
/// the timers, sockets and connection tasks of all of them.
pub fn block_on<F: Future>(future: F) -> std::io::Result<F::Output> {
    let runtime = RUNTIME.get_or_try_init(|| Builder::new_current_thread().enable_all().build())?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_once_per_process() {
        let local = ProcessLocal::<u32>::new();
        let mut builds = 0;
        for _ in 0..3 {
            let value = local
                .get_or_try_init(|| {
                    builds += 1;
                    Ok::<_, ()>(7)
                })
                .unwrap();
            assert_eq!(*value, 7);
        }
        assert_eq!(builds, 1);
    }

    #[test]
    fn a_failed_build_leaves_the_slot_empty() {
        let local = ProcessLocal::<u32>::new();
        assert_eq!(local.get_or_try_init(|| Err("no")).err(), Some("no"));
        assert_eq!(*local.get_or_try_init(|| Ok::<_, ()>(1)).unwrap(), 1);
    }

    #[test]
    fn block_on_runs_timers_and_io() {
        let out = block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            5
        });
        assert_eq!(out.unwrap(), 5);
    }
}
