//! PHP values ⇄ JSON values, with errors that name the offending field.
//!
//! PHP arrays become JSON lists when their keys are 0, 1, 2 … in order (as `json_encode`
//! decides) and JSON objects otherwise, keeping the key order. Objects, resources, invalid
//! UTF-8, non-finite floats and nesting deeper than [`MAX_DEPTH`] are refused.

use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use serde_json::{Map, Number, Value};

use crate::php::exceptions::{internal, validation};

/// How deep nested arrays may go (also stops recursive arrays built with references).
pub const MAX_DEPTH: usize = 64;

/// Converts a PHP value into JSON; `path` names it in error messages (such as `$order`).
pub fn to_json(value: &Zval, path: &str) -> PhpResult<Value> {
    convert(value.dereference(), path, 0)
}

/// Converts a PHP array argument into a JSON object or list; anything else is refused.
pub fn array_to_json(value: &Zval, path: &str) -> PhpResult<Value> {
    match value.dereference().array() {
        Some(array) => convert_array(array, path, 0),
        None => Err(validation(format!(
            "{path} must be an array, {} given",
            type_name(value)
        ))),
    }
}

fn convert(value: &Zval, path: &str, depth: usize) -> PhpResult<Value> {
    let value = value.dereference();
    match value.get_type() {
        DataType::Null | DataType::Undef => Ok(Value::Null),
        DataType::True => Ok(Value::Bool(true)),
        DataType::False => Ok(Value::Bool(false)),
        DataType::Long => Ok(value.long().map_or(Value::Null, Value::from)),
        DataType::Double => {
            let number = value.double().and_then(Number::from_f64);
            number
                .map(Value::Number)
                .ok_or_else(|| validation(format!("{path} is not a finite number")))
        }
        DataType::String => match value.str() {
            Some(text) => Ok(Value::String(text.to_string())),
            None => Err(validation(format!("{path} is not valid UTF-8"))),
        },
        DataType::Array => match value.array() {
            Some(array) => convert_array(array, path, depth),
            None => Err(validation(format!("{path} could not be read"))),
        },
        _ => Err(validation(format!(
            "{path} must be a string, number, boolean, null or array, {} given",
            type_name(value)
        ))),
    }
}

fn convert_array(array: &ZendHashTable, path: &str, depth: usize) -> PhpResult<Value> {
    if depth >= MAX_DEPTH {
        return Err(validation(format!(
            "{path} is nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let (entries, is_list) = entries(array, path)?;
    if is_list {
        let mut list = Vec::with_capacity(entries.len());
        for (key, item) in entries {
            list.push(convert(item, &format!("{path}[{key}]"), depth + 1)?);
        }
        return Ok(Value::Array(list));
    }
    let mut object = Map::with_capacity(entries.len());
    for (key, item) in entries {
        let value = convert(item, &format!("{path}[{key}]"), depth + 1)?;
        object.insert(key, value);
    }
    Ok(Value::Object(object))
}

/// A key of a PHP array as the engine holds it: an integer, or a string of any bytes.
pub struct Key(Zval);

impl Key {
    /// The integer key, `None` for a string key.
    pub fn index(&self) -> Option<i64> {
        self.0.long()
    }

    /// The string key when it is valid UTF-8 (`None` for integer keys and other bytes).
    pub fn text(&self) -> Option<&str> {
        self.0.str()
    }

    /// The key as text: an integer in decimal, a string with invalid UTF-8 replaced by U+FFFD.
    pub fn lossy(&self) -> String {
        match (self.index(), self.0.zend_str()) {
            (Some(index), _) => index.to_string(),
            (None, Some(name)) => String::from_utf8_lossy(name.as_bytes()).into_owned(),
            (None, None) => String::new(),
        }
    }
}

/// The entries of a PHP array in order. Unlike ext-php-rs's own iterators (which panic on
/// a string key that is not UTF-8), every key is handed over as the engine holds it.
pub fn keyed(array: &ZendHashTable) -> impl Iterator<Item = (Key, &Zval)> {
    let mut iter = array.iter();
    std::iter::from_fn(move || iter.next_zval().map(|(key, value)| (Key(key), value)))
}

/// The entries of a PHP array with their keys as text, and whether the keys are 0, 1, 2 …
/// in order (a list). A string key that is not UTF-8 is an error naming `path`.
pub fn entries<'a>(
    array: &'a ZendHashTable,
    path: &str,
) -> PhpResult<(Vec<(String, &'a Zval)>, bool)> {
    let mut entries = Vec::with_capacity(array.len());
    let mut is_list = true;
    for (key, item) in keyed(array) {
        let key = match (key.index(), key.text()) {
            (Some(index), _) => {
                is_list &= usize::try_from(index).is_ok_and(|i| i == entries.len());
                index.to_string()
            }
            (None, Some(name)) => {
                is_list = false;
                name.to_string()
            }
            (None, None) => {
                return Err(validation(format!(
                    "{path} has a key that is not valid UTF-8"
                )));
            }
        };
        entries.push((key, item));
    }
    Ok((entries, is_list))
}

/// Converts JSON into a PHP value: objects and lists become arrays (keys that are canonical
/// integers become integer keys, as PHP itself stores them).
pub fn to_zval(value: &Value) -> PhpResult<Zval> {
    build(value).map_err(|e| internal(format!("cannot make a PHP value: {e}")))
}

fn build(value: &Value) -> ext_php_rs::error::Result<Zval> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(flag) => zval.set_bool(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => zval.set_long(integer),
            None => zval.set_double(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => zval.set_string(text, false)?,
        Value::Array(items) => {
            let mut array =
                ZendHashTable::with_capacity(u32::try_from(items.len()).unwrap_or(u32::MAX));
            for item in items {
                array.push(build(item)?)?;
            }
            zval.set_hashtable(array);
        }
        Value::Object(fields) => {
            let mut array =
                ZendHashTable::with_capacity(u32::try_from(fields.len()).unwrap_or(u32::MAX));
            for (key, item) in fields {
                match canonical_integer(key) {
                    Some(index) => array.insert_at_index(index, build(item)?)?,
                    None => array.insert(key.as_str(), build(item)?)?,
                }
            }
            zval.set_hashtable(array);
        }
    }
    Ok(zval)
}

/// `Some(n)` when PHP would store the string key `key` as the integer key `n`.
fn canonical_integer(key: &str) -> Option<i64> {
    let number = key.parse::<i64>().ok()?;
    (number.to_string() == key).then_some(number)
}

/// PHP's name for a value's type, for error messages.
pub fn type_name(value: &Zval) -> &'static str {
    match value.dereference().get_type() {
        DataType::Null | DataType::Undef => "null",
        DataType::True | DataType::False | DataType::Bool => "bool",
        DataType::Long => "int",
        DataType::Double => "float",
        DataType::String => "string",
        DataType::Array => "array",
        DataType::Object(_) => "object",
        DataType::Resource => "resource",
        _ => "unsupported value",
    }
}
