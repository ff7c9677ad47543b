//! Mapping: miniShop2 / MODX arrays in, RetailCRM request payloads out.
//!
//! Pure functions, no I/O. Every input is a `serde_json::Value` shaped like the `toArray()` of
//! the MODX object it comes from (see `tests/fixtures/minishop2`), or like its raw database
//! row: numbers may arrive as JSON numbers or numeric strings (`"2967.18"`, `"1"`), JSON
//! columns as decoded values or as text. Outputs keep a stable key order.
//!
//! - [`customer()`]: a `customers/create` / `customers/edit` payload (M1).
//! - [`order()`]: an `orders/create` payload and the references without a CRM code (M2);
//!   [`order_update()`]: the whole current order for `orders/{externalId}/edit`.
//! - [`status_change()`]: the order edit and the payment edit for a status change (M3).
//! - [`form`]: a submitted form (a FormIt hook) as an order, a customer or a task (M5).
//! - [`ids`]: `num` ↔ `externalId` and the payment's `externalId`.

mod address;
mod customer;
mod error;
pub mod form;
pub mod ids;
mod items;
mod names;
mod order;
pub(crate) mod read;
mod status;

#[cfg(test)]
mod tests;

pub use customer::customer;
pub use error::MappingError;
pub use order::{MappedOrder, MappingSettings, OrderInput, order, order_update};
pub use status::{PaymentEdit, StatusChange, StatusChangeInput, StatusRules, status_change};
