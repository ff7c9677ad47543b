//! `POST customers/combine` and `POST orders/combine`.

use super::call::ApiCall;
use crate::app::App;
use crate::crm::Technique;
use crate::wire::error::{ApiError, field_error};
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::State;
use serde_json::{Value, json};
use std::sync::Arc;

/// `customers=[{id}…]` merged into `resultCustomer={id}`.
pub async fn customers(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let combined = call.entities("customers")?;
    let result = Value::Object(call.entity("resultCustomer")?);
    app.crm()
        .combine_customers(&combined, &result, &call.actor())?;
    Ok(Reply::ok(json!({"success": true})))
}

/// `order={id}` merged into `resultOrder={id}` by `technique` (`ours`, the default, `summ`
/// or `theirs`); answers the result order.
pub async fn orders(State(app): State<Arc<App>>, Extension(call): Extension<ApiCall>) -> ApiResult {
    let name = call.text("technique").unwrap_or_else(|| "ours".to_string());
    let technique = Technique::parse(&name).ok_or_else(|| {
        let message =
            format!("Value \"{name}\" is not allowed: use \"ours\", \"summ\" or \"theirs\".");
        ApiError::input(field_error("technique", message))
    })?;
    let combined = Value::Object(call.entity("order")?);
    let result = Value::Object(call.entity("resultOrder")?);
    let order = app
        .crm()
        .combine_orders(&combined, &result, technique, &call.actor())?;
    Ok(Reply::ok(json!({"success": true, "order": order})))
}
