//! `tasks`: create, get, list and edit.

use super::call::{ApiCall, numeric};
use crate::app::App;
use crate::crm::paging::LIST_LIMITS;
use crate::wire::error::ApiError;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::json;
use std::sync::Arc;

/// `POST tasks/create` with `task`: 201 with its id.
pub async fn create(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let site = call.optional_site(app.crm().seed())?;
    let task = call.entity("task")?;
    let id = app.crm().create_task(site, task)?;
    Ok(Reply::created(json!({"success": true, "id": id})))
}

/// `GET tasks/{id}`.
pub async fn get(
    State(app): State<Arc<App>>,
    Extension(_call): Extension<ApiCall>,
    Path(task_id): Path<String>,
) -> ApiResult {
    let task = app
        .crm()
        .extras()
        .task(numeric(&task_id)?)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    Ok(Reply::ok(json!({"success": true, "task": task})))
}

/// `GET tasks`: a page of the tasks `filter[ids]`, `filter[performers]` and `filter[text]`
/// select.
pub async fn list(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let paging = call.paging(20, LIST_LIMITS)?;
    let (tasks, pagination) = app.crm().extras().tasks(&call.filter(), &paging);
    Ok(Reply::ok(
        json!({"success": true, "tasks": tasks, "pagination": pagination}),
    ))
}

/// `POST tasks/{id}/edit` with `task`: the fields given replace the task's own.
pub async fn edit(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path(task_id): Path<String>,
) -> ApiResult {
    let task_id = numeric(&task_id)?;
    let patch = call.entity("task")?;
    app.crm().extras_mut().edit_task(task_id, patch)?;
    Ok(Reply::ok(json!({"success": true, "id": task_id})))
}
