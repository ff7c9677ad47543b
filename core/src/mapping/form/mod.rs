//! M5: a submitted form as a CRM order, customer or task.
//!
//! A FormIt hook hands over the form's values and its own properties ([`FormSpec`]); the
//! values are checked ([`check::values`]), every problem tied to its form field; the product
//! of a one-click order must be on sale on the site (the caller looks its row up). The lead
//! then carries a stable key, the same for the same submission within a minute: `form-`, the
//! form's id (its letters, digits, `-` and `_`), the minute (UTC, `YYYYMMDDHHMM`) and the
//! start of a SHA-256 of the form's id, the target, the minute and the values read. An order
//! and a customer carry it as their `externalId`, a task's request as its key, so that the
//! outbox holds one record per submission (see `Outbox::enqueue_once`).

mod check;
mod spec;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::format_description;

pub use check::{FieldProblem, MAX_COMMENT, MAX_EMAIL, MAX_NAME, MAX_PHONE, MAX_QUANTITY, Problem};
pub use spec::{FormSpec, FormTarget, Part};

use check::Values;

use super::names::insert_names;
use super::read::{amount, money, text};

/// How many hex digits of the hash the key keeps.
const HASH_DIGITS: usize = 16;

/// How many characters of the form's id the key keeps.
const FORM_ID_IN_KEY: usize = 32;

/// A form turned into what the CRM gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// What it is.
    pub target: FormTarget,
    /// The submission's key (see the module documentation).
    pub key: String,
    /// The order or customer (with `externalId` = `key`), or the `tasks/create` parameters
    /// (`{"task": …}`).
    pub payload: Value,
}

/// The product id the submission names, when `spec` makes an order and its value is a
/// product id: the caller looks the product up and passes its row to [`lead`].
pub fn product_id(spec: &FormSpec, values: &Map<String, Value>) -> Option<i64> {
    if spec.target != FormTarget::Order {
        return None;
    }
    let field = spec.field(Part::Product)?;
    values
        .get(field)
        .and_then(super::read::id)
        .filter(|id| *id > 0)
}

/// The lead a submission makes: `values` as FormIt's `getValues()` gives them, `product` the
/// row (`msProduct` `toArray()`) of the product [`product_id`] named, or `None` when the site
/// has none; `time` the submission's Unix time. Every problem, with its field, when the
/// values cannot make one: nothing is sent then.
pub fn lead(
    spec: &FormSpec,
    values: &Map<String, Value>,
    product: Option<&Value>,
    time: i64,
) -> Result<Lead, Vec<FieldProblem>> {
    let checked = check::values(spec, values)?;
    let item = match checked.product {
        None => None,
        Some(id) => match product.filter(|row| on_sale(row)) {
            Some(row) => Some(item(id, row, checked.quantity)),
            None => {
                return Err(vec![FieldProblem {
                    field: spec.field(Part::Product).unwrap_or_default().to_string(),
                    problem: Problem::UnknownProduct,
                }]);
            }
        },
    };
    let key = key(spec, &checked, time);
    let payload = match spec.target {
        FormTarget::Order => order(spec, &checked, &key, item),
        FormTarget::Customer => customer(&checked, &key),
        FormTarget::Task => task(spec, &checked),
    };
    Ok(Lead {
        target: spec.target,
        key,
        payload,
    })
}

/// Whether a product row is on sale: published and not deleted.
fn on_sale(row: &Value) -> bool {
    let flag = |key: &str| match row.get(key) {
        Some(Value::Bool(flag)) => Some(*flag),
        Some(other) => super::read::id(other).map(|n| n != 0),
        None => None,
    };
    row.is_object() && flag("published") != Some(false) && flag("deleted") != Some(true)
}

/// The order item of product `id` (its row `row`): the offer the catalogue gives it, its
/// title and price.
fn item(id: i64, row: &Value, quantity: i64) -> Value {
    let mut item = Map::new();
    item.insert("offer".into(), json!({ "externalId": id.to_string() }));
    if let Some(name) = text(row, "pagetitle") {
        item.insert("productName".into(), Value::from(name));
    }
    if let Ok(Some(price)) = amount(row, "price", "product.price") {
        item.insert("initialPrice".into(), money(price));
    }
    item.insert("quantity".into(), Value::from(quantity));
    Value::Object(item)
}

/// The names, phone and e-mail of `values` as a customer's or an order's fields.
fn contact(values: &Values, payload: &mut Map<String, Value>) {
    insert_names(payload, values.name.as_deref());
    if let Some(email) = &values.email {
        payload.insert("email".into(), Value::from(email.clone()));
    }
}

fn order(spec: &FormSpec, values: &Values, key: &str, item: Option<Value>) -> Value {
    let mut order = Map::new();
    order.insert("externalId".into(), Value::from(key));
    if let Some(method) = &spec.order_method {
        order.insert("orderMethod".into(), Value::from(method.clone()));
    }
    contact(values, &mut order);
    if let Some(phone) = &values.phone {
        order.insert("phone".into(), Value::from(phone.clone()));
    }
    if let Some(comment) = &values.comment {
        order.insert("customerComment".into(), Value::from(comment.clone()));
    }
    if let Some(item) = item {
        order.insert("items".into(), json!([item]));
    }
    Value::Object(order)
}

fn customer(values: &Values, key: &str) -> Value {
    let mut customer = Map::new();
    customer.insert("externalId".into(), Value::from(key));
    contact(values, &mut customer);
    if let Some(phone) = &values.phone {
        customer.insert("phones".into(), json!([{ "number": phone }]));
    }
    Value::Object(customer)
}

/// `{"task": {text, commentary, performerId}}`: the text is `&crmTaskText`, else the name
/// and contacts; the commentary the name, phone, e-mail and comment, one a line.
fn task(spec: &FormSpec, values: &Values) -> Value {
    let contacts: Vec<&str> = [&values.name, &values.phone, &values.email]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let text = spec
        .task_text
        .clone()
        .unwrap_or_else(|| contacts.join(", "));
    let mut lines = contacts.clone();
    if let Some(comment) = &values.comment {
        lines.push(comment);
    }
    let mut task = Map::new();
    task.insert("text".into(), Value::from(text));
    task.insert("commentary".into(), Value::from(lines.join("\n")));
    if let Some(performer) = spec.task_performer {
        task.insert("performerId".into(), Value::from(performer));
    }
    json!({ "task": task })
}

/// The submission's key (see the module documentation).
fn key(spec: &FormSpec, values: &Values, time: i64) -> String {
    let minute = time.div_euclid(60);
    let stamp = OffsetDateTime::from_unix_timestamp(minute * 60)
        .ok()
        .and_then(|at| {
            at.format(format_description!("[year][month][day][hour][minute]"))
                .ok()
        })
        .unwrap_or_else(|| minute.to_string());
    let mut hash = Sha256::new();
    let product = values.product.map(|id| id.to_string());
    let quantity = values.quantity.to_string();
    let parts = [
        Some(spec.form.as_str()),
        Some(spec.target.name()),
        Some(stamp.as_str()),
        values.name.as_deref(),
        values.phone.as_deref(),
        values.email.as_deref(),
        values.comment.as_deref(),
        product.as_deref(),
        Some(quantity.as_str()),
    ];
    for part in parts {
        // A part's length first, so that no two different submissions run together.
        let bytes = part.unwrap_or_default().as_bytes();
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(bytes);
    }
    let digest: String = hash
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let form: String = spec
        .form
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(FORM_ID_IN_KEY)
        .collect();
    let form = if form.is_empty() {
        String::new()
    } else {
        format!("{form}-")
    };
    format!("form-{form}{stamp}-{}", &digest[..HASH_DIGITS])
}

#[cfg(test)]
mod tests;
