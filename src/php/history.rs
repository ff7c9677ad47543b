//! The history sync's values for PHP: actions, the status section, errors.

use std::time::{SystemTime, UNIX_EPOCH};

use ext_php_rs::prelude::*;
use serde_json::{Value, json};

use crate::php::exceptions::{Kind, from_api_error, internal, validation};
use modretailcrm_core::outbox::HistoryStatus;
use modretailcrm_core::sync::inbound::history::{Action, HistoryError};

/// The actions as `pullChanges()` returns them: `['id' => '…', 'order' => num, 'order_id' =>
/// id|null, 'status' => site status id, 'code' => CRM code, 'crm_order_id' => id|null,
/// 'changed_at' => Unix time]`.
pub fn actions_json(actions: &[Action]) -> Value {
    Value::Array(
        actions
            .iter()
            .map(|action| {
                json!({
                    "id": action.id, "order": action.order, "order_id": action.order_id,
                    "status": action.status, "code": action.code,
                    "crm_order_id": action.crm_order_id, "changed_at": unix(action.changed_at),
                })
            })
            .collect(),
    )
}

/// The `history` section of `status()` at `now`.
pub fn status_json(status: &HistoryStatus, now: SystemTime) -> Value {
    let age = |at: SystemTime| now.duration_since(at).unwrap_or_default().as_secs_f64();
    json!({
        "cursor": status.cursor,
        "cursor_age": status.cursor_moved_at.map(age),
        "read": status.read,
        "latest": status.latest.map(|(id, _)| id),
        "latest_seen_at": status.latest.map(|(_, at)| unix(at)),
        "lag": match (status.latest, status.cursor) {
            (Some((latest, _)), Some(cursor)) => Some((latest - cursor).max(0)),
            _ => None,
        },
        "pending": status.pending,
        "skipped": status.skipped,
        "set_aside_count": status.set_aside_count,
        "set_aside": status.set_aside.iter().map(|set| json!({
            "id": set.entry.history_id.to_string(),
            "order": set.entry.crm_order.get("externalId"),
            "number": set.entry.crm_order.get("number"),
            "code": set.entry.code,
            "changed_at": unix(set.entry.changed_at),
            "reason": set.reason,
            "at": unix(set.at),
        })).collect::<Vec<_>>(),
    })
}

/// The PHP exception for a failed pull or confirmation.
pub fn history_error(error: HistoryError) -> PhpException {
    match error {
        HistoryError::Api(error) => from_api_error(error),
        HistoryError::Outbox(error) => Kind::Outbox.exception(error.to_string(), 0),
        HistoryError::UnknownAction(_) => validation(error.to_string()),
        HistoryError::Answer(_) => Kind::Api.exception(error.to_string(), 0),
        HistoryError::Lock { .. } => Kind::Outbox.exception(error.to_string(), 0),
        HistoryError::Runtime(_) => internal(error.to_string()),
    }
}

fn unix(time: SystemTime) -> Value {
    time.duration_since(UNIX_EPOCH)
        .map_or(Value::Null, |d| json!(d.as_secs()))
}
