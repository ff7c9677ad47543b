//! Serde helpers for the shapes RetailCRM, a PHP application, really sends.
//!
//! PHP's `json_encode` writes an empty associative array as `[]`, collections keyed by id or
//! code as objects, and numbers the way they happened to be stored (int, float or numeric
//! string). Use these with `#[serde(deserialize_with = "…")]` on fields of a struct marked
//! `#[serde(default)]`, so that a missing field takes its default.

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::marker::PhantomData;

/// A collection sent as a list or as an object keyed by id or code (`payments`, item
/// `properties`, reference books); `null` and `[]` are empty. Keys are dropped: every element
/// carries its own id or code. Elements keep the order they were sent in.
pub fn map_or_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_any(MapOrList(PhantomData))
}

/// An object as `Some`, with `[]` (PHP's empty array) and `null` as `None`.
pub fn object_or_empty_list<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_any(ObjectOrEmptyList(PhantomData))
}

/// A map such as `customFields`, where `[]` and `null` mean an empty map.
pub fn empty_list_as_map<'de, D>(deserializer: D) -> Result<Map<String, Value>, D::Error>
where
    D: Deserializer<'de>,
{
    object_or_empty_list(deserializer).map(Option::unwrap_or_default)
}

/// An optional number sent as an int, a float or a numeric string; `null` and `""` are
/// `None`. A float or numeric string becomes an integer only when it has no fraction.
pub fn opt_number<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Numeric,
{
    deserializer.deserialize_any(LenientNumber(PhantomData))
}

/// Like [`opt_number`], with a missing or empty number as zero.
pub fn number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Numeric + Default,
{
    opt_number(deserializer).map(Option::unwrap_or_default)
}

/// An optional text that may arrive as a number (an external id, a postcode, a VAT rate):
/// numbers become their decimal text; `null` is `None`.
pub fn opt_text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_any(LenientText)
}

/// Number types [`opt_number`] and [`number`] produce.
pub trait Numeric: Sized {
    /// `value` as `Self`, if it fits exactly.
    fn from_i64(value: i64) -> Option<Self>;
    /// `value` as `Self`, if it fits exactly.
    fn from_u64(value: u64) -> Option<Self>;
    /// `value` as `Self`, if it is finite and fits exactly.
    fn from_f64(value: f64) -> Option<Self>;
    /// `text` (already trimmed, not empty) parsed as `Self`.
    fn parse(text: &str) -> Option<Self>;
}

impl Numeric for f64 {
    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }

    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }

    fn from_f64(value: f64) -> Option<Self> {
        value.is_finite().then_some(value)
    }

    fn parse(text: &str) -> Option<Self> {
        text.parse().ok().and_then(Self::from_f64)
    }
}

impl Numeric for i64 {
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }

    fn from_u64(value: u64) -> Option<Self> {
        Self::try_from(value).ok()
    }

    fn from_f64(value: f64) -> Option<Self> {
        // `as i128` saturates far outside the i64 range, so `try_from` still rejects those.
        (value.fract() == 0.0)
            .then(|| Self::try_from(value as i128).ok())
            .flatten()
    }

    fn parse(text: &str) -> Option<Self> {
        text.parse()
            .ok()
            .or_else(|| text.parse().ok().and_then(Self::from_f64))
    }
}

/// The visitor behind [`map_or_list`].
struct MapOrList<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for MapOrList<T> {
    type Value = Vec<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list or an object keyed by id or code")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some((IgnoredAny, item)) = map.next_entry()? {
            items.push(item);
        }
        Ok(items)
    }

    fn visit_unit<E: Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }
}

/// The visitor behind [`object_or_empty_list`].
struct ObjectOrEmptyList<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOrEmptyList<T> {
    type Value = Option<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object, an empty list or null")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        match seq.next_element::<IgnoredAny>()? {
            None => Ok(None),
            Some(IgnoredAny) => Err(A::Error::invalid_type(Unexpected::Seq, &self)),
        }
    }

    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// The visitor behind [`opt_number`].
struct LenientNumber<T>(PhantomData<T>);

impl<T: Numeric> LenientNumber<T> {
    /// `converted`, or an "invalid value" error naming `unexpected`.
    fn accept<E: Error>(
        &self,
        converted: Option<T>,
        unexpected: Unexpected,
    ) -> Result<Option<T>, E> {
        converted
            .map(Some)
            .ok_or_else(|| E::invalid_value(unexpected, self))
    }
}

impl<T: Numeric> Visitor<'_> for LenientNumber<T> {
    type Value = Option<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a number, a numeric string or null")
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Option<T>, E> {
        self.accept(T::from_i64(value), Unexpected::Signed(value))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Option<T>, E> {
        self.accept(T::from_u64(value), Unexpected::Unsigned(value))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Option<T>, E> {
        self.accept(T::from_f64(value), Unexpected::Float(value))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Option<T>, E> {
        match value.trim() {
            "" => Ok(None),
            text => self.accept(T::parse(text), Unexpected::Str(value)),
        }
    }

    fn visit_unit<E: Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// The visitor behind [`opt_text`].
struct LenientText;

impl Visitor<'_> for LenientText {
    type Value = Option<String>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string, a number or null")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Option<String>, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Option<String>, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Option<String>, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Option<String>, E> {
        Ok(Some(value.to_string()))
    }

    fn visit_unit<E: Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A struct using every helper, the way the models do.
    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Probe {
        #[serde(deserialize_with = "map_or_list")]
        list: Vec<i64>,
        #[serde(deserialize_with = "object_or_empty_list")]
        object: Option<Map<String, Value>>,
        #[serde(deserialize_with = "empty_list_as_map")]
        map: Map<String, Value>,
        #[serde(deserialize_with = "opt_number")]
        float: Option<f64>,
        #[serde(deserialize_with = "opt_number")]
        int: Option<i64>,
        #[serde(deserialize_with = "number")]
        count: i64,
        #[serde(deserialize_with = "opt_text")]
        text: Option<String>,
    }

    fn probe(json: Value) -> Probe {
        serde_json::from_value(json).unwrap_or_else(|err| panic!("{err}"))
    }

    fn probe_error(json: Value) -> String {
        serde_json::from_value::<Probe>(json)
            .map(|probe| format!("{probe:?}"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn missing_fields_take_defaults() {
        assert_eq!(probe(json!({})), Probe::default());
    }

    #[test]
    fn map_or_list_accepts_lists_objects_and_empties() {
        assert_eq!(probe(json!({"list": [3, 1]})).list, [3, 1]);
        assert_eq!(probe(json!({"list": {"7": 3, "2": 1}})).list, [3, 1]);
        assert!(probe(json!({"list": []})).list.is_empty());
        assert!(probe(json!({"list": {}})).list.is_empty());
        assert!(probe(json!({"list": null})).list.is_empty());
        assert!(
            probe_error(json!({"list": "x"})).contains("a list or an object keyed by id or code")
        );
    }

    #[test]
    fn object_or_empty_list_treats_empty_array_as_none() {
        assert_eq!(
            probe(json!({"object": {"a": 1}})).object.map(Value::Object),
            Some(json!({"a": 1}))
        );
        assert_eq!(probe(json!({"object": []})).object, None);
        assert_eq!(probe(json!({"object": null})).object, None);
        assert!(probe_error(json!({"object": [1]})).contains("an object, an empty list or null"));
    }

    #[test]
    fn empty_list_as_map_keeps_order() {
        let keys: Vec<String> = probe(json!({"map": {"z": 1, "a": [], "m": null}}))
            .map
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert!(probe(json!({"map": []})).map.is_empty());
        assert!(probe(json!({"map": null})).map.is_empty());
    }

    #[test]
    fn numbers_come_as_ints_floats_or_numeric_strings() {
        let cases = [
            json!(2),
            json!(2.0),
            json!("2"),
            json!(" 2.0 "),
            json!("2e0"),
        ];
        for case in cases {
            let parsed = probe(json!({"float": case, "int": case, "count": case}));
            assert_eq!(
                (parsed.float, parsed.int, parsed.count),
                (Some(2.0), Some(2), 2),
                "{case}"
            );
        }
        assert_eq!(probe(json!({"float": "1499.50"})).float, Some(1499.5));
        assert_eq!(
            probe(json!({"int": "9007199254740993"})).int,
            Some(9_007_199_254_740_993)
        );
        assert_eq!(
            probe(json!({"float": u64::MAX})).float,
            Some(u64::MAX as f64)
        );
    }

    #[test]
    fn empty_numbers_are_none_or_zero() {
        let parsed = probe(json!({"float": null, "int": "", "count": null}));
        assert_eq!((parsed.float, parsed.int, parsed.count), (None, None, 0));
        assert_eq!(probe(json!({"count": " "})).count, 0);
    }

    #[test]
    fn numbers_that_do_not_fit_are_errors() {
        assert!(probe_error(json!({"int": 1.5})).contains("invalid value: floating point `1.5`"));
        assert!(
            probe_error(json!({"int": u64::MAX}))
                .contains("invalid value: integer `18446744073709551615`")
        );
        assert!(probe_error(json!({"int": 1e19})).contains("invalid value"));
        assert!(probe_error(json!({"float": "abc"})).contains("invalid value: string \"abc\""));
        assert!(probe_error(json!({"float": "NaN"})).contains("invalid value"));
        assert!(probe_error(json!({"float": true})).contains("a number, a numeric string or null"));
    }

    #[test]
    fn text_may_come_as_a_number() {
        assert_eq!(probe(json!({"text": "A-1"})).text.as_deref(), Some("A-1"));
        assert_eq!(probe(json!({"text": 17})).text.as_deref(), Some("17"));
        assert_eq!(probe(json!({"text": -3})).text.as_deref(), Some("-3"));
        assert_eq!(probe(json!({"text": 20.5})).text.as_deref(), Some("20.5"));
        assert_eq!(probe(json!({"text": null})).text, None);
        assert!(probe_error(json!({"text": [1]})).contains("a string, a number or null"));
    }
}
