//! Answers common to many routes: creation, batch upload, pagination.

use super::{EntityRef, Order, quirks};
use serde::{Deserialize, Serialize};

/// The answer to `*/create`: the new entity's id, and for orders the order as saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateResponse {
    /// The CRM's id of the new entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The order as the CRM saved it (`orders/create` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub order: Option<Order>,
}

/// The answer to `orders/upload` or `customers/upload`, also when it partly failed (HTTP 460).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct UploadResponse {
    /// The entities saved, with the ids the CRM gave them (`uploadedOrders` or
    /// `uploadedCustomers`).
    #[serde(
        alias = "uploadedOrders",
        alias = "uploadedCustomers",
        deserialize_with = "quirks::map_or_list"
    )]
    pub uploaded: Vec<EntityRef>,
    /// The entities that were not saved (`failedOrders` or `failedCustomers`).
    #[serde(
        alias = "failedOrders",
        alias = "failedCustomers",
        deserialize_with = "quirks::map_or_list"
    )]
    pub failed: Vec<EntityRef>,
}

/// Where a page of a list is in the whole list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pagination {
    /// Entries per page.
    #[serde(deserialize_with = "quirks::number")]
    pub limit: i64,
    /// Entries in the whole list.
    #[serde(deserialize_with = "quirks::number")]
    pub total_count: i64,
    /// This page, from 1.
    #[serde(deserialize_with = "quirks::number")]
    pub current_page: i64,
    /// Pages in the whole list: stop here, not at an empty page.
    #[serde(deserialize_with = "quirks::number")]
    pub total_page_count: i64,
}

impl Pagination {
    /// Whether pages follow this one.
    pub fn has_next(&self) -> bool {
        self.current_page < self.total_page_count
    }
}
