//! `customers/combine` and `orders/combine`: entities merged into a result entity and gone.
//! Customers: the orders of the combined customers pass to the result customer. Orders: the
//! items of the result order become, by `technique`, those of the combined order (`ours`),
//! both (`summ`) or stay its own (`theirs`); the combined order's payments pass to it.

use super::edits::DERIVED;
use super::fields::{Object, id, pick, text};
use super::merge::diff;
use super::{Actor, Crm, Kind, totals};
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::Value;

/// How `orders/combine` treats the items of the two orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Technique {
    /// The result order takes the items of the combined order.
    Ours,
    /// The result order keeps its items and gets those of the combined order too.
    Summ,
    /// The result order keeps its items.
    Theirs,
}

impl Technique {
    /// The technique named `name` (`ours`, `summ`, `theirs`).
    pub fn parse(name: &str) -> Option<Technique> {
        match name {
            "ours" => Some(Technique::Ours),
            "summ" => Some(Technique::Summ),
            "theirs" => Some(Technique::Theirs),
            _ => None,
        }
    }
}

impl Crm {
    /// Merges the customers `combined` (references `{id}`) into `result`: their orders now
    /// name `result`, and they are gone.
    pub fn combine_customers(
        &mut self,
        combined: &[Value],
        result: &Value,
        actor: &Actor,
    ) -> Result<(), ApiError> {
        let mut errors = FieldErrors::default();
        let result_id = self.existing(Kind::Customer, result, "resultCustomer", &mut errors);
        let mut ids = Vec::new();
        for (i, reference) in combined.iter().enumerate() {
            let field = format!("customers[{i}]");
            if let Some(id) = self.existing(Kind::Customer, reference, &field, &mut errors) {
                if Some(id) == result_id {
                    errors.add(field, "The result customer cannot be combined into itself.");
                } else {
                    ids.push(id);
                }
            }
        }
        if combined.is_empty() {
            errors.add("customers", "This value should not be blank.");
        }
        errors.check(ApiError::input)?;
        let Some(result_id) = result_id else {
            return Ok(());
        };
        let new_ref = self.customer_ref_by_id(result_id);
        let moved: Vec<u64> = self
            .orders
            .rows()
            .filter(|order| {
                let customer = order.get("customer").and_then(|c| c.get("id"));
                customer.and_then(id).is_some_and(|id| ids.contains(&id))
            })
            .filter_map(|order| order.get("id").and_then(id))
            .collect();
        for order_id in moved {
            let mut patch = Object::new();
            patch.insert("customer".into(), new_ref.clone());
            self.replace_order_fields(order_id, patch, actor);
        }
        for id in ids {
            self.remove_combined(Kind::Customer, id, result_id, actor);
        }
        Ok(())
    }

    /// Merges order `combined` (`{id}`) into `result` by `technique`; the combined order is
    /// gone. Answers the result order.
    pub fn combine_orders(
        &mut self,
        combined: &Value,
        result: &Value,
        technique: Technique,
        actor: &Actor,
    ) -> Result<Object, ApiError> {
        let mut errors = FieldErrors::default();
        let combined_id = self.existing(Kind::Order, combined, "order", &mut errors);
        let result_id = self.existing(Kind::Order, result, "resultOrder", &mut errors);
        if combined_id.is_some() && combined_id == result_id {
            errors.add("order", "An order cannot be combined with itself.");
        }
        errors.check(ApiError::input)?;
        let (Some(combined_id), Some(result_id)) = (combined_id, result_id) else {
            return Err(ApiError::not_found());
        };
        let source = self.orders.get(combined_id).cloned().unwrap_or_default();
        let target = self.orders.get(result_id).cloned().unwrap_or_default();
        let items = |order: &Object| match order.get("items") {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        let mut merged_items = match technique {
            Technique::Ours => items(&source),
            Technique::Summ | Technique::Theirs => items(&target),
        };
        if technique == Technique::Summ {
            merged_items.extend(items(&source));
        }
        let mut payments = match target.get("payments") {
            Some(Value::Object(payments)) => payments.clone(),
            _ => Object::new(),
        };
        if let Some(Value::Object(moved)) = source.get("payments") {
            payments.extend(moved.clone());
        }
        let mut patch = Object::new();
        patch.insert("items".into(), Value::Array(merged_items));
        patch.insert("payments".into(), Value::Object(payments));
        self.replace_order_fields(result_id, patch, actor);
        self.remove_combined(Kind::Order, combined_id, result_id, actor);
        self.orders
            .get(result_id)
            .cloned()
            .ok_or_else(ApiError::not_found)
    }

    /// The id of the existing entity `reference` (`{id}`) names; an error under `field`
    /// otherwise.
    fn existing(
        &self,
        kind: Kind,
        reference: &Value,
        field: &str,
        errors: &mut FieldErrors,
    ) -> Option<u64> {
        let found = reference
            .get("id")
            .and_then(id)
            .filter(|id| self.table(kind).get(*id).is_some());
        if found.is_none() {
            let title = kind.title();
            let shown = match reference.get("id") {
                Some(raw) => text(raw).unwrap_or_else(|| raw.to_string()),
                None => "null".to_string(),
            };
            errors.add(field, format!("{title} with id={shown} not found."));
        }
        found
    }

    /// Sets `patch`'s fields of order `order_id` as they are, recomputes the sums and records
    /// the changes.
    fn replace_order_fields(&mut self, order_id: u64, patch: Object, actor: &Actor) {
        let Some(old) = self.orders.get(order_id).cloned() else {
            return;
        };
        let mut new = old.clone();
        new.extend(patch);
        totals::apply(&mut new);
        self.orders.replace(order_id, new.clone());
        let context = self.context(Kind::Order, &new);
        let changes = diff(&old, &new, &DERIVED);
        self.record_changes(Kind::Order, actor, changes, None, &context);
    }

    /// Removes entity `id`, recording `{"deleted":true,"combinedTo":{…}}` in its history.
    fn remove_combined(&mut self, kind: Kind, id: u64, result_id: u64, actor: &Actor) {
        let Some(row) = self.table_mut(kind).remove(id) else {
            return;
        };
        let result = self
            .table(kind)
            .get(result_id)
            .map(|row| pick(row, &["id", "externalId"]))
            .unwrap_or_default();
        let mut body = Object::new();
        body.insert("deleted".into(), Value::Bool(true));
        body.insert("combinedTo".into(), Value::Object(result));
        body.extend(self.context(kind, &row));
        self.history_mut(kind).record(actor, body);
    }
}
