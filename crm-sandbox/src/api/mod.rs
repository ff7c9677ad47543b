//! RetailCRM API v5 routes. Each handler reads its parameters from the [`call::ApiCall`]
//! the gate prepared and answers JSON.

pub mod call;
mod entities;
mod history;
mod misc;
mod payments;
mod reference;
mod store;
mod upload;

use crate::app::App;
use crate::wire::error::ApiError;
use axum::Router;
use axum::routing::{get, post};
use entities::{Customers, EntityKind, Orders};
use std::sync::Arc;

/// Every API route, with a JSON 404 for the rest.
pub fn routes() -> Router<Arc<App>> {
    let router = Router::new()
        .route("/api/api-versions", get(misc::api_versions))
        .route("/api/credentials", get(misc::credentials))
        .route("/api/v5/credentials", get(misc::credentials))
        .route("/api/v5/orders/statuses", get(entities::order_statuses))
        .route("/api/v5/orders/payments/create", post(payments::create))
        .route("/api/v5/orders/payments/{id}/edit", post(payments::edit))
        .route("/api/v5/reference/{name}", get(reference::get))
        .route("/api/v5/store/inventories", get(store::inventories))
        .route(
            "/api/v5/store/inventories/upload",
            post(store::upload_inventories),
        )
        .route("/api/v5/store/prices/upload", post(store::upload_prices))
        .route("/api/v5/store/offers", get(store::offers))
        .route("/api/v5/store/products", get(store::products))
        .route("/api/v5/tasks/create", post(misc::create_task))
        .route("/api/v5/costs/create", post(misc::create_cost));
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
