//! Creating orders (with their items and payments) and reading their statuses.

use super::fields::{Object, text};
use super::filter::{Rule, Rules};
use super::{Actor, Crm, Kind, order_rules, totals};
use crate::wire::clock;
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::{Value, json};
use std::collections::HashSet;

/// The filters of `GET orders`.
pub const FILTERS: &Rules = &[
    ("ids", Rule::AnyOf("id")),
    ("externalIds", Rule::AnyOf("externalId")),
    ("numbers", Rule::AnyOf("number")),
    ("sites", Rule::AnyOf("site")),
    ("extendedStatus", Rule::AnyOf("status")),
    ("customerId", Rule::Equals("customer.id")),
    ("customerExternalId", Rule::Equals("customer.externalId")),
    ("email", Rule::Equals("email")),
    ("createdAtFrom", Rule::From("createdAt")),
    ("createdAtTo", Rule::To("createdAt")),
];

impl Crm {
    /// Creates an order in `site`. The CRM assigns the id, the number (`{id}A`) when none is
    /// given, the status `new`, `createdAt`, ids of items and payments, and the sums. An
    /// order naming no customer gets one made from its contact data.
    pub(super) fn create_order(
        &mut self,
        site: &str,
        mut input: Object,
        actor: &Actor,
    ) -> Result<Object, ApiError> {
        let mut errors = FieldErrors::default();
        let external_id = self.take_new_external_id(Kind::Order, site, &mut input, &mut errors);
        order_rules::check(&self.seed, &input, &mut errors);
        totals::check(&input, &mut errors);
        let payments = self.check_new_payments(input.shift_remove("payments"), &mut errors);
        let customer = match input.shift_remove("customer") {
            Some(reference) => match self.resolve_reference(Kind::Customer, Some(site), &reference)
            {
                Ok(id) => Some(self.customer_ref_by_id(id)),
                Err(problem) => {
                    errors.merge(problem);
                    None
                }
            },
            None => None,
        };
        errors.check(ApiError::not_loaded(Kind::Order.title()))?;

        let customer = match customer {
            Some(customer) => Some(customer),
            None => self.customer_for_contact(site, &input, actor),
        };
        let id = self.orders.next_id();
        let mut order = Object::new();
        order.insert("id".into(), Value::from(id));
        let number = input
            .shift_remove("number")
            .unwrap_or_else(|| Value::String(format!("{id}A")));
        order.insert("number".into(), number);
        if let Some(external_id) = external_id {
            order.insert("externalId".into(), Value::String(external_id));
        }
        order.insert("site".into(), Value::from(site));
        let status = input
            .shift_remove("status")
            .unwrap_or_else(|| Value::from(self.seed.default_status()));
        order.insert("status".into(), status);
        let created_at = input
            .shift_remove("createdAt")
            .unwrap_or_else(|| Value::String(clock::now()));
        order.insert("createdAt".into(), created_at);
        if let Some(customer) = customer {
            order.insert("customer".into(), customer);
        }
        let items = match input.shift_remove("items") {
            Some(Value::Array(items)) => self.number_items(items),
            _ => Vec::new(),
        };
        order.insert("items".into(), Value::Array(items));
        order.extend(input);
        let payments: Object = payments
            .into_iter()
            .map(|fields| {
                let payment = self.build_payment(fields);
                let key = payment.get("id").and_then(text).unwrap_or_default();
                (key, Value::Object(payment))
            })
            .collect();
        order.insert("payments".into(), Value::Object(payments));
        totals::apply(&mut order);
        self.orders.insert(order.clone());
        self.record_created(Kind::Order, &order, actor);
        Ok(order)
    }

    /// Prepares an order edit: drops `payments` (edited through `orders/payments/*`), gives
    /// new items ids, and resolves a new `customer`, which it answers to replace the old one.
    pub(super) fn prepare_order_patch(
        &mut self,
        site: &str,
        patch: &mut Object,
        errors: &mut FieldErrors,
    ) -> Option<Value> {
        patch.shift_remove("payments");
        if let Some(Value::Array(items)) = patch.shift_remove("items") {
            let items = self.number_items(items);
            patch.insert("items".into(), Value::Array(items));
        }
        let reference = patch.shift_remove("customer")?;
        match self.resolve_reference(Kind::Customer, Some(site), &reference) {
            Ok(id) => Some(self.customer_ref_by_id(id)),
            Err(problem) => {
                errors.merge(problem);
                None
            }
        }
    }

    /// The payments given with a new order, checked; errors name them `payments[i].…`.
    fn check_new_payments(&self, payments: Option<Value>, errors: &mut FieldErrors) -> Vec<Object> {
        let list = match payments {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Array(list)) => list,
            Some(_) => {
                errors.add("payments", "This value should be of type array.");
                return Vec::new();
            }
        };
        let mut checked = Vec::new();
        let mut seen = HashSet::new();
        for (i, payment) in list.into_iter().enumerate() {
            let Value::Object(mut payment) = payment else {
                errors.add(
                    format!("payments[{i}]"),
                    "This value should be of type object.",
                );
                continue;
            };
            let prefix = format!("payments[{i}].");
            payment.shift_remove("id");
            if !payment.contains_key("type") {
                errors.add(format!("{prefix}type"), "This value should not be blank.");
            }
            if let Some(external_id) =
                self.check_payment_fields(&mut payment, &prefix, None, errors)
                && !seen.insert(external_id.clone())
            {
                errors.add(
                    format!("{prefix}externalId"),
                    format!("Payment with externalId={external_id} already exists."),
                );
            }
            checked.push(payment);
        }
        checked
    }

    /// Gives each item object without an `id` the next item id.
    fn number_items(&mut self, items: Vec<Value>) -> Vec<Value> {
        items
            .into_iter()
            .map(|item| match item {
                Value::Object(fields) if !fields.contains_key("id") => {
                    let mut numbered = Object::new();
                    numbered.insert("id".into(), Value::from(self.next_item_id));
                    self.next_item_id += 1;
                    numbered.extend(fields);
                    Value::Object(numbered)
                }
                other => other,
            })
            .collect()
    }

    /// `{id, externalId, status, group}` of the orders with the given ids or externalIds.
    pub fn order_statuses(&self, ids: &[String], external_ids: &[String]) -> Vec<Value> {
        let listed = |row: &Object, key: &str, wanted: &[String]| {
            row.get(key)
                .and_then(text)
                .is_some_and(|have| wanted.contains(&have))
        };
        self.orders
            .rows()
            .filter(|row| listed(row, "id", ids) || listed(row, "externalId", external_ids))
            .map(|row| {
                let status = row
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                json!({
                    "id": row.get("id"),
                    "externalId": row.get("externalId"),
                    "status": status,
                    "group": self.seed.status_group(status),
                })
            })
            .collect()
    }
}
