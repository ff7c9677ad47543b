//! The delivery engine: queue a change durably, then deliver due changes from the outbox
//! within a time budget, one at a time, every HTTP request under the rate limit every
//! process shares (see [`super::pacing`]).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

use super::change::Change;
use super::deliver::{Outcome, deliver};
use super::pacing::SharedLimit;
use crate::api::client::{Client, ClientSettings};
use crate::api::error::ApiError;
use crate::api::ratelimit::Gate;
use crate::api::transport::ExchangeLog;
use crate::config::IntegrationSettings;
use crate::outbox::{Claimed, NewRecord, Outbox, OutboxError, OutboxSettings, open_shared};

/// How long a claimed record stays leased beyond the call's own timeout, so that a worker
/// that dies mid-call frees it soon after.
const LEASE_MARGIN: Duration = Duration::from_secs(2);

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
}

impl Engine {
    /// Opens the shop's outbox (or takes the one this process already has open); nothing is
    /// sent until [`Engine::flush`].
    pub fn open(
        settings: IntegrationSettings,
        log: Option<Arc<dyn ExchangeLog>>,
    ) -> Result<Self, OutboxError> {
        let tuning = OutboxSettings {
            backoff_base: settings.retry_delay,
            backoff_cap: settings.retry_delay_max,
            ..OutboxSettings::default()
        };
        let outbox = open_shared(&settings.queue_path, tuning)?;
        let rate_key = key_fingerprint(settings.api_key.expose());
        Ok(Engine {
            outbox,
            settings,
            log,
            worker: worker_name(),
            rate_key,
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

    /// The outbox, for operations (status, retry, discard, purge).
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// Writes `change` to the outbox; durable when this returns. Returns the record id.
    pub fn enqueue(&self, change: &Change) -> Result<i64, OutboxError> {
        let record = NewRecord {
            kind: change.kind().to_string(),
            entity_key: change.entity_key().map_err(OutboxError::Invalid)?,
            payload: payload_of(change),
            depends_on: change.depends_on(),
        };
        self.outbox.enqueue(&record, SystemTime::now())
    }

    /// Delivers due records one at a time until none is due or `budget` runs out. When
    /// `watch` names a record, stops as soon as that record is settled and reports how.
    /// Every HTTP request waits for a token of the shared rate limit; a request whose token
    /// would come after the budget's end is not sent, its record is retried later and the
    /// flush ends with `budget_exhausted`.
    pub async fn flush(
        &self,
        budget: Duration,
        watch: Option<i64>,
    ) -> Result<FlushReport, OutboxError> {
        let deadline = Instant::now() + budget;
        let gate = Arc::new(SharedLimit::new(
            Arc::clone(&self.outbox),
            self.rate_key.clone(),
            self.settings.rate_limit,
            deadline,
        ));
        let mut report = FlushReport::default();
        self.purge_delivered()?;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                report.budget_exhausted = true;
                return Ok(report);
            }
            let timeout = self.settings.transport.timeout.min(remaining);
            let Some(claimed) = self
                .outbox
                .claim(&self.worker, SystemTime::now(), timeout + LEASE_MARGIN, 1)?
                .pop()
            else {
                return Ok(report);
            };
            let client = self.client(timeout, Arc::clone(&gate) as Arc<dyn Gate>);
            let settled = self.deliver(&claimed, &client).await?;
            match &settled {
                Settled::Delivered(_) => report.delivered += 1,
                Settled::Retrying(_) => report.retried += 1,
                Settled::Dead(_) => report.dead += 1,
            }
            report.budget_exhausted = gate.ran_out();
            if watch == Some(claimed.id) {
                report.watched = Some(settled);
                return Ok(report);
            }
            if report.budget_exhausted {
                return Ok(report);
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

    /// Sends one claimed record and records how it went.
    async fn deliver(&self, claimed: &Claimed, client: &Client) -> Result<Settled, OutboxError> {
        let (settled, details) = match Change::parse(&claimed.kind, claimed.payload.clone()) {
            Err(problem) => (
                Settled::Dead(format!("the queued record cannot be sent: {problem}")),
                None,
            ),
            Ok(change) => match deliver(client, &change).await {
                Outcome::Delivered(answer) => (Settled::Delivered(summary(&answer)), None),
                Outcome::RetryLater(error) => {
                    (Settled::Retrying(error.to_string()), Some(details(&error)))
                }
                Outcome::Refused(error) => {
                    (Settled::Dead(error.to_string()), Some(details(&error)))
                }
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
            Ok(()) | Err(OutboxError::LeaseLost { .. }) => Ok(settled),
            Err(other) => Err(other),
        }
    }

    fn client(&self, timeout: Duration, gate: Arc<dyn Gate>) -> Client {
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
        Client::gated(settings, self.log.clone(), gate)
    }
}

/// A lease owner name unique to one engine: the process id and a random part.
fn worker_name() -> String {
    format!("pid{}-{:08x}", std::process::id(), fastrand::u32(..))
}

/// The payload stored for a change: the entity, or `{method, route, params}` for a request.
fn payload_of(change: &Change) -> Value {
    match change {
        Change::CustomerCreate(data)
        | Change::CustomerEdit(data)
        | Change::OrderCreate(data)
        | Change::OrderEdit(data)
        | Change::PaymentEdit(data) => data.clone(),
        Change::Request {
            method,
            route,
            params,
        } => {
            json!({"method": method.to_string(), "route": route, "params": params})
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
