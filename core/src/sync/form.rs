//! A submitted form from its lead to the outbox: queued once per key (the same submission
//! twice within a minute is one record, see [`crate::mapping::form`]), then, in `sync`
//! mode, delivered at once like any change; otherwise the usual flushes deliver it.

use super::change::Change;
use super::engine::Engine;
use super::send::{Queued, SendError, deliver_now};
use crate::api::transport::Method;
use crate::mapping::form::{FormTarget, Lead};
use crate::outbox::Enqueued;

/// What became of a lead.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// The submission's key (the order's or customer's `externalId`).
    pub key: String,
    /// The record that stands for it.
    pub record: Queued,
    /// Whether the outbox held the key already (the same submission came before): nothing
    /// was queued.
    pub duplicate: bool,
}

/// The change a lead is sent as: an order or customer create, or a `tasks/create` request
/// keyed by the submission.
pub fn change(lead: Lead) -> Change {
    match lead.target {
        FormTarget::Order => Change::OrderCreate(lead.payload),
        FormTarget::Customer => Change::CustomerCreate(lead.payload),
        FormTarget::Task => Change::Request {
            method: Method::Post,
            route: "tasks/create".into(),
            params: match lead.payload {
                serde_json::Value::Object(params) => params,
                _ => serde_json::Map::new(),
            },
            key: Some(lead.key),
        },
    }
}

/// Queues `lead` unless its key is queued already; in `sync` mode a new record is then
/// delivered within the sync budget.
pub fn submit(engine: &Engine, lead: Lead) -> Result<Submitted, SendError> {
    let key = lead.key.clone();
    let enqueued = engine.enqueue_once(&change(lead))?;
    let (record, duplicate) = match enqueued {
        Enqueued::New(id) => (deliver_now(engine, id)?, false),
        Enqueued::Existing(id) => (Queued { id, settled: None }, true),
    };
    Ok(Submitted {
        key,
        record,
        duplicate,
    })
}
