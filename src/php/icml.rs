//! `ModRetailCrm\Icml\Writer`: the streaming ICML catalogue writer for PHP code.
//!
//! Product arrays are read in place: the mapping asks for the fields it needs and each is
//! looked up in the PHP hash table and borrowed, not copied (see [`modretailcrm_core::icml::mapping`]).

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use bumpalo::Bump;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ArrayKey, ZendCallable, ZendHashTable, ZendStr, Zval};

use crate::php::args;
use crate::php::convert::{keyed, to_zval, type_name};
use crate::php::exceptions::{Kind, config, validation};
use modretailcrm_core::icml::{self, Field, Mapping, Record, Spare, minishop};
use modretailcrm_core::site_db::MysqlTarget;

/// How deep arrays inside a product array are read.
const MAX_DEPTH: usize = 16;

/// Writes a RetailCRM ICML catalogue offer by offer to a temporary file and publishes it by
/// atomic rename in `finish()`; a writer dropped without `finish()` leaves no file behind.
/// A path ending in `.gz` (`icml.xml.gz`) is written gzip-compressed as it goes.
/// Every error is a `ModRetailCrm\Exception`: `ValidationException` for bad input (naming
/// the offer), `ConfigException` for bad options or an unusable path, `FileException` when
/// the file cannot be written or published (a full disk).
#[php_class]
#[php(name = "ModRetailCrm\\Icml\\Writer")]
pub struct Writer {
    /// `None` once finished or aborted.
    writer: Option<icml::Writer>,
    mapping: Mapping,
    /// The mapping's lookup keys as PHP strings, by slot (see [`Mapping::keys`]).
    keys: Keys,
    /// Texts the mapping makes for the offers being written, reset for each product.
    arena: Bump,
    /// The memory of the last product offer's lists, for the next one.
    spare: Spare,
}

#[php_impl]
impl Writer {
    /// Starts a catalogue to be published at `$path`. `$shop`: `name`, `company`, optional
    /// `date` (`Y-m-d H:i:s`, default now). `$options`: `map` (ICML field => product field,
    /// such as `['name' => 'longtitle']`; miniShop2 names by default), `base_url` (the site's
    /// address: `url` and `picture` are made absolute against it as a browser reads links,
    /// `/x` from its host's root), `params` (product field => param name, default `article`,
    /// `color`, `size`), `unit` (default unit), `vendors` (vendor id => name).
    pub fn __construct(path: &Zval, shop: &Zval, options: Option<&Zval>) -> PhpResult<Self> {
        let path = args::string(path, "$path")?;
        let shop = PhpRecord::new(table(shop, "$shop")?, &[]);
        let mut shop = icml::mapping::shop(&shop).map_err(exception)?;
        if shop.date.is_none() {
            shop.date = php_date();
        }
        let options = args::optional_map(options, "$options")?;
        let mapping = Mapping::from_options(&options).map_err(exception)?;
        let writer = icml::Writer::create(path, &shop).map_err(|error| match error {
            icml::Error::Io { .. } => config(error.to_string()),
            other => exception(other),
        })?;
        let keys = mapping.keys().into_iter().map(key).collect();
        Ok(Writer {
            writer: Some(writer),
            mapping,
            keys,
            arena: Bump::new(),
            spare: Spare::default(),
        })
    }

    /// Adds a category (`id`, `name` or `pagetitle`, `parentId` or `parent`). Every
    /// category must come before the first offer.
    pub fn add_category(&mut self, category: &Zval) -> PhpResult<()> {
        let category = self
            .mapping
            .category(&PhpRecord::new(table(category, "$category")?, &[]))
            .map_err(exception)?;
        open(&mut self.writer)?
            .add_category(category)
            .map_err(exception)
    }

    /// Writes one offer from a product array (miniShop2 or ICML field names), and one more
    /// for each msOptionsPrice2 modification in its `modifications` list
    /// (`mod-{product}-{modification}`): all of them, or none when one is refused.
    pub fn add_offer(&mut self, offer: &Zval) -> PhpResult<()> {
        let Writer {
            writer,
            mapping,
            keys,
            arena,
            spare,
        } = self;
        let record = PhpRecord::new(table(offer, "$offer")?, keys);
        arena.reset();
        let offer = mapping
            .offer_reusing(&record, arena, spare)
            .map_err(exception)?;
        let modifications = mapping
            .modifications(&record, &offer, arena)
            .map_err(exception)?;
        let writer = open(writer)?;
        if modifications.is_empty() {
            let written = writer.add_offer(&offer);
            spare.keep(offer);
            written.map_err(exception)
        } else {
            let mut all = Vec::with_capacity(1 + modifications.len());
            all.push(offer);
            all.extend(modifications);
            writer.add_offers(&all).map_err(exception)
        }
    }

    /// Writes a list of product arrays (each with its modifications, as `addOffer`): all of
    /// them, or none when one is refused (the exception names its index and id). Returns
    /// how many offers were written.
    pub fn add_offers(&mut self, offers: &Zval) -> PhpResult<i64> {
        let Writer {
            writer,
            mapping,
            keys,
            arena,
            spare,
        } = self;
        let list = table(offers, "$offers")?;
        let records = values(list)
            .enumerate()
            .map(|(index, item)| item_table(item, index).map(|item| PhpRecord::new(item, keys)))
            .collect::<PhpResult<Vec<_>>>()?;
        // Once offers are being written, each goes into the document as soon as it is mapped
        // (no batch of mapped offers held); any refusal takes the whole batch back.
        if let Some(mut batch) = writer.as_mut().and_then(icml::Writer::batch) {
            for (index, record) in records.iter().enumerate() {
                arena.reset();
                let (offer, modifications) = expand(mapping, index, record, arena, spare)?;
                batch.add(&offer);
                modifications
                    .iter()
                    .for_each(|modification| batch.add(modification));
                spare.keep(offer);
            }
            let written = batch.commit().map_err(exception)?;
            return Ok(i64::try_from(written).unwrap_or(i64::MAX));
        }
        arena.reset();
        let mut all = Vec::with_capacity(records.len());
        for (index, record) in records.iter().enumerate() {
            let (offer, modifications) = expand(mapping, index, record, arena, spare)?;
            all.push(offer);
            all.extend(modifications);
        }
        open(writer)?.add_offers(&all).map_err(exception)?;
        Ok(i64::try_from(all.len()).unwrap_or(i64::MAX))
    }

    /// Completes the catalogue and publishes it at the path by atomic rename. Returns
    /// `['categories' => n, 'offers' => n, 'bytes' => n, 'path' => …, 'changed' => bool]`;
    /// `changed` is false when the published file already held this catalogue apart from
    /// its date: it is then left as it was (modification time included).
    pub fn finish(&mut self) -> PhpResult<Zval> {
        let writer = self.writer.take().ok_or_else(closed)?;
        let summary = writer.finish().map_err(exception)?;
        to_zval(&summary_fields(&summary).into())
    }

    /// Where a catalogue may be published: `$path` resolved (no `..`, no symbolic link) when
    /// it is an absolute path of a `.xml` or `.xml.gz` file inside one of `$folders` (such as
    /// the site's `assets/`), absent or a regular file; otherwise a `ConfigException` saying
    /// why. Reads only metadata: nothing is opened or created.
    pub fn published_path(path: &Zval, folders: &Zval) -> PhpResult<String> {
        let path = args::string(path, "$path")?;
        let folders = args::optional_list(Some(folders), "$folders")?
            .iter()
            .enumerate()
            .map(|(index, folder)| {
                folder
                    .as_str()
                    .map(PathBuf::from)
                    .ok_or_else(|| validation(format!("$folders[{index}] must be a string")))
            })
            .collect::<PhpResult<Vec<_>>>()?;
        icml::published_path(Path::new(&path), &folders)
            .map_err(exception)?
            .into_os_string()
            .into_string()
            .map_err(|path| config(format!("the ICML file {path:?} is not valid UTF-8")))
    }

    /// Writes the miniShop2 catalogue of a MySQL/MariaDB site to `$path` and publishes it
    /// (as `finish()`), read by the extension itself: no PHP array per product.
    /// `$database`: the site's `dsn` (MODX's PDO form), `user`, `password`, `prefix` (the
    /// table prefix). `$shop` and `$options` as for the constructor (the msOption captions
    /// are added to `params`). `$catalogue`: `parents` (resource ids, `[0]` = all),
    /// `friendly_urls`, `modifications` (msOptionsPrice2). Returns the summary of `finish()`
    /// plus `products`, `refused` and `refusals` (a product the mapping refuses is left
    /// out). A database that cannot be read is a `ConfigException` naming the server and
    /// the database (never the password); nothing is published then.
    pub fn export_database(
        database: &Zval,
        path: &Zval,
        shop: &Zval,
        options: Option<&Zval>,
        catalogue: Option<&Zval>,
    ) -> PhpResult<Zval> {
        let database = args::optional_map(Some(database), "$database")?;
        let text = |name: &str| -> String {
            match database.get(name) {
                Some(serde_json::Value::String(text)) => text.clone(),
                _ => String::new(),
            }
        };
        let target = MysqlTarget {
            dsn: text("dsn"),
            user: text("user"),
            password: text("password"),
            prefix: text("prefix"),
        };
        let path = args::string(path, "$path")?;
        let mut shop =
            icml::mapping::shop(&args::optional_map(Some(shop), "$shop")?).map_err(exception)?;
        if shop.date.is_none() {
            shop.date = php_date();
        }
        let catalogue = args::optional_map(catalogue, "$catalogue")?;
        let flag =
            |name: &str| catalogue.get(name).and_then(serde_json::Value::as_bool) == Some(true);
        let parents: Vec<i64> = match catalogue.get("parents") {
            Some(serde_json::Value::Array(ids)) => {
                ids.iter().filter_map(serde_json::Value::as_i64).collect()
            }
            _ => Vec::new(),
        };
        let request = minishop::Request {
            shop,
            options: args::optional_map(options, "$options")?,
            parents: if parents.is_empty() { vec![0] } else { parents },
            friendly_urls: flag("friendly_urls"),
            modifications: flag("modifications"),
        };
        let exported =
            minishop::export(&target, Path::new(&path), &request).map_err(|error| match error {
                minishop::ExportError::Icml(icml::Error::Io { .. })
                    if !Path::new(&path).parent().is_some_and(Path::is_dir) =>
                {
                    config(error.to_string())
                }
                minishop::ExportError::Icml(error) => exception(error),
                database @ minishop::ExportError::Database { .. } => config(database.to_string()),
            })?;
        let mut fields = summary_fields(&exported.summary);
        fields.insert("products".into(), exported.products.into());
        fields.insert("refused".into(), exported.refused.into());
        fields.insert("refusals".into(), exported.refusals.into());
        to_zval(&fields.into())
    }

    /// Stops without publishing: the temporary file is removed, the published file stays.
    /// Does nothing on a writer already finished or aborted.
    pub fn abort(&mut self) -> PhpResult<()> {
        match self.writer.take() {
            Some(writer) => writer.abort().map_err(exception),
            None => Ok(()),
        }
    }
}

/// A finished catalogue's summary as PHP gets it: `categories`, `offers`, `bytes`, `path`,
/// `changed`.
fn summary_fields(summary: &icml::Summary) -> serde_json::Map<String, serde_json::Value> {
    let path = summary.path.to_string_lossy().into_owned();
    [
        ("categories", summary.categories.into()),
        ("offers", summary.offers.into()),
        ("bytes", summary.bytes.into()),
        ("path", path.into()),
        ("changed", summary.changed.into()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

/// The offer of the product `record` (`$offers[index]`) and its modifications' offers
/// (texts made in `arena`, lists in what `spare` keeps), errors naming the product.
fn expand<'r>(
    mapping: &'r Mapping,
    index: usize,
    record: &'r PhpRecord<'_>,
    arena: &'r Bump,
    spare: &mut Spare,
) -> PhpResult<(icml::Offer<'r>, Vec<icml::Offer<'r>>)> {
    let named = |e: icml::Error| validation(format!("$offers[{index}]: {e}"));
    let offer = mapping.offer_reusing(record, arena, spare).map_err(named)?;
    let modifications = mapping
        .modifications(record, &offer, arena)
        .map_err(named)?;
    Ok((offer, modifications))
}

/// The writer, unless it is finished or aborted.
fn open(writer: &mut Option<icml::Writer>) -> PhpResult<&mut icml::Writer> {
    writer.as_mut().ok_or_else(closed)
}

fn closed() -> PhpException {
    validation("the writer is already finished or aborted")
}

/// The PHP exception for an ICML error.
fn exception(error: icml::Error) -> PhpException {
    match error {
        icml::Error::Options(_) | icml::Error::Path(_) => config(error.to_string()),
        icml::Error::Io { .. } => Kind::File.exception(error.to_string(), 0),
        _ => validation(error.to_string()),
    }
}

fn table<'a>(value: &'a Zval, name: &str) -> PhpResult<&'a ZendHashTable> {
    value
        .dereference()
        .array()
        .ok_or_else(|| not_an_array(name, value))
}

/// [`table`] for `$offers[index]`, naming it only when it is not an array.
fn item_table(value: &Zval, index: usize) -> PhpResult<&ZendHashTable> {
    value
        .dereference()
        .array()
        .ok_or_else(|| not_an_array(&format!("$offers[{index}]"), value))
}

fn not_an_array(name: &str, value: &Zval) -> PhpException {
    validation(format!(
        "{name} must be an array, {} given",
        type_name(value)
    ))
}

/// PHP's `date('Y-m-d H:i:s')`: the current time in PHP's configured time zone.
fn php_date() -> Option<String> {
    ZendCallable::try_from_name("date")
        .ok()?
        .try_call(vec![&"Y-m-d H:i:s"])
        .ok()?
        .str()
        .map(str::to_string)
}

/// Lookup keys as PHP strings, by slot; `None` where a name is looked up as it is.
type Keys = Vec<Option<ZBox<ZendStr>>>;

/// `name` as a PHP string key, which caches its hash: `None` for a name PHP may store as an
/// integer key (such as "5") and for the empty name of an unmapped target.
fn key(name: &str) -> Option<ZBox<ZendStr>> {
    plain_key(name).then(|| ZendStr::new(name, false))
}

/// Whether PHP stores `name` as a string key as it is: PHP stores keys such as "5" as
/// integers, which ext-php-rs's key conversion checks for.
fn plain_key(name: &str) -> bool {
    !matches!(name.as_bytes().first(), Some(b'0'..=b'9' | b'-') | None)
}

/// A PHP array as a [`Record`], with the mapping's lookup keys.
struct PhpRecord<'a> {
    table: &'a ZendHashTable,
    keys: &'a [Option<ZBox<ZendStr>>],
}

impl<'a> PhpRecord<'a> {
    fn new(table: &'a ZendHashTable, keys: &'a [Option<ZBox<ZendStr>>]) -> PhpRecord<'a> {
        PhpRecord { table, keys }
    }
}

impl Record for PhpRecord<'_> {
    fn field(&self, name: &str) -> Option<Field<'_>> {
        // Plain names are looked up as they are, without ext-php-rs's numeric check.
        let key = if plain_key(name) {
            ArrayKey::Str(name)
        } else {
            ArrayKey::from(name)
        };
        self.table.get(key).map(|value| field(value, 0))
    }

    fn field_at(&self, slot: usize, name: &str) -> Option<Field<'_>> {
        match self.keys.get(slot) {
            Some(Some(key)) => self
                .table
                .get(ArrayKey::ZendString(key))
                .map(|value| field(value, 0)),
            _ => self.field(name),
        }
    }
}

fn field(value: &Zval, depth: usize) -> Field<'_> {
    let value = value.dereference();
    // The common types first, through ext-php-rs's one-comparison type tests (`get_type`
    // decodes every type flag).
    if let Some(text) = value.zend_str() {
        return text
            .as_str()
            .map_or(Field::NotUtf8, |text| Field::Str(Cow::Borrowed(text)));
    }
    if let Some(number) = value.long() {
        return Field::Int(number);
    }
    if let Some(number) = value.double() {
        return Field::Float(number);
    }
    if let Some(array) = value.array() {
        return if depth < MAX_DEPTH {
            array_field(array, depth + 1)
        } else {
            Field::Other("an array nested too deep")
        };
    }
    match value.get_type() {
        DataType::Null | DataType::Undef => Field::Null,
        DataType::True => Field::Bool(true),
        DataType::False => Field::Bool(false),
        _ => Field::Other(type_name(value)),
    }
}

fn array_field(array: &ZendHashTable, depth: usize) -> Field<'_> {
    if let Some(len) = packed_list(array) {
        let mut items = Vec::with_capacity(len as usize);
        items.extend(values(array).map(|item| field(item, depth)));
        return Field::List(items);
    }
    let entries: Vec<_> = keyed(array).collect();
    let sequential = entries
        .iter()
        .enumerate()
        .all(|(position, (key, _))| key.index() == i64::try_from(position).ok());
    if sequential {
        return Field::List(entries.iter().map(|(_, item)| field(item, depth)).collect());
    }
    let entries = entries
        .into_iter()
        .map(|(key, item)| (Cow::Owned(key.lossy()), field(item, depth)));
    Field::Map(entries.collect())
}

/// Zend's `HASH_FLAG_PACKED`: the array is a plain vector of values indexed from 0.
const HASH_FLAG_PACKED: u32 = 1 << 2;

/// The length of `array` when it is packed and without holes, PHP's usual list (keys 0, 1,
/// 2 … in order); `None` for other arrays.
fn packed_list(array: &ZendHashTable) -> Option<u32> {
    // SAFETY: both views of the union are plain integers that Zend initialises with the array.
    let flags = unsafe { array.u.flags };
    let packed = flags & HASH_FLAG_PACKED != 0 && array.nNumUsed == array.nNumOfElements;
    packed.then_some(array.nNumUsed)
}

/// The values of `array` in order. A packed list is read by index, which is much cheaper
/// than ext-php-rs's iterator (four calls into PHP and a key copy per item).
fn values(array: &ZendHashTable) -> impl Iterator<Item = &Zval> {
    let (packed, other) = match packed_list(array) {
        Some(len) => (
            Some((0..len).filter_map(|index| array.get_index(i64::from(index)))),
            None,
        ),
        None => (None, Some(keyed(array).map(|(_, item)| item))),
    };
    packed
        .into_iter()
        .flatten()
        .chain(other.into_iter().flatten())
}
