//! Order items from msOrderProduct rows.

use serde_json::{Map, Value, json};

use super::error::MappingError;
use super::read::{
    MAX_CENTS, MAX_COUNT, id, id_text, money, one_line, quantity, required_amount, required_number,
    text, within,
};

/// Option keys that hold msOptionsPrice2's modification, never shown as properties.
const MODIFICATION_KEYS: [&str; 2] = ["modification", "modifications"];

/// The items of an order and what their prices add up to.
pub struct Items {
    /// The RetailCRM items, in the order of the products.
    pub items: Vec<Value>,
    /// Σ `initialPrice` × `quantity`, in cents.
    pub total_cents: i64,
    /// Products whose `options` could not be read (their items have no properties).
    pub unreadable_options: Vec<String>,
}

/// Maps msOrderProduct rows: `offer.externalId` (the product id, or
/// `mod-{product}-{modification}` when `msoptionsprice` is on and the options name a
/// modification), `productName` (when the row has a name), `initialPrice` (unit price), `quantity` and `properties`.
pub fn items(products: &[Value], msoptionsprice: bool) -> Result<Items, MappingError> {
    let mut mapped = Items {
        items: Vec::with_capacity(products.len()),
        total_cents: 0,
        unreadable_options: Vec::new(),
    };
    for (index, product) in products.iter().enumerate() {
        let path = |field: &str| format!("products[{index}].{field}");
        let product_id = id_text(product, "product_id")
            .ok_or_else(|| MappingError::missing(path("product_id")))?;
        // A product a manager adds in the order window has no name (miniShop2's
        // mgr/orders/product/create stores `name` NULL): the CRM names it from its offer.
        let name = text(product, "name");
        let price = required_amount(product, "price", &path("price"))?;
        let count = within(
            required_number(product, "count", &path("count"))?,
            MAX_COUNT,
            &path("count"),
        )?;
        let options = match options(product.get("options")) {
            Some(options) => options,
            None => {
                mapped.unreadable_options.push(path("options"));
                Map::new()
            }
        };
        let modification = options
            .get("modification")
            .and_then(id)
            .filter(|modification| msoptionsprice && *modification > 0);
        let offer = match modification {
            Some(modification) => format!("mod-{product_id}-{modification}"),
            None => product_id,
        };
        let mut item = Map::new();
        item.insert("offer".into(), json!({ "externalId": offer }));
        if let Some(name) = name {
            item.insert("productName".into(), Value::from(name));
        }
        item.insert("initialPrice".into(), money(price));
        item.insert("quantity".into(), quantity(count));
        let properties = properties(&options);
        if !properties.is_empty() {
            item.insert("properties".into(), Value::Array(properties));
        }
        mapped.items.push(Value::Object(item));
        let line = (price as f64 * count).round() as i64;
        mapped.total_cents = mapped.total_cents.saturating_add(line);
        if mapped.total_cents > MAX_CENTS {
            return Err(MappingError::invalid(
                "products",
                format!("the items up to products[{index}] cost more than {MAX_CENTS} cents"),
            ));
        }
    }
    Ok(mapped)
}

/// The options of a product: an object, an empty list, or either as JSON text; absent and
/// null are no options. `None` when they cannot be read.
fn options(value: Option<&Value>) -> Option<Map<String, Value>> {
    match value {
        None | Some(Value::Null) => Some(Map::new()),
        Some(Value::Object(options)) => Some(options.clone()),
        Some(Value::Array(list)) if list.is_empty() => Some(Map::new()),
        Some(Value::String(json)) if json.trim().is_empty() => Some(Map::new()),
        Some(Value::String(json)) => {
            let parsed: Value = serde_json::from_str(json).ok()?;
            options(Some(&parsed))
        }
        Some(_) => None,
    }
}

/// `[{code, name, value}]` for every option with a non-empty value except the modification
/// keys; `size` is named Размер, `color` Цвет, any other option by its key.
fn properties(options: &Map<String, Value>) -> Vec<Value> {
    options
        .iter()
        .filter(|(code, _)| !MODIFICATION_KEYS.contains(&code.as_str()))
        .filter_map(|(code, value)| {
            let value = option_value(value)?;
            let name = match code.as_str() {
                "size" => "Размер",
                "color" => "Цвет",
                other => other,
            };
            Some(json!({ "code": code, "name": name, "value": value }))
        })
        .collect()
}

/// An option's value as one line of text: scalars as they are, a list as its values joined
/// by `", "`; `None` when empty.
fn option_value(value: &Value) -> Option<String> {
    let line = match value {
        Value::String(text) => one_line(text),
        Value::Number(number) => number.to_string(),
        Value::Array(values) => values
            .iter()
            .filter_map(option_value)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    (!line.is_empty()).then_some(line)
}
