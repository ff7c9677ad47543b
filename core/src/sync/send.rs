//! Sending one change as the send mode says: written to the outbox (durable before anything
//! goes over the network), then in `sync` mode delivered at once within the sync budget; in
//! `deferred` and `queue` mode a later flush delivers it.

use std::time::Duration;

use super::change::Change;
use super::engine::{Engine, FlushReport, LockWait, Settled};
use crate::config::SendMode;
use crate::outbox::OutboxError;
use crate::runtime;

/// Why a change could not be queued or a flush could not run.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The outbox refused or failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The async runtime that delivers could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// A queued change: its outbox record and, when it was delivered at once, how that went.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// The outbox record's id.
    pub id: i64,
    /// How the record settled when `sync` mode delivered it at once; `None` while it waits
    /// in the outbox.
    pub settled: Option<Settled>,
}

impl Queued {
    /// The record's state: `queued` (waits for a flush), `delivered`, `retrying` or `dead`.
    pub fn state(&self) -> &'static str {
        match self.settled {
            None => "queued",
            Some(Settled::Delivered(_)) => "delivered",
            Some(Settled::Retrying(_)) => "retrying",
            Some(Settled::Dead(_)) => "dead",
        }
    }
}

/// Queues `change` in `engine`'s outbox and, in `sync` mode, delivers it within the sync
/// budget (not waiting when another worker is delivering: that one takes it).
pub fn send(engine: &Engine, change: &Change) -> Result<Queued, SendError> {
    let id = engine.enqueue(change)?;
    deliver_now(engine, id)
}

/// Record `id`, just queued, as the send mode leaves it: in `sync` mode delivered within
/// the sync budget (not waiting when another worker is delivering: that one takes it).
pub fn deliver_now(engine: &Engine, id: i64) -> Result<Queued, SendError> {
    let settings = engine.settings();
    let settled = match settings.send_mode {
        SendMode::Sync => flush(engine, settings.sync_budget, Some(id), LockWait::Skip)?.watched,
        SendMode::Deferred | SendMode::Queue => None,
    };
    Ok(Queued { id, settled })
}

/// [`Engine::flush`] run to its end on the calling thread.
pub fn flush(
    engine: &Engine,
    budget: Duration,
    watch: Option<i64>,
    wait: LockWait,
) -> Result<FlushReport, SendError> {
    runtime::block_on(engine.flush(budget, watch, wait))
        .map_err(SendError::Runtime)?
        .map_err(SendError::Outbox)
}
