//! The sandbox's fixed data, loaded from a small JSON document: the API keys it accepts and
//! its reference books (sites, order statuses and their groups, delivery types, payment types
//! and statuses, order methods, order types, product statuses, stores, price types, units,
//! currencies, delivery services, couriers).
//!
//! The document has one key per book, each a list of objects with a unique `code`
//! (`statuses` also name their `group`), and `apiKeys`, a list of strings. `orderTypes`,
//! `productStatuses`, `units`, `currencies`, `deliveryServices` and `couriers` may be left out
//! (empty books). The built-in
//! default is `crm-sandbox/seed.json`. [`Seed::put`] adds an entry to a book (the control
//! API does so at runtime, on the CRM's copy).

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Why a seed could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The file could not be read.
    #[error("cannot read the seed {path}: {source}")]
    Read {
        /// The file asked for.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON of a seed's shape.
    #[error("the seed is not valid: {0}")]
    Parse(#[from] serde_json::Error),
    /// The books do not fit together (e.g. a status in a group that does not exist).
    #[error("the seed is inconsistent: {0}")]
    Invalid(String),
}

/// Why an entry could not be put in a reference book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// No book is served at that route.
    #[error("no reference book \"{0}\"")]
    NoBook(String),
    /// The entry does not fit the book: no code, or a status without a known group.
    #[error("{0}")]
    Invalid(String),
}

/// What an entry without a usable code is told.
const NO_CODE: &str = "every entry needs a non-empty string \"code\"";

/// API keys and reference books.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    api_keys: Vec<String>,
    sites: Reference,
    status_groups: Reference,
    statuses: Reference,
    delivery_types: Reference,
    payment_types: Reference,
    payment_statuses: Reference,
    order_methods: Reference,
    stores: Reference,
    price_types: Reference,
    #[serde(default)]
    order_types: Reference,
    #[serde(default)]
    product_statuses: Reference,
    #[serde(default)]
    units: Reference,
    #[serde(default)]
    currencies: Reference,
    #[serde(default)]
    delivery_services: Reference,
    #[serde(default)]
    couriers: Reference,
}

/// How a reference book is served: at `reference/{route}`, under `key` in the answer, as an
/// object keyed by code or (`listed`) as a list, and edited at `reference/{route}/{code}/edit`
/// with the entry in parameter `param` (`None`: RetailCRM has no such edit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Book {
    /// The route name, e.g. `delivery-types`.
    pub route: &'static str,
    /// The answer key, e.g. `deliveryTypes`.
    pub key: &'static str,
    /// The parameter of the edit, e.g. `deliveryType`.
    pub param: Option<&'static str>,
    /// Whether the answer is a list rather than an object keyed by code.
    pub listed: bool,
}

/// Every book the sandbox serves. Currencies and couriers are created and edited by id in
/// RetailCRM (`reference/couriers/create`, `reference/currencies/{id}/edit`), which the
/// sandbox does not emulate.
pub const BOOKS: [Book; 15] = [
    book("sites", "sites", Some("site"), false),
    book("statuses", "statuses", Some("status"), false),
    book("status-groups", "statusGroups", None, false),
    book(
        "delivery-types",
        "deliveryTypes",
        Some("deliveryType"),
        false,
    ),
    book(
        "delivery-services",
        "deliveryServices",
        Some("deliveryService"),
        false,
    ),
    book("payment-types", "paymentTypes", Some("paymentType"), false),
    book(
        "payment-statuses",
        "paymentStatuses",
        Some("paymentStatus"),
        false,
    ),
    book("order-methods", "orderMethods", Some("orderMethod"), false),
    book("order-types", "orderTypes", Some("orderType"), false),
    book(
        "product-statuses",
        "productStatuses",
        Some("productStatus"),
        false,
    ),
    book("stores", "stores", Some("store"), false),
    book("price-types", "priceTypes", Some("priceType"), false),
    book("units", "units", Some("unit"), true),
    book("currencies", "currencies", None, true),
    book("couriers", "couriers", None, true),
];

const fn book(
    route: &'static str,
    key: &'static str,
    param: Option<&'static str>,
    listed: bool,
) -> Book {
    Book {
        route,
        key,
        param,
        listed,
    }
}

impl Book {
    /// The book served at `reference/{route}`.
    pub fn at(route: &str) -> Option<Book> {
        BOOKS.into_iter().find(|book| book.route == route)
    }
}

/// One reference book: entries with unique `code`s, in the seed's order.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(try_from = "Vec<Map<String, Value>>")]
pub struct Reference(Vec<Map<String, Value>>);

impl TryFrom<Vec<Map<String, Value>>> for Reference {
    type Error = String;

    fn try_from(entries: Vec<Map<String, Value>>) -> Result<Self, String> {
        let mut seen = HashSet::new();
        for entry in &entries {
            let code = code_of(entry).ok_or(NO_CODE)?;
            if !seen.insert(code.to_string()) {
                return Err(format!("code \"{code}\" appears twice"));
            }
        }
        Ok(Reference(entries))
    }
}

/// The code of `entry`, if it is a non-empty string.
fn code_of(entry: &Map<String, Value>) -> Option<&str> {
    entry
        .get("code")
        .and_then(Value::as_str)
        .filter(|code| !code.is_empty())
}

impl Reference {
    /// Whether an entry has `code`.
    pub fn contains(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    /// The entry with `code`.
    pub fn get(&self, code: &str) -> Option<&Map<String, Value>> {
        self.0
            .iter()
            .find(|entry| entry.get("code").and_then(Value::as_str) == Some(code))
    }

    /// The codes, in order.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter_map(|entry| entry.get("code").and_then(Value::as_str))
    }

    /// The book as RetailCRM answers it: an object keyed by code.
    pub fn by_code(&self) -> Map<String, Value> {
        self.codes()
            .zip(&self.0)
            .map(|(code, entry)| (code.to_string(), Value::Object(entry.clone())))
            .collect()
    }

    /// Puts `entry`, whose code the caller checked, in place of the entry with its code, or
    /// after the others.
    fn put(&mut self, entry: Map<String, Value>) {
        let code = code_of(&entry);
        match self.0.iter().position(|known| code_of(known) == code) {
            Some(index) => self.0[index] = entry,
            None => self.0.push(entry),
        }
    }
}

impl Default for Seed {
    /// The built-in seed (`crm-sandbox/seed.json`): keys `sandbox-key` and `other-key`,
    /// sites `shop` and `second`, and the usual books.
    fn default() -> Self {
        Seed::from_json(include_str!("../seed.json")).expect("the built-in seed.json is valid")
    }
}

impl Seed {
    /// Reads a seed from JSON text.
    pub fn from_json(text: &str) -> Result<Seed, SeedError> {
        let seed: Seed = serde_json::from_str(text)?;
        seed.validate()?;
        Ok(seed)
    }

    /// Reads a seed from a JSON file.
    pub fn from_file(path: &Path) -> Result<Seed, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Seed::from_json(&text)
    }

    fn validate(&self) -> Result<(), SeedError> {
        let invalid = |message: String| Err(SeedError::Invalid(message));
        if self.api_keys.iter().all(String::is_empty) {
            return invalid("apiKeys needs at least one key".to_string());
        }
        if self.sites.0.is_empty() || self.statuses.0.is_empty() {
            return invalid("sites and statuses need at least one entry each".to_string());
        }
        for code in self.statuses.codes() {
            let group = self.status_group(code).unwrap_or_default();
            if !self.status_groups.contains(group) {
                return invalid(format!(
                    "status \"{code}\" names group \"{group}\", which does not exist"
                ));
            }
        }
        Ok(())
    }

    /// Whether `key` is one of the API keys.
    pub fn accepts_key(&self, key: &str) -> bool {
        !key.is_empty() && self.api_keys.iter().any(|known| known == key)
    }

    /// The sites (shops).
    pub fn sites(&self) -> &Reference {
        &self.sites
    }

    /// The order statuses.
    pub fn statuses(&self) -> &Reference {
        &self.statuses
    }

    /// The delivery types.
    pub fn delivery_types(&self) -> &Reference {
        &self.delivery_types
    }

    /// The payment types.
    pub fn payment_types(&self) -> &Reference {
        &self.payment_types
    }

    /// The payment statuses.
    pub fn payment_statuses(&self) -> &Reference {
        &self.payment_statuses
    }

    /// The order methods.
    pub fn order_methods(&self) -> &Reference {
        &self.order_methods
    }

    /// The stores (warehouses).
    pub fn stores(&self) -> &Reference {
        &self.stores
    }

    /// The price types.
    pub fn price_types(&self) -> &Reference {
        &self.price_types
    }

    /// The order types.
    pub fn order_types(&self) -> &Reference {
        &self.order_types
    }

    /// The group of status `code`.
    pub fn status_group(&self, code: &str) -> Option<&str> {
        self.statuses.get(code)?.get("group")?.as_str()
    }

    /// The status a new order gets: `new`, or the first status when there is no `new`.
    pub fn default_status(&self) -> &str {
        preferred(&self.statuses, "new")
    }

    /// The status a new payment gets: `not-paid`, or the first payment status.
    pub fn default_payment_status(&self) -> &str {
        preferred(&self.payment_statuses, "not-paid")
    }

    /// The answer key and content of `GET reference/{route}`, e.g. `delivery-types` →
    /// `deliveryTypes` keyed by code, `units` → a list. Status groups list their statuses.
    pub fn reference(&self, route: &str) -> Option<(&'static str, Value)> {
        let served = Book::at(route)?;
        let book = self.book(route)?;
        if served.listed {
            let entries = book.0.iter().cloned().map(Value::Object).collect();
            return Some((served.key, Value::Array(entries)));
        }
        let mut entries = book.by_code();
        if route == "status-groups" {
            for (group, entry) in entries.iter_mut() {
                let members: Vec<Value> = self
                    .statuses
                    .codes()
                    .filter(|status| self.status_group(status) == Some(group.as_str()))
                    .map(Value::from)
                    .collect();
                entry["statuses"] = Value::Array(members);
            }
        }
        Some((served.key, Value::Object(entries)))
    }

    /// The book served at `reference/{route}`.
    pub fn book(&self, route: &str) -> Option<&Reference> {
        let book = match route {
            "sites" => &self.sites,
            "statuses" => &self.statuses,
            "status-groups" => &self.status_groups,
            "delivery-types" => &self.delivery_types,
            "payment-types" => &self.payment_types,
            "payment-statuses" => &self.payment_statuses,
            "order-methods" => &self.order_methods,
            "order-types" => &self.order_types,
            "product-statuses" => &self.product_statuses,
            "stores" => &self.stores,
            "price-types" => &self.price_types,
            "units" => &self.units,
            "currencies" => &self.currencies,
            "delivery-services" => &self.delivery_services,
            "couriers" => &self.couriers,
            _ => return None,
        };
        Some(book)
    }

    /// Adds `entry` to the book served at `reference/{route}`, or replaces the entry with its
    /// code there. The entry needs a non-empty string `code`; a status also a `group` that
    /// exists.
    pub fn put(&mut self, route: &str, entry: Map<String, Value>) -> Result<(), EntryError> {
        let group = entry
            .get("group")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let group_known = self.status_groups.contains(group);
        let book = self
            .book_mut(route)
            .ok_or_else(|| EntryError::NoBook(route.to_string()))?;
        if code_of(&entry).is_none() {
            return Err(EntryError::Invalid(NO_CODE.to_string()));
        }
        if route == "statuses" && !group_known {
            return Err(EntryError::Invalid(format!(
                "a status needs a \"group\" naming a status group; \"{group}\" is not one"
            )));
        }
        book.put(entry);
        Ok(())
    }

    /// The book served at `reference/{route}`.
    fn book_mut(&mut self, route: &str) -> Option<&mut Reference> {
        let book = match route {
            "sites" => &mut self.sites,
            "statuses" => &mut self.statuses,
            "status-groups" => &mut self.status_groups,
            "delivery-types" => &mut self.delivery_types,
            "payment-types" => &mut self.payment_types,
            "payment-statuses" => &mut self.payment_statuses,
            "order-methods" => &mut self.order_methods,
            "order-types" => &mut self.order_types,
            "product-statuses" => &mut self.product_statuses,
            "stores" => &mut self.stores,
            "price-types" => &mut self.price_types,
            "units" => &mut self.units,
            "currencies" => &mut self.currencies,
            "delivery-services" => &mut self.delivery_services,
            "couriers" => &mut self.couriers,
            _ => return None,
        };
        Some(book)
    }
}

fn preferred<'a>(book: &'a Reference, code: &'a str) -> &'a str {
    if book.contains(code) {
        code
    } else {
        book.codes().next().unwrap_or(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_built_in_seed_has_the_documented_codes() {
        let seed = Seed::default();
        assert!(seed.accepts_key("sandbox-key") && seed.accepts_key("other-key"));
        assert!(!seed.accepts_key("") && !seed.accepts_key("nope"));
        assert_eq!(
            seed.sites().get("shop").and_then(|s| s.get("name")),
            Some(&json!("Demo shop"))
        );
        assert!(seed.sites().contains("second"));
        for code in ["courier", "self-delivery", "russian-post"] {
            assert!(seed.delivery_types().contains(code), "{code}");
        }
        for code in ["cash", "bank-card", "e-money"] {
            assert!(seed.payment_types().contains(code), "{code}");
        }
        for code in ["shopping-cart", "phone", "one-click"] {
            assert!(seed.order_methods().contains(code), "{code}");
        }
        assert!(seed.stores().contains("main"));
        assert_eq!(seed.default_status(), "new");
        assert_eq!(seed.default_payment_status(), "not-paid");
        assert_eq!(seed.status_group("delivering"), Some("delivery"));
    }

    #[test]
    fn status_groups_list_their_statuses() {
        let (key, groups) = Seed::default()
            .reference("status-groups")
            .expect("a known reference");
        assert_eq!(key, "statusGroups");
        assert_eq!(
            groups["approval"]["statuses"],
            json!(["client-confirmed", "prepayed"])
        );
        assert!(Seed::default().reference("colours").is_none());
        let (key, units) = Seed::default()
            .reference("units")
            .expect("a known reference");
        assert_eq!(key, "units");
        assert_eq!(units[0]["code"], "pc");
    }

    #[test]
    fn rejects_inconsistent_or_malformed_seeds() {
        let mut doc: Value = serde_json::from_str(include_str!("../seed.json")).expect("json");
        doc["statuses"][0]["group"] = json!("nowhere");
        assert!(matches!(
            Seed::from_json(&doc.to_string()),
            Err(SeedError::Invalid(_))
        ));
        doc["statuses"][0]["group"] = json!("new");
        doc["sites"][1]["code"] = json!("shop");
        assert!(matches!(
            Seed::from_json(&doc.to_string()),
            Err(SeedError::Parse(_))
        ));
        assert!(matches!(
            Seed::from_file(Path::new("/nonexistent/seed.json")),
            Err(SeedError::Read { .. })
        ));
    }

    #[test]
    fn entries_are_added_or_replaced_in_place() {
        let mut seed = Seed::default();
        let entry = |value: Value| value.as_object().cloned().expect("an object");
        let teleport = entry(json!({"code": "teleport", "name": "Teleport"}));
        assert_eq!(seed.put("delivery-types", teleport), Ok(()));
        let courier = entry(json!({"code": "courier", "name": "Fast courier"}));
        assert_eq!(seed.put("delivery-types", courier), Ok(()));
        let codes: Vec<&str> = seed.delivery_types().codes().collect();
        assert_eq!(
            codes,
            ["courier", "self-delivery", "russian-post", "teleport"]
        );
        assert_eq!(
            seed.delivery_types()
                .get("courier")
                .and_then(|c| c.get("name")),
            Some(&json!("Fast courier"))
        );

        let refused = |seed: &mut Seed, route: &str, value: Value| seed.put(route, entry(value));
        assert!(matches!(
            refused(&mut seed, "colours", json!({"code": "red"})),
            Err(EntryError::NoBook(_))
        ));
        for value in [
            json!({"name": "x"}),
            json!({"code": ""}),
            json!({"code": 7}),
        ] {
            assert!(matches!(
                refused(&mut seed, "stores", value),
                Err(EntryError::Invalid(_))
            ));
        }
        assert!(matches!(
            refused(
                &mut seed,
                "statuses",
                json!({"code": "lost", "group": "nowhere"})
            ),
            Err(EntryError::Invalid(_))
        ));
        let lost = json!({"code": "lost", "group": "cancel"});
        assert_eq!(refused(&mut seed, "statuses", lost), Ok(()));
        assert_eq!(seed.status_group("lost"), Some("cancel"));
    }
}
