//! `GET customers/history` and `GET orders/history`.

use super::call::ApiCall;
use super::entities::EntityKind;
use crate::app::App;
use crate::crm::HistoryFilter;
use crate::crm::fields::{Object, id, text};
use crate::crm::paging::LIST_LIMITS;
use crate::wire::clock;
use crate::wire::error::{ApiError, field_error};
use crate::wire::reply::{ApiResult, Reply};
use axum::Extension;
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;

/// A page of history (100 entries by default), filtered by `filter[sinceId]`,
/// `filter[startDate]` and `filter[endDate]`.
pub async fn history<E: EntityKind>(
    State(app): State<Arc<App>>,
    Extension(call): Extension<ApiCall>,
) -> ApiResult {
    let filter = history_filter(&call.filter())?;
    let paging = call.paging(100, LIST_LIMITS)?;
    let (history, pagination) = app.crm().history(E::KIND, &filter, &paging, call.key());
    Ok(Reply::ok(json!({
        "success": true,
        "generatedAt": clock::now(),
        "history": history,
        "pagination": pagination,
    })))
}

fn history_filter(filter: &Object) -> Result<HistoryFilter, ApiError> {
    let since_id = match filter.get("sinceId") {
        None => None,
        Some(value) => Some(id(value).ok_or_else(|| {
            ApiError::input(field_error(
                "filter[sinceId]",
                "This value should be a positive integer.",
            ))
        })?),
    };
    Ok(HistoryFilter {
        since_id,
        start_date: filter.get("startDate").and_then(text),
        end_date: filter.get("endDate").and_then(text),
    })
}
