//! A historic order or customer as the upload sends it: mapped, and adjusted by the site's
//! class, exactly as a live one ([`events`], [`customize`]); an order under the `externalId`
//! the outbox gives it, with its payment paid when its current status is a paid one.

use serde_json::{Value, json};

use super::super::change::Change;
use super::super::customize::{Customizer, customize};
use super::super::events::{self, EventChanges};
use crate::config::IntegrationSettings;
use crate::logging::LineSink;
use crate::mapping::read::{datetime, id};
use crate::mapping::{self, MappingError, OrderInput};

/// The site's classes and where a failing one is told.
#[derive(Clone, Copy)]
pub struct Site<'a> {
    /// Calls the site's own classes.
    pub customizer: &'a dyn Customizer,
    /// Where a failing class is told.
    pub log: &'a dyn LineSink,
}

/// A customer's `customers/upload` entry, from its modUser and modUserProfile rows.
pub fn customer(
    settings: &IntegrationSettings,
    user: &Value,
    profile: &Value,
    site: Site<'_>,
) -> Result<Value, MappingError> {
    let payload = mapping::customer(user, profile)?;
    let event = EventChanges {
        changes: vec![Change::CustomerCreate(payload)],
        skipped: None,
        unmapped: Vec::new(),
        order: None,
    };
    let source = json!({"user": user, "profile": profile});
    let event = customize(settings, event, &source, site.customizer, site.log);
    Ok(first_payload(event))
}

/// An order's `orders/upload` entry and its `externalId`, from the rows the plugin gathers
/// for a new order (`source` is them as one array, for the site's class), under the
/// `externalId` its number gives; the upload then gives each batch its ids as the live
/// path does (another site order may hold that one, see `Upload::give_order_ids`).
pub fn order(
    settings: &IntegrationSettings,
    input: &OrderInput,
    source: &Value,
    site: Site<'_>,
) -> Result<(String, Value), MappingError> {
    let event = events::order_created(settings, input)?;
    let external_id = event
        .order
        .as_ref()
        .map(|order| order.external_id.clone())
        .unwrap_or_default();
    let event = customize(settings, event, source, site.customizer, site.log);
    let mut payload = first_payload(event);
    let status = input.order.get("status").and_then(id);
    if status.is_some_and(|status| settings.status_rules.paid_statuses.contains(&status)) {
        mark_paid(&mut payload, input.order);
    }
    Ok((external_id, payload))
}

/// Marks the order's payment paid (`status: paid`, `paidAt`: when the order was last
/// updated, else created), as the live paid status change does.
fn mark_paid(payload: &mut Value, order: &Value) {
    let paid_at = datetime(order, "updatedon").or_else(|| datetime(order, "createdon"));
    if let Some(Value::Array(payments)) = payload.get_mut("payments")
        && let Some(Value::Object(payment)) = payments.first_mut()
    {
        payment.insert("status".into(), json!("paid"));
        if let Some(paid_at) = paid_at {
            payment.insert("paidAt".into(), json!(paid_at));
        }
    }
}

/// The payload of the event's first change (the create it was built with).
fn first_payload(event: EventChanges) -> Value {
    match event.changes.into_iter().next() {
        Some(Change::CustomerCreate(payload) | Change::OrderCreate(payload)) => payload,
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paid_order_s_payment_is_marked_paid_when_it_was_last_updated() {
        let mut payload =
            json!({"payments": [{"externalId": "1-1", "type": "cash", "amount": 10}]});
        let order = json!({"createdon": "2026-01-02 10:00:00", "updatedon": "2026-01-03 11:00:00"});
        mark_paid(&mut payload, &order);
        assert_eq!(
            payload["payments"][0],
            json!({"externalId": "1-1", "type": "cash", "amount": 10, "status": "paid", "paidAt": "2026-01-03 11:00:00"})
        );
        let mut unpaid = json!({"items": []});
        mark_paid(&mut unpaid, &order);
        assert_eq!(unpaid, json!({"items": []}), "no payment, nothing to mark");
    }
}
