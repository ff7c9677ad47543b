//! `api-versions`, `credentials`, `tasks/create` and `costs/create`.

use super::call::ApiCall;
use crate::app::App;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;

/// The methods `credentials` lists as allowed: everything the sandbox serves.
const METHODS: [&str; 27] = [
    "/api/customers",
    "/api/customers/create",
    "/api/customers/{externalId}",
    "/api/customers/{externalId}/edit",
    "/api/customers/upload",
    "/api/customers/fix-external-ids",
    "/api/customers/history",
    "/api/orders",
    "/api/orders/create",
    "/api/orders/{externalId}",
    "/api/orders/{externalId}/edit",
    "/api/orders/upload",
    "/api/orders/statuses",
    "/api/orders/history",
    "/api/orders/fix-external-ids",
    "/api/orders/payments/create",
    "/api/orders/payments/{id}/edit",
    "/api/reference/{name}",
    "/api/store/inventories",
    "/api/store/inventories/upload",
    "/api/store/prices/upload",
    "/api/store/offers",
    "/api/store/products",
    "/api/tasks/create",
    "/api/costs/create",
    "/api/api-versions",
    "/api/credentials",
];

/// `GET /api/api-versions`.
pub async fn api_versions(Extension(_call): Extension<ApiCall>) -> ApiResult {
    Ok(Reply::ok(
        json!({"success": true, "versions": ["3.0", "4.0", "5.0"]}),
    ))
}

/// `GET /api/credentials`: every method, every site.
pub async fn credentials(
    State(app): State<Arc<App>>,
    Extension(_call): Extension<ApiCall>,
) -> ApiResult {
    let sites: Vec<String> = app.crm().seed().sites().codes().map(String::from).collect();
    Ok(Reply::ok(json!({
        "success": true,
        "credentials": METHODS,
        "siteAccess": "access_full",
        "sitesAvailable": sites,
    })))
}

/// `POST tasks/create` with `task`: 201 with its id.
pub async fn create_task(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let site = call.optional_site(app.crm().seed())?;
    let task = call.entity("task")?;
    let id = app.crm().create_task(site, task)?;
    Ok(Reply::created(json!({"success": true, "id": id})))
}

/// `POST costs/create` with `cost`: 201 with its id.
pub async fn create_cost(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let site = call.optional_site(app.crm().seed())?;
    let cost = call.entity("cost")?;
    let id = app.crm().create_cost(site, cost)?;
    Ok(Reply::created(json!({"success": true, "id": id})))
}
