//! A product as the database reader hands it to the mapping: its row, the rows the reader
//! adds to it (options, categories, pictures, msOptionsPrice2 modifications) shaped as the PHP
//! reader shapes them, and the conversions of the rows' values.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use mysql::{Row, Value};

use crate::icml::{Field, Record};

/// The column names of a query's rows, shared by its rows.
pub(super) type Columns = Arc<[String]>;

/// One product row with what the reader adds to it, as the PHP reader shapes it.
pub(super) struct Product {
    pub(super) columns: Columns,
    pub(super) values: Vec<Value>,
    pub(super) options: BTreeMap<String, Vec<String>>,
    /// `categoryId` (its `parent` first) once the product is a member of an exported
    /// category; `parent` is then left out.
    pub(super) categories: Option<Vec<i64>>,
    /// `image` as a list, once the gallery has a picture: the main image first.
    pub(super) pictures: Option<Vec<String>>,
    pub(super) modifications: Vec<Modification>,
    pub(super) uri: String,
}

/// One msOptionsPrice2 modification row with its options.
pub(super) struct Modification {
    pub(super) columns: Columns,
    pub(super) values: Vec<Value>,
    pub(super) options: Vec<(String, Value)>,
}

impl Record for Product {
    fn field(&self, name: &str) -> Option<Field<'_>> {
        match (name, &self.categories, &self.pictures) {
            ("uri", ..) => Some(Field::Str(Cow::Borrowed(&self.uri))),
            ("options", ..) if !self.options.is_empty() => Some(Field::Map(
                self.options
                    .iter()
                    .map(|(key, values)| (Cow::Borrowed(key.as_str()), option_field(values)))
                    .collect(),
            )),
            ("categoryId", Some(categories), _) => Some(Field::List(
                categories.iter().copied().map(Field::Int).collect(),
            )),
            ("parent", Some(_), _) => None,
            ("image", _, Some(pictures)) => Some(Field::List(
                pictures
                    .iter()
                    .map(|picture| Field::Str(Cow::Borrowed(picture)))
                    .collect(),
            )),
            ("modifications", ..) if !self.modifications.is_empty() => Some(Field::List(
                self.modifications
                    .iter()
                    .map(Modification::as_map)
                    .collect(),
            )),
            _ => column(&self.columns, &self.values, name),
        }
    }
}

impl Modification {
    /// The modification as the PHP reader hands it: its columns and `options`.
    fn as_map(&self) -> Field<'_> {
        let mut fields: Vec<(Cow<'_, str>, Field<'_>)> = self
            .columns
            .iter()
            .zip(&self.values)
            .map(|(name, value)| (Cow::Borrowed(name.as_str()), value_field(value)))
            .collect();
        let options = self
            .options
            .iter()
            .map(|(key, value)| (Cow::Borrowed(key.as_str()), value_field(value)))
            .collect();
        fields.push((Cow::Borrowed("options"), Field::Map(options)));
        Field::Map(fields)
    }
}

/// An option's value: the value, or the list when the key has several.
fn option_field(values: &[String]) -> Field<'_> {
    match values {
        [one] => Field::Str(Cow::Borrowed(one)),
        many => Field::List(
            many.iter()
                .map(|value| Field::Str(Cow::Borrowed(value)))
                .collect(),
        ),
    }
}

/// The column `name` of a row (the last of that name, as PHP's associative fetch keeps it).
pub(super) fn column<'a>(columns: &Columns, values: &'a [Value], name: &str) -> Option<Field<'a>> {
    let index = columns.iter().rposition(|column| column == name)?;
    values.get(index).map(value_field)
}

/// A value as the mapping reads it.
fn value_field(value: &Value) -> Field<'_> {
    match value {
        Value::NULL => Field::Null,
        Value::Bytes(bytes) => std::str::from_utf8(bytes)
            .map_or(Field::NotUtf8, |text| Field::Str(Cow::Borrowed(text))),
        Value::Int(number) => Field::Int(*number),
        Value::UInt(number) => {
            i64::try_from(*number).map_or(Field::Other("a too large integer"), Field::Int)
        }
        Value::Float(number) => Field::Float(f64::from(*number)),
        Value::Double(number) => Field::Float(*number),
        Value::Date(..) | Value::Time(..) => Field::Other("a date"),
    }
}

/// An integer column (0 when it is none).
pub(super) fn int(value: &Value) -> i64 {
    match value {
        Value::Int(number) => *number,
        Value::UInt(number) => i64::try_from(*number).unwrap_or(i64::MAX),
        Value::Bytes(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(0),
        _ => 0,
    }
}

/// A text column (`None` for NULL).
pub(super) fn text(value: &Value) -> Option<String> {
    into_text(value.clone())
}

/// A text column taken from its row (`None` for NULL): a valid UTF-8 value keeps its bytes.
pub(super) fn into_text(value: Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(
            String::from_utf8(bytes)
                .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()),
        ),
        other => Some(int(&other).to_string()),
    }
}

/// The value at `index` of a row (NULL past its end).
pub(super) fn at(values: &[Value], index: usize) -> &Value {
    values.get(index).unwrap_or(&Value::NULL)
}

/// The column names of a row.
pub(super) fn columns(row: &Row) -> Columns {
    row.columns_ref()
        .iter()
        .map(|column| column.name_str().into_owned())
        .collect()
}
