//! Typed RetailCRM API v5 models.
//!
//! On serialisation fields are camelCase and unset (`None`, empty) fields are left out, so a
//! model sent to the CRM carries only what was set. On deserialisation unknown fields are
//! ignored and every quirk of RetailCRM's PHP-made JSON is accepted (see [`quirks`]): `[]` for
//! an empty object, collections keyed by id or code instead of lists, numbers as ints, floats
//! or numeric strings, `null` for anything optional.

mod customer;
mod history;
mod order;
pub mod quirks;
mod reference;
mod response;

pub use customer::{Customer, Phone};
pub use history::{HistoryApiKey, HistoryEntry, HistoryResponse};
pub use order::{Address, Delivery, DeliveryTime, ItemProperty, Offer, Order, OrderItem, Payment};
pub use reference::{
    DeliveryType, DeliveryTypeList, OrderMethod, OrderMethodList, PaymentType, PaymentTypeList,
    ReferenceList, Site, SiteList, Status, StatusList, Store, StoreList,
};
pub use response::{CreateResponse, Pagination, UploadResponse};

use serde::{Deserialize, Serialize};

/// Custom fields: field code → value, in the order they were given.
pub type CustomFields = serde_json::Map<String, serde_json::Value>;

/// A reference to an entity by the CRM's `id` or the shop's `externalId` (either suffices).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntityRef {
    /// The CRM's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The shop's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub external_id: Option<String>,
}

/// The customer of an order, by `id` or `externalId`.
pub type CustomerRef = EntityRef;

#[cfg(test)]
mod tests;
