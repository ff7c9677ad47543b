//! The miniShop2 catalogue read from the shop's MySQL/MariaDB database and written as ICML,
//! with no PHP array per product: the production reader of MySQL/MariaDB sites (the PHP
//! reader `php-plugin/lib/IcmlCatalog.php` stays for SQLite).
//!
//! The queries are the PHP reader's, as prepared statements (the binary protocol gives
//! integers as integers, as PDO does, so the document is byte for byte the PHP reader's):
//! pages of products on the primary key (`c.id > ? … FORCE INDEX (PRIMARY) ORDER BY c.id
//! LIMIT 500`), then by the page's range of ids their options, categories, pictures and
//! msOptionsPrice2 modifications; a page's rows are sorted here, not by the server (see
//! IcmlCatalog.php for the measurements). Each query's rows are read completely before the
//! next query; only the categories (few) and one page are held.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use bumpalo::Bump;
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, Row, Value};
use serde_json::Map;

use super::{Error, Field, Mapping, Record, Shop, Spare, Summary, Writer};
use crate::site_db::MysqlTarget;

/// Products per page.
pub const PAGE_SIZE: usize = 500;

/// Refused products whose message is kept in [`Exported::refusals`] (the rest are counted).
const REFUSALS_KEPT: usize = 20;

/// What to export besides the database: the same choices as the PHP reader's `export()`.
#[derive(Debug, Clone)]
pub struct Request {
    /// The shop header (its `date` included).
    pub shop: Shop,
    /// The mapping's options (`params`, `unit`, `base_url` …); the msOption captions are
    /// added to `params` for the keys it lacks.
    pub options: Map<String, serde_json::Value>,
    /// Resource ids whose categories (and those below them) are exported; `[0]`: all.
    pub parents: Vec<i64>,
    /// MODX's `friendly_urls`: the page's `uri`, else `index.php?id=…`.
    pub friendly_urls: bool,
    /// msOptionsPrice2 modifications as offers of their own (when its tables exist).
    pub modifications: bool,
}

/// What an export wrote.
#[derive(Debug)]
pub struct Exported {
    /// The writer's summary.
    pub summary: Summary,
    /// Products written.
    pub products: u64,
    /// Products refused by the mapping (left out with their modifications).
    pub refused: u64,
    /// The first refusals' messages.
    pub refusals: Vec<String>,
}

/// Why an export failed; nothing was published.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The database cannot be read (the message names the server and the database, never
    /// the password).
    #[error("the shop's database cannot be read ({location}): {message}")]
    Database {
        /// The server and the database.
        location: String,
        /// What went wrong.
        message: String,
    },
    /// The catalogue cannot be written.
    #[error(transparent)]
    Icml(#[from] Error),
}

/// Writes the catalogue of the database `target` to `path` and publishes it (see
/// [`Writer::finish`]); on an error nothing is published and the previous file stays.
pub fn export(
    target: &MysqlTarget,
    path: &Path,
    request: &Request,
) -> Result<Exported, ExportError> {
    let mut reader = Reader::connect(target)?;
    let (categories, members) = reader.categories(&request.parents)?;
    let mut options = request.options.clone();
    reader.add_captions(&mut options)?;
    let mapping = Mapping::from_options(&options)?;
    let modifications = request.modifications && reader.exists("msop_modifications")?;
    reader.modification_options = modifications && reader.exists("msop_modification_options")?;
    reader.modifications = modifications;
    reader.gallery = reader.exists("ms2_product_files")?;
    reader.friendly_urls = request.friendly_urls;
    reader.categories = members;

    let mut output = Output {
        mapping: &mapping,
        writer: Writer::create(path, &request.shop)?,
        arena: Bump::new(),
        spare: Spare::default(),
        products: 0,
        refused: 0,
        refusals: Vec::new(),
    };
    for category in &categories {
        output.writer.add_category(mapping.category(category)?)?;
    }
    let mut after = 0;
    while let Some((last, products)) = reader.page(after)? {
        after = last;
        output.write(&products)?;
    }
    Ok(Exported {
        summary: output.writer.finish()?,
        products: output.products,
        refused: output.refused,
        refusals: output.refusals,
    })
}

/// A category row as the writer reads it.
type Category = Map<String, serde_json::Value>;

/// The column names of a query's rows, shared by its rows.
type Columns = Arc<[String]>;

/// A row of the related queries: kind (1 option, 2 category, 3 picture), product id,
/// option key, option value or picture URL, category id or picture rank, picture id.
type Related = (i64, i64, Option<String>, Option<String>, i64, i64);

/// One product row with what the reader adds to it, as the PHP reader shapes it.
struct Product {
    columns: Columns,
    values: Vec<Value>,
    options: BTreeMap<String, Vec<String>>,
    /// `categoryId` (its `parent` first) once the product is a member of an exported
    /// category; `parent` is then left out.
    categories: Option<Vec<i64>>,
    /// `image` as a list, once the gallery has a picture: the main image first.
    pictures: Option<Vec<String>>,
    modifications: Vec<Modification>,
    uri: String,
}

/// One msOptionsPrice2 modification row with its options.
struct Modification {
    columns: Columns,
    values: Vec<Value>,
    options: Vec<(String, Value)>,
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
fn column<'a>(columns: &Columns, values: &'a [Value], name: &str) -> Option<Field<'a>> {
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
fn int(value: &Value) -> i64 {
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
fn text(value: &Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        other => Some(int(other).to_string()),
    }
}

/// The value at `index` of a row (NULL past its end).
fn at(values: &[Value], index: usize) -> &Value {
    values.get(index).unwrap_or(&Value::NULL)
}

/// The column names of a row.
fn columns(row: &Row) -> Columns {
    row.columns_ref()
        .iter()
        .map(|column| column.name_str().into_owned())
        .collect()
}

/// A connection reading the catalogue page by page.
struct Reader {
    conn: Conn,
    prefix: String,
    location: String,
    /// The exported categories' ids.
    categories: HashSet<i64>,
    gallery: bool,
    modifications: bool,
    modification_options: bool,
    friendly_urls: bool,
}

impl Reader {
    /// Connects to `target` (the password never in an error).
    fn connect(target: &MysqlTarget) -> Result<Reader, ExportError> {
        let setting = "the site's database_dsn";
        let invalid = |message: String| ExportError::Database {
            location: target.dsn.clone(),
            message,
        };
        if !target.prefix_is_plain() {
            return Err(invalid(format!(
                "the table prefix {:?} has characters other than letters, digits and _",
                target.prefix
            )));
        }
        let connection = target.connection(setting).map_err(invalid)?;
        let location = format!(
            "MySQL {}, database {}",
            connection.server, connection.database
        );
        let options = connection
            .options
            .stmt_cache_size(16)
            .init(vec!["SET NAMES utf8mb4"]);
        let conn = Conn::new(Opts::from(options)).map_err(|error| ExportError::Database {
            location: location.clone(),
            message: error.to_string(),
        })?;
        Ok(Reader {
            conn,
            prefix: target.prefix.clone(),
            location,
            categories: HashSet::new(),
            gallery: false,
            modifications: false,
            modification_options: false,
            friendly_urls: false,
        })
    }

    /// The quoted name of the table `name` (without the prefix).
    fn table(&self, name: &str) -> String {
        format!("`{}{name}`", self.prefix)
    }

    /// The error of a failed query.
    fn failed(&self, error: mysql::Error) -> ExportError {
        ExportError::Database {
            location: self.location.clone(),
            message: error.to_string(),
        }
    }

    /// The rows of a prepared statement, all read before returning (a page at most).
    fn rows(&mut self, sql: &str, params: Vec<i64>) -> Result<Vec<Row>, ExportError> {
        let read = |conn: &mut Conn| -> Result<Vec<Row>, mysql::Error> {
            let statement = conn.prep(sql)?;
            conn.exec_iter(&statement, params)?.collect()
        };
        read(&mut self.conn).map_err(|error| self.failed(error))
    }

    /// Every row `sql` gives, page by page on the id in its first column (`sql` takes the
    /// last id seen as its one parameter and returns at most [`PAGE_SIZE`] rows in id order),
    /// each handed to `visit` as its values.
    fn each_row(&mut self, sql: &str, mut visit: impl FnMut(&[Value])) -> Result<(), ExportError> {
        let mut after = 0;
        loop {
            let rows = self.rows(sql, vec![after])?;
            let count = rows.len();
            for row in rows {
                let values = row.unwrap();
                after = int(at(&values, 0));
                visit(&values);
            }
            if count < PAGE_SIZE {
                return Ok(());
            }
        }
    }

    /// Whether the table `name` exists.
    fn exists(&mut self, name: &str) -> Result<bool, ExportError> {
        let sql = format!("SELECT 1 FROM {} WHERE 1 = 0", self.table(name));
        match self.conn.query_drop(sql) {
            Ok(()) => Ok(true),
            Err(mysql::Error::MySqlError(_)) => Ok(false),
            Err(error) => Err(self.failed(error)),
        }
    }

    /// The published, not deleted msCategory resources under `parents` (all of them for
    /// `[0]`) as the writer reads them (`id`, `pagetitle`, `parent`), in id order, and
    /// their ids.
    fn categories(
        &mut self,
        parents: &[i64],
    ) -> Result<(Vec<Category>, HashSet<i64>), ExportError> {
        let sql = format!(
            "SELECT id, parent, pagetitle, class_key, published, deleted FROM {} \
             WHERE id > ? AND (class_key = 'msCategory' OR isfolder = 1) ORDER BY id LIMIT {PAGE_SIZE}",
            self.table("site_content")
        );
        let mut children: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut exportable: Vec<(i64, Category)> = Vec::new();
        self.each_row(&sql, |values| {
            let (id, parent) = (int(at(values, 0)), int(at(values, 1)));
            children.entry(parent).or_default().push(id);
            let category = text(at(values, 3)).as_deref() == Some("msCategory");
            if category && int(at(values, 4)) != 0 && int(at(values, 5)) == 0 {
                let pagetitle = text(at(values, 2)).unwrap_or_default();
                let fields = [
                    ("id", id.into()),
                    ("pagetitle", pagetitle.into()),
                    ("parent", parent.into()),
                ];
                exportable.push((
                    id,
                    fields
                        .into_iter()
                        .map(|(name, value)| (name.to_string(), value))
                        .collect(),
                ));
            }
        })?;
        if !parents.contains(&0) {
            let mut under = HashSet::new();
            let mut queue = parents.to_vec();
            while let Some(id) = queue.pop() {
                if under.insert(id) {
                    queue.extend(children.get(&id).into_iter().flatten());
                }
            }
            exportable.retain(|(id, _)| under.contains(id));
        }
        let ids = exportable.iter().map(|(id, _)| *id).collect();
        Ok((
            exportable
                .into_iter()
                .map(|(_, category)| category)
                .collect(),
            ids,
        ))
    }

    /// Adds the msOption captions to the `params` option for the keys it lacks.
    fn add_captions(
        &mut self,
        options: &mut Map<String, serde_json::Value>,
    ) -> Result<(), ExportError> {
        if !self.exists("ms2_options")? {
            return Ok(());
        }
        let sql = format!(
            "SELECT id, `key`, caption FROM {} WHERE id > ? ORDER BY id LIMIT {PAGE_SIZE}",
            self.table("ms2_options")
        );
        let mut captions: Vec<(String, String)> = Vec::new();
        self.each_row(&sql, |values| {
            let key = text(at(values, 1)).unwrap_or_default();
            let caption = text(at(values, 2)).unwrap_or_default().trim().to_string();
            let caption = if caption.is_empty() {
                key.clone()
            } else {
                caption
            };
            match captions.iter_mut().find(|(known, _)| *known == key) {
                Some(entry) => entry.1 = caption,
                None => captions.push((key, caption)),
            }
        })?;
        let params = options
            .entry("params")
            .or_insert_with(|| serde_json::Value::Object(Map::new()));
        if let serde_json::Value::Object(params) = params {
            for (key, caption) in captions {
                params.entry(key).or_insert(caption.into());
            }
        }
        Ok(())
    }

    /// The page of products after id `after` with their options, categories, pictures and
    /// modifications: (last id read, products), or `None` when none is left.
    fn page(&mut self, after: i64) -> Result<Option<(i64, Vec<Product>)>, ExportError> {
        let sql = format!(
            "SELECT c.id, c.pagetitle, c.longtitle, c.parent, c.uri, c.published, d.*, v.name AS `vendor.name` \
             FROM {} c FORCE INDEX (PRIMARY) JOIN {} d ON d.id = c.id LEFT JOIN {} v ON v.id = d.vendor \
             WHERE c.id > ? AND c.class_key = 'msProduct' AND c.published = 1 AND c.deleted = 0 \
             ORDER BY c.id LIMIT {PAGE_SIZE}",
            self.table("site_content"),
            self.table("ms2_products"),
            self.table("ms2_vendors")
        );
        let rows = self.rows(&sql, vec![after])?;
        let Some(last) = rows.last().and_then(|row| row.as_ref(0)).map(int) else {
            return Ok(None);
        };
        let mut products = Vec::with_capacity(rows.len());
        let mut shared: Option<Columns> = None;
        for row in rows {
            let columns = shared.get_or_insert_with(|| columns(&row)).clone();
            let values = row.unwrap();
            let (id, parent) = (int(at(&values, 0)), int(at(&values, 3)));
            if !self.categories.contains(&parent) {
                continue;
            }
            let uri = text(at(&values, 4))
                .filter(|uri| self.friendly_urls && !uri.is_empty())
                .unwrap_or_else(|| format!("index.php?id={id}"));
            products.push(Product {
                columns,
                values,
                options: BTreeMap::new(),
                categories: None,
                pictures: None,
                modifications: Vec::new(),
                uri,
            });
        }
        let ids: Vec<i64> = products
            .iter()
            .map(|product| int(&product.values[0]))
            .collect();
        if let (Some(&low), Some(&high)) = (ids.iter().min(), ids.iter().max()) {
            let index: HashMap<i64, usize> = ids
                .iter()
                .enumerate()
                .map(|(position, &id)| (id, position))
                .collect();
            self.add_related(&mut products, &index, (low, high))?;
            if self.modifications {
                self.add_modifications(&mut products, &index, (low, high))?;
            }
        }
        Ok(Some((last, products)))
    }

    /// Options, extra categories and gallery pictures (three queries, sorted here as the
    /// PHP reader sorts them).
    fn add_related(
        &mut self,
        products: &mut [Product],
        index: &HashMap<i64, usize>,
        (low, high): (i64, i64),
    ) -> Result<(), ExportError> {
        let mut queries = vec![
            format!(
                "SELECT 1 AS kind, product_id, `key` AS name, value, 0 AS n1, 0 AS n2 FROM {} \
                 WHERE product_id BETWEEN ? AND ?",
                self.table("ms2_product_options")
            ),
            format!(
                "SELECT 2 AS kind, product_id, NULL AS name, NULL AS value, category_id AS n1, 0 AS n2 \
                 FROM {} WHERE product_id BETWEEN ? AND ?",
                self.table("ms2_product_categories")
            ),
        ];
        if self.gallery {
            queries.push(format!(
                "SELECT 3 AS kind, product_id, NULL AS name, url AS value, `rank` AS n1, id AS n2 \
                 FROM {} WHERE product_id BETWEEN ? AND ? AND parent = 0 AND type = 'image' AND active = 1",
                self.table("ms2_product_files")
            ));
        }
        let mut rows: Vec<Related> = Vec::new();
        for sql in queries {
            rows.extend(self.rows(&sql, vec![low, high])?.into_iter().map(|row| {
                let values = row.unwrap();
                (
                    int(at(&values, 0)),
                    int(at(&values, 1)),
                    text(at(&values, 2)),
                    text(at(&values, 3)),
                    int(at(&values, 4)),
                    int(at(&values, 5)),
                )
            }));
        }
        // By kind, product, option key (bytes; NULL as ''), category or rank, picture id.
        rows.sort_by(|a, b| {
            let name = |row: &Related| row.2.clone().unwrap_or_default();
            (a.0, a.1, name(a), a.4, a.5).cmp(&(b.0, b.1, name(b), b.4, b.5))
        });
        for (kind, id, name, value, n1, _) in rows {
            let Some(product) = index.get(&id).map(|&position| &mut products[position]) else {
                continue; // in the page's range but not exported
            };
            match (kind, name, value) {
                (1, name, Some(value)) if !value.is_empty() => product
                    .options
                    .entry(name.unwrap_or_default())
                    .or_default()
                    .push(value),
                (2, ..) if self.categories.contains(&n1) => {
                    let parent = int(at(&product.values, 3));
                    let categories = product.categories.get_or_insert_with(|| vec![parent]);
                    if !categories.contains(&n1) {
                        categories.push(n1);
                    }
                }
                (3, _, url) => {
                    let image = column(&product.columns, &product.values, "image");
                    let pictures = product.pictures.get_or_insert_with(|| match image {
                        Some(Field::Str(image)) => vec![image.into_owned()],
                        Some(Field::Int(number)) => vec![number.to_string()],
                        _ => Vec::new(),
                    });
                    if let Some(url) = url.filter(|url| !url.is_empty())
                        && !pictures.contains(&url)
                    {
                        pictures.push(url);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The products' msOptionsPrice2 modifications with their options (joined).
    fn add_modifications(
        &mut self,
        products: &mut [Product],
        index: &HashMap<i64, usize>,
        (low, high): (i64, i64),
    ) -> Result<(), ExportError> {
        let sql = match self.modification_options {
            true => format!(
                "SELECT m.*, o.`key` AS `option.key`, o.value AS `option.value` FROM {} m \
                 LEFT JOIN {} o ON o.mid = m.id WHERE m.rid BETWEEN ? AND ?",
                self.table("msop_modifications"),
                self.table("msop_modification_options")
            ),
            false => format!(
                "SELECT m.* FROM {} m WHERE m.rid BETWEEN ? AND ?",
                self.table("msop_modifications")
            ),
        };
        let rows = self.rows(&sql, vec![low, high])?;
        let Some(mut names) = rows.first().map(columns) else {
            return Ok(());
        };
        if self.modification_options {
            names = names[..names.len().saturating_sub(2)].into();
        }
        let position = |name: &str| names.iter().position(|column| column == name);
        let (id_at, rid_at, rank_at) = (position("id"), position("rid"), position("rank"));
        let get = |values: &[Value], at_: Option<usize>| at_.map_or(0, |i| int(at(values, i)));
        let mut rows: Vec<Vec<Value>> = rows.into_iter().map(Row::unwrap).collect();
        let with_options = self.modification_options;
        let option = |values: &mut Vec<Value>| -> Option<(Option<String>, Value)> {
            with_options.then(|| {
                let value = values.pop().unwrap_or(Value::NULL);
                let key = values.pop().as_ref().and_then(text);
                (key, value)
            })
        };
        // By product, the manager's order, modification, option key (bytes; NULL as '').
        rows.sort_by_cached_key(|values| {
            let key = match with_options {
                true => text(at(values, values.len().saturating_sub(2))).unwrap_or_default(),
                false => String::new(),
            };
            (
                get(values, rid_at),
                get(values, rank_at),
                get(values, id_at),
                key,
            )
        });
        let mut current = None;
        for mut values in rows {
            let (id, rid) = (get(&values, id_at), get(&values, rid_at));
            let Some(product) = index.get(&rid).map(|&position| &mut products[position]) else {
                continue; // in the page's range but not exported
            };
            let option = option(&mut values);
            if current != Some((rid, id)) {
                product.modifications.push(Modification {
                    columns: names.clone(),
                    values,
                    options: Vec::new(),
                });
                current = Some((rid, id));
            }
            if let (Some((Some(key), value)), Some(modification)) =
                (option, product.modifications.last_mut())
            {
                match modification
                    .options
                    .iter_mut()
                    .find(|(known, _)| *known == key)
                {
                    Some(entry) => entry.1 = value,
                    None => modification.options.push((key, value)),
                }
            }
        }
        Ok(())
    }
}

/// Writes the pages' products (and their modifications) as the PHP reader does through
/// `Writer::addOffer`: a refused product is counted and left out.
struct Output<'m> {
    mapping: &'m Mapping,
    writer: Writer,
    arena: Bump,
    spare: Spare,
    products: u64,
    refused: u64,
    refusals: Vec<String>,
}

impl Output<'_> {
    /// Writes a page's products.
    fn write(&mut self, products: &[Product]) -> Result<(), Error> {
        for product in products {
            match self.write_one(product) {
                Ok(()) => self.products += 1,
                Err(error @ (Error::Offer { .. } | Error::Category { .. })) => {
                    self.refused += 1;
                    if self.refusals.len() < REFUSALS_KEPT {
                        self.refusals.push(error.to_string());
                    }
                }
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Writes one product with its modifications: all or none.
    fn write_one(&mut self, product: &Product) -> Result<(), Error> {
        self.arena.reset();
        let offer = self
            .mapping
            .offer_reusing(product, &self.arena, &mut self.spare)?;
        let modifications = self.mapping.modifications(product, &offer, &self.arena)?;
        if modifications.is_empty() {
            let written = self.writer.add_offer(&offer);
            self.spare.keep(offer);
            written
        } else {
            let mut all = Vec::with_capacity(1 + modifications.len());
            all.push(offer);
            all.extend(modifications);
            self.writer.add_offers(&all)
        }
    }
}
