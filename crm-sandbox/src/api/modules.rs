//! `integration-modules/{code}` and `integration-modules/{code}/edit`.

use super::call::ApiCall;
use crate::app::App;
use crate::crm::EntryEdit;
use crate::wire::error::ApiError;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::json;
use std::sync::Arc;

/// `GET integration-modules/{code}`: `{"success":true,"integrationModule":{…}}`.
pub async fn get(
    State(app): State<Arc<App>>,
    Extension(_call): Extension<ApiCall>,
    Path(code): Path<String>,
) -> ApiResult {
    let module = app
        .crm()
        .extras()
        .integration_module(&code)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok(Reply::ok(
        json!({"success": true, "integrationModule": module}),
    ))
}

/// `POST integration-modules/{code}/edit` with `integrationModule`: 201 when the module is
/// new, 200 when it was there; both answer `{"success":true,"info":{}}`.
pub async fn edit(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path(code): Path<String>,
) -> ApiResult {
    let patch = call.entity("integrationModule")?;
    let body = json!({"success": true, "info": {}});
    Ok(
        match app
            .crm()
            .extras_mut()
            .edit_integration_module(&code, patch)?
        {
            EntryEdit::Created => Reply::created(body),
            EntryEdit::Updated => Reply::ok(body),
        },
    )
}
