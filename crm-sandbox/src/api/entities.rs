//! Customers and orders: create, get, edit, list, fix-external-ids, and order statuses.

use super::call::ApiCall;
use crate::app::App;
use crate::crm::Kind;
use crate::crm::fields::Object;
use crate::crm::paging::LIST_LIMITS;
use crate::wire::error::{ApiError, field_error};
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use std::sync::Arc;

/// Names a kind of entity at the type level, so one generic handler serves both.
pub trait EntityKind: Send + Sync + 'static {
    /// The kind.
    const KIND: Kind;
    /// The words RetailCRM uses as routes under `{kind}/` (served here or not), which are
    /// therefore never ids: `GET customers/notes` is a method, not the customer "notes".
    const ROUTE_WORDS: &'static [&'static str];
}

/// Refuses a path id that is one of RetailCRM's route words for `E`, as RetailCRM does:
/// 404 "API method not found".
fn not_a_route_word<E: EntityKind>(path_id: &str) -> Result<(), ApiError> {
    if E::ROUTE_WORDS.contains(&path_id) {
        Err(ApiError::no_method())
    } else {
        Ok(())
    }
}

/// `customers/*`.
pub struct Customers;

impl EntityKind for Customers {
    const KIND: Kind = Kind::Customer;
    const ROUTE_WORDS: &'static [&'static str] = &[
        "combine",
        "create",
        "fix-external-ids",
        "history",
        "notes",
        "subscriptions",
        "upload",
    ];
}

/// `orders/*`.
pub struct Orders;

impl EntityKind for Orders {
    const KIND: Kind = Kind::Order;
    const ROUTE_WORDS: &'static [&'static str] = &[
        "calculate",
        "combine",
        "create",
        "fix-external-ids",
        "history",
        "links",
        "loyalty",
        "packs",
        "payments",
        "statuses",
        "upload",
    ];
}

/// `{"success":true,"id":N}`, with the order itself for orders.
fn saved(kind: Kind, entity: Object) -> Value {
    let mut body = json!({"success": true, "id": entity.get("id")});
    if kind == Kind::Order {
        body["order"] = Value::Object(entity);
    }
    body
}

/// `POST {kind}/create`: 201 with the new id.
pub async fn create<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let site = call.site(app.crm().seed())?;
    let input = call.entity(E::KIND.entity())?;
    let stored = app.crm().create(E::KIND, &site, input, &call.actor())?;
    Ok(Reply::created(saved(E::KIND, stored)))
}

/// `GET {kind}/{id}`.
pub async fn get<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path(id): Path<String>,
) -> ApiResult {
    not_a_route_word::<E>(&id)?;
    let site = call.site(app.crm().seed())?;
    let lookup = call.lookup(&id, &site)?;
    let entity = app.crm().get(E::KIND, &lookup)?;
    let mut body = json!({"success": true});
    body[E::KIND.entity()] = Value::Object(entity);
    Ok(Reply::ok(body))
}

/// `POST {kind}/{id}/edit`; a changed order status fires the trigger.
pub async fn edit<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
    Path(id): Path<String>,
) -> ApiResult {
    not_a_route_word::<E>(&id)?;
    let site = call.site(app.crm().seed())?;
    let lookup = call.lookup(&id, &site)?;
    let patch = call.entity(E::KIND.entity())?;
    let edited = app.crm().edit(E::KIND, &lookup, patch, &call.actor())?;
    if edited.status_changed {
        app.triggers.fire(&edited.entity);
    }
    Ok(Reply::ok(saved(E::KIND, edited.entity)))
}

/// `GET {kind}`: a page of the filtered list.
pub async fn list<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let paging = call.paging(20, LIST_LIMITS)?;
    let (entities, pagination) = app.crm().list(E::KIND, &call.filter(), &paging);
    let mut body = json!({"success": true, "pagination": pagination});
    body[E::KIND.plural()] = Value::Array(entities);
    Ok(Reply::ok(body))
}

/// `POST {kind}/fix-external-ids` with `[{id, externalId}]`.
pub async fn fix_external_ids<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let list = call.entities(E::KIND.plural())?;
    app.crm().fix_external_ids(E::KIND, list, &call.actor())?;
    Ok(Reply::ok(json!({"success": true})))
}

/// `GET orders/statuses?ids[]=…&externalIds[]=…`.
pub async fn order_statuses(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let ids = call.texts("ids");
    let external_ids = call.texts("externalIds");
    if ids.is_empty() && external_ids.is_empty() {
        let message = "Give \"ids\" or \"externalIds\".";
        return Err(ApiError::input(field_error("ids", message)));
    }
    let orders = app.crm().order_statuses(&ids, &external_ids);
    Ok(Reply::ok(json!({"success": true, "orders": orders})))
}
