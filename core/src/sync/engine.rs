//! The delivery engine: queue a change durably, then deliver due changes from the outbox
//! within a time budget, one at a time, every HTTP request under the rate limit every
//! process shares and behind the record's fence (see [`super::pacing`]).
//!
//! A flush of the site's outbox:
//! - first takes the outbox's [`DeliveryLock`], so at most one worker of the site delivers at
//!   a time. A flush after the response or in `sync` mode that finds it taken returns at
//!   once ([`LockWait::Skip`]: the worker delivering takes its records too); an explicit
//!   flush (cron, the CLI) waits for it within its budget ([`LockWait::Wait`]);
//! - then asks the CRM's circuit breaker ([`Outbox::pass_breaker`]): while it is open the
//!   flush sends nothing — it waits for the breaker's time when that comes within its budget,
//!   else it returns at once. A delivery that finds the CRM unreachable, timing out or
//!   unavailable (502, 503, 504) opens the breaker for `retry_delay` (at most the call
//!   timeout), doubling with each failure in a row up to `retry_delay_max` (at most
//!   [`BREAKER_CAP`]). The first flush after the period probes the CRM with its records that
//!   waited out a backoff due again, in order, so when the CRM is back one flush delivers the
//!   backlog at the rate limit;
//! - claims only the records queued for its own CRM (see [`Destination`]).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::time::sleep;

use serde_json::{Value, json};

use super::change::Change;
use super::deliver::{Outcome, deliver};
use super::delivery_log::DeliveryLog;
use super::pacing::{Fenced, SharedLimit};
use crate::api::client::{Client, ClientSettings};
use crate::api::error::ApiError;
use crate::api::ratelimit::Gate;
use crate::api::transport::ExchangeLog;
use crate::config::{IntegrationSettings, QueueBackend};
use crate::outbox::{
    Claimed, DeliveryLock, Destination, Enqueued, HeldLock, Moved, NewRecord, Outbox, OutboxError,
    OutboxSettings, Passage, open_shared, open_shared_mysql,
};

/// How long a claimed record stays leased beyond the call's own timeout, so that a worker
/// that dies mid-call frees it soon after.
const LEASE_MARGIN: Duration = Duration::from_secs(2);

/// The longest the circuit breaker keeps workers from trying a CRM that failed to answer.
pub const BREAKER_CAP: Duration = Duration::from_secs(60);

/// How often a flush that waits for the delivery lock looks again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// The least time left in a flush's budget for it to start another delivery: a call cut
/// short by the flush's own deadline would be kept as the CRM's timeout, hiding the real
/// reason of the failures before it.
const MIN_CALL_TIME: Duration = Duration::from_millis(50);

/// What a flush does when another flush of the outbox is delivering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    /// Return at once: the other flush takes this one's records too.
    Skip,
    /// Wait for it within the budget (cron, the CLI).
    Wait,
}

/// What a flush did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlushReport {
    /// Records the CRM now has.
    pub delivered: u32,
    /// Records that failed for now and wait for their next attempt.
    pub retried: u32,
    /// Records the CRM refused, set aside as dead letters.
    pub dead: u32,
    /// Whether the budget ran out while records were still due.
    pub budget_exhausted: bool,
    /// The settled record the flush was asked to watch for, with its outcome.
    pub watched: Option<Settled>,
    /// Another flush of the outbox was delivering, so this one sent nothing.
    pub busy: bool,
    /// The CRM's circuit breaker is open until then (it failed to answer): nothing is tried
    /// before.
    pub breaker_open_until: Option<SystemTime>,
}

/// How one record ended in a flush.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// Delivered; what the CRM answered (`id`, `number` …).
    Delivered(Value),
    /// Will be tried again; why it failed.
    Retrying(String),
    /// Set aside; the CRM's refusal.
    Dead(String),
}

/// Delivers the outbox of one shop to its CRM.
#[derive(Clone)]
pub struct Engine {
    outbox: Arc<Outbox>,
    settings: IntegrationSettings,
    log: Option<Arc<dyn ExchangeLog>>,
    worker: String,
    rate_key: String,
    destination: Destination,
    delivery_lock: Arc<DeliveryLock>,
}

impl Engine {
    /// Opens the shop's outbox (or takes the one this process already has open); nothing is
    /// sent until [`Engine::flush`].
    pub fn open(
        settings: IntegrationSettings,
        log: Option<Arc<dyn ExchangeLog>>,
    ) -> Result<Self, OutboxError> {
        let outbox = open_queue(&settings, settings.queue_backend)?;
        let delivery_lock = DeliveryLock::of(&outbox).map_err(|source| OutboxError::Open {
            path: DeliveryLock::path(outbox.path()),
            source,
        })?;
        let rate_key = key_fingerprint(settings.api_key.expose());
        let destination = Destination {
            url: address(&settings),
            site: settings.site.clone(),
            key_fingerprint: rate_key.clone(),
        };
        Ok(Engine {
            outbox,
            settings,
            log,
            worker: worker_name(),
            rate_key,
            destination,
            delivery_lock: Arc::new(delivery_lock),
        })
    }

    /// The same engine as another worker (its own lease owner name) whose exchanges go to
    /// `log`: for delivering on another thread.
    pub fn worker_with_log(&self, log: Option<Arc<dyn ExchangeLog>>) -> Engine {
        Engine {
            log,
            worker: worker_name(),
            ..self.clone()
        }
    }

    /// The settings the engine was opened with.
    pub fn settings(&self) -> &IntegrationSettings {
        &self.settings
    }

    /// Moves the undelivered records and the state rows of the shop's outbox on the other
    /// backend into the one on `to` (`migrate-queue`, see [`Outbox::move_undelivered_to`]);
    /// answers what moved, and from where to where (the file, or the server, database and
    /// table prefix).
    pub fn migrate_queue(&self, to: QueueBackend) -> Result<(Moved, String, String), OutboxError> {
        let from = match to {
            QueueBackend::Sqlite => QueueBackend::Mysql,
            QueueBackend::Mysql => QueueBackend::Sqlite,
        };
        let (from, to) = (
            open_queue(&self.settings, from)?,
            open_queue(&self.settings, to)?,
        );
        let moved = from.move_undelivered_to(&to, SystemTime::now())?;
        let name = |outbox: &Outbox| outbox.path().display().to_string();
        Ok((moved, name(&from), name(&to)))
    }

    /// The outbox, for operations (status, retry, discard, purge).
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The outbox as the engine shares it (its locks keep it open).
    pub(crate) fn shared_outbox(&self) -> &Arc<Outbox> {
        &self.outbox
    }

    /// Writes `change` to the outbox; durable when this returns. Returns the record id.
    pub fn enqueue(&self, change: &Change) -> Result<i64, OutboxError> {
        self.outbox
            .enqueue(&self.record(change)?, SystemTime::now())
    }

    /// Writes `change` to the outbox unless a record of its entity key is there already
    /// (see [`Outbox::enqueue_once`]); durable when this returns.
    pub fn enqueue_once(&self, change: &Change) -> Result<Enqueued, OutboxError> {
        self.outbox
            .enqueue_once(&self.record(change)?, SystemTime::now())
    }

    /// The outbox record of `change`, for this engine's CRM.
    fn record(&self, change: &Change) -> Result<NewRecord, OutboxError> {
        Ok(NewRecord {
            kind: change.kind().to_string(),
            entity_key: change.entity_key().map_err(OutboxError::Invalid)?,
            payload: payload_of(change),
            depends_on: change.depends_on(),
            destination: Some(self.destination.clone()),
        })
    }

    /// Delivers due records of this shop's CRM one at a time until none is due or `budget`
    /// runs out, holding the outbox's delivery lock (`wait` says whether to wait for it) and
    /// minding the CRM's circuit breaker (see the module documentation). When `watch` names
    /// a record, stops as soon as that record is settled and reports how. Every HTTP request
    /// waits for a token of the shared rate limit; a request whose token would come after
    /// the budget's end is not sent, its record is retried later and the flush ends with
    /// `budget_exhausted`.
    ///
    /// A flush that held the delivery lock and watched no record (a `sync` send waits for
    /// nothing more) then checkpoints the outbox, so that enqueues do not pay for it.
    pub async fn flush(
        &self,
        budget: Duration,
        watch: Option<i64>,
        wait: LockWait,
    ) -> Result<FlushReport, OutboxError> {
        let report = self.deliver_due(budget, watch, wait).await?;
        if !report.busy && watch.is_none() {
            self.outbox.checkpoint()?;
        }
        Ok(report)
    }

    /// The delivery part of [`Engine::flush`].
    async fn deliver_due(
        &self,
        budget: Duration,
        watch: Option<i64>,
        wait: LockWait,
    ) -> Result<FlushReport, OutboxError> {
        let deadline = Instant::now() + budget;
        let mut report = FlushReport::default();
        let Some(_lock) = self.delivery_lock(deadline, wait).await? else {
            report.busy = true;
            return Ok(report);
        };
        self.purge_delivered()?;
        let Some(mut probing) = self.pass_breaker(deadline, &mut report).await? else {
            return Ok(report);
        };
        let limit = Arc::new(SharedLimit::new(
            Arc::clone(&self.outbox),
            self.rate_key.clone(),
            self.settings.rate_limit,
            deadline,
        ));
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining < MIN_CALL_TIME {
                report.budget_exhausted = true;
                return Ok(report);
            }
            let timeout = self.settings.transport.timeout.min(remaining);
            let lease = timeout + LEASE_MARGIN;
            let Some(claimed) = self
                .outbox
                .claim_for(
                    &self.worker,
                    Some(&self.destination),
                    SystemTime::now(),
                    lease,
                    1,
                )?
                .pop()
            else {
                return Ok(report);
            };
            let gate = Arc::new(Fenced::new(Arc::clone(&limit), claimed.clone(), lease));
            let log = self.log.clone().map(|log| Arc::new(DeliveryLog::new(log)));
            let client = self.client(
                timeout,
                Arc::clone(&gate) as Arc<dyn Gate>,
                log.clone().map(|log| log as Arc<dyn ExchangeLog>),
            );
            let attempt = self.deliver(&claimed, &client).await;
            if let Some(log) = log {
                let delivered = matches!(attempt, Ok((Settled::Delivered(_), _)));
                log.release(delivered);
            }
            report.budget_exhausted = limit.ran_out();
            if gate.lost() {
                // Another worker took the record over and reports on it.
                continue;
            }
            let (settled, down) = attempt?;
            match &settled {
                Settled::Delivered(_) => report.delivered += 1,
                Settled::Retrying(_) => report.retried += 1,
                Settled::Dead(_) => report.dead += 1,
            }
            let watched = watch == Some(claimed.id);
            if watched {
                report.watched = Some(settled);
            }
            let tripped = match down {
                Some(reason) if !report.budget_exhausted => {
                    report.breaker_open_until = Some(self.trip(&reason)?);
                    true
                }
                Some(_) => false,
                None if probing => {
                    self.outbox.close_breaker(&self.destination)?;
                    probing = false;
                    false
                }
                None => false,
            };
            if watched || report.budget_exhausted {
                return Ok(report);
            }
            if tripped {
                match self.pass_breaker(deadline, &mut report).await? {
                    Some(probe) => probing = probe,
                    None => return Ok(report),
                }
            }
        }
    }

    /// Removes the records delivered longer ago than the settings keep them, so that the
    /// outbox does not become an archive of every customer.
    fn purge_delivered(&self) -> Result<(), OutboxError> {
        let before = SystemTime::now()
            .checked_sub(self.settings.keep_delivered)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        self.outbox.purge(before).map(drop)
    }

    /// Waits for the CRM's breaker to let deliveries through, if it does before `deadline`:
    /// `Some(probing)` then (whether this flush probes a CRM that failed before), `None`
    /// when the breaker stays open past the deadline (the report says until when).
    async fn pass_breaker(
        &self,
        deadline: Instant,
        report: &mut FlushReport,
    ) -> Result<Option<bool>, OutboxError> {
        loop {
            match self
                .outbox
                .pass_breaker(&self.destination, SystemTime::now())?
            {
                Passage::Open(open) => {
                    report.breaker_open_until = Some(open.until);
                    let wait = open
                        .until
                        .duration_since(SystemTime::now())
                        .unwrap_or_default();
                    if Instant::now() + wait >= deadline {
                        return Ok(None);
                    }
                    sleep(wait).await;
                }
                passage => {
                    report.breaker_open_until = None;
                    return Ok(Some(passage == Passage::Probe));
                }
            }
        }
    }

    /// Opens the CRM's breaker after a failure of the CRM as a whole (`reason`) for
    /// `retry_delay` (at most the call timeout), doubled by each failure in a row, at most
    /// `retry_delay_max` and [`BREAKER_CAP`]; returns until when.
    fn trip(&self, reason: &str) -> Result<SystemTime, OutboxError> {
        let settings = &self.settings;
        let open = self.outbox.trip(
            &self.destination,
            reason,
            settings.retry_delay.min(settings.transport.timeout),
            settings.retry_delay_max.min(BREAKER_CAP),
            SystemTime::now(),
        )?;
        Ok(open.until)
    }

    /// The outbox's delivery lock, waiting for it until `deadline` when `wait` says so;
    /// `None` when another flush holds it.
    async fn delivery_lock(
        &self,
        deadline: Instant,
        wait: LockWait,
    ) -> Result<Option<HeldLock<'_>>, OutboxError> {
        loop {
            let lock = self
                .delivery_lock
                .try_hold()
                .map_err(|source| OutboxError::Open {
                    path: DeliveryLock::path(self.outbox.path()),
                    source,
                })?;
            if lock.is_some() || wait == LockWait::Skip || Instant::now() + LOCK_POLL >= deadline {
                return Ok(lock);
            }
            sleep(LOCK_POLL).await;
        }
    }

    /// Sends one claimed record and records how it went. Says, besides, why the CRM looks
    /// down when the failure was the CRM's as a whole (no answer, 502/503/504) rather than
    /// this record's.
    async fn deliver(
        &self,
        claimed: &Claimed,
        client: &Client,
    ) -> Result<(Settled, Option<String>), OutboxError> {
        let superseded = || self.outbox.has_newer(claimed).unwrap_or(false);
        let parsed = Change::parse(&claimed.kind, claimed.payload.clone());
        let superseding = match &parsed {
            Ok(change) => self.superseding(change, claimed)?,
            Err(_) => None,
        };
        let (settled, details, down) = match (parsed, superseding) {
            (Err(problem), _) => (
                Settled::Dead(format!("the queued record cannot be sent: {problem}")),
                None,
                None,
            ),
            (Ok(_), Some(newer)) => (
                Settled::Delivered(json!({"supersededBy": newer})),
                None,
                None,
            ),
            (Ok(change), None) => match deliver(client, &change, &superseded).await {
                Outcome::Delivered(answer) => (Settled::Delivered(summary(&answer)), None, None),
                Outcome::RetryLater(error) => (
                    Settled::Retrying(error.to_string()),
                    Some(details(&error)),
                    crm_down(&error).then(|| error.to_string()),
                ),
                Outcome::Refused(error) => (
                    Settled::Dead(error.to_string()),
                    Some(details(&error)),
                    None,
                ),
            },
        };
        let now = SystemTime::now();
        let recorded = match &settled {
            Settled::Delivered(result) => self.outbox.ack(claimed, Some(result), now),
            Settled::Retrying(error) => self
                .outbox
                .retry_later(claimed, error, details.as_ref(), now)
                .map(drop),
            Settled::Dead(error) => self
                .outbox
                .dead_letter(claimed, error, details.as_ref(), now),
        };
        match recorded {
            // Another worker took the record over after this one's lease ran out and reports
            // on it now; a repeated send is absorbed by the idempotency rules.
            Ok(()) | Err(OutboxError::LeaseLost { .. }) => Ok((settled, down)),
            Err(other) => Err(other),
        }
    }

    /// The newer pending record that carries everything `change` would send (see
    /// [`Change::coalesces`]), when there is one: `claimed` then counts as delivered without
    /// a request, and the CRM gets the newest state once.
    fn superseding(&self, change: &Change, claimed: &Claimed) -> Result<Option<i64>, OutboxError> {
        if !change.coalesces() {
            return Ok(None);
        }
        self.outbox.newer_of_same_kind(claimed)
    }

    /// A client for reading the CRM (the history, the webhook's check of an order) whose
    /// every request takes a token of the rate limit the deliveries share, none sent, or
    /// waiting for an answer, past `deadline`.
    pub fn reading_client(&self, deadline: Instant) -> Client {
        let limit = SharedLimit::new(
            Arc::clone(&self.outbox),
            self.rate_key.clone(),
            self.settings.rate_limit,
            deadline,
        );
        let timeout = self
            .settings
            .transport
            .timeout
            .min(deadline.saturating_duration_since(Instant::now()));
        self.client(timeout, Arc::new(limit), self.log.clone())
    }

    fn client(
        &self,
        timeout: Duration,
        gate: Arc<dyn Gate>,
        log: Option<Arc<dyn ExchangeLog>>,
    ) -> Client {
        let transport = crate::api::transport::TransportSettings {
            timeout,
            ..self.settings.transport.clone()
        };
        let settings = ClientSettings {
            url: self.settings.url.clone(),
            api_key: self.settings.api_key.clone(),
            site: Some(self.settings.site.clone()),
            transport,
        };
        Client::gated(settings, log, gate)
    }
}

/// Whether `error` says the CRM as a whole is down rather than this record failing: no
/// connection, a timeout, a broken connection, or its gateway's 502, 503 or 504.
fn crm_down(error: &ApiError) -> bool {
    match error {
        ApiError::Transport { .. } | ApiError::RateLimited { .. } => true,
        ApiError::Response(response) => matches!(response.status, 502..=504),
        _ => false,
    }
}

/// The CRM's address as records carry it: without the scheme (`http` and `https` name the
/// same account) and the trailing slash.
fn address(settings: &IntegrationSettings) -> String {
    let url = settings.url.as_str();
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
        .trim_end_matches('/')
        .to_string()
}

/// A lease owner name unique to one engine: the process id and a random part.
/// The shop's outbox on `backend` (the one this process has open, else opened now).
fn open_queue(
    settings: &IntegrationSettings,
    backend: QueueBackend,
) -> Result<Arc<Outbox>, OutboxError> {
    let tuning = OutboxSettings {
        backoff_base: settings.retry_delay,
        backoff_cap: settings.retry_delay_max,
        ..OutboxSettings::default()
    };
    match (backend, &settings.queue_database) {
        (QueueBackend::Sqlite, _) => open_shared(&settings.queue_path, tuning),
        (QueueBackend::Mysql, Some(target)) => open_shared_mysql(target, tuning),
        (QueueBackend::Mysql, None) => Err(OutboxError::Invalid(
            "modretailcrm_queue_dsn is not set: there is no MySQL database for the outbox".into(),
        )),
    }
}

fn worker_name() -> String {
    format!("pid{}-{:08x}", std::process::id(), fastrand::u32(..))
}

/// The payload stored for a change: the entity, or `{method, route, params}` (and `key`
/// when it has one) for a request.
fn payload_of(change: &Change) -> Value {
    match change {
        Change::CustomerCreate(data)
        | Change::CustomerEdit(data)
        | Change::OrderCreate(data)
        | Change::OrderEdit(data)
        | Change::OrderUpdate(data)
        | Change::PaymentEdit(data) => data.clone(),
        Change::Request {
            method,
            route,
            params,
            key,
        } => {
            let mut payload =
                json!({"method": method.to_string(), "route": route, "params": params});
            if let Some(key) = key {
                payload["key"] = json!(key);
            }
            payload
        }
    }
}

/// What is kept of the CRM's answer: its ids and the order number.
fn summary(answer: &Value) -> Value {
    let mut kept = serde_json::Map::new();
    if let Some(id) = answer.get("id") {
        kept.insert("id".into(), id.clone());
    }
    if let Some(number) = answer.pointer("/order/number") {
        kept.insert("number".into(), number.clone());
    }
    Value::Object(kept)
}

/// The CRM's answer to a failed call, for the dead letter or the retry record.
fn details(error: &ApiError) -> Value {
    match error {
        ApiError::Response(response) => {
            let mut details = json!({
                "status": response.status,
                "errorMsg": response.error_msg,
                "errors": response.errors,
            });
            if response.status == 460 {
                // What was and was not uploaded, to fix and send the failed part again.
                details["response"] = response.body.clone().unwrap_or(Value::Null);
            }
            details
        }
        other => json!({"status": other.status(), "error": other.to_string()}),
    }
}

/// A stable name for the API key in the shared rate-limit table (never the key itself).
fn key_fingerprint(key: &str) -> String {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    format!("key-{:016x}", hasher.finish())
}
