//! `POST orders/payments/create`, `POST orders/payments/{id}/edit` and
//! `POST orders/payments/{id}/delete`.

use super::call::{ApiCall, numeric};
use crate::app::App;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::json;
use std::sync::Arc;

/// Adds the `payment` (naming its `order`) to that order: 201 with the payment id.
pub async fn create(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let site = call.optional_site(app.crm().seed())?;
    let payment = call.entity("payment")?;
    let id = app
        .crm()
        .create_payment(site.as_deref(), payment, &call.actor())?;
    Ok(Reply::created(json!({"success": true, "id": id})))
}

/// Merges `payment` into the payment the path names (`by=externalId` by default).
pub async fn edit(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path(id): Path<String>,
) -> ApiResult {
    call.optional_site(app.crm().seed())?;
    let lookup = call.payment_lookup(&id)?;
    let patch = call.entity("payment")?;
    let id = app.crm().edit_payment(&lookup, patch, &call.actor())?;
    Ok(Reply::ok(json!({"success": true, "id": id})))
}

/// Removes the payment with CRM id `id` from its order.
pub async fn delete(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path(id): Path<String>,
) -> ApiResult {
    let id = numeric(&id)?;
    app.crm().delete_payment(id, &call.actor())?;
    Ok(Reply::ok(json!({"success": true})))
}
