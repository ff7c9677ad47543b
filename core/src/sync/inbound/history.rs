//! The CRM's status changes reach the site exactly once, from `orders/history`.
//!
//! A pull ([`HistorySync::pull`]):
//! 1. takes the outbox's [`HistoryLock`] (another pull under way: nothing to do) and keeps
//!    it until the site has confirmed every change the pull handed out, or the holder ends
//!    (a process killed in between releases it with its file);
//! 2. reads the history after the read position, page after page (at most [`MAX_PAGES`]
//!    within the budget), every request under the rate limit the deliveries share, and
//!    stores each page's status changes together with the new read position (see
//!    `outbox::history_entries`): durable before the site sees them. The very first pull
//!    only notes the CRM's latest entry: changes made before the sync began are not applied;
//! 3. hands out the pending changes as [`Action`]s, each mapped to the one synced site
//!    status holding its code. A change older than a later status change of the order —
//!    the site's own, queued (compared by time) or come back through the history (compared
//!    by position), or a later CRM change the site applied — is skipped: it would revert
//!    newer data. A change that cannot be applied (not a site order, an unmapped or
//!    ambiguous code) is set aside with its reason.
//!
//! The site applies each action (miniShop2's `changeOrderStatus()`, nothing when the order
//! has that status already) and confirms it with [`HistorySync::applied`], with miniShop2's
//! refusal when it refused. The cursor moves only past settled changes. A process that dies
//! between applying and confirming leaves the change pending: the next pull hands it out
//! again, and applying it again changes nothing, since the order has that status.
//!
//! Without cron, [`HistorySync::claim_poll`] and [`HistorySync::run_poll`] do the same at
//! most once a minute per site, after the outbox's due retries, within
//! `modretailcrm_poll_budget`.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::history_page::{latest_id, read_page, total_pages};
use super::site_order::site_order;
use super::statuses::SiteStatuses;
use crate::api::client::{Entity, Page};
use crate::api::error::ApiError;
use crate::outbox::{Confirmation, HistoryEntry, HistoryLock, Outbox, OutboxError, Settlement};
use crate::runtime;
use crate::sync::engine::{Engine, LockWait};
use crate::sync::send::{self, SendError};

/// How often the work without cron runs, at most, per site.
pub const POLL_INTERVAL: Duration = Duration::from_secs(60);

/// Entries asked for per history request.
pub const PAGE_LIMIT: u32 = 100;

/// History requests one pull sends at most.
pub const MAX_PAGES: u32 = 10;

/// Actions one pull hands out at most.
pub const MAX_ACTIONS: usize = 500;

/// The least time left for a pull to read the CRM; with less it only hands out what is
/// pending.
const MIN_READ_TIME: Duration = Duration::from_millis(100);

/// The CRM's history times have whole seconds: a CRM change is older than a site change
/// only when it is by more than this.
const SAME_MOMENT: Duration = Duration::from_secs(1);

/// The `inbound_state` name of the last run of the work without cron.
const LAST_POLL: &str = "history.last_poll";

/// A status change for the site to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// What to confirm it with ([`HistorySync::applied`]): the history entry's id.
    pub id: String,
    /// The site order's number (`num`).
    pub order: String,
    /// The site order's id, when the outbox knows it.
    pub order_id: Option<i64>,
    /// The site status to set.
    pub status: u64,
    /// The CRM status code it comes from.
    pub code: String,
    /// The order's id in the CRM.
    pub crm_order_id: Option<i64>,
    /// When the CRM made the change.
    pub changed_at: SystemTime,
}

/// What a pull found.
#[derive(Debug, Clone, PartialEq)]
pub enum Pulled {
    /// The changes to apply (none when nothing is new).
    Actions(Vec<Action>),
    /// Another pull of the site is under way (or its changes are not all confirmed yet).
    Busy,
}

/// Why a pull or a confirmation failed. Nothing is lost: what was read is stored, what was
/// not is read again.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The outbox refused or failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The CRM could not be read.
    #[error("reading the CRM's history failed: {0}")]
    Api(#[from] ApiError),
    /// The CRM's answer is not a history.
    #[error("{0}")]
    Answer(String),
    /// The history lock file cannot be used.
    #[error("the history lock {path} cannot be used: {source}")]
    Lock {
        /// The lock file.
        path: String,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// No change was handed out with this id.
    #[error("no CRM change has the id {0:?}: pass the id of an action pullChanges returned")]
    UnknownAction(String),
}

impl From<SendError> for HistoryError {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Outbox(error) => HistoryError::Outbox(error),
            SendError::Runtime(error) => HistoryError::Runtime(error),
        }
    }
}

/// The history sync of one integration: its turn at the history lock and the changes it
/// handed out and awaits confirmations for.
#[derive(Debug, Default)]
pub struct HistorySync {
    turn: Mutex<Option<Turn>>,
}

#[derive(Debug)]
struct Turn {
    _lock: HistoryLock,
    outstanding: BTreeSet<i64>,
}

impl HistorySync {
    /// A sync that holds no turn yet.
    pub fn new() -> HistorySync {
        HistorySync::default()
    }

    /// Reads what is new in the CRM's history within `budget` and hands out the pending
    /// status changes, mapped by `statuses` (see the module documentation). With no synced
    /// status holding a code there is nothing to apply: the CRM is not read.
    pub fn pull(
        &self,
        engine: &Engine,
        statuses: &SiteStatuses,
        budget: Duration,
    ) -> Result<Pulled, HistoryError> {
        let mut turn = self.turn();
        if turn.is_none() {
            match take_lock(engine)? {
                Some(lock) => {
                    *turn = Some(Turn {
                        _lock: lock,
                        outstanding: BTreeSet::new(),
                    });
                }
                None => return Ok(Pulled::Busy),
            }
        }
        let pulled = pull_held(engine, statuses, Instant::now() + budget);
        keep_turn(&mut turn, pulled.as_ref().ok());
        pulled.map(Pulled::Actions)
    }

    /// Confirms action `id`: applied when `error` is `None`, else set aside with miniShop2's
    /// refusal `error`. A repeated confirmation changes nothing. Once every action of this
    /// sync's pull is confirmed, the history lock is free for the next pull.
    pub fn applied(
        &self,
        engine: &Engine,
        id: &str,
        error: Option<&str>,
    ) -> Result<Confirmation, HistoryError> {
        let unknown = || HistoryError::UnknownAction(id.chars().take(64).collect());
        let history_id = id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(unknown)?;
        let reason = error.map(|error| match error.trim() {
            "" => "the site refused to apply it (no reason given)".to_string(),
            error => format!("the site refused to apply it: {error}"),
        });
        let settlement = match &reason {
            None => Settlement::Applied,
            Some(reason) => Settlement::SetAside(reason),
        };
        let confirmation =
            engine
                .outbox()
                .settle_history(history_id, settlement, SystemTime::now())?;
        if confirmation == Confirmation::Unknown {
            return Err(unknown());
        }
        let mut turn = self.turn();
        if let Some(held) = turn.as_mut() {
            held.outstanding.remove(&history_id);
            if held.outstanding.is_empty() {
                *turn = None;
            }
        }
        Ok(confirmation)
    }

    /// The work without cron, for after a response, first half: whether it is due — at
    /// most once every [`POLL_INTERVAL`] per site, `modretailcrm_poll_budget` not 0, no other
    /// worker doing it (the history lock). When it is, the interval starts now and the lock
    /// is held for [`HistorySync::run_poll`].
    pub fn claim_poll(&self, engine: &Engine) -> Result<bool, HistoryError> {
        if engine.settings().poll_budget.is_zero() {
            return Ok(false);
        }
        let mut turn = self.turn();
        if turn.is_some() {
            // This integration's pull still awaits confirmations.
            return Ok(false);
        }
        let Some(lock) = take_lock(engine)? else {
            return Ok(false);
        };
        let outbox = engine.outbox();
        let now = SystemTime::now();
        let last = outbox.inbound_state(LAST_POLL)?;
        if last.is_some_and(|(_, at)| at + POLL_INTERVAL > now && at <= now) {
            return Ok(false);
        }
        outbox.set_inbound_state(LAST_POLL, "", now)?;
        *turn = Some(Turn {
            _lock: lock,
            outstanding: BTreeSet::new(),
        });
        Ok(true)
    }

    /// The work without cron, second half, after [`HistorySync::claim_poll`] said it is
    /// due: delivers the outbox's due records, then pulls, within `modretailcrm_poll_budget`.
    /// `None` when it was not claimed.
    pub fn run_poll(
        &self,
        engine: &Engine,
        statuses: &SiteStatuses,
    ) -> Result<Option<Vec<Action>>, HistoryError> {
        let mut turn = self.turn();
        if turn
            .as_ref()
            .is_none_or(|held| !held.outstanding.is_empty())
        {
            return Ok(None);
        }
        let budget = engine.settings().poll_budget;
        let deadline = Instant::now() + budget;
        let pulled = send::flush(engine, budget, None, LockWait::Skip)
            .map_err(HistoryError::from)
            .and_then(|_| pull_held(engine, statuses, deadline));
        keep_turn(&mut turn, pulled.as_ref().ok());
        pulled.map(Some)
    }

    fn turn(&self) -> MutexGuard<'_, Option<Turn>> {
        self.turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Takes the history lock of `engine`'s outbox, if free.
fn take_lock(engine: &Engine) -> Result<Option<HistoryLock>, HistoryError> {
    let outbox = engine.shared_outbox();
    HistoryLock::try_take_of(outbox).map_err(|source| HistoryError::Lock {
        path: HistoryLock::path(outbox.path()).display().to_string(),
        source,
    })
}

/// Keeps the turn while the actions `handed` (and those handed before) await
/// confirmations; gives it back when none does.
fn keep_turn(turn: &mut Option<Turn>, handed: Option<&Vec<Action>>) {
    if let Some(held) = turn.as_mut() {
        for action in handed.into_iter().flatten() {
            if let Ok(id) = action.id.parse() {
                held.outstanding.insert(id);
            }
        }
        if held.outstanding.is_empty() {
            *turn = None;
        }
    }
}

/// A pull, the history lock held: reads until `deadline`, then hands out what is pending.
fn pull_held(
    engine: &Engine,
    statuses: &SiteStatuses,
    deadline: Instant,
) -> Result<Vec<Action>, HistoryError> {
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    if deadline.saturating_duration_since(Instant::now()) >= MIN_READ_TIME {
        runtime::block_on(read_new(engine, deadline)).map_err(HistoryError::Runtime)??;
    }
    let kept = SystemTime::now()
        .checked_sub(engine.settings().keep_delivered)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    engine.outbox().purge_history(kept)?;
    hand_out(engine.outbox(), statuses)
}

/// Reads the history after the read position and stores what concerns the site, page by
/// page; the first pull only notes the CRM's latest entry.
async fn read_new(engine: &Engine, deadline: Instant) -> Result<(), HistoryError> {
    let outbox = engine.outbox();
    let client = engine.reading_client(deadline);
    let page = |filter: Map<String, Value>, page: u32| Page {
        filter,
        page,
        limit: PAGE_LIMIT,
    };
    let Some(mut since) = outbox.history_read_position()? else {
        let first = client.history(Entity::Order, &page(Map::new(), 1)).await?;
        let last = match total_pages(&first) {
            1 => first,
            pages => {
                client
                    .history(Entity::Order, &page(Map::new(), pages))
                    .await?
            }
        };
        let latest = latest_id(&last).map_err(HistoryError::Answer)?;
        outbox.start_history(latest, SystemTime::now())?;
        return Ok(());
    };
    let site = &engine.settings().site;
    let mut number = 1;
    for _ in 0..MAX_PAGES {
        if Instant::now() + MIN_READ_TIME > deadline {
            break;
        }
        let filter = Map::from_iter([("sinceId".to_string(), json!(since))]);
        let answer = client.history(Entity::Order, &page(filter, number)).await?;
        let now = SystemTime::now();
        let read = read_page(&answer, since, site, now).map_err(HistoryError::Answer)?;
        let read_to = read.last_id.unwrap_or(since);
        outbox.store_history(&read.entries, read_to, now)?;
        if !read.more {
            break;
        }
        if read_to > since {
            since = read_to;
            number = 1;
        } else {
            // An empty page amid the pages: the next one.
            number += 1;
        }
    }
    Ok(())
}

/// Hands out the pending changes as actions; those that cannot be applied are set aside.
fn hand_out(outbox: &Outbox, statuses: &SiteStatuses) -> Result<Vec<Action>, HistoryError> {
    let now = SystemTime::now();
    let mut actions = Vec::new();
    for entry in outbox.take_pending_history(MAX_ACTIONS, now)? {
        match action(outbox, statuses, &entry)? {
            Ok(action) => actions.push(action),
            Err(Unapplied::Skip(reason)) => {
                outbox.settle_history(entry.history_id, Settlement::Skipped(&reason), now)?;
            }
            Err(Unapplied::SetAside(reason)) => {
                outbox.settle_history(entry.history_id, Settlement::SetAside(&reason), now)?;
            }
        }
    }
    Ok(actions)
}

/// Why a pending change is not handed out.
enum Unapplied {
    /// It would revert a later change of the order.
    Skip(String),
    /// It cannot be applied.
    SetAside(String),
}

/// The action `entry` gives, or why it is not applied.
fn action(
    outbox: &Outbox,
    statuses: &SiteStatuses,
    entry: &HistoryEntry,
) -> Result<Result<Action, Unapplied>, OutboxError> {
    let Some(order) = site_order(outbox, &entry.crm_order)? else {
        return Ok(Err(Unapplied::SetAside(
            "the CRM order has no externalId: it is not one of the site's orders".into(),
        )));
    };
    let external_id = entry
        .crm_order
        .get("externalId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(later) = outbox.later_applied_history(external_id, entry.history_id)? {
        return Ok(Err(Unapplied::Skip(format!(
            "superseded: the later change {later} of order {} in the CRM's history is the site's \
             or was applied",
            order.num
        ))));
    }
    let status = match statuses.site_status(&entry.code) {
        Ok(status) => status,
        Err(refusal) => return Ok(Err(Unapplied::SetAside(refusal.to_string()))),
    };
    if let Some(site_at) = outbox.site_status_changed_at(external_id)?
        && site_at > entry.changed_at + SAME_MOMENT
    {
        return Ok(Err(Unapplied::Skip(format!(
            "stale: the site changed the status of order {} at {} UTC, after this change in the \
             CRM ({} UTC); the site's status stays",
            order.num,
            utc(site_at),
            utc(entry.changed_at)
        ))));
    }
    Ok(Ok(Action {
        id: entry.history_id.to_string(),
        order: order.num,
        order_id: order.id,
        status,
        code: entry.code.clone(),
        crm_order_id: entry.crm_order.get("id").and_then(Value::as_i64),
        changed_at: entry.changed_at,
    }))
}

/// `time` as `Y-m-d H:i:s` in UTC.
fn utc(time: SystemTime) -> String {
    OffsetDateTime::from(time)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}
