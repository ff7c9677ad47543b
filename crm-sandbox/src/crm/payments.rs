//! An order's payments: created, edited and deleted through `orders/payments/*`, stored in the
//! order keyed by payment id as RetailCRM answers them, and recorded in the order history
//! as `payments.<field>` changes.

use super::fields::{Object, id, pick, text};
use super::merge::{deep_merge, diff};
use super::{Actor, Crm, Kind, normalize_external_id, order_rules, totals};
use crate::wire::error::{ApiError, FieldErrors, field_error};
use serde_json::Value;

/// How a request names a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentLookup {
    /// `by=id`.
    Id(u64),
    /// `by=externalId` (the default).
    External(String),
}

impl Crm {
    /// Adds a payment to the order its `order` field names (`{id}` or `{externalId}`,
    /// looked up in `site` when given); answers the payment's id.
    pub fn create_payment(
        &mut self,
        site: Option<&str>,
        mut input: Object,
        actor: &Actor,
    ) -> Result<u64, ApiError> {
        let Some(reference) = input.shift_remove("order") else {
            return Err(ApiError::entity_format(field_error(
                "order",
                "This value should not be blank.",
            )));
        };
        let order_id = self
            .resolve_reference(Kind::Order, site, &reference)
            .map_err(ApiError::entity_format)?;
        input.shift_remove("id");
        let mut errors = FieldErrors::default();
        if !input.contains_key("type") {
            errors.add("type", "This value should not be blank.");
        }
        self.check_payment_fields(&mut input, "", None, &mut errors);
        errors.check(ApiError::entity_format)?;
        let payment = self.build_payment(input);
        let id = payment.get("id").and_then(id).unwrap_or_default();
        self.store_payment(order_id, Object::new(), payment, actor);
        Ok(id)
    }

    /// Merges `patch` into the payment `lookup` names; with `by=id` the patch may set its
    /// `externalId`. Answers the payment's id.
    pub fn edit_payment(
        &mut self,
        lookup: &PaymentLookup,
        mut patch: Object,
        actor: &Actor,
    ) -> Result<u64, ApiError> {
        let (order_id, key) = self.find_payment(lookup).ok_or_else(ApiError::not_found)?;
        let old = self
            .orders
            .get(order_id)
            .and_then(|order| order.get("payments")?.get(&key)?.as_object().cloned())
            .ok_or_else(ApiError::not_found)?;
        patch.shift_remove("id");
        patch.shift_remove("order");
        if matches!(lookup, PaymentLookup::External(_)) {
            patch.shift_remove("externalId");
        }
        let mut errors = FieldErrors::default();
        self.check_payment_fields(&mut patch, "", Some(&key), &mut errors);
        errors.check(ApiError::entity_format)?;
        let mut new = old.clone();
        deep_merge(&mut new, patch);
        self.store_payment(order_id, old, new, actor);
        Ok(key.parse().unwrap_or_default())
    }

    /// Takes payment `id` out of its order, recomputes the sums and records each of its
    /// fields as gone.
    pub fn delete_payment(&mut self, id: u64, actor: &Actor) -> Result<(), ApiError> {
        let (order_id, key) = self
            .find_payment(&PaymentLookup::Id(id))
            .ok_or_else(ApiError::not_found)?;
        let mut order = self
            .orders
            .get(order_id)
            .cloned()
            .ok_or_else(ApiError::not_found)?;
        let old = match order.get_mut("payments") {
            Some(Value::Object(payments)) => payments.shift_remove(&key),
            _ => None,
        };
        let Some(Value::Object(old)) = old else {
            return Err(ApiError::not_found());
        };
        totals::apply(&mut order);
        self.orders.replace(order_id, order.clone());
        self.record_payment_changes(&order, old, Object::new(), actor);
        Ok(())
    }

    /// Checks a payment's type, status and amount, and that its `externalId` (normalised to
    /// text and answered) belongs to no other payment than `own`; errors are named after
    /// `prefix`.
    pub(super) fn check_payment_fields(
        &self,
        payment: &mut Object,
        prefix: &str,
        own: Option<&str>,
        errors: &mut FieldErrors,
    ) -> Option<String> {
        order_rules::check_payment(&self.seed, payment, prefix, errors);
        let field = format!("{prefix}externalId");
        let external_id = normalize_external_id(payment, &field, errors)?;
        let taken = self
            .find_payment(&PaymentLookup::External(external_id.clone()))
            .is_some_and(|(_, key)| Some(key.as_str()) != own);
        if taken {
            errors.add(
                field,
                format!("Payment with externalId={external_id} already exists."),
            );
        }
        Some(external_id)
    }

    /// A new payment from checked fields: the next payment id, the fields, and the default
    /// status when none is given.
    pub(super) fn build_payment(&mut self, fields: Object) -> Object {
        let mut payment = Object::new();
        payment.insert("id".into(), Value::from(self.next_payment_id));
        self.next_payment_id += 1;
        payment.extend(fields);
        if !payment.contains_key("status") {
            let status = Value::from(self.seed.default_payment_status());
            payment.insert("status".into(), status);
        }
        payment
    }

    /// Puts `new` (which replaces `old`, empty for a new payment) into order `order_id`,
    /// recomputes the sums and records the changes.
    fn store_payment(&mut self, order_id: u64, old: Object, new: Object, actor: &Actor) {
        let Some(mut order) = self.orders.get(order_id).cloned() else {
            return;
        };
        let key = new.get("id").and_then(text).unwrap_or_default();
        match order.get_mut("payments") {
            Some(Value::Object(payments)) => {
                payments.insert(key, Value::Object(new.clone()));
            }
            _ => {
                let mut payments = Object::new();
                payments.insert(key, Value::Object(new.clone()));
                order.insert("payments".into(), Value::Object(payments));
            }
        }
        totals::apply(&mut order);
        self.orders.replace(order_id, order.clone());
        self.record_payment_changes(&order, old, new, actor);
    }

    /// Records in `order`'s history how one of its payments went from `old` to `new` (either
    /// empty when the payment is new or gone).
    fn record_payment_changes(&mut self, order: &Object, old: Object, new: Object, actor: &Actor) {
        let mut context = self.context(Kind::Order, order);
        let shown = if new.is_empty() { &old } else { &new };
        let summary = pick(shown, &["id", "externalId", "type"]);
        context.insert("payment".into(), Value::Object(summary));
        let changes = diff(&old, &new, &["id"]);
        self.record_changes(Kind::Order, actor, changes, Some("payments"), &context);
    }

    /// The order holding the payment `lookup` names, and the payment's key in it: by
    /// `externalId` through the orders' payment index, by id (the key) by looking at each
    /// order.
    fn find_payment(&self, lookup: &PaymentLookup) -> Option<(u64, String)> {
        let holds = |order: &Object| -> Option<(u64, String)> {
            let payments = order.get("payments")?.as_object()?;
            let (key, _) = payments.iter().find(|(key, payment)| match lookup {
                PaymentLookup::Id(id) => **key == id.to_string(),
                PaymentLookup::External(external_id) => {
                    payment.get("externalId").and_then(Value::as_str) == Some(external_id.as_str())
                }
            })?;
            Some((order.get("id").and_then(id)?, key.clone()))
        };
        match lookup {
            PaymentLookup::External(external_id) => {
                holds(self.orders.get(self.orders.find_payment(external_id)?)?)
            }
            PaymentLookup::Id(_) => self.orders.rows().find_map(holds),
        }
    }
}
