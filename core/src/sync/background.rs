//! Delivery on a thread of the PHP process, for SAPIs that cannot end the response before
//! PHP's shutdown functions are done (Apache mod_php, the built-in server, LiteSpeed
//! without `litespeed_finish_request()`): the shutdown function hands the flush to the
//! thread and returns, so the visitor gets the response, and the process serves its next
//! request while the thread delivers.
//!
//! - At most one delivery thread runs in a process. A flush asked for while it runs waits
//!   in its list (one entry per outbox, the latest engine, the longest budget) and runs
//!   after the current one, which also picks up records that became due meanwhile.
//! - The thread never touches PHP: the engine is plain Rust (outbox, HTTP, a file or
//!   buffered log). It shares the process's runtime and HTTP clients with PHP's thread
//!   (tokio's current-thread runtime lets several threads `block_on` it; whichever holds
//!   its driver runs the connection tasks of both).
//! - Fork: the thread exists only in the process that started it; a forked child inherits
//!   none of it. Its state is [`ProcessLocal`], as are the runtime, the HTTP clients and the
//!   open outboxes, so a child starts from nothing. Children are forked before any request
//!   (the PHP-FPM master, Apache prefork's parent, `PHP_CLI_SERVER_WORKERS`), from processes
//!   that never run a request and so never start the thread; during a request only the CLI
//!   can `pcntl_fork()`, and the CLI never uses the thread.
//! - [`stop`] runs at module shutdown: it cancels the flush under way (its record stays
//!   leased and is retried when the lease runs out) and waits for the thread, so that PHP
//!   never unloads the extension's code under a running thread.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::Notify;

use super::engine::{Engine, LockWait};
use crate::runtime::{self, ProcessLocal};

/// This process's delivery thread and its work.
static DELIVERY: ProcessLocal<Background> = ProcessLocal::new();

#[derive(Default)]
struct Background {
    jobs: Mutex<Jobs>,
    stopping: AtomicBool,
    stop: Notify,
}

#[derive(Default)]
struct Jobs {
    /// Flushes asked for and not started yet, at most one per outbox.
    waiting: VecDeque<(Engine, Duration)>,
    /// Whether the thread runs (it clears this when it finds nothing more to do).
    running: bool,
    /// The last thread started, for [`stop`] to wait for.
    thread: Option<JoinHandle<()>>,
}

/// Delivers `engine`'s due records for at most `budget` on this process's delivery thread,
/// starting the thread when none runs; returns at once. Fails only when no thread can be
/// started; the caller should then deliver itself.
pub fn deliver(engine: Engine, budget: Duration) -> std::io::Result<()> {
    let background = state();
    let mut jobs = lock(&background.jobs);
    let outbox = engine.outbox().path().to_path_buf();
    match jobs
        .waiting
        .iter_mut()
        .find(|(waiting, _)| waiting.outbox().path() == outbox)
    {
        Some(job) => *job = (engine, budget.max(job.1)),
        None => jobs.waiting.push_back((engine, budget)),
    }
    if !jobs.running {
        let shared = Arc::clone(&background);
        let started = std::thread::Builder::new()
            .name("modretailcrm-delivery".into())
            .spawn(move || work(&shared));
        match started {
            Ok(thread) => {
                jobs.running = true;
                jobs.thread = Some(thread);
            }
            Err(error) => {
                // Nothing runs, so what waits is this call's flush alone.
                jobs.waiting.clear();
                return Err(error);
            }
        }
    }
    Ok(())
}

/// For module shutdown: cancels the flush under way, drops those waiting and waits for the
/// thread to end.
pub fn stop() {
    let background = state();
    background.stopping.store(true, Ordering::SeqCst);
    background.stop.notify_one();
    let thread = lock(&background.jobs).thread.take();
    if let Some(thread) = thread {
        // The thread catches its panics; an error here has nothing left to clean up.
        let _ = thread.join();
    }
}

fn state() -> Arc<Background> {
    let Ok(background) = DELIVERY.get_or_try_init(|| Ok::<_, Infallible>(Background::default()));
    background
}

fn lock(jobs: &Mutex<Jobs>) -> MutexGuard<'_, Jobs> {
    jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The thread: runs the waiting flushes one after another until none is left. Problems
/// go to the process's standard error (the web server's error log): the thread cannot
/// call PHP, and the records concerned stay in the outbox.
fn work(background: &Background) {
    loop {
        let next = {
            let mut jobs = lock(&background.jobs);
            let next = jobs.waiting.pop_front();
            jobs.running = next.is_some();
            next
        };
        let Some((engine, budget)) = next else {
            return;
        };
        if background.stopping.load(Ordering::SeqCst) {
            continue;
        }
        let flushed = catch_unwind(AssertUnwindSafe(|| {
            runtime::block_on(async {
                tokio::select! {
                    report = engine.flush(budget, None, LockWait::Skip) => report.map(drop),
                    () = background.stop.notified() => Ok(()),
                }
            })
        }));
        match flushed {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => {
                eprintln!("modretailcrm: delivery after the response failed: {error}")
            }
            Ok(Err(error)) => eprintln!("modretailcrm: cannot start the async runtime: {error}"),
            Err(_) => eprintln!(
                "modretailcrm: delivery after the response stopped on a bug; the changes stay queued"
            ),
        }
    }
}
