//! The captured miniShop2 data (`tests/fixtures/minishop2` of the repository) as mapping
//! inputs.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::mapping::OrderInput;

/// The repository's `tests/fixtures` folder: the nearest one above this crate's manifest, so
/// it is found from whichever crate of the workspace the tests are built in.
fn fixtures_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|folder| folder.join("tests/fixtures"))
        .find(|fixtures| fixtures.is_dir())
        .unwrap_or_else(|| panic!("no tests/fixtures at or above {}", manifest.display()))
}

/// The parsed fixture file at `path` under `tests/fixtures/minishop2`.
pub fn load(path: &str) -> Value {
    let file = fixtures_dir().join("minishop2").join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("reading {}: {error}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("parsing {path}: {error}"))
}

/// Everything one order mapping reads, owned.
#[derive(Debug, Clone)]
pub struct OrderRows {
    /// The msOrder row.
    pub order: Value,
    /// The msOrderAddress row (null: none).
    pub address: Value,
    /// The msOrderProduct rows.
    pub products: Vec<Value>,
    /// The msDelivery row.
    pub delivery: Value,
    /// The msPayment row.
    pub payment: Value,
    /// The msOrderStatus row (null: unknown).
    pub status: Value,
    /// The modUser row.
    pub user: Value,
    /// The modUserProfile row.
    pub profile: Value,
    /// The mspcOrder row (null: no promo code).
    pub promo: Value,
}

impl OrderRows {
    /// The borrowed input; null rows are absent.
    pub fn input(&self) -> OrderInput<'_> {
        OrderInput {
            order: &self.order,
            address: Some(&self.address),
            products: &self.products,
            delivery: Some(&self.delivery),
            payment: Some(&self.payment),
            status: Some(&self.status),
            user: &self.user,
            profile: &self.profile,
            promo: Some(&self.promo),
        }
    }

    /// These rows with CRM codes on the delivery (`courier`) and the payment (`card`).
    pub fn with_codes(mut self) -> Self {
        self.delivery["retailcrm_delivery_code"] = json!("courier");
        self.payment["retailcrm_payment_code"] = json!("card");
        self
    }
}

/// Order 2611/1 from the `<Class>.json` files, as `toArray()` (`"toArray"`) or raw rows
/// (`"raw_row"`).
pub fn order_one(form: &str) -> OrderRows {
    let products = load("msOrderProduct.json")["db"].clone();
    OrderRows {
        order: load("msOrder.json")[form].clone(),
        address: load("msOrderAddress.json")[form].clone(),
        products: rows(&products)
            .iter()
            .map(|product| product[form].clone())
            .collect(),
        delivery: load("msDelivery.json")[form].clone(),
        payment: load("msPayment.json")[form].clone(),
        status: Value::Null,
        user: load("modUser.json")["customer_auto_created_by_minishop2"][form].clone(),
        profile: load("modUserProfile.json")["customer"][form].clone(),
        promo: Value::Null,
    }
}

/// Order 2611/1 from `db/msOrder_with_related_toArray_includeRelated.json`.
pub fn order_one_include_related() -> OrderRows {
    let order = load("db/msOrder_with_related_toArray_includeRelated.json");
    OrderRows {
        address: order["Address"].clone(),
        products: rows(&order["Products"]),
        delivery: order["Delivery"].clone(),
        payment: order["Payment"].clone(),
        status: order["Status"].clone(),
        user: order["User"].clone(),
        profile: order["User"]["Profile"].clone(),
        promo: Value::Null,
        order,
    }
}

/// The order in a captured `msOnCreateOrder` event file (`events/{file}`).
pub fn order_from_event(file: &str) -> OrderRows {
    let event = load(&format!("events/{file}"));
    let order = &event["params"]["msOrder"]["value"];
    let related = |name: &str| order["related"][name]["data"].clone();
    OrderRows {
        order: order["data"].clone(),
        address: related("Address"),
        products: rows(&order["related"]["Products"])
            .iter()
            .map(|product| product["data"].clone())
            .collect(),
        delivery: related("Delivery"),
        payment: related("Payment"),
        status: Value::Null,
        user: related("User"),
        profile: related("UserProfile"),
        promo: Value::Null,
    }
}

/// The user and profile saved in a captured `OnUserSave` event file (`events/{file}`).
pub fn user_from_event(file: &str) -> (Value, Value) {
    let user = &load(&format!("events/{file}"))["params"]["user"]["value"];
    (
        user["data"].clone(),
        user["related"]["Profile"]["data"].clone(),
    )
}

/// The elements of a list, or the values of an object keyed by id.
fn rows(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(list) => list.clone(),
        Value::Object(map) => map.values().cloned().collect(),
        _ => Vec::new(),
    }
}
