//! `GET reference/{name}`: the reference books as they are now, keyed by code.

use super::call::ApiCall;
use crate::app::App;
use crate::wire::error::ApiError;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use std::sync::Arc;

/// E.g. `reference/delivery-types` → `{"success":true,"deliveryTypes":{"courier":{…}}}`.
pub async fn get(
    State(app): State<Arc<App>>,
    Extension(_call): Extension<ApiCall>,
    Path(name): Path<String>,
) -> ApiResult {
    let (key, entries) = app
        .crm()
        .seed()
        .reference(&name)
        .ok_or_else(ApiError::no_method)?;
    let mut body = json!({"success": true});
    body[key] = Value::Object(entries);
    Ok(Reply::ok(body))
}
