//! Change history of orders and customers (`orders/history`, `customers/history`).

use super::{Customer, Order, Pagination, quirks};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One change of one field of an order or a customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryEntry {
    /// The entry's id: ask for the next changes with `filter[sinceId]` set to the last one.
    #[serde(deserialize_with = "quirks::number")]
    pub id: i64,
    /// When the change was made, `Y-m-d H:i:s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Set when the entry records the creation of the entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// Set when the entry records the deletion of the entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Who made the change: `api`, `user`, `rule`, `code` …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The changed field, e.g. `status` or `delivery_cost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The previous value, whatever its shape: a scalar or an object such as `{"code": "new"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<Value>,
    /// The new value, shaped like [`HistoryEntry::old_value`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<Value>,
    /// The API key that made the change, when the source is `api`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub api_key: Option<HistoryApiKey>,
    /// The order changed (a summary; the whole order when it was created).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub order: Option<Order>,
    /// The customer changed (a summary; the whole customer when it was created).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub customer: Option<Customer>,
}

impl HistoryEntry {
    /// Whether the change was made through the API with the key that reads the history: a
    /// sync skips these so as not to echo its own changes.
    pub fn is_own_change(&self) -> bool {
        self.source.as_deref() == Some("api")
            && self.api_key.as_ref().is_some_and(|key| key.current)
    }
}

/// The API key behind a history entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryApiKey {
    /// Whether it is the key the history was read with.
    pub current: bool,
}

/// A page of history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryResponse {
    /// The entries, oldest first.
    #[serde(deserialize_with = "quirks::map_or_list")]
    pub history: Vec<HistoryEntry>,
    /// Where this page is in the whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub pagination: Option<Pagination>,
    /// When the CRM produced the answer, `Y-m-d H:i:s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
}

impl HistoryResponse {
    /// The highest entry id on the page: the `filter[sinceId]` of the next request.
    pub fn last_id(&self) -> Option<i64> {
        self.history.iter().map(|entry| entry.id).max()
    }
}
