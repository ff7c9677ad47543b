//! Reading fields of MODX arrays that may be typed (`toArray()`) or raw database strings,
//! and writing the numbers and texts RetailCRM expects.

use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

use super::error::MappingError;

/// The field as trimmed text with whitespace runs collapsed; numbers are printed; absent,
/// null, empty and non-scalar values are `None`.
pub fn text(row: &Value, key: &str) -> Option<String> {
    let raw = match row.get(key)? {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let line = one_line(&raw);
    (!line.is_empty()).then_some(line)
}

/// The field as text that keeps its line breaks (a comment, an address note): each line
/// trimmed with its whitespace runs collapsed, `\r\n` and `\r` read as `\n`, blank lines
/// at the start and end dropped and runs of blank lines kept as one; numbers are printed;
/// absent, null, blank and non-scalar values are `None`.
pub fn multiline(row: &Value, key: &str) -> Option<String> {
    let raw = match row.get(key)? {
        Value::String(text) => text.replace("\r\n", "\n").replace('\r', "\n"),
        Value::Number(number) => number.to_string(),
        _ => return None,
    };
    let mut lines: Vec<String> = Vec::new();
    for line in raw.split('\n').map(one_line) {
        let after_blank = lines.last().is_none_or(String::is_empty);
        if !(line.is_empty() && after_blank) {
            lines.push(line);
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// `text` with whitespace runs (newlines included) collapsed to one space and trimmed.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A number given as a JSON number or numeric text; absent, null and blank text are `None`.
/// `path` names the field in the error for anything else.
pub fn number(row: &Value, key: &str, path: &str) -> Result<Option<f64>, MappingError> {
    let parsed = match row.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(number)) => number.as_f64(),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match parsed {
        Some(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(MappingError::invalid(path, "not a number")),
    }
}

/// A required number (see [`number`]).
pub fn required_number(row: &Value, key: &str, path: &str) -> Result<f64, MappingError> {
    number(row, key, path)?.ok_or_else(|| MappingError::missing(path))
}

/// An integer id given as a number or as text (`1`, `"1"`, `"1.0"`); anything else is `None`.
pub fn id(value: &Value) -> Option<i64> {
    let number = match value {
        Value::Number(number) => number.as_f64()?,
        Value::String(text) => text.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (number.fract() == 0.0 && number.abs() < 9.0e15).then_some(number as i64)
}

/// The id in field `key` as text (`4` → `"4"`); `None` when absent or not an integer.
pub fn id_text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(id).map(|id| id.to_string())
}

/// The largest amount of money (order cost, price, delivery cost, discount, in currency
/// units) that is mapped: far beyond any real order, and small enough that every sum of
/// amounts in cents stays an exact integer. A larger one is refused, never capped.
pub const MAX_AMOUNT: f64 = 1e12;

/// [`MAX_AMOUNT`] in cents.
pub const MAX_CENTS: i64 = MAX_AMOUNT as i64 * 100;

/// The largest quantity of one product in an order.
pub const MAX_COUNT: f64 = 1e9;

/// The largest order weight, in grams (a million tonnes).
pub const MAX_WEIGHT: f64 = 1e12;

/// An amount of money in whole cents (rounded half away from zero) from field `key`: absent,
/// null and blank text are `None`; a negative amount or one above [`MAX_AMOUNT`] is an error
/// naming `path`.
pub fn amount(row: &Value, key: &str, path: &str) -> Result<Option<i64>, MappingError> {
    match number(row, key, path)? {
        Some(value) => Ok(Some(cents(within(value, MAX_AMOUNT, path)?))),
        None => Ok(None),
    }
}

/// A required amount (see [`amount`]).
pub fn required_amount(row: &Value, key: &str, path: &str) -> Result<i64, MappingError> {
    amount(row, key, path)?.ok_or_else(|| MappingError::missing(path))
}

/// `value` when it is from 0 to `max`, else an error naming `path`.
pub fn within(value: f64, max: f64, path: &str) -> Result<f64, MappingError> {
    if (0.0..=max).contains(&value) {
        Ok(value)
    } else {
        Err(MappingError::invalid(
            path,
            format!("must be from 0 to {max}, {} given", shown(value)),
        ))
    }
}

/// A number for a message: as written when short, in scientific notation when huge.
fn shown(value: f64) -> String {
    if value.abs() < 1e15 {
        value.to_string()
    } else {
        format!("{value:e}")
    }
}

/// An amount of money in whole cents (rounded half away from zero).
fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

/// Cents as a JSON number: an integer when whole (`2600`), else a decimal (`2967.18`).
pub fn money(cents: i64) -> Value {
    if cents % 100 == 0 {
        Value::from(cents / 100)
    } else {
        Value::from(cents as f64 / 100.0)
    }
}

/// A quantity or weight as a JSON number, rounded to 3 places, an integer when whole.
pub fn quantity(value: f64) -> Value {
    let rounded = (value * 1000.0).round() / 1000.0;
    if rounded.fract() == 0.0 && rounded.abs() < 9.0e15 {
        Value::from(rounded as i64)
    } else {
        Value::from(rounded)
    }
}

/// A MODX date as RetailCRM's `Y-m-d H:i:s`: text is kept as it is, a positive unix
/// timestamp (number or digits, as raw `modx_users.createdon` holds) is formatted in UTC;
/// zero, blank and unreadable values are `None`.
pub fn datetime(row: &Value, key: &str) -> Option<String> {
    let stamp = match row.get(key)? {
        Value::Number(number) => number.as_i64()?,
        Value::String(text) if text.trim().chars().all(|c| c.is_ascii_digit()) => {
            text.trim().parse().ok()?
        }
        Value::String(text) => return Some(text.trim().to_owned()),
        _ => return None,
    };
    if stamp <= 0 {
        return None;
    }
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    OffsetDateTime::from_unix_timestamp(stamp)
        .ok()?
        .format(&format)
        .ok()
}
