//! Customers.

use super::{Address, CustomFields, quirks};
use serde::{Deserialize, Serialize};

/// A customer: sent to `customers/create`, `customers/{id}/edit` and `customers/upload`, read
/// back from `customers/{id}`, `customers` and history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Customer {
    /// The CRM's id (assigned by the CRM).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The shop's id for the customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub external_id: Option<String>,
    /// The code of the shop (site) the customer belongs to, as the CRM reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Patronymic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[serde(deserialize_with = "quirks::map_or_list")]
    pub phones: Vec<Phone>,
    /// Postal address.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub address: Option<Address>,
    /// When the customer registered, `Y-m-d H:i:s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Birthday, `Y-m-d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    /// `male` or `female`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// Marked as a VIP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vip: Option<bool>,
    /// Marked as a bad customer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bad: Option<bool>,
    /// Custom field values by field code.
    #[serde(skip_serializing_if = "CustomFields::is_empty")]
    #[serde(deserialize_with = "quirks::empty_list_as_map")]
    pub custom_fields: CustomFields,
    /// Agreed to receive mailings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscribed: Option<bool>,
}

/// A phone number of a customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Phone {
    /// The number as people write it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub number: Option<String>,
}
