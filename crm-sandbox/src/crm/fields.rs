//! Helpers for entities kept as JSON objects.

use serde_json::{Map, Value};

/// An entity as stored and answered: a JSON object in field order.
pub type Object = Map<String, Value>;

/// The text of an id-like value: strings as they are, numbers in decimal.
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Whether `value` is missing, not text, or only spaces (RetailCRM's "should not be blank").
pub fn blank(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_none_or(|text| text.trim().is_empty())
}

/// A positive integer id given as a number or as decimal text.
pub fn id(value: &Value) -> Option<u64> {
    text(value)?.trim().parse().ok()
}

/// A finite number given as a JSON number or as numeric text.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok().filter(|n: &f64| n.is_finite()),
        _ => None,
    }
}

/// An amount as the CRM writes it: rounded to cents, whole amounts as integers.
pub fn money(amount: f64) -> Value {
    let cents = (amount * 100.0).round() / 100.0;
    if cents.fract() == 0.0 && cents.abs() < 1e15 {
        Value::from(cents as i64)
    } else {
        Value::from(cents)
    }
}

/// The fields of `object` named in `keys` that it has, in the order of `keys`.
pub fn pick(object: &Object, keys: &[&str]) -> Object {
    keys.iter()
        .filter_map(|key| {
            object
                .get(*key)
                .map(|value| (key.to_string(), value.clone()))
        })
        .collect()
}

/// The value at a dotted path such as `customer.externalId`.
pub fn lookup<'a>(object: &'a Object, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = object.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_ids_numbers_and_paths_leniently() {
        assert_eq!(text(&json!(5)), Some("5".to_string()));
        assert_eq!(text(&json!(["5"])), None);
        assert_eq!(id(&json!("12")), Some(12));
        assert_eq!(id(&json!("x")), None);
        assert_eq!(number(&json!("1.5")), Some(1.5));
        assert_eq!(number(&json!("NaN")), None);
        let object = json!({"customer": {"externalId": "7"}});
        let object = object.as_object().expect("object");
        assert_eq!(lookup(object, "customer.externalId"), Some(&json!("7")));
        assert_eq!(lookup(object, "customer.id"), None);
    }

    #[test]
    fn writes_money_as_integers_when_whole() {
        assert_eq!(money(3000.0), json!(3000));
        assert_eq!(money(4049.254), json!(4049.25));
        assert_eq!(money(0.1 + 0.2), json!(0.3));
    }
}
