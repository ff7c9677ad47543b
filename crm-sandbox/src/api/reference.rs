//! `GET reference/{name}`: the reference books as they are now, keyed by code (units and
//! currencies as lists); `POST reference/{name}/{code}/edit`: an entry created or changed.

use super::call::ApiCall;
use crate::app::App;
use crate::crm::EntryEdit;
use crate::seed::Book;
use crate::wire::error::ApiError;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::json;
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
    body[key] = entries;
    Ok(Reply::ok(body))
}

/// E.g. `reference/delivery-types/courier/edit` with `deliveryType={…}`: 201 when the entry
/// is new, 200 when it was there; 404 "API method not found" for a book RetailCRM does not
/// edit this way (status groups, currencies).
pub async fn edit(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path((name, code)): Path<(String, String)>,
) -> ApiResult {
    let param = Book::at(&name)
        .and_then(|book| book.param)
        .ok_or_else(ApiError::no_method)?;
    let patch = call.entity(param)?;
    let body = json!({"success": true});
    Ok(match app.crm().edit_reference(&name, &code, patch)? {
        EntryEdit::Created => Reply::created(body),
        EntryEdit::Updated => Reply::ok(body),
    })
}
