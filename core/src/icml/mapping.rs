//! From a shop's own arrays to [`Offer`]s and [`Category`]s.
//!
//! A [`Record`] is one product (or category) as the shop has it: a miniShop2 `toArray()`
//! (`pagetitle`, `parent`, `uri`, `image`, `remains` …), an array already in ICML names
//! (`name`, `categoryId`, `picture` …), or a mix. For every ICML field the [`Mapping`] reads
//! the record's field the mapping names (miniShop2's by default, see [`Mapping::default`]);
//! when the record lacks it (absent, null, empty), the field of the ICML name itself. So a
//! miniShop2 array works unchanged, an ICML-shaped array works unchanged, and a caller can
//! add ICML fields (`productId`, `url` …) to a miniShop2 array.
//!
//! Values: ids and texts may be strings or numbers; numbers may be ints, floats or numeric
//! strings (see [`Decimal`]); lists (`categoryId`, `picture`, `barcode`, multi-valued params
//! such as miniShop2's `color`) may be arrays, a single value, or a JSON list in a string (as
//! miniShop2 stores them in the database). The offer borrows the record's strings.

use std::borrow::Cow;
use std::collections::HashMap;

use bumpalo::Bump;
use bumpalo::collections::String as ArenaString;
use serde_json::{Map, Value};

use crate::icml::decimal::Decimal;
use crate::icml::error::Error;
use crate::icml::model::{Category, Dimensions, Offer, Param, Shop, Unit, VatRate};

mod absolute;
mod modification_price;
mod modifications;

use absolute::Base;
pub use modifications::modification_offer_id;

/// A value read from a [`Record`], borrowed where the source allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    /// Null (a missing value).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// A list (keys 0, 1, 2 …).
    List(Vec<Field<'a>>),
    /// An array with keys, in order.
    Map(Vec<(Cow<'a, str>, Field<'a>)>),
    /// A string whose bytes are not valid UTF-8.
    NotUtf8,
    /// A value the mapping cannot use, described (`object`, `resource` …).
    Other(&'static str),
}

/// One product or category: its fields by name.
pub trait Record {
    /// The field `name`, `None` when the record has no such field.
    fn field(&self, name: &str) -> Option<Field<'_>>;

    /// [`field`](Self::field) for the name a [`Mapping`] reads as its lookup key number
    /// `slot` ([`Mapping::keys`]`()[slot]`), so that a record can prepare each key once (a
    /// PHP array, its hash).
    fn field_at(&self, slot: usize, name: &str) -> Option<Field<'_>> {
        let _ = slot;
        self.field(name)
    }
}

impl Record for Map<String, Value> {
    fn field(&self, name: &str) -> Option<Field<'_>> {
        self.get(name).map(Field::from)
    }
}

impl<'a> From<&'a Value> for Field<'a> {
    fn from(value: &'a Value) -> Field<'a> {
        match value {
            Value::Null => Field::Null,
            Value::Bool(flag) => Field::Bool(*flag),
            Value::Number(number) => number_field(number),
            Value::String(text) => Field::Str(Cow::Borrowed(text)),
            Value::Array(items) => Field::List(items.iter().map(Field::from).collect()),
            Value::Object(fields) => Field::Map(
                fields
                    .iter()
                    .map(|(key, value)| (Cow::Borrowed(key.as_str()), Field::from(value)))
                    .collect(),
            ),
        }
    }
}

impl Field<'_> {
    /// Whether the field holds something: not null, not a blank string, not an empty array.
    fn is_present(&self) -> bool {
        match self {
            Field::Null => false,
            // Most texts start with a visible ASCII character: no need to trim them.
            Field::Str(text) => {
                text.as_bytes().first().is_some_and(u8::is_ascii_graphic) || !text.trim().is_empty()
            }
            Field::List(items) => !items.is_empty(),
            Field::Map(entries) => !entries.is_empty(),
            _ => true,
        }
    }
}

impl<'a> Field<'a> {
    /// Takes the entry `key` out of a [`Field::Map`] when it is present.
    fn take(&mut self, key: &str) -> Option<Field<'a>> {
        let Field::Map(entries) = self else {
            return None;
        };
        let value = entries.iter_mut().find(|(name, _)| name == key)?;
        Some(std::mem::replace(&mut value.1, Field::Null)).filter(Field::is_present)
    }
}

/// The ICML offer fields a mapping can fill, in the order of [`TARGETS`].
#[derive(Debug, Clone, Copy)]
enum Target {
    Id,
    ProductId,
    Quantity,
    Url,
    Price,
    PurchasePrice,
    CategoryId,
    Picture,
    Name,
    ProductName,
    XmlId,
    Param,
    Vendor,
    Unit,
    VatRate,
    Barcode,
    Weight,
    Dimensions,
    ProductActivity,
}

/// Every target: its ICML name and the miniShop2 field read by default.
const TARGETS: [(Target, &str, Option<&str>); 19] = [
    (Target::Id, "id", Some("id")),
    (Target::ProductId, "productId", None),
    (Target::Quantity, "quantity", Some("remains")),
    (Target::Url, "url", Some("uri")),
    (Target::Price, "price", Some("price")),
    (Target::PurchasePrice, "purchasePrice", None),
    (Target::CategoryId, "categoryId", Some("parent")),
    (Target::Picture, "picture", Some("image")),
    (Target::Name, "name", Some("pagetitle")),
    (Target::ProductName, "productName", Some("pagetitle")),
    (Target::XmlId, "xmlId", None),
    (Target::Param, "param", None),
    (Target::Vendor, "vendor", Some("vendor.name")),
    (Target::Unit, "unit", None),
    (Target::VatRate, "vatRate", None),
    (Target::Barcode, "barcode", None),
    (Target::Weight, "weight", Some("weight")),
    (Target::Dimensions, "dimensions", None),
    (
        Target::ProductActivity,
        "productActivity",
        Some("published"),
    ),
];

/// The fields that become `<param>`s by default: source field, param name.
const DEFAULT_PARAMS: [(&str, &str); 3] = [
    ("article", "Артикул"),
    ("color", "Цвет"),
    ("size", "Размер"),
];

/// The record field holding miniShop2 product options, where params are looked up too.
const OPTIONS: &str = "options";

/// The option keys [`Mapping::from_options`] understands.
const OPTION_KEYS: [&str; 5] = ["map", "base_url", "params", "unit", "vendors"];

/// An offer's name and product name, as [`Mapping::offer`] reads them.
type Names<'r> = (Option<Cow<'r, str>>, Option<Cow<'r, str>>);

/// How a shop's records become offers (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// For each target (index = `Target as usize`), the record field read first.
    sources: [Option<String>; TARGETS.len()],
    /// The site's address that `url` and `picture` values are resolved against.
    base_url: Option<Base>,
    /// Record fields written as params: (field, param name). The field is looked up in the
    /// record, then in its `options` array (miniShop2 product options).
    params: Vec<(String, String)>,
    /// The unit of offers that have none.
    unit: Option<Unit<'static>>,
    /// Vendor names by miniShop2 vendor id.
    vendors: HashMap<i64, String>,
}

impl Default for Mapping {
    /// The miniShop2 mapping: `name`/`productName` ← `pagetitle`, `categoryId` ← `parent`,
    /// `url` ← `uri`, `picture` ← `image`, `quantity` ← `remains`, `vendor` ← `vendor.name`,
    /// `productActivity` ← `published`, `id`, `price`, `weight` as named; params `article`
    /// (Артикул), `color` (Цвет), `size` (Размер).
    fn default() -> Mapping {
        Mapping {
            sources: TARGETS.map(|(_, _, source)| source.map(str::to_string)),
            base_url: None,
            params: DEFAULT_PARAMS
                .iter()
                .map(|(field, name)| (field.to_string(), name.to_string()))
                .collect(),
            unit: None,
            vendors: HashMap::new(),
        }
    }
}

impl Mapping {
    /// The default mapping changed by `options`:
    /// - `map`: ICML field → record field (`['name' => 'longtitle', 'quantity' => 'count']`);
    ///   null or `''` reads only the ICML name;
    /// - `base_url`: `https://shop.example`, the site's address that `url` and `picture`
    ///   values are made absolute against (see [`absolute`]);
    /// - `params`: record field → param name (`['color' => 'Цвет', 'made_in' => 'Страна']`),
    ///   replacing the default list; the field is looked up in the record, then in its
    ///   `options` array; the param's code is the field's name;
    /// - `unit`: the unit of offers without one: a code or `['code'=>…, 'name'=>…, 'sym'=>…]`;
    /// - `vendors`: vendor id → name, for a `vendor` field holding miniShop2's vendor id.
    pub fn from_options(options: &Map<String, Value>) -> Result<Mapping, Error> {
        let mut mapping = Mapping::default();
        for (key, value) in options {
            match key.as_str() {
                "map" => mapping.set_sources(value)?,
                "base_url" => mapping.base_url = Some(base_url(value)?),
                "params" => mapping.params = string_pairs(value, "params")?,
                "unit" => mapping.unit = Some(default_unit(value)?),
                "vendors" => mapping.vendors = vendors(value)?,
                other => {
                    return Err(Error::Options(format!(
                        "unknown option {other:?}; known: {}",
                        OPTION_KEYS.join(", ")
                    )));
                }
            }
        }
        Ok(mapping)
    }

    fn set_sources(&mut self, map: &Value) -> Result<(), Error> {
        let Value::Object(map) = map else {
            return Err(Error::Options(
                "option map must be an array of ICML field => record field".into(),
            ));
        };
        for (target, source) in map {
            let Some(at) = TARGETS.iter().position(|(_, name, _)| name == target) else {
                let known: Vec<&str> = TARGETS.iter().map(|(_, name, _)| *name).collect();
                return Err(Error::Options(format!(
                    "option map: {target:?} is not an ICML offer field; known: {}",
                    known.join(", ")
                )));
            };
            self.sources[at] = match source {
                Value::String(field) if !field.is_empty() => Some(field.clone()),
                Value::Null | Value::Bool(false) | Value::String(_) => None,
                _ => {
                    return Err(Error::Options(format!(
                        "option map: the field for {target:?} must be a string or null"
                    )));
                }
            };
        }
        Ok(())
    }

    /// The offer `record` describes, borrowing its strings; the texts it makes (numbers as
    /// text, absolute URLs, joined lists) are put in `arena`, which the caller may reset
    /// once the offer is gone. Errors name the offer and the field:
    /// `offer "5": price must be a number, got "abc"`. The result is not validated yet (the
    /// writer does that).
    pub fn offer<'r, R: Record + ?Sized>(
        &'r self,
        record: &'r R,
        arena: &'r Bump,
    ) -> Result<Offer<'r>, Error> {
        self.offer_reusing(record, arena, &mut Spare::default())
    }

    /// [`offer`](Self::offer) with its lists in the memory `spare` keeps from an earlier
    /// offer (see [`Spare::keep`]).
    pub fn offer_reusing<'r, R: Record + ?Sized>(
        &'r self,
        record: &'r R,
        arena: &'r Bump,
        spare: &mut Spare,
    ) -> Result<Offer<'r>, Error> {
        let id = match self.get(record, Target::Id) {
            Some(id) => text(id, "id", arena).map_err(|message| Error::offer(None, message))?,
            None => return Err(Error::offer(None, "id is missing")),
        };
        let mut offer = Offer {
            id,
            category_ids: emptied(std::mem::take(&mut spare.category_ids)),
            pictures: emptied(std::mem::take(&mut spare.pictures)),
            params: emptied(std::mem::take(&mut spare.params)),
            ..Offer::default()
        };
        match self.fill(record, arena, &mut offer) {
            Ok(()) => Ok(offer),
            Err(message) => Err(Error::offer(Some(&offer.id), message)),
        }
    }

    fn fill<'r, R: Record + ?Sized>(
        &'r self,
        record: &'r R,
        arena: &'r Bump,
        offer: &mut Offer<'r>,
    ) -> Result<(), String> {
        let get = |target| self.get(record, target);
        let (name, product_name) = self.names(record, arena)?;
        offer.product_id = Some(match get(Target::ProductId) {
            Some(field) => text(field, "productId", arena)?,
            None => offer.id.clone(),
        });
        offer.quantity = get(Target::Quantity)
            .map(|f| number(&f, "quantity"))
            .transpose()?;
        offer.url = get(Target::Url)
            .map(|f| text(f, "url", arena).map(|url| self.absolute(url, arena)))
            .transpose()?;
        offer.price = get(Target::Price)
            .map(|f| number(&f, "price"))
            .transpose()?;
        offer.purchase_price = get(Target::PurchasePrice)
            .map(|f| number(&f, "purchasePrice"))
            .transpose()?;
        let category_ids = get(Target::CategoryId);
        texts(category_ids, "categoryId", arena, &mut offer.category_ids)?;
        texts(get(Target::Picture), "picture", arena, &mut offer.pictures)?;
        for picture in &mut offer.pictures {
            *picture = self.absolute(std::mem::take(picture), arena);
        }
        offer.product_name = match (&name, product_name) {
            (Some(name), Some(product)) if *name == product => None,
            (_, product) => product,
        };
        offer.name = match name {
            Some(name) => name,
            None => offer.product_name.take().unwrap_or_default(),
        };
        offer.xml_id = get(Target::XmlId)
            .map(|f| text(f, "xmlId", arena))
            .transpose()?;
        self.params(record, get(Target::Param), arena, &mut offer.params)?;
        offer.vendor = get(Target::Vendor)
            .map(|f| self.vendor(f))
            .transpose()?
            .flatten();
        offer.unit = match get(Target::Unit) {
            Some(field) => Some(unit(field, arena)?),
            None => self.unit.as_ref().map(Unit::borrowed),
        };
        offer.vat_rate = get(Target::VatRate).map(|f| vat_rate(&f)).transpose()?;
        texts(get(Target::Barcode), "barcode", arena, &mut offer.barcodes)?;
        offer.weight = get(Target::Weight)
            .map(|f| number(&f, "weight"))
            .transpose()?
            .filter(|weight| *weight != Decimal::ZERO);
        offer.dimensions = get(Target::Dimensions)
            .map(|f| dimensions(&f))
            .transpose()?;
        offer.product_activity = get(Target::ProductActivity)
            .map(|f| activity(&f))
            .transpose()?;
        Ok(())
    }

    /// The offer's name and product name as read (the product name `None` when it is
    /// known to equal the name). When both are read from the same present field (miniShop2's
    /// `pagetitle`), it is read and converted once.
    fn names<'r, R: Record + ?Sized>(
        &self,
        record: &'r R,
        arena: &'r Bump,
    ) -> Result<Names<'r>, String> {
        let shared = match &self.sources[Target::Name as usize] {
            Some(source) if self.sources[Target::ProductName as usize].as_ref() == Some(source) => {
                record
                    .field_at(Target::Name as usize, source)
                    .filter(Field::is_present)
            }
            _ => None,
        };
        if let Some(field) = shared {
            return Ok((Some(text(field, "name", arena)?), None));
        }
        let name = self.get(record, Target::Name);
        let product_name = self.get(record, Target::ProductName);
        Ok((
            name.map(|f| text(f, "name", arena)).transpose()?,
            product_name
                .map(|f| text(f, "productName", arena))
                .transpose()?,
        ))
    }

    /// The category `record` describes: `id`, `name` (else `pagetitle`), `parentId` (else
    /// `parent`, as in a miniShop2 `msCategory`).
    pub fn category<R: Record + ?Sized>(&self, record: &R) -> Result<Category, Error> {
        let id = match first_present(record, &["id"]) {
            Some(id) => owned_text(id, "id").map_err(|message| Error::category(None, message))?,
            None => return Err(Error::category(None, "id is missing")),
        };
        let read = |names: &[&str], what: &str| {
            first_present(record, names)
                .map(|field| owned_text(field, what))
                .transpose()
                .map_err(|message| Error::category(Some(&id), message))
        };
        let name = read(&["name", "pagetitle"], "name")?.unwrap_or_default();
        let parent_id = read(&["parentId", "parent"], "parentId")?;
        Ok(Category {
            id: id.clone(),
            name,
            parent_id,
        })
    }

    /// The names [`Record::field_at`] is asked for, by slot: each target's mapped field
    /// (`""` when it has none), each target's ICML name, the params' fields, `options`,
    /// `modifications`.
    pub fn keys(&self) -> Vec<&str> {
        let sources = self
            .sources
            .iter()
            .map(|s| s.as_deref().unwrap_or_default());
        let icml = TARGETS.iter().map(|(_, name, _)| *name);
        let params = self.params.iter().map(|(field, _)| field.as_str());
        sources
            .chain(icml)
            .chain(params)
            .chain([OPTIONS, modifications::MODIFICATIONS])
            .collect()
    }

    /// The slot of [`OPTIONS`] in [`keys`](Self::keys).
    fn options_slot(&self) -> usize {
        2 * TARGETS.len() + self.params.len()
    }

    /// The field for `target`: the mapped record field if present, else the ICML-named one.
    fn get<'r, R: Record + ?Sized>(&self, record: &'r R, target: Target) -> Option<Field<'r>> {
        let (_, icml, _) = TARGETS[target as usize];
        let source = self.sources[target as usize].as_deref();
        let mapped = source.and_then(|source| record.field_at(target as usize, source));
        match mapped.filter(Field::is_present) {
            Some(field) => Some(field),
            None if source == Some(icml) => None,
            None => record
                .field_at(TARGETS.len() + target as usize, icml)
                .filter(Field::is_present),
        }
    }

    /// `url` as an absolute address against `base_url` (see [`absolute`]); unchanged
    /// without one.
    fn absolute<'u>(&self, url: Cow<'u, str>, arena: &'u Bump) -> Cow<'u, str> {
        match &self.base_url {
            Some(base) => base.resolve(url, arena),
            None => url,
        }
    }

    /// Appends to `params` the configured params (from the record or its `options`), then
    /// the record's ICML-shaped `param` list.
    fn params<'r, R: Record + ?Sized>(
        &'r self,
        record: &'r R,
        listed: Option<Field<'r>>,
        arena: &'r Bump,
        params: &mut Vec<Param<'r>>,
    ) -> Result<(), String> {
        params.reserve(self.params.len());
        let mut options: Option<Option<Field<'r>>> = None;
        for (slot, (field, name)) in (2 * TARGETS.len()..).zip(&self.params) {
            let value = match record.field_at(slot, field).filter(Field::is_present) {
                Some(value) => Some(value),
                None => options
                    .get_or_insert_with(|| record.field_at(self.options_slot(), OPTIONS))
                    .as_mut()
                    .and_then(|options| options.take(field)),
            };
            let value = value.map(|v| param_value(v, field, arena)).transpose()?;
            if let Some(value) = value.flatten() {
                params.push(Param {
                    name: Cow::Borrowed(name),
                    code: Some(Cow::Borrowed(field)),
                    value,
                });
            }
        }
        if let Some(list) = listed {
            each_item(list, |mut item| {
                let Some(name) = item.take("name") else {
                    return Err(format!(
                        "param must be a list of ['name' => …, 'code' => …, 'value' => …], got {}",
                        describe(&item)
                    ));
                };
                let code = item
                    .take("code")
                    .map(|c| text(c, "param code", arena))
                    .transpose()?;
                let value = item
                    .take("value")
                    .map(|v| param_value(v, "param value", arena));
                if let Some(value) = value.transpose()?.flatten() {
                    params.push(Param {
                        name: text(name, "param name", arena)?,
                        code,
                        value,
                    });
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// A vendor's name: a string as it is; an int is a miniShop2 vendor id, named by the
    /// `vendors` option or left out.
    fn vendor<'r>(&'r self, field: Field<'r>) -> Result<Option<Cow<'r, str>>, String> {
        match field {
            Field::Int(id) => Ok(self
                .vendors
                .get(&id)
                .map(|name| Cow::Borrowed(name.as_str()))),
            Field::Str(name) => Ok(Some(name)),
            other => Err(format!("vendor must be a name, got {}", describe(&other))),
        }
    }
}

impl Unit<'_> {
    /// The same unit, owning its texts.
    fn into_owned(self) -> Unit<'static> {
        let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        Unit {
            code: own(self.code),
            name: self.name.map(own),
            sym: self.sym.map(own),
        }
    }

    /// The same unit, borrowing its texts.
    fn borrowed(&self) -> Unit<'_> {
        Unit {
            code: Cow::Borrowed(&self.code),
            name: self.name.as_deref().map(Cow::Borrowed),
            sym: self.sym.as_deref().map(Cow::Borrowed),
        }
    }
}

/// The shop header from an array with `name`, `company` and optionally `date`.
pub fn shop<R: Record + ?Sized>(record: &R) -> Result<Shop, Error> {
    let read = |key: &str| {
        first_present(record, &[key])
            .map(|field| owned_text(field, key))
            .transpose()
            .map_err(Error::Shop)
    };
    Ok(Shop {
        name: read("name")?.unwrap_or_default(),
        company: read("company")?.unwrap_or_default(),
        date: read("date")?,
    })
}

fn first_present<'r, R: Record + ?Sized>(record: &'r R, names: &[&str]) -> Option<Field<'r>> {
    names
        .iter()
        .find_map(|name| record.field(name).filter(Field::is_present))
}

/// How a value is shown in an error message.
fn describe(field: &Field<'_>) -> String {
    match field {
        Field::Null => "null".into(),
        Field::Bool(flag) => flag.to_string(),
        Field::Int(number) => number.to_string(),
        Field::Float(number) => number.to_string(),
        Field::Str(text) if text.chars().count() > 40 => {
            let start: String = text.chars().take(40).collect();
            format!("{start:?}…")
        }
        Field::Str(text) => format!("{text:?}"),
        Field::List(_) => "a list".into(),
        Field::Map(_) => "an array with keys".into(),
        Field::NotUtf8 => "a string that is not valid UTF-8".into(),
        Field::Other(what) => (*what).into(),
    }
}

/// A string or a number as text (a string is borrowed, a number written in `arena`).
fn text<'a>(field: Field<'a>, what: &str, arena: &'a Bump) -> Result<Cow<'a, str>, String> {
    match field {
        Field::Str(text) => Ok(text),
        Field::Int(number) => Ok(Cow::Borrowed(Decimal::from(number).to_text_in(arena))),
        Field::Float(number) => Decimal::from_f64(number)
            .map(|number| Cow::Borrowed(number.to_text_in(arena)))
            .map_err(|e| format!("{what} {e}, got {}", describe(&field))),
        Field::NotUtf8 => Err(format!("{what} is not valid UTF-8")),
        other => Err(format!(
            "{what} must be a string or a number, got {}",
            describe(&other)
        )),
    }
}

/// [`text`] as an owned string.
fn owned_text(field: Field<'_>, what: &str) -> Result<String, String> {
    text(field, what, &Bump::new()).map(Cow::into_owned)
}

/// An int, a float or a numeric string as a [`Decimal`].
fn number(field: &Field<'_>, what: &str) -> Result<Decimal, String> {
    let parsed = match field {
        Field::Int(number) => Ok(Decimal::from(*number)),
        Field::Float(number) => Decimal::from_f64(*number),
        Field::Str(text) => Decimal::parse(text),
        Field::NotUtf8 => return Err(format!("{what} is not valid UTF-8")),
        other => return Err(format!("{what} must be a number, got {}", describe(other))),
    };
    parsed.map_err(|e| format!("{what} {e}, got {}", describe(field)))
}

/// Calls `f` for each present item of a list (an array, or a JSON list in a string) or for
/// the value itself when it is not one.
fn each_item<'a>(
    field: Field<'a>,
    mut f: impl FnMut(Field<'a>) -> Result<(), String>,
) -> Result<(), String> {
    match field {
        Field::List(items) => items
            .into_iter()
            .filter(Field::is_present)
            .try_for_each(&mut f),
        Field::Str(text) if text.trim_start().starts_with('[') => {
            match serde_json::from_str::<Vec<Value>>(&text) {
                Ok(items) => items
                    .into_iter()
                    .map(owned_field)
                    .filter(Field::is_present)
                    .try_for_each(&mut f),
                Err(_) => f(Field::Str(text)),
            }
        }
        field => f(field),
    }
}

/// A JSON value as a [`Field`] that owns its strings.
fn owned_field<'a>(value: Value) -> Field<'a> {
    match value {
        Value::String(text) => Field::Str(Cow::Owned(text)),
        Value::Array(items) => Field::List(items.into_iter().map(owned_field).collect()),
        Value::Object(entries) => Field::Map(
            entries
                .into_iter()
                .map(|(key, value)| (Cow::Owned(key), owned_field(value)))
                .collect(),
        ),
        Value::Null => Field::Null,
        Value::Bool(flag) => Field::Bool(flag),
        Value::Number(number) => number_field(&number),
    }
}

/// A JSON number as an int when it is one, else a float.
fn number_field(number: &serde_json::Number) -> Field<'static> {
    match number.as_i64() {
        Some(integer) => Field::Int(integer),
        None => Field::Float(number.as_f64().unwrap_or(f64::NAN)),
    }
}

/// Appends to `out` a list field's items as texts (a single value gives one).
fn texts<'a>(
    field: Option<Field<'a>>,
    what: &str,
    arena: &'a Bump,
    out: &mut Vec<Cow<'a, str>>,
) -> Result<(), String> {
    if let Some(field) = field {
        each_item(field, |item| {
            out.push(text(item, what, arena)?);
            Ok(())
        })?;
    }
    Ok(())
}

/// The memory of an offer's lists, kept from one offer to the next so that mapping a
/// product allocates none (see [`Mapping::offer_reusing`]).
#[derive(Debug, Default)]
pub struct Spare {
    category_ids: Vec<Cow<'static, str>>,
    pictures: Vec<Cow<'static, str>>,
    params: Vec<Param<'static>>,
}

impl Spare {
    /// Keeps the lists of `offer` (written, no longer needed), emptied.
    pub fn keep(&mut self, offer: Offer<'_>) {
        self.category_ids = emptied(offer.category_ids);
        self.pictures = emptied(offer.pictures);
        self.params = emptied(offer.params);
    }
}

/// `list` emptied, as a list of `U` keeping its memory when `T` and `U` have the same size
/// and alignment (texts of different lifetimes); a new empty list otherwise.
fn emptied<T, U>(mut list: Vec<T>) -> Vec<U> {
    list.clear();
    let same_layout = size_of::<T>() == size_of::<U>() && align_of::<T>() == align_of::<U>();
    if !same_layout || size_of::<T>() == 0 {
        return Vec::new();
    }
    let mut list = std::mem::ManuallyDrop::new(list);
    // SAFETY: the list holds no item, and its memory was allocated for `capacity` items of
    // the size and alignment of `U`, which is how a `Vec<U>` of that capacity frees it.
    unsafe { Vec::from_raw_parts(list.as_mut_ptr().cast::<U>(), 0, list.capacity()) }
}

/// A param's value: texts and numbers as they are, the items of a list joined with `, `
/// (in `arena`), `true` as `1`; `false` and empty values give no param.
fn param_value<'a>(
    field: Field<'a>,
    what: &str,
    arena: &'a Bump,
) -> Result<Option<Cow<'a, str>>, String> {
    let mut first: Option<Cow<'a, str>> = None;
    let mut joined: Option<ArenaString<'a>> = None;
    each_item(field, |item| {
        let value = match item {
            Field::Bool(true) => Cow::Borrowed("1"),
            Field::Bool(false) => return Ok(()),
            item => text(item, what, arena)?,
        };
        if let Some(list) = &mut joined {
            list.push_str(", ");
            list.push_str(&value);
        } else if let Some(head) = &first {
            // Room for a few more items like these, so that the list grows in place.
            let capacity = 2 * (head.len() + value.len() + 2);
            let mut list = ArenaString::with_capacity_in(capacity, arena);
            list.push_str(head);
            list.push_str(", ");
            list.push_str(&value);
            joined = Some(list);
        } else {
            first = Some(value);
        }
        Ok(())
    })?;
    Ok(match joined {
        Some(list) => Some(Cow::Borrowed(list.into_bump_str())),
        None => first,
    })
}

/// A unit: a code, or `code`, `name`, `sym`.
fn unit<'a>(mut field: Field<'a>, arena: &'a Bump) -> Result<Unit<'a>, String> {
    match field {
        Field::Str(_) | Field::Int(_) => Ok(Unit {
            code: text(field, "unit", arena)?,
            name: None,
            sym: None,
        }),
        Field::Map(_) => {
            let mut part = |key: &str| {
                field
                    .take(key)
                    .map(|value| text(value, &format!("unit {key}"), arena))
                    .transpose()
            };
            Ok(Unit {
                code: part("code")?.unwrap_or_default(),
                name: part("name")?,
                sym: part("sym")?,
            })
        }
        other => Err(format!(
            "unit must be a code or ['code' => …, 'name' => …, 'sym' => …], got {}",
            describe(&other)
        )),
    }
}

/// `none` or a percentage.
fn vat_rate(field: &Field<'_>) -> Result<VatRate, String> {
    match field {
        Field::Str(text) if text.trim().eq_ignore_ascii_case("none") => Ok(VatRate::None),
        field => number(field, "vatRate")
            .map(VatRate::Percent)
            .map_err(|message| format!("{message} (or \"none\")")),
    }
}

/// `"L/W/H"`, `[L, W, H]` or `['length' => …, 'width' => …, 'height' => …]`.
fn dimensions(field: &Field<'_>) -> Result<Dimensions, String> {
    let fail = || {
        format!(
            "dimensions must be \"length/width/height\", a list of three numbers or \
             ['length' => …, 'width' => …, 'height' => …], got {}",
            describe(field)
        )
    };
    let parts: Vec<Field<'_>> = match field {
        Field::Str(text) => text
            .split('/')
            .map(|part| Field::Str(Cow::Borrowed(part)))
            .collect(),
        Field::List(items) => items.clone(),
        Field::Map(entries) => ["length", "width", "height"]
            .iter()
            .map(|key| {
                entries
                    .iter()
                    .find(|(name, _)| name == key)
                    .map_or(Field::Null, |(_, value)| value.clone())
            })
            .collect(),
        _ => return Err(fail()),
    };
    let numbers = parts
        .iter()
        .map(|part| number(part, "dimensions"))
        .collect::<Result<Vec<_>, _>>();
    match numbers.as_deref() {
        Ok([length, width, height]) => Ok(Dimensions {
            length: *length,
            width: *width,
            height: *height,
        }),
        Ok(_) => Err(fail()),
        Err(message) => Err(message.clone()),
    }
}

/// `Y`/`N`, a boolean, or 1/0.
fn activity(field: &Field<'_>) -> Result<bool, String> {
    match field {
        Field::Bool(flag) => Ok(*flag),
        Field::Int(1) => Ok(true),
        Field::Int(0) => Ok(false),
        Field::Str(text) => match text.trim() {
            "Y" | "y" | "1" => Ok(true),
            "N" | "n" | "0" => Ok(false),
            _ => Err(format!(
                "productActivity must be Y or N, got {}",
                describe(field)
            )),
        },
        other => Err(format!(
            "productActivity must be Y or N, got {}",
            describe(other)
        )),
    }
}

/// The `base_url` option: an `http(s)` address.
fn base_url(value: &Value) -> Result<Base, Error> {
    value.as_str().and_then(Base::parse).ok_or_else(|| {
        Error::Options(format!(
            "option base_url must be an http(s) address, got {value}"
        ))
    })
}

/// The `unit` option: a code or `code`, `name`, `sym`, with a code.
fn default_unit(value: &Value) -> Result<Unit<'static>, Error> {
    let arena = Bump::new();
    let parsed = unit(owned_field(value.clone()), &arena)
        .ok()
        .filter(|unit| !unit.code.trim().is_empty())
        .map(Unit::into_owned);
    parsed.ok_or_else(|| {
        Error::Options(
            "option unit must be a code or ['code' => …, 'name' => …, 'sym' => …]".into(),
        )
    })
}

/// The `vendors` option: vendor id → name.
fn vendors(value: &Value) -> Result<HashMap<i64, String>, Error> {
    string_pairs(value, "vendors")?
        .into_iter()
        .map(|(id, name)| match id.parse::<i64>() {
            Ok(id) => Ok((id, name)),
            Err(_) => Err(Error::Options(format!(
                "option vendors: {id:?} is not a vendor id"
            ))),
        })
        .collect()
}

/// A `key => string` array as pairs, in order.
fn string_pairs(value: &Value, option: &str) -> Result<Vec<(String, String)>, Error> {
    let fail = || {
        Error::Options(format!(
            "option {option} must be an array of strings with keys"
        ))
    };
    match value {
        Value::Object(pairs) => pairs
            .iter()
            .map(|(key, value)| match value {
                Value::String(text) => Ok((key.clone(), text.clone())),
                _ => Err(fail()),
            })
            .collect(),
        Value::Array(items) if items.is_empty() => Ok(Vec::new()),
        _ => Err(fail()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A miniShop2 `msProduct::toArray()` (the captured fixture, trimmed to the fields read
    /// plus some that are not).
    fn ms2_product() -> Map<String, Value> {
        let Value::Object(product) = json!({
            "id": 3, "type": "document", "pagetitle": "Test T-Shirt", "longtitle": "",
            "alias": "test-t-shirt", "published": true, "parent": 2,
            "introtext": "A shirt", "content": "<p>Cotton shirt</p>",
            "uri": "catalog/test-t-shirt.html", "article": "TS-001", "price": 1250.5,
            "old_price": 1500.0, "weight": 0.25, "remains": 10, "reserved": 0,
            "image": "/assets/images/products/3/t-shirt.jpg", "thumb": null, "vendor": 0,
            "made_in": "Portugal", "new": true, "popular": false, "favorite": false,
            "tags": ["cotton", "summer"], "color": ["red", "blue"], "size": ["M", "L"],
            "source": 2, "vendor.id": null, "vendor.name": null
        }) else {
            unreachable!("a JSON object literal")
        };
        product
    }

    /// An arena for the offers of a test (leaked: a test is short).
    fn arena() -> &'static Bump {
        Box::leak(Box::default())
    }

    fn record(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn options(value: Value) -> Mapping {
        Mapping::from_options(&record(value)).unwrap_or_else(|e| panic!("options: {e}"))
    }

    fn offer_error(mapping: &Mapping, value: Value) -> String {
        let record = record(value);
        match mapping.offer(&record, arena()) {
            Ok(offer) => format!("no error: {offer:?}"),
            Err(error) => error.to_string(),
        }
    }

    fn param<'a>(name: &'a str, code: &'a str, value: &'a str) -> Param<'a> {
        Param {
            name: name.into(),
            code: Some(code.into()),
            value: value.into(),
        }
    }

    #[test]
    fn a_minishop2_product_maps_by_default() {
        let mapping = options(json!({"base_url": "https://shop.example/"}));
        let product = ms2_product();
        let offer = mapping.offer(&product, arena()).map_err(|e| e.to_string());
        let expected = Offer {
            id: "3".into(),
            product_id: Some("3".into()),
            quantity: Some(Decimal::from(10)),
            url: Some("https://shop.example/catalog/test-t-shirt.html".into()),
            price: Decimal::from_f64(1250.5).ok(),
            category_ids: vec!["2".into()],
            pictures: vec!["https://shop.example/assets/images/products/3/t-shirt.jpg".into()],
            name: "Test T-Shirt".into(),
            params: vec![
                param("Артикул", "article", "TS-001"),
                param("Цвет", "color", "red, blue"),
                param("Размер", "size", "M, L"),
            ],
            weight: Decimal::parse("0.25").ok(),
            product_activity: Some(true),
            ..Offer::default()
        };
        assert_eq!(offer, Ok(expected));
    }

    #[test]
    fn lists_kept_from_an_earlier_offer_are_reused_empty() {
        let mapping = Mapping::default();
        let product = ms2_product();
        let mut spare = Spare::default();
        let first = mapping.offer_reusing(&product, arena(), &mut spare);
        let expected = mapping.offer(&product, arena()).map_err(|e| e.to_string());
        assert_eq!(first.map_err(|e| e.to_string()), expected);
        if let Ok(offer) = mapping.offer(&product, arena()) {
            spare.keep(offer);
        }
        assert!(spare.params.capacity() >= 3 && spare.params.is_empty());
        let again = mapping.offer_reusing(&product, arena(), &mut spare);
        assert_eq!(again.map_err(|e| e.to_string()), expected);
    }

    #[test]
    fn an_icml_shaped_array_maps_as_it_is() {
        let mapping = Mapping::default();
        let input = record(json!({
            "id": "mod-5-3", "productId": 5, "quantity": "2.5", "url": "https://s.example/p",
            "price": "2967.18", "purchasePrice": 1000, "categoryId": [2, "7"],
            "picture": ["https://s.example/a.jpg", "", "https://s.example/b.jpg"],
            "name": "T-Shirt - Red", "productName": "T-Shirt", "xmlId": "x-1",
            "param": [
                {"name": "Цвет", "code": "color", "value": "red"},
                {"name": "Без кода", "value": 5},
                {"name": "Пусто", "value": ""}
            ],
            "vendor": "Acme", "unit": {"code": "pcs", "name": "Штука", "sym": "шт."},
            "vatRate": "none", "barcode": "4600000000001", "weight": "0.5",
            "dimensions": "10/20/30", "productActivity": "N"
        }));
        let offer = mapping.offer(&input, arena());
        let expected = Offer {
            id: "mod-5-3".into(),
            product_id: Some("5".into()),
            quantity: Decimal::parse("2.5").ok(),
            url: Some("https://s.example/p".into()),
            price: Decimal::parse("2967.18").ok(),
            purchase_price: Some(Decimal::from(1000)),
            category_ids: vec!["2".into(), "7".into()],
            pictures: vec![
                "https://s.example/a.jpg".into(),
                "https://s.example/b.jpg".into(),
            ],
            name: "T-Shirt - Red".into(),
            product_name: Some("T-Shirt".into()),
            xml_id: Some("x-1".into()),
            params: vec![
                param("Цвет", "color", "red"),
                Param {
                    name: "Без кода".into(),
                    code: None,
                    value: "5".into(),
                },
            ],
            vendor: Some("Acme".into()),
            unit: Some(Unit {
                code: "pcs".into(),
                name: Some("Штука".into()),
                sym: Some("шт.".into()),
            }),
            vat_rate: Some(VatRate::None),
            barcodes: vec!["4600000000001".into()],
            weight: Decimal::parse("0.5").ok(),
            dimensions: Some(Dimensions {
                length: Decimal::from(10),
                width: Decimal::from(20),
                height: Decimal::from(30),
            }),
            product_activity: Some(false),
        };
        assert_eq!(offer.map_err(|e| e.to_string()), Ok(expected));
    }

    #[test]
    fn icml_fields_fill_in_what_the_mapped_fields_lack() {
        let mut product = ms2_product();
        product.insert("uri".into(), Value::Null);
        product.insert("url".into(), json!("https://elsewhere.example/p/3"));
        product.insert("productId".into(), json!("3-base"));
        product.insert("vendor".into(), json!("Acme"));
        let mapping = options(json!({"base_url": "https://shop.example"}));
        let offer = mapping.offer(&product, arena());
        let offer = offer.map_err(|e| e.to_string());
        assert_eq!(
            offer.as_ref().map(|o| o.url.clone()),
            Ok(Some("https://elsewhere.example/p/3".into()))
        );
        assert_eq!(
            offer.as_ref().map(|o| o.product_id.clone()),
            Ok(Some("3-base".into()))
        );
        assert_eq!(offer.map(|o| o.vendor), Ok(Some("Acme".into())));
    }

    #[test]
    fn options_change_the_mapping() {
        let mapping = options(json!({
            "map": {"name": "longtitle", "quantity": "count", "price": "old_price", "picture": null},
            "params": {"made_in": "Страна", "material": "Материал", "new": "Новинка", "popular": "Хит"},
            "unit": "pcs",
            "vendors": {"4": "Acme & Co"}
        }));
        let mut product = ms2_product();
        product.insert("longtitle".into(), json!("Long title"));
        product.insert("count".into(), json!(3));
        product.insert("vendor".into(), json!(4));
        product.insert("options".into(), json!({"material": ["cotton", "lycra"]}));
        let offer = mapping.offer(&product, arena()).map_err(|e| e.to_string());
        let Ok(offer) = offer else {
            panic!("{offer:?}");
        };
        assert_eq!(offer.name, "Long title");
        assert_eq!(offer.product_name.as_deref(), Some("Test T-Shirt"));
        assert_eq!(offer.quantity, Some(Decimal::from(3)));
        assert_eq!(offer.price, Some(Decimal::from(1500)));
        assert!(offer.pictures.is_empty());
        assert_eq!(
            offer.params,
            vec![
                param("Страна", "made_in", "Portugal"),
                param("Материал", "material", "cotton, lycra"),
                param("Новинка", "new", "1"),
            ]
        );
        assert_eq!(offer.unit.map(|u| u.code), Some("pcs".into()));
        assert_eq!(offer.vendor.as_deref(), Some("Acme & Co"));
    }

    #[test]
    fn json_lists_in_strings_are_lists() {
        let mut product = ms2_product();
        product.insert("color".into(), json!("[\"red\",\"blue\"]"));
        product.insert("size".into(), json!("[]"));
        let mapping = Mapping::default();
        let offer = mapping.offer(&product, arena()).map_err(|e| e.to_string());
        assert_eq!(
            offer.map(|o| o.params),
            Ok(vec![
                param("Артикул", "article", "TS-001"),
                param("Цвет", "color", "red, blue")
            ])
        );
    }

    #[test]
    fn a_vendor_id_without_a_name_is_left_out() {
        let mut product = ms2_product();
        product.insert("vendor".into(), json!(7));
        let mapping = Mapping::default();
        let offer = mapping.offer(&product, arena()).map_err(|e| e.to_string());
        assert_eq!(offer.map(|o| o.vendor), Ok(None));
    }

    #[test]
    fn zero_weight_is_unknown_weight() {
        let mut product = ms2_product();
        product.insert("weight".into(), json!(0.0));
        let mapping = Mapping::default();
        let offer = mapping.offer(&product, arena()).map_err(|e| e.to_string());
        assert_eq!(offer.map(|o| o.weight), Ok(None));
    }

    #[test]
    fn dimensions_come_in_three_shapes() {
        let expected = Ok(Some(Dimensions {
            length: Decimal::from(10),
            width: Decimal::parse("20.5").unwrap_or(Decimal::ZERO),
            height: Decimal::from(30),
        }));
        for shape in [
            json!("10/20.5/30"),
            json!([10, 20.5, "30"]),
            json!({"length": 10, "width": "20.5", "height": 30}),
        ] {
            let input = record(json!({"id": 1, "name": "x", "dimensions": shape}));
            let mapping = Mapping::default();
            let offer = mapping.offer(&input, arena()).map_err(|e| e.to_string());
            assert_eq!(offer.map(|o| o.dimensions), expected);
        }
    }

    #[test]
    fn bad_values_are_named_with_the_offer() {
        let mapping = Mapping::default();
        let cases = [
            (
                json!({"id": "mod-5-3", "price": "abc"}),
                r#"offer "mod-5-3": price must be a number, got "abc""#,
            ),
            (
                json!({"id": 5, "price": "1 500"}),
                r#"offer "5": price must be a number, got "1 500""#,
            ),
            (
                json!({"id": 5, "price": true}),
                r#"offer "5": price must be a number, got true"#,
            ),
            (
                json!({"id": 5, "price": [1]}),
                r#"offer "5": price must be a number, got a list"#,
            ),
            (
                json!({"id": 5, "price": "1e99"}),
                r#"offer "5": price is out of range, got "1e99""#,
            ),
            (
                json!({"id": 5, "weight": "heavy"}),
                r#"offer "5": weight must be a number, got "heavy""#,
            ),
            (
                json!({"id": 5, "vatRate": "twenty"}),
                r#"offer "5": vatRate must be a number, got "twenty" (or "none")"#,
            ),
            (
                json!({"id": 5, "dimensions": "10x20x30"}),
                r#"offer "5": dimensions must be a number, got "10x20x30""#,
            ),
            (
                json!({"id": 5, "dimensions": "10/20"}),
                r#"offer "5": dimensions must be "length/width/height", a list of three numbers or ['length' => …, 'width' => …, 'height' => …], got "10/20""#,
            ),
            (
                json!({"id": 5, "productActivity": "maybe"}),
                r#"offer "5": productActivity must be Y or N, got "maybe""#,
            ),
            (
                json!({"id": 5, "param": ["x"]}),
                r#"offer "5": param must be a list of ['name' => …, 'code' => …, 'value' => …], got "x""#,
            ),
            (
                json!({"id": 5, "name": {"ru": "x"}}),
                r#"offer "5": name must be a string or a number, got an array with keys"#,
            ),
            (
                json!({"id": 5, "vendor": 1.5}),
                r#"offer "5": vendor must be a name, got 1.5"#,
            ),
            (
                json!({"id": 5, "unit": true}),
                r#"offer "5": unit must be a code or ['code' => …, 'name' => …, 'sym' => …], got true"#,
            ),
            (
                json!({"id": [5]}),
                "offer without an id: id must be a string or a number, got a list",
            ),
            (
                json!({"id": "  ", "price": 1}),
                "offer without an id: id is missing",
            ),
            (
                json!({"pagetitle": "No id"}),
                "offer without an id: id is missing",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(offer_error(&mapping, input), expected);
        }
    }

    #[test]
    fn unusable_values_from_the_caller_are_described() {
        struct Odd;
        impl Record for Odd {
            fn field(&self, name: &str) -> Option<Field<'_>> {
                match name {
                    "id" => Some(Field::Int(9)),
                    "price" => Some(Field::Other("object")),
                    _ => None,
                }
            }
        }
        let mapping = Mapping::default();
        let error = mapping
            .offer(&Odd, arena())
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert_eq!(
            error,
            Err(r#"offer "9": price must be a number, got object"#.into())
        );
    }

    #[test]
    fn bad_options_are_refused() {
        let cases = [
            (
                json!({"colour": 1}),
                "unknown option \"colour\"; known: map, base_url, params, unit, vendors",
            ),
            (
                json!({"map": {"title": "pagetitle"}}),
                "option map: \"title\" is not an ICML offer field; known: id, productId, quantity, url, price, purchasePrice, categoryId, picture, name, productName, xmlId, param, vendor, unit, vatRate, barcode, weight, dimensions, productActivity",
            ),
            (
                json!({"map": {"name": 5}}),
                "option map: the field for \"name\" must be a string or null",
            ),
            (
                json!({"map": "pagetitle"}),
                "option map must be an array of ICML field => record field",
            ),
            (
                json!({"base_url": "shop.example"}),
                "option base_url must be an http(s) address, got \"shop.example\"",
            ),
            (
                json!({"params": ["color"]}),
                "option params must be an array of strings with keys",
            ),
            (
                json!({"unit": {"name": "Штука"}}),
                "option unit must be a code or ['code' => …, 'name' => …, 'sym' => …]",
            ),
        ];
        for (input, expected) in cases {
            let error = Mapping::from_options(&record(input))
                .map(|_| ())
                .map_err(|e| e.to_string());
            assert_eq!(error, Err(expected.to_string()));
        }
        assert_eq!(
            Mapping::from_options(&Map::new()).ok(),
            Some(Mapping::default())
        );
    }

    #[test]
    fn categories_map_from_minishop2_and_icml_names() {
        let mapping = Mapping::default();
        let ms2 = mapping.category(&record(
            json!({"id": 2, "pagetitle": "Shirts", "parent": 0}),
        ));
        assert_eq!(
            ms2.map_err(|e| e.to_string()),
            Ok(Category {
                id: "2".into(),
                name: "Shirts".into(),
                parent_id: Some("0".into())
            })
        );
        let icml = mapping.category(&record(
            json!({"id": "c7", "name": "Caps", "parentId": "c1"}),
        ));
        assert_eq!(
            icml.map_err(|e| e.to_string()),
            Ok(Category {
                id: "c7".into(),
                name: "Caps".into(),
                parent_id: Some("c1".into())
            })
        );
        let root = mapping.category(&record(json!({"id": 1, "name": "Root", "parent": null})));
        assert_eq!(
            root.map(|c| c.parent_id).map_err(|e| e.to_string()),
            Ok(None)
        );
        let bad = mapping.category(&record(json!({"id": 3, "name": ["x"]})));
        assert_eq!(
            bad.map_err(|e| e.to_string()),
            Err("category \"3\": name must be a string or a number, got a list".into())
        );
    }

    #[test]
    fn the_shop_header_reads_name_company_and_date() {
        let header = shop(&record(
            json!({"name": "Shop", "company": "Ltd", "date": "2026-11-29 07:16:52"}),
        ));
        assert_eq!(
            header.map_err(|e| e.to_string()),
            Ok(Shop {
                name: "Shop".into(),
                company: "Ltd".into(),
                date: Some("2026-11-29 07:16:52".into())
            })
        );
        let bad = shop(&record(json!({"name": ["x"]}))).map_err(|e| e.to_string());
        assert_eq!(
            bad,
            Err("shop name must be a string or a number, got a list".into())
        );
    }
}
