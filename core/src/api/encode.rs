//! Request encoding exactly as PHP does it, so the CRM sees what the official PHP client sends.
//!
//! [`build_query`] reproduces PHP 8.2's `http_build_query($params)` (separator `&`,
//! `PHP_QUERY_RFC1738`) byte for byte for data as PHP holds it after `json_decode($json, true)`;
//! [`form_body`] builds RetailCRM's form-encoded POST bodies on top of it; [`path_segment`]
//! makes an id safe to put into a URL path.

use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// Significant digits PHP uses when `http_build_query` turns a float into a string: the
/// `precision` ini setting, 14 by default (not `serialize_precision`).
const PHP_PRECISION: i32 = 14;

/// The query string PHP's `http_build_query($params)` produces for the same data.
///
/// Nested keys become `a%5Bb%5D%5B0%5D=` (brackets percent-encoded, list items with explicit
/// indices), text is encoded like PHP's `urlencode` (space as `+`, every byte but
/// `A-Za-z0-9-_.` as upper-case `%XX`), `true`/`false` become `1`/`0`, nulls and empty
/// arrays or objects are left out and insertion order is kept. Integers print in decimal;
/// floats, and integers above `i64::MAX` (which PHP's `json_decode` turns into floats), print
/// as PHP prints a float with `precision=14`, e.g. `0.3`, `1`, `1.0E+20`, `1.5E-7`, `-0`.
pub fn build_query(params: &Map<String, Value>) -> String {
    let mut query = Query::default();
    for (key, value) in params {
        query.push_value(&urlencode(key), value);
    }
    query.text
}

/// A RetailCRM `application/x-www-form-urlencoded` POST body for `fields`.
///
/// Every top-level field whose value is an object or an array (an entity such as `order`, or
/// `orders` for an upload) is sent as one field holding that value's compact JSON, empty ones
/// included (`[]`, `{}`); scalars such as `site` and `by` are plain fields (strings as they
/// are, booleans as `1`/`0`, numbers as in [`build_query`], nulls left out). The whole body is
/// then encoded by the rules of [`build_query`].
///
/// The JSON is `serde_json`'s: plain UTF-8 with unescaped slashes, as PHP's
/// `json_encode($value, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)` writes it, except
/// that U+2028/U+2029 are not escaped, a float with an integral value keeps its `.0`
/// (`100.0`, `1000000000000000.0`, where PHP writes `100`) and large or small floats use
/// `1e20` rather than `1.0e+20`. The CRM decodes both spellings to the same data.
pub fn form_body(fields: &Map<String, Value>) -> String {
    let mut query = Query::default();
    for (key, value) in fields {
        let key = urlencode(key);
        match value {
            Value::Array(_) | Value::Object(_) => query.push_pair(&key, &value.to_string()),
            scalar => query.push_value(&key, scalar),
        }
    }
    query.text
}

/// `id` percent-encoded for use as one URL path segment: every byte except the unreserved
/// `A-Za-z0-9-_.~` becomes upper-case `%XX`, so `/`, space, `?`, `#`, `%` and the bytes of
/// non-ASCII characters cannot change the meaning of the path.
pub fn path_segment(id: &str) -> String {
    percent_encode(id, Style::Path)
}

/// Which bytes [`percent_encode`] leaves alone and how it writes a space.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// PHP's `urlencode`: `A-Za-z0-9-_.` kept, space as `+`.
    Form,
    /// RFC 3986 unreserved characters `A-Za-z0-9-_.~` kept, space as `%20`.
    Path,
}

/// `text` with every byte the `style` does not keep written as upper-case `%XX`.
fn percent_encode(text: &str, style: Style) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut encoded = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                encoded.push(char::from(byte))
            }
            b'~' if style == Style::Path => encoded.push('~'),
            b' ' if style == Style::Form => encoded.push('+'),
            _ => {
                encoded.push('%');
                encoded.push(char::from(HEX[usize::from(byte >> 4)]));
                encoded.push(char::from(HEX[usize::from(byte & 0x0F)]));
            }
        }
    }
    encoded
}

/// `text` encoded as PHP's `urlencode` does it (space as `+`, every byte but `A-Za-z0-9-_.`
/// as upper-case `%XX`).
pub fn urlencode(text: &str) -> String {
    percent_encode(text, Style::Form)
}

/// A query string under construction.
#[derive(Default)]
struct Query {
    /// The `key=value` pairs written so far, joined by `&`.
    text: String,
}

impl Query {
    /// Writes `value` under the already encoded `key`: arrays and objects recursively as
    /// `key%5Bindex%5D`, scalars as one pair, nulls not at all.
    fn push_value(&mut self, key: &str, value: &Value) {
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.push_value(&format!("{key}%5B{index}%5D"), item);
                }
            }
            Value::Object(entries) => {
                for (name, item) in entries {
                    self.push_value(&format!("{key}%5B{}%5D", urlencode(name)), item);
                }
            }
            Value::Null => {}
            Value::Bool(flag) => self.push_pair(key, if *flag { "1" } else { "0" }),
            Value::Number(number) => self.push_pair(key, &php_number(number)),
            Value::String(text) => self.push_pair(key, text),
        }
    }

    /// Writes one `key=value` pair; `key` is already encoded, `value` is encoded here.
    fn push_pair(&mut self, key: &str, value: &str) {
        if !self.text.is_empty() {
            self.text.push('&');
        }
        self.text.push_str(key);
        self.text.push('=');
        self.text.push_str(&urlencode(value));
    }
}

/// A JSON number as PHP prints it after `json_decode`: integers that fit PHP's 64-bit int in
/// decimal, everything else as a float (see [`php_float`]).
fn php_number(number: &Number) -> Cow<'static, str> {
    match (number.as_i64(), number.as_f64()) {
        (Some(integer), _) => Cow::Owned(integer.to_string()),
        (None, Some(float)) => php_float(float),
        (None, None) => Cow::Owned(number.to_string()),
    }
}

/// `value` as PHP 8.2 converts a float to a string with `precision=14` (`zend_gcvt` with
/// `%.14G` rules): at most 14 significant digits, correctly rounded (ties to even), no
/// trailing zeros; exponent form `d.dddE+x` (at least one fraction digit) when the decimal
/// exponent is below -4 or 14 and above; `-0` for negative zero.
fn php_float(value: f64) -> Cow<'static, str> {
    if value.is_nan() {
        return Cow::Borrowed("NAN");
    }
    if value.is_infinite() {
        return Cow::Borrowed(if value > 0.0 { "INF" } else { "-INF" });
    }
    let (digits, point) = significant_digits(value.abs());
    let sign = if value.is_sign_negative() { "-" } else { "" };
    Cow::Owned(format!("{sign}{}", place_point(&digits, point)))
}

/// The significant digits of a finite, non-negative `value` rounded to [`PHP_PRECISION`]
/// digits without trailing zeros (`"0"` for zero), and the position of the decimal point
/// relative to them: `value = 0.DIGITS × 10^point`.
fn significant_digits(value: f64) -> (String, i32) {
    let scientific = format!("{:.*e}", (PHP_PRECISION - 1) as usize, value);
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("Rust's `{:e}` formatting always writes an exponent");
    let exponent: i32 = exponent
        .parse()
        .expect("Rust's `{:e}` exponent is a decimal integer");
    let digits = mantissa.replace('.', "");
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (digits.to_string(), exponent + 1)
}

/// Lays out `0.DIGITS × 10^point` as `zend_gcvt` does: plain decimals for
/// `-3 <= point <= 14`, exponent form otherwise.
fn place_point(digits: &str, point: i32) -> String {
    if !(-3..=PHP_PRECISION).contains(&point) {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        let exponent = point - 1;
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{first}.{rest}E{exponent_sign}{}", exponent.unsigned_abs());
    }
    match usize::try_from(point) {
        Ok(integer_len) if integer_len > 0 => {
            if digits.len() <= integer_len {
                format!("{digits:0<integer_len$}")
            } else {
                let (integer, fraction) = digits.split_at(integer_len);
                format!("{integer}.{fraction}")
            }
        }
        _ => format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The map inside a JSON object literal.
    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test data must be an object, got {other}"),
        }
    }

    /// `build_query` of a JSON object literal.
    fn query(params: Value) -> String {
        build_query(&object(params))
    }

    /// `form_body` of a JSON object literal.
    fn body(fields: Value) -> String {
        form_body(&object(fields))
    }

    #[test]
    fn nested_keys_have_encoded_brackets_and_list_indices() {
        let params = json!({"filter": {"ids": [1, 2], "customer": {"name": "x"}}, "page": 2});
        let expected = "filter%5Bids%5D%5B0%5D=1&filter%5Bids%5D%5B1%5D=2\
                        &filter%5Bcustomer%5D%5Bname%5D=x&page=2";
        assert_eq!(query(params), expected);
    }

    #[test]
    fn keys_and_values_are_urlencoded_with_space_as_plus() {
        assert_eq!(query(json!({"a b": "c d"})), "a+b=c+d");
        assert_eq!(
            query(json!({"k": "&=+%#[]/?~*'"})),
            "k=%26%3D%2B%25%23%5B%5D%2F%3F%7E%2A%27"
        );
        assert_eq!(query(json!({"k": "Az09-_."})), "k=Az09-_.");
        assert_eq!(query(json!({"k": "ё\u{1}\n"})), "k=%D1%91%01%0A");
        assert_eq!(query(json!({"f": {"a&b": 1}})), "f%5Ba%26b%5D=1");
    }

    #[test]
    fn empty_keys_and_values_are_kept() {
        assert_eq!(query(json!({"": "", "a": {"": "x"}})), "=&a%5B%5D=x");
    }

    #[test]
    fn booleans_are_one_and_zero() {
        assert_eq!(query(json!({"t": true, "f": false})), "t=1&f=0");
    }

    #[test]
    fn nulls_and_empty_containers_are_left_out() {
        let params = json!({"a": null, "b": [], "c": {}, "d": [null, [], 1], "e": {"x": {}}});
        assert_eq!(query(params), "d%5B2%5D=1");
        assert_eq!(query(json!({})), "");
    }

    #[test]
    fn insertion_order_is_kept() {
        assert_eq!(
            query(json!({"z": 1, "a": 2, "m": {"y": 3, "b": 4}})),
            "z=1&a=2&m%5By%5D=3&m%5Bb%5D=4"
        );
    }

    #[test]
    fn integers_are_decimal_and_beyond_i64_are_floats() {
        assert_eq!(
            query(json!({"a": -42, "b": i64::MAX, "c": i64::MIN})),
            "a=-42&b=9223372036854775807&c=-9223372036854775808"
        );
        assert_eq!(query(json!({"u": u64::MAX})), "u=1.844674407371E%2B19");
    }

    #[test]
    fn floats_are_printed_like_php_with_precision_14() {
        let cases: &[(f64, &str)] = &[
            (0.1 + 0.2, "0.3"),
            (1.0, "1"),
            (100.0, "100"),
            (-0.0, "-0"),
            (0.0, "0"),
            (0.5, "0.5"),
            (-2.25, "-2.25"),
            (1e20, "1.0E+20"),
            (1.5e-7, "1.5E-7"),
            (1e-7, "1.0E-7"),
            (0.0001, "0.0001"),
            (0.00001, "1.0E-5"),
            (1e13, "10000000000000"),
            (1e14, "1.0E+14"),
            (99_999_999_999_999.99, "1.0E+14"),
            (123_456_789_012_345.0, "1.2345678901234E+14"),
            (12_345_678_901_234.5, "12345678901234"),
            (12_345_678_901_233.5, "12345678901234"),
            (1.0 / 3.0, "0.33333333333333"),
            (1e100, "1.0E+100"),
            (5e-324, "4.9406564584125E-324"),
            (f64::MAX, "1.7976931348623E+308"),
            (-1e-300, "-1.0E-300"),
            (f64::NAN, "NAN"),
            (f64::INFINITY, "INF"),
            (f64::NEG_INFINITY, "-INF"),
        ];
        for &(value, expected) in cases {
            assert_eq!(php_float(value), expected, "{value:e}");
        }
    }

    #[test]
    fn float_text_is_urlencoded() {
        assert_eq!(
            query(json!({"a": 1e20, "b": 1.5e-7, "c": 2.0})),
            "a=1.0E%2B20&b=1.5E-7&c=2"
        );
    }

    #[test]
    fn form_body_sends_entities_as_json_and_scalars_plain() {
        let fields = json!({
            "order": {"externalId": "1/2", "items": [{"quantity": 1.5}], "email": "a+b@x.ru"},
            "site": "my shop",
            "paid": true,
            "page": 3,
            "skip": null,
        });
        let json = r#"{"externalId":"1/2","items":[{"quantity":1.5}],"email":"a+b@x.ru"}"#;
        assert_eq!(
            body(fields),
            format!("order={}&site=my+shop&paid=1&page=3", urlencode(json))
        );
    }

    #[test]
    fn form_body_keeps_unicode_and_slashes_unescaped_in_json() {
        assert_eq!(
            body(json!({"c": {"n": "Ё/"}})),
            "c=%7B%22n%22%3A%22%D0%81%2F%22%7D"
        );
    }

    #[test]
    fn form_body_sends_empty_entities() {
        assert_eq!(
            body(json!({"orders": [], "customer": {}})),
            "orders=%5B%5D&customer=%7B%7D"
        );
    }

    #[test]
    fn path_segment_encodes_all_but_unreserved() {
        assert_eq!(path_segment("Az09-_.~"), "Az09-_.~");
        assert_eq!(path_segment("a b/c?d#e%f+"), "a%20b%2Fc%3Fd%23e%25f%2B");
        assert_eq!(path_segment("зак😀"), "%D0%B7%D0%B0%D0%BA%F0%9F%98%80");
        assert_eq!(path_segment(""), "");
    }
}
