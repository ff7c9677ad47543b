//! `POST customers/upload` and `POST orders/upload`: up to 50 entities, each created on
//! its own; if some fail, the answer is 460 listing what was and was not uploaded, with the
//! reasons in `errors` keyed by the failed entity's position in the list (from 0).

use super::call::ApiCall;
use super::entities::EntityKind;
use crate::app::App;
use crate::crm::Kind;
use crate::crm::fields::text;
use crate::wire::error::{ApiError, field_error};
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The most entities one upload takes.
const MAX_UPLOAD: usize = 50;

/// Creates each entity of the list; 200 when all were, 460 otherwise.
pub async fn upload<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let kind = E::KIND;
    let site = call.site(app.crm().seed())?;
    let list = call.entities(kind.plural())?;
    if list.len() > MAX_UPLOAD {
        let message = format!("This collection should contain {MAX_UPLOAD} elements or less.");
        return Err(ApiError::entity_format(field_error(kind.plural(), message)));
    }
    let actor = call.actor();
    let mut uploaded = Vec::new();
    let mut stored = Vec::new();
    let mut failed = Vec::new();
    let mut errors = Map::new();
    for (i, entity) in list.into_iter().enumerate() {
        let external_id = entity.get("externalId").and_then(text);
        let outcome = match entity {
            Value::Object(entity) => app.crm().create(kind, &site, entity, &actor),
            _ => Err(ApiError::entity_format(field_error(
                format!("{}[{i}]", kind.plural()),
                "This value should be a JSON object.",
            ))),
        };
        match outcome {
            Ok(entity) => {
                uploaded
                    .push(json!({"id": entity.get("id"), "externalId": entity.get("externalId")}));
                stored.push(Value::Object(entity));
            }
            Err(error) => {
                errors.insert(i.to_string(), Value::String(error.summary()));
                failed.push(json!({"externalId": external_id}));
            }
        }
    }
    let title = kind.title();
    let mut body = json!({"success": failed.is_empty()});
    body[format!("uploaded{title}s")] = Value::Array(uploaded);
    if kind == Kind::Order {
        body["orders"] = Value::Array(stored);
    }
    if failed.is_empty() {
        return Ok(Reply::ok(body));
    }
    body[format!("failed{title}s")] = Value::Array(failed);
    body["errorMsg"] = Value::String(format!("{title}s are loaded with errors"));
    body["errors"] = Value::Object(errors);
    Ok(Reply::with_status(partial(), body))
}

/// HTTP 460, RetailCRM's "partly uploaded".
fn partial() -> StatusCode {
    StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST)
}
