//! RetailCRM API v5 routes. Each handler reads its parameters from the [`call::ApiCall`]
//! the gate prepared and answers JSON.

pub mod call;
mod combine;
mod entities;
mod history;
mod misc;
mod modules;
mod notes;
mod payments;
mod reference;
mod store;
mod tasks;
mod upload;

use crate::app::App;
use crate::wire::error::ApiError;
use axum::Router;
use axum::routing::{get, post};
use entities::{Customers, EntityKind, Orders};
use std::sync::Arc;

/// Every API route, with RetailCRM's 404 "API method not found" for the rest, including
/// RetailCRM's own routes the sandbox does not emulate (`customers/notes`, `orders/packs` …),
/// which are not read as ids.
pub fn routes() -> Router<Arc<App>> {
    let router = Router::new()
        .route("/api/api-versions", get(misc::api_versions))
        .route("/api/system-info", get(misc::system_info))
        .route("/api/credentials", get(misc::credentials))
        .route("/api/v5/credentials", get(misc::credentials))
        .route("/api/v5/orders/statuses", get(entities::order_statuses))
        .route("/api/v5/orders/payments/create", post(payments::create))
        .route("/api/v5/orders/payments/{id}/edit", post(payments::edit))
        .route(
            "/api/v5/orders/payments/{id}/delete",
            post(payments::delete),
        )
        .route("/api/v5/orders/combine", post(combine::orders))
        .route("/api/v5/customers/combine", post(combine::customers))
        .route("/api/v5/customers/notes", get(notes::list))
        .route("/api/v5/customers/notes/create", post(notes::create))
        .route("/api/v5/customers/notes/{id}/delete", post(notes::delete))
        .route("/api/v5/reference/{name}", get(reference::get))
        .route(
            "/api/v5/reference/{name}/{code}/edit",
            post(reference::edit),
        )
        .route("/api/v5/store/inventories", get(store::inventories))
        .route(
            "/api/v5/store/inventories/upload",
            post(store::upload_inventories),
        )
        .route("/api/v5/store/prices/upload", post(store::upload_prices))
        .route("/api/v5/store/offers", get(store::offers))
        .route("/api/v5/store/products", get(store::products))
        .route("/api/v5/store/product-groups", get(store::product_groups))
        .route("/api/v5/tasks", get(tasks::list))
        .route("/api/v5/tasks/create", post(tasks::create))
        .route("/api/v5/tasks/{id}", get(tasks::get))
        .route("/api/v5/tasks/{id}/edit", post(tasks::edit))
        .route("/api/v5/costs", get(misc::costs))
        .route("/api/v5/costs/create", post(misc::create_cost))
        .route("/api/v5/integration-modules/{code}", get(modules::get))
        .route(
            "/api/v5/integration-modules/{code}/edit",
            post(modules::edit),
        )
        .route("/api/v5/settings", get(misc::settings));
    entity_routes::<Orders>(entity_routes::<Customers>(router))
        .fallback(no_method)
        .method_not_allowed_fallback(no_method)
}

/// The routes customers and orders share: list, create, upload, fix-external-ids, history,
/// get and edit.
fn entity_routes<E: EntityKind>(router: Router<Arc<App>>) -> Router<Arc<App>> {
    let base = format!("/api/v5/{}", E::KIND.plural());
    router
        .route(&base, get(entities::list::<E>))
        .route(&format!("{base}/create"), post(entities::create::<E>))
        .route(&format!("{base}/upload"), post(upload::upload::<E>))
        .route(
            &format!("{base}/fix-external-ids"),
            post(entities::fix_external_ids::<E>),
        )
        .route(&format!("{base}/history"), get(history::history::<E>))
        .route(&format!("{base}/{{id}}"), get(entities::get::<E>))
        .route(&format!("{base}/{{id}}/edit"), post(entities::edit::<E>))
}

async fn no_method() -> ApiError {
    ApiError::no_method()
}
