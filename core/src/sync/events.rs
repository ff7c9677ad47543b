//! Shop events → the changes to queue: which user saves count, an order's create, a
//! manager's edit of an order, a status change's order and payment edits. The mapping itself is [`crate::mapping`]'s.

use serde_json::{Value, json};

use super::change::Change;
use crate::config::IntegrationSettings;
use crate::mapping::ids::payment_external_id;
use crate::mapping::read::id;
use crate::mapping::{self, MappingError, OrderInput, StatusChangeInput};

/// Why an event queues nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A user save outside the configured contexts by a user outside the configured groups
    /// (a manager editing an administrator, say).
    NotACustomerSave,
    /// A status change to a status that is neither synced nor paid.
    StatusNotSynced,
}

impl Skip {
    /// Why, in the words the event's result gives.
    pub fn reason(&self) -> &'static str {
        match self {
            Skip::NotACustomerSave => {
                "the save is outside modretailcrm_user_contexts and modretailcrm_user_groups"
            }
            Skip::StatusNotSynced => {
                "the status is neither in modretailcrm_sync_statuses nor in modretailcrm_paid_statuses"
            }
        }
    }
}

/// What an event turned into.
#[derive(Debug, Clone, PartialEq)]
pub struct EventChanges {
    /// The changes to queue, in order.
    pub changes: Vec<Change>,
    /// Why nothing was queued, when nothing was.
    pub skipped: Option<Skip>,
    /// References without a CRM code and other things not carried over (the changes are
    /// queued all the same).
    pub unmapped: Vec<String>,
    /// The site order the changes concern, when they concern one.
    pub order: Option<SiteOrder>,
}

/// A site order and the `externalId` its number gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrder {
    /// miniShop2's order id (`msOrder.id`).
    pub id: i64,
    /// The `externalId` from its number (`num` with `/` → `-`).
    pub external_id: String,
}

impl EventChanges {
    fn skipped(why: Skip) -> Self {
        EventChanges {
            changes: Vec::new(),
            skipped: Some(why),
            unmapped: Vec::new(),
            order: None,
        }
    }

    /// The changes sent under `external_id` instead of the order's own (another site order
    /// holds that one, see [`crate::outbox::Outbox::order_external_id`]): the order's
    /// `externalId`, and its payment's, which is derived from it.
    pub fn with_order_external_id(self, external_id: &str) -> Self {
        let Some(order) = &self.order else {
            return self;
        };
        let order_from = order.external_id.clone();
        let (payment_from, payment_to) = (
            payment_external_id(&order_from),
            payment_external_id(external_id),
        );
        let changes = self
            .changes
            .into_iter()
            .map(|change| match change {
                Change::OrderCreate(mut order) => {
                    rekey_order(&mut order, &order_from, external_id);
                    Change::OrderCreate(order)
                }
                Change::OrderEdit(mut order) => {
                    rename(&mut order, "/externalId", &order_from, external_id);
                    Change::OrderEdit(order)
                }
                Change::OrderUpdate(mut order) => {
                    rekey_order(&mut order, &order_from, external_id);
                    Change::OrderUpdate(order)
                }
                Change::PaymentEdit(mut payment) => {
                    rename(&mut payment, "/externalId", &payment_from, &payment_to);
                    rename(&mut payment, "/order/externalId", &order_from, external_id);
                    Change::PaymentEdit(payment)
                }
                other => other,
            })
            .collect();
        let order = self.order.map(|order| SiteOrder {
            external_id: external_id.to_string(),
            ..order
        });
        EventChanges {
            changes,
            order,
            ..self
        }
    }
}

/// An order (a create's or an update's body) sent under `to` instead of `from`: its
/// `externalId`, and its payments', which are derived from it.
pub fn rekey_order(order: &mut Value, from: &str, to: &str) {
    rename(order, "/externalId", from, to);
    let (payment_from, payment_to) = (payment_external_id(from), payment_external_id(to));
    if let Some(Value::Array(payments)) = order.get_mut("payments") {
        for payment in payments {
            rename(payment, "/externalId", &payment_from, &payment_to);
        }
    }
}

/// Sets the text at `pointer` in `value` to `to` where it is `from`.
fn rename(value: &mut Value, pointer: &str, from: &str, to: &str) {
    if let Some(slot) = value.pointer_mut(pointer)
        && slot.as_str() == Some(from)
    {
        *slot = json!(to);
    }
}

/// The site order `row` (an msOrder `toArray()`) is, with the `externalId` its number gives.
fn site_order(row: &Value, external_id: &str) -> Option<SiteOrder> {
    row.get("id").and_then(id).map(|id| SiteOrder {
        id,
        external_id: external_id.to_string(),
    })
}

/// A user was saved (`OnUserSave`): a customer create (`mode` = `new`) or edit, when the save
/// ran in a configured context or the user is in a configured group.
pub fn user_saved(
    settings: &IntegrationSettings,
    user: &Value,
    profile: &Value,
    mode: &str,
    context: &str,
    groups: &[String],
) -> Result<EventChanges, MappingError> {
    let counts = settings.user_contexts.iter().any(|c| c == context)
        || groups.iter().any(|g| settings.user_groups.contains(g));
    if !counts {
        return Ok(EventChanges::skipped(Skip::NotACustomerSave));
    }
    let customer = mapping::customer(user, profile)?;
    let change = if mode == "new" {
        Change::CustomerCreate(customer)
    } else {
        Change::CustomerEdit(customer)
    };
    Ok(EventChanges {
        changes: vec![change],
        skipped: None,
        unmapped: Vec::new(),
        order: None,
    })
}

/// An order was created (`msOnCreateOrder`).
pub fn order_created(
    settings: &IntegrationSettings,
    input: &OrderInput,
) -> Result<EventChanges, MappingError> {
    let mapped = mapping::order(input, &settings.mapping)?;
    Ok(EventChanges {
        changes: vec![Change::OrderCreate(mapped.payload)],
        skipped: None,
        order: site_order(input.order, &mapped.external_id),
        unmapped: mapped.unmapped,
    })
}

/// An order was edited in the manager (`msOnUpdateOrder` after the order window's save, and
/// `msOnCreateOrderProduct`, `msOnUpdateOrderProduct`, `msOnRemoveOrderProduct` after its
/// product grid's changes, which recount the order first): the whole current order as an
/// update (see [`mapping::order_update`]).
pub fn order_updated(
    settings: &IntegrationSettings,
    input: &OrderInput,
) -> Result<EventChanges, MappingError> {
    let mapped = mapping::order_update(input, &settings.mapping)?;
    Ok(EventChanges {
        changes: vec![Change::OrderUpdate(mapped.payload)],
        skipped: None,
        order: site_order(input.order, &mapped.external_id),
        unmapped: mapped.unmapped,
    })
}

/// An order's status changed (`msOnChangeOrderStatus`): the CRM order's status when the
/// status is synced and coded, and the payment marked paid when it is a paid status. The
/// payment edit names its order, so it is delivered after the order's earlier changes.
pub fn status_changed(
    settings: &IntegrationSettings,
    input: &StatusChangeInput,
) -> Result<EventChanges, MappingError> {
    let Some(change) = mapping::status_change(input, &settings.status_rules)? else {
        return Ok(EventChanges::skipped(Skip::StatusNotSynced));
    };
    let mut changes = Vec::new();
    if let Some(Value::Object(mut edit)) = change.order_edit {
        edit.insert("externalId".into(), json!(change.order_external_id));
        changes.push(Change::OrderEdit(Value::Object(edit)));
    }
    if let Some(payment) = change.payment_edit {
        let mut edit = json!({"externalId": payment.external_id, "order": {"externalId": change.order_external_id}});
        if let (Some(fields), Value::Object(extra)) = (edit.as_object_mut(), payment.payload) {
            fields.extend(extra);
        }
        changes.push(Change::PaymentEdit(edit));
    }
    Ok(EventChanges {
        changes,
        skipped: None,
        order: site_order(input.order, &change.order_external_id),
        unmapped: change.unmapped,
    })
}
