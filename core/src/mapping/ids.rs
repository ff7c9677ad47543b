//! Identifiers shared by the site and the CRM.
//!
//! The order's `externalId` is miniShop2's `num` with `/` replaced by `-` (`2611/1` →
//! `2611-1`), as the baseline sent it, so migrated orders keep matching. The single payment
//! an order is created with gets `externalId` `{order externalId}-payment`, so the payment
//! can later be edited by that id instead of "the last payment".

/// The CRM `externalId` of the order numbered `num` (`2611/1` → `2611-1`).
pub fn external_id_from_num(num: &str) -> String {
    num.trim().replace('/', "-")
}

/// The miniShop2 `num` of the order with CRM `externalId` (`2611-1` → `2611/1`).
pub fn num_from_external_id(external_id: &str) -> String {
    external_id.trim().replace('-', "/")
}

/// The `externalId` of the payment created with the order `order_external_id`.
pub fn payment_external_id(order_external_id: &str) -> String {
    format!("{order_external_id}-payment")
}
