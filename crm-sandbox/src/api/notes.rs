//! `customers/notes`: list, create and delete.

use super::call::{ApiCall, numeric};
use crate::app::App;
use crate::crm::paging::LIST_LIMITS;
use crate::wire::error::ApiError;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::json;
use std::sync::Arc;

/// `GET customers/notes`: a page of the notes `filter[ids]`, `filter[customerIds]`,
/// `filter[customerExternalIds]` and `filter[text]` select.
pub async fn list(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let paging = call.paging(20, LIST_LIMITS)?;
    let (notes, pagination) = app.crm().extras().notes(&call.filter(), &paging);
    Ok(Reply::ok(
        json!({"success": true, "pagination": pagination, "notes": notes}),
    ))
}

/// `POST customers/notes/create` with `note`: 201 with its id.
pub async fn create(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let site = call.optional_site(app.crm().seed())?;
    let note = call.entity("note")?;
    let id = app.crm().create_note(site.as_deref(), note)?;
    Ok(Reply::created(json!({"success": true, "id": id})))
}

/// `POST customers/notes/{id}/delete`.
pub async fn delete(
    State(app): State<Arc<App>>,
    Extension(_call): Extension<ApiCall>,
    Path(note_id): Path<String>,
) -> ApiResult {
    let note_id = numeric(&note_id)?;
    if app.crm().extras_mut().delete_note(note_id) {
        Ok(Reply::ok(json!({"success": true})))
    } else {
        Err(ApiError::not_found())
    }
}
