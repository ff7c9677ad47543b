//! The stored entities of one kind (customers or orders): ids count up from 1 and are never
//! reused (an entity merged away by a combine is gone, its id with it), and an `externalId`
//! is unique within its site, as in RetailCRM. Orders are also indexed by the `externalId`s
//! of their payments, so that finding a payment costs the same however many orders there are.

use super::fields::Object;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// How a request names an entity: by the CRM's id, or by `externalId` within a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// `by=id`.
    Id(u64),
    /// `by=externalId` (the default) in `site`.
    External {
        /// The site (shop) code.
        site: String,
        /// The shop's id of the entity.
        external_id: String,
    },
}

/// Entities by id (so in creation order), indexed by site and `externalId`.
#[derive(Debug, Clone, Default)]
pub struct Table {
    rows: BTreeMap<u64, Object>,
    /// How many entities were ever inserted.
    inserted: u64,
    external: HashMap<(String, String), u64>,
    /// The entity holding each payment `externalId` (orders only).
    payments: HashMap<String, u64>,
}

impl Table {
    /// The id the next inserted entity gets.
    pub fn next_id(&self) -> u64 {
        self.inserted + 1
    }

    /// Stores `row`, which must carry `next_id()` as its `id`; returns that id.
    pub fn insert(&mut self, row: Object) -> u64 {
        let id = self.next_id();
        if let Some(key) = external_key(&row) {
            self.external.insert(key, id);
        }
        self.index_payments(&row, id);
        self.rows.insert(id, row);
        self.inserted = id;
        id
    }

    /// The entity with `id`.
    pub fn get(&self, id: u64) -> Option<&Object> {
        self.rows.get(&id)
    }

    /// Takes the entity `id` out (its `externalId` becomes free); answers it.
    pub fn remove(&mut self, id: u64) -> Option<Object> {
        let row = self.rows.remove(&id)?;
        if let Some(key) = external_key(&row) {
            self.external.remove(&key);
        }
        self.unindex_payments(&row, id);
        Some(row)
    }

    /// The id of the entity `lookup` names, if it exists.
    pub fn locate(&self, lookup: &Lookup) -> Option<u64> {
        match lookup {
            Lookup::Id(id) => self.get(*id).map(|_| *id),
            Lookup::External { site, external_id } => self.find_external(site, external_id),
        }
    }

    /// The id of the entity with `external_id` in `site`.
    pub fn find_external(&self, site: &str, external_id: &str) -> Option<u64> {
        self.external
            .get(&(site.to_string(), external_id.to_string()))
            .copied()
    }

    /// Replaces the entity `id` (which must exist) with `row`, re-indexing its `externalId`.
    pub fn replace(&mut self, id: u64, row: Object) {
        let Some(slot) = self.rows.get_mut(&id) else {
            return;
        };
        if let Some(old) = external_key(slot) {
            self.external.remove(&old);
        }
        if let Some(new) = external_key(&row) {
            self.external.insert(new, id);
        }
        let old = std::mem::replace(slot, row.clone());
        self.unindex_payments(&old, id);
        self.index_payments(&row, id);
    }

    /// The id of the entity (order) holding the payment with `external_id`.
    pub fn find_payment(&self, external_id: &str) -> Option<u64> {
        self.payments.get(external_id).copied()
    }

    fn index_payments(&mut self, row: &Object, id: u64) {
        for key in payment_keys(row) {
            self.payments.insert(key, id);
        }
    }

    fn unindex_payments(&mut self, row: &Object, id: u64) {
        for key in payment_keys(row) {
            if self.payments.get(&key) == Some(&id) {
                self.payments.remove(&key);
            }
        }
    }

    /// Every entity, oldest first.
    pub fn rows(&self) -> impl Iterator<Item = &Object> {
        self.rows.values()
    }
}

/// The `externalId`s of an order's payments (an object keyed by payment id).
fn payment_keys(row: &Object) -> Vec<String> {
    match row.get("payments") {
        Some(Value::Object(payments)) => payments
            .values()
            .filter_map(|payment| payment.get("externalId")?.as_str())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn external_key(row: &Object) -> Option<(String, String)> {
    let site = row.get("site").and_then(Value::as_str)?;
    let external_id = row.get("externalId").and_then(Value::as_str)?;
    Some((site.to_string(), external_id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(id: u64, site: &str, external_id: &str) -> Object {
        json!({"id": id, "site": site, "externalId": external_id})
            .as_object()
            .cloned()
            .expect("object")
    }

    #[test]
    fn finds_by_id_and_by_external_id_within_a_site() {
        let mut table = Table::default();
        assert_eq!(table.insert(row(1, "shop", "a")), 1);
        assert_eq!(table.insert(row(2, "second", "a")), 2);
        let in_second = Lookup::External {
            site: "second".into(),
            external_id: "a".into(),
        };
        assert_eq!(table.locate(&in_second), Some(2));
        assert_eq!(table.locate(&Lookup::Id(1)), Some(1));
        assert_eq!(table.locate(&Lookup::Id(0)), None);
        assert_eq!(table.locate(&Lookup::Id(3)), None);
        table.replace(1, row(1, "shop", "b"));
        assert_eq!(table.find_external("shop", "a"), None);
        assert_eq!(table.find_external("shop", "b"), Some(1));
        assert_eq!(table.rows().count(), 2);
        assert_eq!(table.remove(1), Some(row(1, "shop", "b")));
        assert_eq!(table.find_external("shop", "b"), None);
        assert_eq!(table.get(1), None);
        assert_eq!(table.next_id(), 3);
        assert_eq!(table.rows().count(), 1);
    }
}
