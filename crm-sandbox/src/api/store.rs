//! `store/*`: stock and price uploads, the offer lists, and the (empty) product groups.

use super::call::ApiCall;
use crate::app::App;
use crate::crm::View;
use crate::crm::paging::STORE_LIMITS;
use crate::wire::reply::{ApiResult, Reply, success};
use axum::Extension;
use axum::extract::State;
use serde_json::{Value, json};
use std::sync::Arc;

/// `POST store/inventories/upload` with `offers`.
pub async fn upload_inventories(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    call.optional_site(app.crm().seed())?;
    let offers = call.entities("offers")?;
    let outcome = app.crm().upload_inventories(offers)?;
    Ok(Reply::ok(success(outcome)))
}

/// `POST store/prices/upload` with `prices`.
pub async fn upload_prices(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let prices = call.entities("prices")?;
    let outcome = app.crm().upload_prices(prices)?;
    Ok(Reply::ok(success(outcome)))
}

/// `GET store/inventories`.
pub async fn inventories(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    list(&app, &call, View::Inventories, "offers")
}

/// `GET store/offers`.
pub async fn offers(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    list(&app, &call, View::Offers, "offers")
}

/// `GET store/products`.
pub async fn products(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    list(&app, &call, View::Products, "products")
}

fn list(app: &App, call: &ApiCall, view: View, key: &str) -> ApiResult {
    let paging = call.paging(20, STORE_LIMITS)?;
    let (rows, pagination) = app.crm().store().list(view, &call.filter(), &paging);
    let mut body = json!({"success": true, "pagination": pagination});
    body[key] = Value::Array(rows);
    Ok(Reply::ok(body))
}

/// `GET store/product-groups`: the sandbox's catalogue has no groups, so every page is empty.
pub async fn product_groups(Extension(call): Extension<ApiCall>) -> ApiResult {
    let paging = call.paging(20, STORE_LIMITS)?;
    let (groups, pagination) = paging.apply(Vec::<Value>::new());
    Ok(Reply::ok(
        json!({"success": true, "pagination": pagination, "productGroup": groups}),
    ))
}
