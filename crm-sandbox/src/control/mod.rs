//! The control API under `/__control/` (no API key): request log, faults, state, reset,
//! rate limit, manager-made status changes and deletions of orders, entries of the reference books, catalogue offers,
//! the trigger and the wording of error texts.
//! Bodies are JSON; answers are JSON with `success`, and `error` when a request is refused.

pub mod faults;
pub mod limiter;
pub mod log;
mod outbound;
mod template;
pub mod trigger;
pub mod wording;

use crate::app::App;
use crate::crm::table::Lookup;
use crate::crm::{Actor, Kind};
use crate::seed::EntryError;
use crate::wire::reply::{json_response, success};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use faults::FaultRequest;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use trigger::TriggerRequest;

/// What a control handler answers: success or a refusal, both JSON.
type Answer = Result<Response, Refusal>;

/// A refused control request: `{"success":false,"error":"…"}` with a status.
struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            &json!({"success": false, "error": self.message}),
        )
    }
}

/// The control routes, to be nested under `/__control`.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/faults", post(add_fault).delete(clear_faults))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/rate-limit", post(set_rate_limit))
        .route("/orders/{external_id}/status", post(change_status))
        .route("/orders/{external_id}", axum::routing::delete(delete_order))
        .route("/references/{book}", post(put_reference))
        .route("/offers", post(load_offers))
        .route("/trigger", post(set_trigger).delete(remove_trigger))
        .route("/triggers", get(trigger_calls))
        .route("/wording", post(wording::set_wording))
        .fallback(|| async { Refusal::new(StatusCode::NOT_FOUND, "no such control endpoint") })
}

/// 200 with `{"success":true}` and `fields`.
fn done(fields: Value) -> Response {
    json_response(StatusCode::OK, &success(fields))
}

fn read<T: DeserializeOwned>(body: &Bytes) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|error| Refusal::bad(format!("invalid body: {error}")))
}

async fn add_fault(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    let request: FaultRequest = read(&body)?;
    let queued = app.faults.add(&request).map_err(Refusal::bad)?;
    Ok(done(json!({"queued": queued})))
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.faults.clear();
    done(json!({}))
}

async fn requests(State(app): State<Arc<App>>) -> Response {
    done(json!({"requests": app.log.entries()}))
}

async fn clear_requests(State(app): State<Arc<App>>) -> Response {
    app.log.clear();
    done(json!({}))
}

async fn state(State(app): State<Arc<App>>) -> Response {
    let snapshot = app.crm().snapshot();
    done(snapshot)
}

async fn reset(State(app): State<Arc<App>>) -> Response {
    app.reset();
    done(json!({}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimit {
    per_second: u32,
}

async fn set_rate_limit(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    let request: RateLimit = read(&body)?;
    app.limiter.set(request.per_second);
    Ok(done(json!({"per_second": request.per_second})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: String,
    #[serde(default)]
    site: Option<String>,
}

/// A manager changes an order's status in the CRM: history with `source: "user"`, and the
/// trigger fires; answers once the trigger call finished, with the order.
async fn change_status(
    State(app): State<Arc<App>>,
    Path(external_id): Path<String>,
    body: Bytes,
) -> Answer {
    let request: StatusChange = read(&body)?;
    let edited = {
        let mut crm = app.crm();
        let id = crm
            .find_external(Kind::Order, request.site.as_deref(), &external_id)
            .ok_or_else(|| {
                let message = format!("no order with externalId={external_id}");
                Refusal::new(StatusCode::NOT_FOUND, message)
            })?;
        let mut patch = Map::new();
        patch.insert("status".into(), Value::String(request.status));
        match crm.edit(Kind::Order, &Lookup::Id(id), patch, &Actor::Manager) {
            Ok(edited) => edited,
            // An unknown status: the CRM's own validation answer.
            Err(error) => return Ok(error.into_response()),
        }
    };
    if edited.status_changed {
        app.triggers.fire(&edited.entity);
    }
    app.triggers.settle().await;
    Ok(done(json!({"order": edited.entity})))
}

/// A manager deletes an order in the CRM (of any site; its `externalId` is free again);
/// answers the order deleted.
async fn delete_order(State(app): State<Arc<App>>, Path(external_id): Path<String>) -> Answer {
    let mut crm = app.crm();
    let deleted = crm
        .find_external(Kind::Order, None, &external_id)
        .and_then(|id| crm.remove(Kind::Order, id))
        .ok_or_else(|| {
            let message = format!("no order with externalId={external_id}");
            Refusal::new(StatusCode::NOT_FOUND, message)
        })?;
    Ok(done(json!({"order": deleted})))
}

/// Adds an entry to the book served at `reference/{book}`, or replaces the entry with its
/// code, until the next reset; the API's checks accept its code from then on.
async fn put_reference(
    State(app): State<Arc<App>>,
    Path(book): Path<String>,
    body: Bytes,
) -> Answer {
    let entry: Map<String, Value> = read(&body)?;
    let code = entry.get("code").cloned().unwrap_or_default();
    app.crm()
        .put_reference(&book, entry)
        .map_err(|error| match error {
            EntryError::NoBook(_) => Refusal::new(StatusCode::NOT_FOUND, error.to_string()),
            EntryError::Invalid(_) => Refusal::bad(error.to_string()),
        })?;
    Ok(done(json!({"book": book, "code": code})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    offers: Vec<Map<String, Value>>,
}

/// Loads catalogue offers, as RetailCRM's ICML import would (uploads only update offers the
/// catalogue has); answers their ids.
async fn load_offers(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    let catalogue: Catalogue = read(&body)?;
    let ids = app
        .crm()
        .store_mut()
        .load_offers(&catalogue.offers)
        .ok_or_else(|| Refusal::bad("every offer needs an \"externalId\" or an \"xmlId\""))?;
    Ok(done(json!({"ids": ids})))
}

async fn set_trigger(State(app): State<Arc<App>>, body: Bytes) -> Answer {
    let request: TriggerRequest = read(&body)?;
    app.triggers.set(request).map_err(Refusal::bad)?;
    Ok(done(json!({})))
}

async fn remove_trigger(State(app): State<Arc<App>>) -> Response {
    app.triggers.remove();
    done(json!({}))
}

/// The trigger calls, once those under way have finished.
async fn trigger_calls(State(app): State<Arc<App>>) -> Response {
    app.triggers.settle().await;
    done(json!({"triggers": app.triggers.calls()}))
}
