//! Creating customers, also on behalf of an order that names none.

use super::fields::{Object, pick};
use super::filter::{Rule, Rules};
use super::{Actor, Crm, Kind};
use crate::wire::clock;
use crate::wire::error::{ApiError, FieldErrors};
use serde_json::{Value, json};

/// The filters of `GET customers`.
pub const FILTERS: &Rules = &[
    ("ids", Rule::AnyOf("id")),
    ("externalIds", Rule::AnyOf("externalId")),
    ("sites", Rule::AnyOf("site")),
    ("email", Rule::Equals("email")),
    (
        "name",
        Rule::Contains(&["firstName", "lastName", "patronymic", "email"]),
    ),
    ("createdAtFrom", Rule::From("createdAt")),
    ("createdAtTo", Rule::To("createdAt")),
];

/// An order's fields that describe who placed it, copied to a customer made for it.
const CONTACT_FIELDS: [&str; 4] = ["firstName", "lastName", "patronymic", "email"];

impl Crm {
    /// Creates a customer in `site`; its `externalId`, when given, must be new in the site.
    pub(super) fn create_customer(
        &mut self,
        site: &str,
        mut input: Object,
        actor: &Actor,
    ) -> Result<Object, ApiError> {
        let mut errors = FieldErrors::default();
        let external_id = self.take_new_external_id(Kind::Customer, site, &mut input, &mut errors);
        errors.check(ApiError::not_loaded(Kind::Customer.title()))?;
        let mut customer = Object::new();
        customer.insert("id".into(), Value::from(self.customers.next_id()));
        if let Some(external_id) = external_id {
            customer.insert("externalId".into(), Value::String(external_id));
        }
        customer.insert("site".into(), Value::from(site));
        let created_at = input
            .shift_remove("createdAt")
            .unwrap_or_else(|| Value::String(clock::now()));
        customer.insert("createdAt".into(), created_at);
        customer.extend(input);
        self.customers.insert(customer.clone());
        self.record_created(Kind::Customer, &customer, actor);
        Ok(customer)
    }

    /// Creates a customer from the contact data of an order that names no customer, as
    /// RetailCRM does, and answers the order's reference to it; nothing when the order has
    /// no contact data.
    pub(super) fn customer_for_contact(
        &mut self,
        site: &str,
        order: &Object,
        actor: &Actor,
    ) -> Option<Value> {
        let mut contact = pick(order, &CONTACT_FIELDS);
        if let Some(phone) = order.get("phone") {
            contact.insert("phones".into(), json!([{"number": phone}]));
        }
        if contact.is_empty() {
            return None;
        }
        let customer = self.create_customer(site, contact, actor).ok()?;
        Some(customer_ref(&customer))
    }

    /// The reference to customer `id` an order stores: `{id, externalId}`.
    pub(super) fn customer_ref_by_id(&self, id: u64) -> Value {
        self.customers.get(id).map_or(Value::Null, customer_ref)
    }
}

fn customer_ref(customer: &Object) -> Value {
    Value::Object(pick(customer, &["id", "externalId"]))
}
