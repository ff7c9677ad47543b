//! `api-versions`, `system-info`, `credentials`, `settings`, `costs` and `costs/create`.

use super::call::ApiCall;
use crate::app::App;
use crate::crm::paging::LIST_LIMITS;
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;

/// The methods `credentials` lists as allowed: everything the sandbox serves.
const METHODS: &[&str] = &[
    "/api/customers",
    "/api/customers/create",
    "/api/customers/{externalId}",
    "/api/customers/{externalId}/edit",
    "/api/customers/upload",
    "/api/customers/fix-external-ids",
    "/api/customers/history",
    "/api/customers/combine",
    "/api/orders",
    "/api/orders/create",
    "/api/orders/{externalId}",
    "/api/orders/{externalId}/edit",
    "/api/orders/upload",
    "/api/orders/statuses",
    "/api/orders/history",
    "/api/orders/fix-external-ids",
    "/api/orders/combine",
    "/api/orders/payments/create",
    "/api/orders/payments/{id}/edit",
    "/api/orders/payments/{id}/delete",
    "/api/reference/{name}",
    "/api/reference/{name}/{code}/edit",
    "/api/store/inventories",
    "/api/store/inventories/upload",
    "/api/store/prices/upload",
    "/api/store/offers",
    "/api/store/products",
    "/api/tasks",
    "/api/tasks/create",
    "/api/tasks/{id}",
    "/api/tasks/{id}/edit",
    "/api/costs",
    "/api/costs/create",
    "/api/customers/notes",
    "/api/customers/notes/create",
    "/api/customers/notes/{id}/delete",
    "/api/store/product-groups",
    "/api/integration-modules/{code}",
    "/api/integration-modules/{code}/edit",
    "/api/settings",
    "/api/api-versions",
    "/api/system-info",
    "/api/credentials",
];

/// `GET /api/api-versions`.
pub async fn api_versions(Extension(_call): Extension<ApiCall>) -> ApiResult {
    Ok(Reply::ok(
        json!({"success": true, "versions": ["3.0", "4.0", "5.0"]}),
    ))
}

/// `GET /api/system-info`: the version of the CRM, which for the sandbox names itself.
pub async fn system_info(Extension(_call): Extension<ApiCall>) -> ApiResult {
    Ok(Reply::ok(
        json!({"success": true, "systemVersion": SYSTEM_VERSION}),
    ))
}

/// What `system-info` answers as the CRM's version.
const SYSTEM_VERSION: &str = concat!("crm-sandbox ", env!("CARGO_PKG_VERSION"));

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

/// `GET settings`: the account's default currency (the first site's, else the base
/// currency), language and time zone, each `{value, updated_at}`.
pub async fn settings(
    State(app): State<Arc<App>>,
    Extension(_call): Extension<ApiCall>,
) -> ApiResult {
    let crm = app.crm();
    let seed = crm.seed();
    let currency = seed
        .sites()
        .codes()
        .next()
        .and_then(|code| seed.sites().get(code)?.get("currency")?.as_str())
        .unwrap_or("RUB")
        .to_string();
    let setting = |value: &str| json!({"value": value, "updated_at": SETTINGS_SINCE});
    Ok(Reply::ok(json!({
        "success": true,
        "settings": {
            "default_currency": setting(&currency),
            "system_language": setting("RU"),
            "timezone": setting("Europe/Moscow"),
        },
    })))
}

/// When the settings were last changed, as `settings` answers.
const SETTINGS_SINCE: &str = "2026-01-01 00:00:00";

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

/// `GET costs`: a page of the costs `filter[ids]`, `filter[costItems]` and `filter[sites]`
/// select.
pub async fn costs(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let paging = call.paging(20, LIST_LIMITS)?;
    let (costs, pagination) = app.crm().extras().costs(&call.filter(), &paging);
    Ok(Reply::ok(
        json!({"success": true, "pagination": pagination, "costs": costs}),
    ))
}
