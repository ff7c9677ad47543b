//! `filter[...]` parameters of list routes, matched against stored entities.

use super::fields::{Object, lookup, text};
use serde_json::Value;

/// How one filter parameter selects entities.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// The field at the path equals one of the given values (`filter[ids][]=1&filter[ids][]=2`).
    AnyOf(&'static str),
    /// The field at the path equals the given value.
    Equals(&'static str),
    /// One of the fields contains the given text, ignoring case.
    Contains(&'static [&'static str]),
    /// The field (a date-time) is at or after the given one.
    From(&'static str),
    /// The field (a date-time) is at or before the given one; a bare date includes its day.
    To(&'static str),
}

/// The filter parameters a list understands; others are ignored.
pub type Rules = [(&'static str, Rule)];

/// Whether `row` passes every rule whose parameter `filter` gives.
pub fn matches(row: &Object, filter: &Object, rules: &Rules) -> bool {
    rules.iter().all(|(name, rule)| match filter.get(*name) {
        None | Some(Value::Null) => true,
        Some(wanted) => accepts(*rule, row, wanted),
    })
}

/// The last moment of a bound given as a bare date (`2026-01-31` → `2026-01-31 23:59:59`).
pub fn day_end(bound: &str) -> String {
    if bound.len() == 10 {
        format!("{bound} 23:59:59")
    } else {
        bound.to_string()
    }
}

fn accepts(rule: Rule, row: &Object, wanted: &Value) -> bool {
    let field = |path: &str| lookup(row, path).and_then(text);
    let wanted_text = text(wanted).unwrap_or_default();
    match rule {
        Rule::AnyOf(path) => {
            let have = field(path);
            let candidates: Vec<String> = match wanted {
                Value::Array(values) => values.iter().filter_map(text).collect(),
                Value::Object(values) => values.values().filter_map(text).collect(),
                scalar => text(scalar).into_iter().collect(),
            };
            have.is_some_and(|have| candidates.contains(&have))
        }
        Rule::Equals(path) => {
            field(path).is_some_and(|have| have.eq_ignore_ascii_case(&wanted_text))
        }
        Rule::Contains(paths) => {
            let needle = wanted_text.to_lowercase();
            paths
                .iter()
                .filter_map(|path| field(path))
                .any(|have| have.to_lowercase().contains(&needle))
        }
        Rule::From(path) => field(path).is_some_and(|have| have >= wanted_text),
        Rule::To(path) => field(path).is_some_and(|have| have <= day_end(&wanted_text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RULES: &Rules = &[
        ("ids", Rule::AnyOf("id")),
        ("email", Rule::Equals("email")),
        ("name", Rule::Contains(&["firstName", "lastName"])),
        ("createdAtFrom", Rule::From("createdAt")),
        ("createdAtTo", Rule::To("createdAt")),
        ("customerExternalId", Rule::Equals("customer.externalId")),
    ];

    fn check(filter: Value) -> bool {
        let row = json!({"id": 7, "email": "A@x.ru", "firstName": "Анна", "createdAt": "2026-01-31 10:00:00",
                         "customer": {"externalId": "c1"}});
        matches(
            row.as_object().expect("object"),
            filter.as_object().expect("object"),
            RULES,
        )
    }

    #[test]
    fn applies_each_kind_of_rule() {
        assert!(check(json!({})));
        assert!(check(json!({"ids": ["1", "7"], "unknown": "x"})));
        assert!(!check(json!({"ids": ["1"]})));
        assert!(check(json!({"ids": "7"})));
        assert!(check(json!({"email": "a@x.ru"})));
        assert!(check(json!({"name": "анн"})));
        assert!(!check(json!({"name": "Борис"})));
        assert!(check(
            json!({"createdAtFrom": "2026-01-31", "createdAtTo": "2026-01-31"})
        ));
        assert!(!check(json!({"createdAtFrom": "2026-02-01"})));
        assert!(check(json!({"customerExternalId": "c1"})));
    }
}
