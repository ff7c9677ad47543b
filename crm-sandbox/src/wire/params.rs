//! Request parameters the PHP way: `http_build_query` names with brackets
//! (`filter[ids][0]=1`, `ids[]=2`) decoded into nested JSON, and entity fields
//! (`order={"externalId":"1"}`) decoded from the JSON they hold.

use serde_json::{Map, Value};

/// Form fields that carry an entity or a list of entities as a JSON string.
pub const ENTITY_FIELDS: [&str; 9] = [
    "order",
    "customer",
    "orders",
    "customers",
    "payment",
    "task",
    "cost",
    "offers",
    "prices",
];

/// An entity field whose text is not valid JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedEntity {
    /// The field's name, e.g. `order`.
    pub field: String,
    /// What the JSON parser said.
    pub message: String,
}

/// Decodes a query string or a form body into a JSON object, nesting bracketed names as PHP
/// does: `a[b][]=1&a[b][]=2` becomes `{"a":{"b":["1","2"]}}`. Values stay strings; maps whose
/// keys are `0..n` in order become lists. A later value for the same name replaces an earlier.
pub fn parse_query(input: &[u8]) -> Map<String, Value> {
    nest(form_urlencoded::parse(input))
}

/// Nests `(name, value)` pairs the way [`parse_query`] does, for fields that arrive some
/// other way (the parts of a multipart body).
pub fn nest<N: AsRef<str>, V: Into<String>>(
    pairs: impl IntoIterator<Item = (N, V)>,
) -> Map<String, Value> {
    let mut root = Map::new();
    for (name, value) in pairs {
        insert(
            &mut root,
            &split_name(name.as_ref()),
            Value::String(value.into()),
        );
    }
    root.into_iter().map(|(k, v)| (k, into_lists(v))).collect()
}

/// Replaces every entity field that holds text with the JSON value the text encodes, and
/// reports the fields whose text is not JSON (they keep their text).
pub fn decode_entities(params: &mut Map<String, Value>) -> Vec<MalformedEntity> {
    let mut malformed = Vec::new();
    for field in ENTITY_FIELDS {
        let decoded = match params.get(field) {
            Some(Value::String(text)) => serde_json::from_str::<Value>(text),
            _ => continue,
        };
        match decoded {
            Ok(value) => {
                params.insert(field.to_string(), value);
            }
            Err(error) => malformed.push(MalformedEntity {
                field: field.to_string(),
                message: error.to_string(),
            }),
        }
    }
    malformed
}

/// `a[b][]` → `["a", "b", ""]`; a name with an unclosed bracket is taken whole.
fn split_name(name: &str) -> Vec<&str> {
    let Some(open) = name.find('[') else {
        return vec![name];
    };
    let (base, mut rest) = name.split_at(open);
    let mut path = vec![base];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return vec![name];
        };
        path.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    path
}

fn insert(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = if first.is_empty() {
        next_index(map)
    } else {
        (*first).to_string()
    };
    if rest.is_empty() {
        map.insert(key, value);
        return;
    }
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(child) = slot {
        insert(child, rest, value);
    }
}

/// The key PHP gives to `name[]=`: one past the largest integer key so far.
fn next_index(map: &Map<String, Value>) -> String {
    map.keys()
        .filter_map(|key| key.parse::<u64>().ok())
        .max()
        .map_or(0, |max| max + 1)
        .to_string()
}

fn into_lists(value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    let is_list = !map.is_empty() && map.keys().enumerate().all(|(i, key)| *key == i.to_string());
    let entries = map.into_iter().map(|(key, value)| (key, into_lists(value)));
    if is_list {
        Value::Array(entries.map(|(_, value)| value).collect())
    } else {
        Value::Object(entries.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(query: &str) -> Value {
        Value::Object(parse_query(query.as_bytes()))
    }

    #[test]
    fn nests_bracketed_names_with_explicit_and_implicit_indices() {
        assert_eq!(
            parsed("filter%5Bids%5D%5B0%5D=1&filter%5Bids%5D%5B1%5D=2&ids[]=a&ids[]=b&page=2"),
            json!({"filter": {"ids": ["1", "2"]}, "ids": ["a", "b"], "page": "2"})
        );
    }

    #[test]
    fn decodes_plus_and_percent_escapes_and_keeps_maps_with_names() {
        assert_eq!(
            parsed("filter[name]=a+b%2Fc&filter[x][5]=y&q=%D1%91"),
            json!({"filter": {"name": "a b/c", "x": {"5": "y"}}, "q": "ё"})
        );
    }

    #[test]
    fn takes_odd_names_whole_and_later_values_win() {
        assert_eq!(
            parsed("a[b=1&c=1&c=2&d[e]f=3"),
            json!({"a[b": "1", "c": "2", "d": {"e": "3"}})
        );
    }

    #[test]
    fn decodes_entity_fields_and_reports_malformed_ones() {
        let mut params =
            parse_query(b"order=%7B%22externalId%22%3A%221%22%7D&customer=%7Bbad&site=shop");
        let malformed = decode_entities(&mut params);
        assert_eq!(params["order"], json!({"externalId": "1"}));
        assert_eq!(params["customer"], json!("{bad"));
        assert_eq!(params["site"], json!("shop"));
        assert_eq!(malformed.len(), 1);
        assert_eq!(malformed[0].field, "customer");
    }
}
