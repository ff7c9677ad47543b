//! Reading method arguments and option arrays, with errors that name the argument.

use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::Value;

use crate::php::convert::{array_to_json, type_name};
use crate::php::exceptions::validation;

/// A required string argument (ints are accepted and written in decimal, as PHP would).
pub fn string(value: &Zval, name: &str) -> PhpResult<String> {
    let value = value.dereference();
    match value.get_type() {
        DataType::String => value
            .str()
            .map(str::to_string)
            .ok_or_else(|| validation(format!("{name} is not valid UTF-8"))),
        DataType::Long => Ok(value.long().unwrap_or_default().to_string()),
        _ => Err(validation(format!(
            "{name} must be a string, {} given",
            type_name(value)
        ))),
    }
}

/// An optional string argument: absent or null gives `None`.
pub fn optional_string(value: Option<&Zval>, name: &str) -> PhpResult<Option<String>> {
    match value {
        Some(value) if !value.dereference().is_null() => string(value, name).map(Some),
        _ => Ok(None),
    }
}

/// An optional integer argument within `range`, `default` when absent or null.
pub fn integer(
    value: Option<&Zval>,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> PhpResult<i64> {
    let number = match value.map(Zval::dereference) {
        None => default,
        Some(value) if value.is_null() => default,
        Some(value) => value.long().ok_or_else(|| {
            validation(format!("{name} must be an int, {} given", type_name(value)))
        })?,
    };
    if range.contains(&number) {
        Ok(number)
    } else {
        Err(validation(format!(
            "{name} must be between {} and {}, {number} given",
            range.start(),
            range.end()
        )))
    }
}

/// A required array argument as JSON.
pub fn array(value: &Zval, name: &str) -> PhpResult<Value> {
    array_to_json(value, name)
}

/// An optional array argument as a JSON object (an empty list counts as an empty object).
pub fn optional_map(value: Option<&Zval>, name: &str) -> PhpResult<serde_json::Map<String, Value>> {
    match value {
        Some(value) if !value.dereference().is_null() => match array(value, name)? {
            Value::Object(map) => Ok(map),
            Value::Array(list) if list.is_empty() => Ok(serde_json::Map::new()),
            Value::Array(_) => Err(validation(format!(
                "{name} must be an array with string keys"
            ))),
            _ => Err(validation(format!("{name} must be an array"))),
        },
        _ => Ok(serde_json::Map::new()),
    }
}

/// A required array argument that must be a list (keys 0, 1, 2 …).
pub fn list(value: &Zval, name: &str) -> PhpResult<Vec<Value>> {
    match array(value, name)? {
        Value::Array(items) => Ok(items),
        Value::Object(map) if map.is_empty() => Ok(Vec::new()),
        _ => Err(validation(format!(
            "{name} must be a list (keys 0, 1, 2 …)"
        ))),
    }
}

/// An optional list argument; absent or null gives an empty list.
pub fn optional_list(value: Option<&Zval>, name: &str) -> PhpResult<Vec<Value>> {
    match value {
        Some(value) if !value.dereference().is_null() => list(value, name),
        _ => Ok(Vec::new()),
    }
}
