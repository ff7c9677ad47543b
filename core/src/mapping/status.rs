//! M3: what a miniShop2 status change sends to the CRM.

use serde_json::{Value, json};

use super::error::MappingError;
use super::ids::{external_id_from_num, payment_external_id};
use super::order::{code, present};
use super::read::{id, money, required_amount, text};

/// Which statuses are sent (`modretailcrm_sync_statuses`) and which mean the order is paid
/// (`modretailcrm_paid_statuses`, default `2`), as status ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRules {
    /// Statuses whose change edits the CRM order's `status`.
    pub sync_statuses: Vec<i64>,
    /// Statuses whose change marks the order's CRM payment paid.
    pub paid_statuses: Vec<i64>,
}

impl Default for StatusRules {
    fn default() -> Self {
        Self {
            sync_statuses: Vec::new(),
            paid_statuses: vec![2],
        }
    }
}

/// One status change as the plugin sees it.
#[derive(Debug, Clone, Copy)]
pub struct StatusChangeInput<'a> {
    /// The msOrder row (`num`, `cost`).
    pub order: &'a Value,
    /// The msOrderStatus row of the new status (its `id` may be `2` or `"2"`).
    pub status: &'a Value,
    /// When the change happened, `Y-m-d H:i:s`; the payment's `paidAt`.
    pub paid_at: &'a str,
    /// The msPayment row of the order's `payment`, when the plugin passed it: its CRM code
    /// lets a paid status create the payment the CRM does not have (an order created
    /// before the payment had a code).
    pub payment: Option<&'a Value>,
}

/// An edit of the payment the order was created with.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentEdit {
    /// The payment's `externalId` (`payments/{externalId}/edit?by=externalId`).
    pub external_id: String,
    /// `{status: "paid", amount, paidAt}`, and `type` (the payment's CRM code) when known,
    /// for creating the payment if the CRM has none by that `externalId`.
    pub payload: Value,
}

/// The CRM edits for a status change.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    /// The order's `externalId`.
    pub order_external_id: String,
    /// `{status: code}` for `orders/{externalId}/edit`, when the status is synced and coded.
    pub order_edit: Option<Value>,
    /// The payment marked paid, when the status is a paid one.
    pub payment_edit: Option<PaymentEdit>,
    /// A synced status without a CRM code, as in [`super::MappedOrder::unmapped`].
    pub unmapped: Vec<String>,
}

/// The edits for `input`, or `None` when the status is neither synced nor paid. Status ids
/// are compared as numbers. A paid status needs a non-empty `paid_at` (the baseline could
/// send a null `paidAt`); when the order's payment row is given without a CRM code, the
/// payment is not marked (the CRM cannot hold an untyped payment) and is listed in
/// `unmapped`.
pub fn status_change(
    input: &StatusChangeInput,
    rules: &StatusRules,
) -> Result<Option<StatusChange>, MappingError> {
    let status_id = input
        .status
        .get("id")
        .and_then(id)
        .ok_or_else(|| MappingError::missing("status.id"))?;
    let synced = rules.sync_statuses.contains(&status_id);
    let paid = rules.paid_statuses.contains(&status_id);
    if !synced && !paid {
        return Ok(None);
    }
    let num = text(input.order, "num").ok_or_else(|| MappingError::missing("order.num"))?;
    let order_external_id = external_id_from_num(&num);
    let mut unmapped = Vec::new();
    let order_edit = synced
        .then(|| code(Some(input.status), "status", &mut unmapped))
        .flatten()
        .map(|code| json!({ "status": code }));
    let payment_edit = if paid {
        let paid_at = input.paid_at.trim();
        if paid_at.is_empty() {
            return Err(MappingError::missing("paid_at"));
        }
        let amount = required_amount(input.order, "cost", "order.cost")?;
        let mut payload = json!({ "status": "paid", "amount": money(amount), "paidAt": paid_at });
        match present(input.payment) {
            None => Some(payload),
            Some(row) => code(Some(row), "payment", &mut unmapped).map(|kind| {
                payload["type"] = json!(kind);
                payload
            }),
        }
        .map(|payload| PaymentEdit {
            external_id: payment_external_id(&order_external_id),
            payload,
        })
    } else {
        None
    };
    Ok(Some(StatusChange {
        order_external_id,
        order_edit,
        payment_edit,
        unmapped,
    }))
}
