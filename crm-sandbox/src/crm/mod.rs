//! The CRM's state and rules: customers, orders with items and payments, their history, the
//! store's offers, tasks and costs. Everything here is synchronous; the API and control
//! layers hold the lock around one call.

mod combine;
mod customers;
mod edits;
mod extras;
pub mod fields;
pub mod filter;
pub mod history;
mod merge;
mod notes;
mod order_rules;
mod orders;
pub mod paging;
mod payments;
mod references;
mod store;
pub mod table;
mod totals;

pub use combine::Technique;
pub use history::{Actor, HistoryFilter};
pub use payments::PaymentLookup;
pub use references::EntryEdit;
pub use store::View;

use crate::seed::{EntryError, Seed};
use crate::wire::error::{ApiError, FieldErrors, field_error};
pub use extras::Extras;
use fields::{Object, pick, text};
use filter::{Rules, matches};
use history::History;
use merge::Change;
use paging::Paging;
use serde_json::{Value, json};
use std::sync::Arc;
use store::Store;
use table::{Lookup, Table};

/// Customers or orders: the two kinds of entity with create, edit, get, list, upload,
/// history and `fix-external-ids`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `customers/*`.
    Customer,
    /// `orders/*`.
    Order,
}

impl Kind {
    /// The parameter and answer key of one entity: `customer`, `order`.
    pub fn entity(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Order => "order",
        }
    }

    /// The parameter and route name of many: `customers`, `orders`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Order => "orders",
        }
    }

    /// The name in messages: `Customer`, `Order`.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Customer => "Customer",
            Kind::Order => "Order",
        }
    }
}

/// The whole in-memory CRM.
#[derive(Debug, Clone)]
pub struct Crm {
    seed: Arc<Seed>,
    customers: Table,
    orders: Table,
    customer_history: History,
    order_history: History,
    next_item_id: u64,
    next_payment_id: u64,
    store: Store,
    extras: Extras,
}

impl Crm {
    /// An empty CRM knowing the seed's references.
    pub fn new(seed: Arc<Seed>) -> Self {
        Crm {
            seed,
            customers: Table::default(),
            orders: Table::default(),
            customer_history: History::default(),
            order_history: History::default(),
            next_item_id: 1,
            next_payment_id: 1,
            store: Store::default(),
            extras: Extras::default(),
        }
    }

    /// The API keys and the reference books as they are now: the seed's, with the entries
    /// put since start.
    pub fn seed(&self) -> &Seed {
        &self.seed
    }

    /// Puts `entry` in the book served at `reference/{route}` (see [`Seed::put`]); the books
    /// the CRM was made with stay as they were.
    pub fn put_reference(&mut self, route: &str, entry: Object) -> Result<(), EntryError> {
        Arc::make_mut(&mut self.seed).put(route, entry)
    }

    fn table(&self, kind: Kind) -> &Table {
        match kind {
            Kind::Customer => &self.customers,
            Kind::Order => &self.orders,
        }
    }

    fn table_mut(&mut self, kind: Kind) -> &mut Table {
        match kind {
            Kind::Customer => &mut self.customers,
            Kind::Order => &mut self.orders,
        }
    }

    /// The start of every create: drops the client-chosen `id` and `site`, takes the
    /// `externalId` out of `input` and records an error when the site already has it.
    fn take_new_external_id(
        &self,
        kind: Kind,
        site: &str,
        input: &mut Object,
        errors: &mut FieldErrors,
    ) -> Option<String> {
        input.shift_remove("id");
        input.shift_remove("site");
        let external_id = normalize_external_id(input, "externalId", errors);
        input.shift_remove("externalId");
        if let Some(external_id) = &external_id
            && self.table(kind).find_external(site, external_id).is_some()
        {
            errors.add("externalId", already_exists(kind, external_id));
        }
        external_id
    }

    fn history_mut(&mut self, kind: Kind) -> &mut History {
        match kind {
            Kind::Customer => &mut self.customer_history,
            Kind::Order => &mut self.order_history,
        }
    }

    /// Creates an entity in `site` from `input`; answers it as stored.
    pub fn create(
        &mut self,
        kind: Kind,
        site: &str,
        input: Object,
        actor: &Actor,
    ) -> Result<Object, ApiError> {
        match kind {
            Kind::Customer => self.create_customer(site, input, actor),
            Kind::Order => self.create_order(site, input, actor),
        }
    }

    /// The entity `lookup` names.
    pub fn get(&self, kind: Kind, lookup: &Lookup) -> Result<Object, ApiError> {
        self.table(kind)
            .locate(lookup)
            .and_then(|id| self.table(kind).get(id))
            .cloned()
            .ok_or_else(ApiError::not_found)
    }

    /// A page of the entities `filter` selects, oldest first, and its pagination.
    pub fn list(&self, kind: Kind, filter: &Object, paging: &Paging) -> (Vec<Value>, Value) {
        let rules: &Rules = match kind {
            Kind::Customer => customers::FILTERS,
            Kind::Order => orders::FILTERS,
        };
        let selected: Vec<&Object> = self
            .table(kind)
            .rows()
            .filter(|row| matches(row, filter, rules))
            .collect();
        let (page, pagination) = paging.apply(selected);
        (
            page.into_iter().cloned().map(Value::Object).collect(),
            pagination,
        )
    }

    /// A page of the history of `kind`, as seen by the holder of `reader_key`.
    pub fn history(
        &self,
        kind: Kind,
        filter: &HistoryFilter,
        paging: &Paging,
        reader_key: &str,
    ) -> (Vec<Value>, Value) {
        match kind {
            Kind::Customer => self.customer_history.page(filter, paging, reader_key),
            Kind::Order => self.order_history.page(filter, paging, reader_key),
        }
    }

    /// Deletes entity `id` (a manager's deletion: no history); answers it.
    pub fn remove(&mut self, kind: Kind, id: u64) -> Option<Object> {
        self.table_mut(kind).remove(id)
    }

    /// The id of the entity with `external_id` in `site`, or in any site when none is given.
    pub fn find_external(&self, kind: Kind, site: Option<&str>, external_id: &str) -> Option<u64> {
        let table = self.table(kind);
        match site {
            Some(site) => table.find_external(site, external_id),
            None => self
                .seed
                .sites()
                .codes()
                .find_map(|site| table.find_external(site, external_id)),
        }
    }

    /// The id of the entity a reference such as an order's `customer` or a payment's `order`
    /// names: `{"externalId": …}` (looked up in `site`, or any site) or `{"id": …}`.
    fn resolve_reference(
        &self,
        kind: Kind,
        site: Option<&str>,
        reference: &Value,
    ) -> Result<u64, FieldErrors> {
        let name = kind.entity();
        let title = kind.title();
        let Some(fields) = reference.as_object() else {
            return Err(field_error(
                name,
                "This value should be an object with \"id\" or \"externalId\".",
            ));
        };
        if let Some(external_id) = fields.get("externalId").and_then(text) {
            return self.find_external(kind, site, &external_id).ok_or_else(|| {
                field_error(
                    format!("{name}.externalId"),
                    format!("{title} with externalId={external_id} not found."),
                )
            });
        }
        let Some(raw) = fields.get("id") else {
            return Err(field_error(
                name,
                "This value should be an object with \"id\" or \"externalId\".",
            ));
        };
        fields::id(raw)
            .filter(|id| self.table(kind).get(*id).is_some())
            .ok_or_else(|| {
                let shown = text(raw).unwrap_or_else(|| raw.to_string());
                field_error(
                    format!("{name}.id"),
                    format!("{title} with id={shown} not found."),
                )
            })
    }

    /// Everything stored, for `GET /__control/state`.
    pub fn snapshot(&self) -> Value {
        let mut snapshot = json!({
            "customers": self.customers.rows().collect::<Vec<_>>(),
            "orders": self.orders.rows().collect::<Vec<_>>(),
            "history": {"orders": self.order_history.len(), "customers": self.customer_history.len()},
            "offers": self.store.rows(),
        });
        if let (Value::Object(all), Value::Object(extras)) = (&mut snapshot, self.extras.snapshot())
        {
            all.extend(extras);
        }
        snapshot
    }

    /// The summary of an entity put into its history entries.
    fn context(&self, kind: Kind, row: &Object) -> Object {
        let keys: &[&str] = match kind {
            Kind::Customer => &["id", "externalId", "site"],
            Kind::Order => &["id", "externalId", "site", "number", "status"],
        };
        let mut context = Object::new();
        context.insert(kind.entity().into(), Value::Object(pick(row, keys)));
        context
    }

    fn record_created(&mut self, kind: Kind, row: &Object, actor: &Actor) {
        let mut body = Object::new();
        body.insert("created".into(), Value::Bool(true));
        body.insert(kind.entity().into(), Value::Object(row.clone()));
        self.history_mut(kind).record(actor, body);
    }

    /// One history entry per change, each with `context` (the entity's summary and more).
    fn record_changes(
        &mut self,
        kind: Kind,
        actor: &Actor,
        changes: Vec<Change>,
        prefix: Option<&str>,
        context: &Object,
    ) {
        for change in changes {
            let mut body = history::describe(change, prefix);
            body.extend(context.clone());
            self.history_mut(kind).record(actor, body);
        }
    }

    /// Uploads stock levels (`store/inventories/upload`).
    pub fn upload_inventories(&mut self, offers: Vec<Value>) -> Result<Value, ApiError> {
        self.store.upload_inventories(&self.seed, offers)
    }

    /// Uploads prices (`store/prices/upload`).
    pub fn upload_prices(&mut self, prices: Vec<Value>) -> Result<Value, ApiError> {
        self.store.upload_prices(&self.seed, prices)
    }

    /// The store's offers, for `store/inventories`, `store/offers` and `store/products`.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The same, to load catalogue offers into.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Records a task (`tasks/create`); answers its id.
    pub fn create_task(&mut self, site: Option<String>, task: Object) -> Result<u64, ApiError> {
        self.extras.create_task(site, task)
    }

    /// The tasks, costs and integration modules (`tasks/*`, `integration-modules/*`).
    pub fn extras(&self) -> &Extras {
        &self.extras
    }

    /// The same, to change.
    pub fn extras_mut(&mut self) -> &mut Extras {
        &mut self.extras
    }

    /// Records a cost (`costs/create`); answers its id.
    pub fn create_cost(&mut self, site: Option<String>, cost: Object) -> Result<u64, ApiError> {
        self.extras.create_cost(site, cost)
    }
}

/// Normalises `externalId` in `object` to text and answers it; a null is removed, and a
/// value that is neither text nor a number is removed with an error under `field`.
fn normalize_external_id(
    object: &mut Object,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = object.get("externalId")?;
    let external_id = text(value);
    match &external_id {
        Some(external_id) => {
            object.insert("externalId".into(), Value::String(external_id.clone()));
        }
        None => {
            if !value.is_null() {
                errors.add(field, "This value should be of type string.");
            }
            object.shift_remove("externalId");
        }
    }
    external_id
}

fn already_exists(kind: Kind, external_id: &str) -> String {
    format!(
        "{} with externalId={external_id} already exists.",
        kind.title()
    )
}
