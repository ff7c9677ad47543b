//! Orders and what they are made of: items, delivery, address, payments.

use super::{CustomFields, CustomerRef, quirks};
use serde::{Deserialize, Serialize};

/// An order: sent to `orders/create`, `orders/{id}/edit` and `orders/upload`, read back from
/// `orders/{id}`, `orders` and history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Order {
    /// The CRM's id (assigned by the CRM).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The order number people see.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub number: Option<String>,
    /// The shop's id for the order.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub external_id: Option<String>,
    /// The code of the shop (site) the order belongs to, as the CRM reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Order type code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// Order method code (how the order was placed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_method: Option<String>,
    /// Status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When the order was placed, `Y-m-d H:i:s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Contact's first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Contact's last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Contact's patronymic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patronymic: Option<String>,
    /// Contact phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub phone: Option<String>,
    /// Second contact phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub additional_phone: Option<String>,
    /// Contact e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The customer's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_comment: Option<String>,
    /// The manager's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_comment: Option<String>,
    /// Weight in grams.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub weight: Option<f64>,
    /// Length.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub length: Option<f64>,
    /// Width.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub width: Option<f64>,
    /// Height.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub height: Option<f64>,
    /// Discount on the whole order, in money.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub discount_manual_amount: Option<f64>,
    /// Discount on the whole order, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub discount_manual_percent: Option<f64>,
    /// Planned shipment date, `Y-m-d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_date: Option<String>,
    /// Whether the customer asked to be called back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<bool>,
    /// The customer the order belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub customer: Option<CustomerRef>,
    /// Custom field values by field code.
    #[serde(skip_serializing_if = "CustomFields::is_empty")]
    #[serde(deserialize_with = "quirks::empty_list_as_map")]
    pub custom_fields: CustomFields,
    /// The ordered items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[serde(deserialize_with = "quirks::map_or_list")]
    pub items: Vec<OrderItem>,
    /// How the order is delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub delivery: Option<Delivery>,
    /// Payments (the CRM answers with an object keyed by payment id).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[serde(deserialize_with = "quirks::map_or_list")]
    pub payments: Vec<Payment>,
    /// Sum of the items, as the CRM computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub summ: Option<f64>,
    /// Total to pay including delivery, as the CRM computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub total_summ: Option<f64>,
    /// Amount already paid, as the CRM computed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub prepay_sum: Option<f64>,
}

/// One line of an order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OrderItem {
    /// The CRM's id of the line (assigned by the CRM).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The catalogue offer ordered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub offer: Option<Offer>,
    /// Product name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// Price of one unit before discounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub initial_price: Option<f64>,
    /// Quantity (may be fractional).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub quantity: Option<f64>,
    /// Discount on the line, in money.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub discount_manual_amount: Option<f64>,
    /// Discount on the line, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub discount_manual_percent: Option<f64>,
    /// Purchase price of one unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub purchase_price: Option<f64>,
    /// VAT rate: a percentage such as `"20"`, or `"none"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub vat_rate: Option<String>,
    /// Comment on the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Properties such as size or colour (the CRM answers with an object keyed by code).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[serde(deserialize_with = "quirks::map_or_list")]
    pub properties: Vec<ItemProperty>,
}

/// A catalogue offer, referenced by any one of its ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Offer {
    /// The CRM's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The shop's id (ICML `offer@id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub external_id: Option<String>,
    /// The id in the shop's accounting system.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub xml_id: Option<String>,
}

/// A property of an order item.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ItemProperty {
    /// Property code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Property name people see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Property value.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub value: Option<String>,
}

/// Delivery of an order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Delivery {
    /// Delivery type code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What the customer pays for delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub cost: Option<f64>,
    /// What delivery costs the shop.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub net_cost: Option<f64>,
    /// Delivery date, `Y-m-d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Delivery time window.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub time: Option<DeliveryTime>,
    /// Where to deliver.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::object_or_empty_list")]
    pub address: Option<Address>,
}

/// A delivery time window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeliveryTime {
    /// Start, `H:i`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// End, `H:i`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Free-form time, when it is not a window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<String>,
}

/// A postal address, of a delivery or a customer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Address {
    /// Postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub index: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_iso: Option<String>,
    /// Region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// Building number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub building: Option<String>,
    /// Flat or office.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub flat: Option<String>,
    /// Floor.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub floor: Option<i64>,
    /// Entrance (block).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub block: Option<i64>,
    /// House (structure) within the building.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub house: Option<String>,
    /// Metro station.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metro: Option<String>,
    /// Notes for the courier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The whole address as one text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A payment of an order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Payment {
    /// The CRM's id (assigned by the CRM).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub id: Option<i64>,
    /// The shop's id for the payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_text")]
    pub external_id: Option<String>,
    /// Payment type code (`type` on the wire).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "quirks::opt_number")]
    pub amount: Option<f64>,
    /// Payment status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When it was paid, `Y-m-d H:i:s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_at: Option<String>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}
