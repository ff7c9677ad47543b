//! Edits: merging a partial entity into a stored one, and listing what changed.

use super::fields::Object;
use serde_json::Value;

/// One changed field: the keys leading to it, and its values before and after (null when
/// absent).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Keys from the entity's top level down to the changed value.
    pub path: Vec<String>,
    /// The value before.
    pub old: Value,
    /// The value after.
    pub new: Value,
}

/// Merges `patch` into `target` as RetailCRM's edits do: objects field by field, anything
/// else (lists included) replaced.
pub fn deep_merge(target: &mut Object, patch: Object) {
    for (key, value) in patch {
        if let Value::Object(incoming) = value {
            if let Some(Value::Object(existing)) = target.get_mut(&key) {
                deep_merge(existing, incoming);
                continue;
            }
            target.insert(key, Value::Object(incoming));
        } else {
            target.insert(key, value);
        }
    }
}

/// The values that differ between `old` and `new`, descending into objects; top-level keys
/// in `skip` are left out.
pub fn diff(old: &Object, new: &Object, skip: &[&str]) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_into(&mut Vec::new(), old, new, skip, &mut changes);
    changes
}

fn diff_into(
    path: &mut Vec<String>,
    old: &Object,
    new: &Object,
    skip: &[&str],
    out: &mut Vec<Change>,
) {
    let keys = new
        .keys()
        .chain(old.keys().filter(|key| !new.contains_key(*key)));
    for key in keys {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let before = old.get(key).unwrap_or(&Value::Null);
        let after = new.get(key).unwrap_or(&Value::Null);
        if before == after {
            continue;
        }
        path.push(key.clone());
        match (before, after) {
            (Value::Object(before), Value::Object(after)) => {
                diff_into(path, before, after, &[], out)
            }
            _ => out.push(Change {
                path: path.clone(),
                old: before.clone(),
                new: after.clone(),
            }),
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Object {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn merges_objects_deeply_and_replaces_lists() {
        let mut order = object(
            json!({"a": 1, "delivery": {"code": "courier", "address": {"city": "A"}}, "items": [1, 2]}),
        );
        deep_merge(
            &mut order,
            object(json!({"delivery": {"address": {"street": "S"}}, "items": [3], "b": null})),
        );
        assert_eq!(
            Value::Object(order),
            json!({"a": 1, "delivery": {"code": "courier", "address": {"city": "A", "street": "S"}}, "items": [3], "b": null})
        );
    }

    #[test]
    fn lists_changed_leaves_with_their_paths() {
        let old = object(
            json!({"status": "new", "summ": 1, "delivery": {"cost": 1, "code": "x"}, "gone": 1}),
        );
        let new = object(
            json!({"status": "assembling", "summ": 2, "delivery": {"cost": 2, "code": "x"}, "added": null}),
        );
        let changes = diff(&old, &new, &["summ"]);
        let paths: Vec<String> = changes.iter().map(|c| c.path.join(".")).collect();
        assert_eq!(paths, ["status", "delivery.cost", "gone"]);
        assert_eq!(changes[2].new, Value::Null);
    }
}
