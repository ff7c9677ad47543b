//! The webhook (RetailCRM trigger → site): what to answer a call and which site order gets
//! which status.
//!
//! A call is only a hint that an order changed. After [`screen`] let it in, the order is read
//! from the CRM (`orders/{externalId}?by=externalId&site=…`, under the shop's shared rate
//! limit) and the CRM's current status decides: its code gives the one synced site status
//! that holds it ([`SiteStatuses`]), the CRM order gives the site order ([`site_order`]). So a
//! forged or stale call cannot set a status the CRM does not hold. The answer names the
//! status the site order must have; the plugin changes it through miniShop2 only when the
//! order has another one, so a replayed call changes nothing.
//!
//! Every call that is ours is remembered with its verdict (the outbox's inbound state
//! [`LAST_CALL`]) for `status()`; a refusal also gives one log line, never with the secret.

use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

use super::request::{Hint, HttpRequest, Refusal, Screened, screen};
use super::{SiteOrder, SiteStatuses, site_order};
use crate::api::client::{By, Entity};
use crate::api::error::ApiError;
use crate::runtime;
use crate::sync::engine::Engine;

/// The name of the last webhook call in the outbox's inbound state.
pub const LAST_CALL: &str = "webhook_last";

/// One site order's status to set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusAction {
    /// The miniShop2 order number (`num`).
    pub order: String,
    /// The miniShop2 order id, when known.
    pub id: Option<i64>,
    /// The miniShop2 status id the order must have.
    pub status: u64,
}

/// The answer to a webhook call.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookAnswer {
    /// The HTTP status.
    pub code: u16,
    /// The JSON body: `{"success": true, "order", "status", "crmStatus"}` or
    /// `{"success": false, "errorMsg"}`.
    pub body: Value,
    /// The status changes to make (none for a refusal).
    pub actions: Vec<StatusAction>,
    /// The line to log: a refusal, with the caller's address and the reason.
    pub log: Option<String>,
}

/// Answers `request` for the shop of `engine`, with the site's statuses and their CRM codes
/// `codes` (`[ms2 status id => retailcrm_status_code]` as JSON). `None`: not a webhook call.
pub fn handle(engine: &Engine, request: &HttpRequest, codes: &Value) -> Option<WebhookAnswer> {
    let settings = engine.settings();
    let hint = match screen(request, &settings.webhook) {
        Screened::NotOurs => return None,
        Screened::Refused(refusal) => {
            return Some(remember(engine, request, None, refused(refusal)));
        }
        Screened::Accepted(hint) => hint,
    };
    let synced: Vec<u64> = settings
        .status_rules
        .sync_statuses
        .iter()
        .filter_map(|id| u64::try_from(*id).ok())
        .collect();
    let answer = match SiteStatuses::from_json(codes, &synced) {
        Ok(statuses) => check(engine, &hint.external_id, &statuses),
        Err(problem) => refused(Refusal {
            code: 500,
            reason: format!("the plugin passed unusable status codes: {problem}"),
        }),
    };
    Some(remember(engine, request, Some(&hint), answer))
}

/// Reads order `external_id` from the CRM and says which status its site order must have.
fn check(engine: &Engine, external_id: &str, statuses: &SiteStatuses) -> WebhookAnswer {
    let settings = engine.settings();
    let budget = settings.transport.timeout;
    let read = runtime::block_on(async {
        engine
            .reading_client(Instant::now() + budget)
            .get(Entity::Order, external_id, By::ExternalId, None)
            .await
    });
    let order = match read {
        Ok(Ok(answer)) => answer.get("order").cloned().unwrap_or(Value::Null),
        Ok(Err(error)) => return refused(crm_failure(&error, external_id, &settings.site)),
        Err(error) => {
            return refused(Refusal {
                code: 500,
                reason: format!("the extension's runtime cannot start: {error}"),
            });
        }
    };
    let Some(code) = order.get("status").and_then(Value::as_str) else {
        return refused(Refusal {
            code: 502,
            reason: format!("RetailCRM's order {external_id} has no status"),
        });
    };
    let status = match statuses.site_status(code) {
        Ok(status) => status,
        Err(refusal) => {
            return refused(Refusal {
                code: 422,
                reason: format!("order {external_id}: {refusal}"),
            });
        }
    };
    let site = match site_order(engine.outbox(), &order) {
        Ok(Some(site)) => site,
        Ok(None) => {
            return refused(Refusal {
                code: 404,
                reason: format!("RetailCRM's order {external_id} is not one of this shop's orders"),
            });
        }
        Err(error) => {
            return refused(Refusal {
                code: 500,
                reason: format!("the outbox cannot be read: {error}"),
            });
        }
    };
    accepted(site, status, code)
}

/// The refusal of a CRM read that failed.
fn crm_failure(error: &ApiError, external_id: &str, site: &str) -> Refusal {
    match error {
        ApiError::Response(response) if response.status == 404 => Refusal {
            code: 404,
            reason: format!(
                "RetailCRM has no order with externalId {external_id} in the store {site}"
            ),
        },
        ApiError::Transport { .. } | ApiError::RateLimited { .. } => Refusal {
            code: 503,
            reason: format!("RetailCRM cannot be reached to check the order: {error}"),
        },
        other => Refusal {
            code: 502,
            reason: format!("RetailCRM refused to show the order: {other}"),
        },
    }
}

/// The answer naming the status `status` (CRM code `code`) site order `site` must have.
fn accepted(site: SiteOrder, status: u64, code: &str) -> WebhookAnswer {
    let mut body = json!({"success": true, "order": site.num, "status": status, "crmStatus": code});
    if let Some(id) = site.id {
        body["id"] = json!(id);
    }
    WebhookAnswer {
        code: 200,
        body,
        actions: vec![StatusAction {
            order: site.num,
            id: site.id,
            status,
        }],
        log: None,
    }
}

/// The answer to a refused call.
fn refused(refusal: Refusal) -> WebhookAnswer {
    WebhookAnswer {
        code: refusal.code,
        body: json!({"success": false, "errorMsg": refusal.reason}),
        actions: Vec::new(),
        log: Some(refusal.reason),
    }
}

/// Keeps the call and its verdict as the last webhook call, and words the log line. The
/// verdict of an accepted call says when the call's status differs from the CRM's (a stale or
/// forged call).
fn remember(
    engine: &Engine,
    request: &HttpRequest,
    hint: Option<&Hint>,
    mut answer: WebhookAnswer,
) -> WebhookAnswer {
    let verdict = match (&answer.log, answer.actions.first()) {
        (Some(reason), _) => reason.clone(),
        (None, Some(action)) => {
            let crm = answer.body["crmStatus"].as_str().unwrap_or_default();
            let mut verdict = format!(
                "order {}: the CRM's status {crm} gives site status {}",
                action.order, action.status
            );
            if let Some(said) = hint.and_then(|hint| hint.status.as_deref())
                && said != crm
            {
                verdict.push_str(&format!(" (the call said {})", printable(said)));
            }
            verdict
        }
        (None, None) => "accepted".into(),
    };
    let last = json!({
        "code": answer.code,
        "verdict": verdict,
        "order": hint.map(|hint| printable(&hint.external_id)),
        "remote_addr": printable(&request.remote_addr),
    });
    let kept = engine
        .outbox()
        .set_inbound_state(LAST_CALL, &last.to_string(), SystemTime::now());
    if let Some(reason) = answer.log.take() {
        let mut line = format!(
            "webhook call from {} refused ({}): {reason}",
            printable(&request.remote_addr),
            answer.code
        );
        if let Err(error) = kept {
            line.push_str(&format!(" (not kept for status(): {error})"));
        }
        answer.log = Some(line);
    } else if let Err(error) = kept {
        answer.log = Some(format!("webhook call not kept for status(): {error}"));
    }
    answer
}

/// `text` cut to 64 characters without control characters, for a log line.
fn printable(text: &str) -> String {
    text.chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The last webhook call: its JSON (`code`, `verdict`, `order`, `remote_addr`) with `at`
/// (Unix seconds), or `None` before the first.
pub fn last_call(engine: &Engine) -> Result<Option<Value>, crate::outbox::OutboxError> {
    Ok(engine
        .outbox()
        .inbound_state(LAST_CALL)?
        .map(|(value, at)| {
            let mut call = serde_json::from_str::<Value>(&value)
                .ok()
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({}));
            call["at"] = json!(
                at.duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or(Duration::ZERO)
                    .as_secs()
            );
            call
        }))
}
