//! Reconciliation: the site's recent orders compared with what the CRM has, 50 at a time
//! (`orders` filtered by `externalIds`). An order the CRM lacks is queued as a create
//! through the outbox, as a live order is; a difference in total, status or payment is
//! listed and, when fixing, queued as the live edits are (the whole order as an update; the
//! status and the paid payment as a status change sends them). The last run's report is
//! kept in the outbox file ([`LAST_RUN`]) for `status()`.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value, json};

use super::engine::Engine;
use super::shop_event::{EventError, EventOutcome, ShopEvents};
use super::upload::checkpoint::unix_now;
use super::upload::historic::Site;
use crate::api::client::{Entity, MAX_UPLOAD, Page};
use crate::api::error::ApiError;
use crate::mapping::read::{amount, datetime, id, text};
use crate::mapping::{self, MappingError, OrderInput, StatusChangeInput};
use crate::outbox::OutboxError;
use crate::runtime;

/// The named value (see [`crate::outbox::Outbox::inbound_state`]) holding the last run's
/// report.
pub const LAST_RUN: &str = "reconcile.last";

/// How long one read of the CRM may wait for a token of the shared rate limit.
const TOKEN_WAIT: Duration = Duration::from_secs(600);

/// The most differences and missing orders a report lists (the rest are counted).
const LISTED: usize = 1000;

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// The outbox failed.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    /// The CRM could not be read.
    #[error("the CRM could not be read: {0}")]
    Crm(#[from] ApiError),
    /// A change could not be queued.
    #[error(transparent)]
    Event(#[from] EventError),
}

/// A site order waiting for its batch: what the CRM should have, and its rows.
struct SiteOrder {
    external_id: String,
    cost: i64,
    status: Option<String>,
    paid: bool,
    rows: Value,
}

/// One run of the reconciliation.
pub struct Reconcile {
    engine: Engine,
    fix: bool,
    batch: Vec<SiteOrder>,
    checked: u64,
    created: u64,
    fixed: u64,
    refused: Vec<Value>,
    missing: Vec<Value>,
    differences: Vec<Value>,
    different: u64,
}

impl Reconcile {
    /// A run; with `fix`, differences are queued as edits.
    pub fn start(engine: &Engine, fix: bool) -> Reconcile {
        Reconcile {
            engine: engine.clone(),
            fix,
            batch: Vec::new(),
            checked: 0,
            created: 0,
            fixed: 0,
            refused: Vec::new(),
            missing: Vec::new(),
            differences: Vec::new(),
            different: 0,
        }
    }

    /// Adds a site order (`rows` as the plugin gathers them for a new order); compares a
    /// batch when one is full. An order that cannot be mapped is listed as refused.
    pub fn add_order(&mut self, rows: Value, site: Site<'_>) -> Result<(), ReconcileError> {
        let settings = self.engine.settings();
        let expected = OrderInput::from_rows(&rows).and_then(|input| {
            let input = &input;
            let mapped = mapping::order(input, &settings.mapping)?;
            let site_id = input.order.get("id").and_then(id).unwrap_or_default();
            let status = input.order.get("status").and_then(id);
            let paid = status.is_some_and(|s| settings.status_rules.paid_statuses.contains(&s));
            let cost = amount(input.order, "cost", "order.cost")?.unwrap_or(0);
            let code = text(&mapped.payload, "status");
            Ok((site_id, mapped.external_id, cost, code, paid))
        });
        let (site_id, proposed, cost, status, paid) = match expected {
            Ok(expected) => expected,
            Err(error) => {
                let order = rows.pointer("/order/id").cloned().unwrap_or(Value::Null);
                self.refused
                    .push(json!({"id": order, "reason": error.to_string()}));
                return Ok(());
            }
        };
        let external_id = self.engine.outbox().order_external_id(site_id, &proposed)?;
        self.batch.push(SiteOrder {
            external_id,
            cost,
            status,
            paid,
            rows,
        });
        if self.batch.len() >= MAX_UPLOAD {
            self.compare(site)?;
        }
        Ok(())
    }

    /// Compares what is left, keeps the report as the last run's and returns it:
    /// `checked`, `created` (queued), `missing` (their `externalId`s), `different` and
    /// `differences` (`externalId`, and per field `total`, `status`, `paid`: `site` and
    /// `crm`), `fixed` (queued edits), `refused` (orders that could not be mapped), `fix`,
    /// `at`.
    pub fn finish(mut self, site: Site<'_>) -> Result<Value, ReconcileError> {
        self.compare(site)?;
        let report = json!({
            "checked": self.checked,
            "created": self.created,
            "missing": self.missing,
            "different": self.different,
            "differences": self.differences,
            "fixed": self.fixed,
            "refused": self.refused,
            "fix": self.fix,
            "at": unix_now(),
        });
        self.engine
            .outbox()
            .set_inbound_state(LAST_RUN, &report.to_string(), SystemTime::now())?;
        Ok(report)
    }

    /// Reads the batch's orders from the CRM and settles each site order of it.
    fn compare(&mut self, site: Site<'_>) -> Result<(), ReconcileError> {
        let batch = std::mem::take(&mut self.batch);
        if batch.is_empty() {
            return Ok(());
        }
        let crm = self.crm_orders(&batch)?;
        let events = ShopEvents {
            engine: &self.engine,
            customizer: site.customizer,
            log: site.log,
        };
        for order in batch {
            self.checked += 1;
            let Some(found) = crm.get(&order.external_id) else {
                let created = OrderInput::from_rows(&order.rows)
                    .map(|input| events.order_created(&input, &order.rows));
                if queued(created, &mut self.refused, &order.external_id)? {
                    self.created += 1;
                    listed(&mut self.missing, json!(order.external_id));
                }
                continue;
            };
            let fields = differences(&order, found);
            if fields.is_empty() {
                continue;
            }
            self.different += 1;
            let mut difference = json!({"externalId": order.external_id});
            for (field, values) in &fields {
                difference[field] = values.clone();
            }
            listed(&mut self.differences, difference);
            if self.fix && fix(&events, &order, &fields, &mut self.refused)? {
                self.fixed += 1;
            }
        }
        Ok(())
    }

    /// The CRM's orders of the batch, by `externalId`.
    fn crm_orders(&self, batch: &[SiteOrder]) -> Result<HashMap<String, Value>, ReconcileError> {
        let ids: Vec<&str> = batch.iter().map(|o| o.external_id.as_str()).collect();
        let mut filter = Map::new();
        filter.insert("externalIds".into(), json!(ids));
        let page = Page {
            filter,
            page: 1,
            limit: 100,
        };
        let client = self.engine.reading_client(Instant::now() + TOKEN_WAIT);
        let answer = runtime::block_on(client.list(Entity::Order, &page))??;
        let mut found = HashMap::new();
        if let Some(Value::Array(orders)) = answer.get("orders") {
            for order in orders {
                if let Some(external_id) = text(order, "externalId") {
                    found.insert(external_id, order.clone());
                }
            }
        }
        Ok(found)
    }
}

/// The fields in which the CRM's `crm` order differs from the site's: `total` (the CRM's
/// `totalSumm` against the order's cost), `status` (its code, when the site's status has
/// one), `paid` (whether a payment is paid, against the site's status being a paid one).
fn differences(order: &SiteOrder, crm: &Value) -> Vec<(&'static str, Value)> {
    let mut fields = Vec::new();
    let total = amount(crm, "totalSumm", "totalSumm").ok().flatten();
    if total != Some(order.cost) {
        fields.push((
            "total",
            json!({"site": order.cost as f64 / 100.0, "crm": crm.get("totalSumm")}),
        ));
    }
    if let Some(status) = &order.status
        && text(crm, "status").as_ref() != Some(status)
    {
        fields.push(("status", json!({"site": status, "crm": crm.get("status")})));
    }
    let paid = match crm.get("payments") {
        Some(Value::Array(payments)) => payments.iter().any(is_paid),
        Some(Value::Object(payments)) => payments.values().any(is_paid),
        _ => false,
    };
    if paid != order.paid {
        fields.push(("paid", json!({"site": order.paid, "crm": paid})));
    }
    fields
}

fn is_paid(payment: &Value) -> bool {
    payment.get("status").and_then(Value::as_str) == Some("paid")
}

/// Queues the live edits for `fields`: the whole order as an update for its total; a status
/// change (the CRM's status and the paid payment, as the sync rules send them) for its
/// status or payment. Whether anything was queued.
fn fix(
    events: &ShopEvents<'_>,
    order: &SiteOrder,
    fields: &[(&str, Value)],
    refused: &mut Vec<Value>,
) -> Result<bool, ReconcileError> {
    let mut any = false;
    if fields.iter().any(|(field, _)| *field == "total") {
        let updated = OrderInput::from_rows(&order.rows)
            .map(|input| events.order_updated(&input, &order.rows));
        any |= queued(updated, refused, &order.external_id)?;
    }
    if fields.iter().any(|(field, _)| *field != "total") {
        let changed = OrderInput::from_rows(&order.rows).map(|input| {
            let paid_at = datetime(input.order, "updatedon")
                .or_else(|| datetime(input.order, "createdon"))
                .unwrap_or_default();
            let status = input.status.cloned().unwrap_or(Value::Null);
            events.status_changed(&StatusChangeInput {
                order: input.order,
                status: &status,
                paid_at: &paid_at,
                payment: input.payment,
            })
        });
        any |= queued(changed, refused, &order.external_id)?;
    }
    Ok(any)
}

/// Whether an event queued something; its mapping refusal is listed in `refused`.
fn queued(
    outcome: Result<Result<EventOutcome, EventError>, MappingError>,
    refused: &mut Vec<Value>,
    external_id: &str,
) -> Result<bool, ReconcileError> {
    match outcome
        .map_err(EventError::Mapping)
        .and_then(|outcome| outcome)
    {
        Ok(EventOutcome::Queued { .. }) => Ok(true),
        Ok(_) => Ok(false),
        Err(EventError::Mapping(error)) => {
            listed(
                refused,
                json!({"externalId": external_id, "reason": error.to_string()}),
            );
            Ok(false)
        }
        Err(other) => Err(other.into()),
    }
}

/// Adds `item` to `list` unless it holds [`LISTED`] already.
fn listed(list: &mut Vec<Value>, item: Value) {
    if list.len() < LISTED {
        list.push(item);
    }
}

/// The last run's report, when there was one.
pub fn last_run(engine: &Engine) -> Result<Option<Value>, OutboxError> {
    Ok(engine
        .outbox()
        .inbound_state(LAST_RUN)?
        .and_then(|(text, _)| serde_json::from_str(&text).ok()))
}
