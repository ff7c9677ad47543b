//! Reference books (`reference/…`): statuses, delivery and payment types, sites, order
//! methods, stores.

use super::quirks;
use serde::{Deserialize, Serialize};

/// The answer to a `reference/…` route: the entries of one book, in the order sent.
///
/// The CRM sends a book as an object keyed by code (`{"statuses": {"new": {…}}}`); a list is
/// accepted too. Whichever of `statuses`, `deliveryTypes`, `paymentTypes`, `sites`,
/// `orderMethods` or `stores` the answer holds becomes [`ReferenceList::items`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct ReferenceList<T> {
    /// The entries.
    #[serde(
        default,
        alias = "statuses",
        alias = "deliveryTypes",
        alias = "paymentTypes",
        alias = "sites",
        alias = "orderMethods",
        alias = "stores",
        deserialize_with = "quirks::map_or_list"
    )]
    pub items: Vec<T>,
}

/// The answer to `reference/statuses`.
pub type StatusList = ReferenceList<Status>;
/// The answer to `reference/delivery-types`.
pub type DeliveryTypeList = ReferenceList<DeliveryType>;
/// The answer to `reference/payment-types`.
pub type PaymentTypeList = ReferenceList<PaymentType>;
/// The answer to `reference/sites`.
pub type SiteList = ReferenceList<Site>;
/// The answer to `reference/order-methods`.
pub type OrderMethodList = ReferenceList<OrderMethod>;
/// The answer to `reference/stores`.
pub type StoreList = ReferenceList<Store>;

/// An order status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Status {
    /// Code, as orders refer to it.
    pub code: String,
    /// Name people see.
    pub name: String,
    /// Whether it can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The code of the status group (`new`, `approval`, `complete`, `cancel` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Position in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub ordering: Option<i64>,
}

/// A delivery type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeliveryType {
    /// Code, as `delivery.code` refers to it.
    pub code: String,
    /// Name people see.
    pub name: String,
    /// Whether it can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Default price for the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub default_cost: Option<f64>,
    /// Default cost for the shop.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub default_net_cost: Option<f64>,
}

/// A payment type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaymentType {
    /// Code, as `payments[].type` refers to it.
    pub code: String,
    /// Name people see.
    pub name: String,
    /// Whether it can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A shop (site) connected to the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Site {
    /// Code, sent as the `site` parameter.
    pub code: String,
    /// Name people see.
    pub name: String,
    /// Whether it can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The shop's address on the web.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// An order method (how an order was placed: shopping cart, phone, one click …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderMethod {
    /// Code, as `orderMethod` refers to it.
    pub code: String,
    /// Name people see.
    pub name: String,
    /// Whether it can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Used for orders created through the API that name no method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_for_api: Option<bool>,
}

/// A store (warehouse or shop floor) holding stock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Store {
    /// Code, as inventories refer to it.
    pub code: String,
    /// Name people see.
    pub name: String,
    /// Whether it can be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// `store-type-warehouse`, `store-type-retail` …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The shop's id for the store.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub external_id: Option<String>,
}
