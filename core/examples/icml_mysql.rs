//! Bench prototype (issue #18, run by `benches/icml_db.sh` as `rust`): the miniShop2 catalogue
//! of the bench database read in Rust with the `mysql` crate — the queries of
//! `php-plugin/lib/IcmlCatalog.php`, as prepared statements (the binary protocol gives integers
//! as integers, as PDO does, so the document is byte for byte the extension's) — and fed to the
//! ICML writer with no PHP array per product. `prefetch`: a second thread reads the next page
//! while the writer writes this one.
//!
//! Not the production reader: it knows only the bench's tables (`modx_` prefix, every table
//! present, the whole catalogue, msOptionsPrice2 on) and the bench's shop.
//!
//! Usage: `icml_mysql SOCKET DATABASE OUT [serial|prefetch]`; prints one line of key=value
//! figures (wall and CPU seconds, peak RSS, offers, bytes).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error;
use std::sync::{Arc, mpsc};
use std::time::Instant;

use bumpalo::Bump;
use modretailcrm_core::icml::{self, Field, Mapping, Record, Spare};
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Row, Value};

type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

const PRODUCTS: &str = "SELECT c.id, c.pagetitle, c.longtitle, c.parent, c.uri, c.published, d.*, \
    v.name AS `vendor.name` FROM modx_site_content c FORCE INDEX (PRIMARY) \
    JOIN modx_ms2_products d ON d.id = c.id LEFT JOIN modx_ms2_vendors v ON v.id = d.vendor \
    WHERE c.id > ? AND c.class_key = 'msProduct' AND c.published = 1 AND c.deleted = 0 \
    ORDER BY c.id LIMIT 500";

/// Options, extra categories and gallery pictures of a page's range of ids: three queries
/// (their UNION ALL cost MariaDB more), rows shaped alike and sorted here.
const RELATED: [&str; 3] = [
    "SELECT 1 AS kind, product_id, `key` AS name, value, 0 AS n1, 0 AS n2 \
     FROM modx_ms2_product_options WHERE product_id BETWEEN ? AND ?",
    "SELECT 2 AS kind, product_id, NULL AS name, NULL AS value, category_id AS n1, 0 AS n2 FROM modx_ms2_product_categories \
     WHERE product_id BETWEEN ? AND ?",
    "SELECT 3 AS kind, product_id, NULL AS name, url AS value, `rank` AS n1, id AS n2 FROM modx_ms2_product_files \
     WHERE product_id BETWEEN ? AND ? AND parent = 0 AND type = 'image' AND active = 1",
];

/// Modifications with their options, sorted here (an ORDER BY made MariaDB sort them in a
/// temporary table).
const MODIFICATIONS: &str = "SELECT m.*, o.`key` AS `option.key`, o.value AS `option.value` \
    FROM modx_msop_modifications m LEFT JOIN modx_msop_modification_options o ON o.mid = m.id \
    WHERE m.rid BETWEEN ? AND ?";

/// A row of the related query: kind (1 option, 2 category, 3 picture), product id, option
/// key, option value or picture URL, category id or picture rank, picture id.
type Related = (i64, i64, Option<String>, Option<String>, i64, i64);

/// The column names of a query's rows, shared by its rows.
type Columns = Arc<[String]>;

/// One product row with what the PHP reader adds to it: `options`, extra categories
/// (`categoryId`), gallery pictures (`image` as a list), `modifications`, the page `uri`.
struct Product {
    columns: Columns,
    values: Vec<Value>,
    options: BTreeMap<String, Vec<String>>,
    categories: Vec<i64>,
    pictures: Vec<String>,
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
        match name {
            "uri" => Some(Field::Str(Cow::Borrowed(&self.uri))),
            "options" if !self.options.is_empty() => Some(Field::Map(
                self.options
                    .iter()
                    .map(|(key, values)| (Cow::Borrowed(key.as_str()), option_field(values)))
                    .collect(),
            )),
            "categoryId" if self.categories.len() > 1 => Some(Field::List(
                self.categories.iter().copied().map(Field::Int).collect(),
            )),
            "parent" if self.categories.len() > 1 => None,
            "image" if !self.pictures.is_empty() => Some(self.pictures()),
            "modifications" if !self.modifications.is_empty() => Some(Field::List(
                self.modifications
                    .iter()
                    .map(Modification::as_map)
                    .collect(),
            )),
            _ => column(&self.columns, &self.values, name),
        }
    }
}

impl Product {
    /// The main `image` (when not empty) and the gallery's pictures after it, once each.
    fn pictures(&self) -> Field<'_> {
        let mut pictures: Vec<&str> = Vec::with_capacity(1 + self.pictures.len());
        if let Some(Field::Str(Cow::Borrowed(image))) = column(&self.columns, &self.values, "image")
            && !image.is_empty()
        {
            pictures.push(image);
        }
        for picture in &self.pictures {
            if !pictures.contains(&picture.as_str()) {
                pictures.push(picture);
            }
        }
        Field::List(
            pictures
                .into_iter()
                .map(|picture| Field::Str(Cow::Borrowed(picture)))
                .collect(),
        )
    }
}

impl Modification {
    /// The modification as the PHP reader hands it: its columns and `options`.
    fn as_map(&self) -> Field<'_> {
        let mut fields: Vec<(Cow<'_, str>, Field<'_>)> = self
            .columns
            .iter()
            .zip(&self.values)
            .filter(|(name, _)| !name.starts_with("option."))
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

/// The column `name` of a row.
fn column<'a>(columns: &Columns, values: &'a [Value], name: &str) -> Option<Field<'a>> {
    let index = columns.iter().position(|column| column == name)?;
    values.get(index).map(value_field)
}

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

fn int(value: &Value) -> i64 {
    match value {
        Value::Int(number) => *number,
        Value::UInt(number) => i64::try_from(*number).unwrap_or(i64::MAX),
        Value::Bytes(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(0),
        _ => 0,
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        other => Some(int(other).to_string()),
    }
}

fn columns(row: &Row) -> Columns {
    row.columns_ref()
        .iter()
        .map(|column| column.name_str().into_owned())
        .collect()
}

/// A connection reading the catalogue page by page.
struct Reader {
    conn: Conn,
    /// The exported categories (every published msCategory).
    categories: HashSet<i64>,
}

impl Reader {
    /// The rows of a prepared statement, all read before returning (a page at most).
    fn rows(&mut self, sql: &str, params: Vec<i64>) -> Result<Vec<Row>> {
        let statement = self.conn.prep(sql)?;
        let rows = self.conn.exec_iter(&statement, params)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The page of products after id `after` with their options, categories, pictures and
    /// modifications: (last id read, products), or `None` when none is left.
    fn page(&mut self, after: i64) -> Result<Option<(i64, Vec<Product>)>> {
        let rows = self.rows(PRODUCTS, vec![after])?;
        let Some(last) = rows.last().and_then(|row| row.as_ref(0)).map(int) else {
            return Ok(None);
        };
        let mut products = Vec::with_capacity(rows.len());
        let mut shared: Option<Columns> = None;
        for row in rows {
            let columns = shared.get_or_insert_with(|| columns(&row)).clone();
            let values = row.unwrap();
            let (id, parent) = (int(&values[0]), int(&values[3]));
            if !self.categories.contains(&parent) {
                continue;
            }
            let uri = text(&values[4])
                .filter(|uri| !uri.is_empty())
                .unwrap_or_else(|| format!("index.php?id={id}"));
            products.push(Product {
                columns,
                values,
                options: BTreeMap::new(),
                categories: vec![parent],
                pictures: Vec::new(),
                modifications: Vec::new(),
                uri,
            });
        }
        if let (Some(first), Some(last)) = (products.first(), products.last()) {
            let range = (int(&first.values[0]), int(&last.values[0]));
            let index: HashMap<i64, usize> = products
                .iter()
                .enumerate()
                .map(|(position, product)| (int(&product.values[0]), position))
                .collect();
            self.add_related(&mut products, &index, range)?;
            self.add_modifications(&mut products, &index, range)?;
        }
        Ok(Some((last, products)))
    }

    /// Options, extra categories and gallery pictures (one UNION ALL, sorted here as the
    /// PHP reader sorts it).
    fn add_related(
        &mut self,
        products: &mut [Product],
        index: &HashMap<i64, usize>,
        (low, high): (i64, i64),
    ) -> Result<()> {
        let mut rows: Vec<Related> = Vec::new();
        for sql in RELATED {
            rows.extend(self.rows(sql, vec![low, high])?.into_iter().map(|row| {
                let values = row.unwrap();
                let at = |i: usize| values.get(i).unwrap_or(&Value::NULL);
                (
                    int(at(0)),
                    int(at(1)),
                    text(at(2)),
                    text(at(3)),
                    int(at(4)),
                    int(at(5)),
                )
            }));
        }
        rows.sort_by(|a, b| (a.0, a.1, &a.2, a.4, a.5).cmp(&(b.0, b.1, &b.2, b.4, b.5)));
        for (kind, id, name, value, category, _) in rows {
            let Some(product) = index.get(&id).map(|&position| &mut products[position]) else {
                continue; // in the page's range but not exported
            };
            match (kind, name, value) {
                (1, Some(name), Some(value)) if !value.is_empty() => {
                    product.options.entry(name).or_default().push(value)
                }
                (2, ..)
                    if self.categories.contains(&category)
                        && !product.categories.contains(&category) =>
                {
                    product.categories.push(category)
                }
                (3, _, Some(url)) if !url.is_empty() => product.pictures.push(url),
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
    ) -> Result<()> {
        let rows = self.rows(MODIFICATIONS, vec![low, high])?;
        let Some(columns) = rows.first().map(columns) else {
            return Ok(());
        };
        let position = |name: &str| {
            columns
                .iter()
                .position(|column| column == name)
                .unwrap_or(0)
        };
        let (id_at, rid_at, rank_at) = (position("id"), position("rid"), position("rank"));
        let mut rows: Vec<Vec<Value>> = rows.into_iter().map(Row::unwrap).collect();
        // By product, the manager's order, modification, option key (bytes).
        rows.sort_by_cached_key(|values| {
            let option = values.get(values.len().saturating_sub(2)).and_then(text);
            (
                int(&values[rid_at]),
                int(&values[rank_at]),
                int(&values[id_at]),
                option,
            )
        });
        let mut current = None;
        for mut values in rows {
            let (id, rid) = (int(&values[id_at]), int(&values[rid_at]));
            let Some(product) = index.get(&rid).map(|&position| &mut products[position]) else {
                continue;
            };
            let option_value = values.pop().unwrap_or(Value::NULL);
            let option_key = values.last().and_then(text);
            if current != Some((rid, id)) {
                product.modifications.push(Modification {
                    columns: columns.clone(),
                    values,
                    options: Vec::new(),
                });
                current = Some((rid, id));
            }
            if let (Some(key), Some(modification)) = (option_key, product.modifications.last_mut())
            {
                modification.options.push((key, option_value));
            }
        }
        Ok(())
    }
}

/// Writes the pages' products (and their modifications) as the extension's Writer::addOffer.
struct Output<'m> {
    mapping: &'m Mapping,
    writer: icml::Writer,
    arena: Bump,
    spare: Spare,
}

impl Output<'_> {
    fn write(&mut self, products: &[Product]) -> Result<()> {
        for product in products {
            self.arena.reset();
            let offer = self
                .mapping
                .offer_reusing(product, &self.arena, &mut self.spare)?;
            let modifications = self.mapping.modifications(product, &offer, &self.arena)?;
            if modifications.is_empty() {
                let written = self.writer.add_offer(&offer);
                self.spare.keep(offer);
                written?;
            } else {
                let mut all = Vec::with_capacity(1 + modifications.len());
                all.push(offer);
                all.extend(modifications);
                self.writer.add_offers(&all)?;
            }
        }
        Ok(())
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, socket, database, out, rest @ ..] = args.as_slice() else {
        return Err("usage: icml_mysql SOCKET DATABASE OUT [serial|prefetch]".into());
    };
    let prefetch = rest.first().is_some_and(|mode| mode == "prefetch");
    let start = Instant::now();
    let options = OptsBuilder::new()
        .socket(Some(socket.as_str()))
        .user(Some("root"))
        .db_name(Some(database.as_str()));
    let mut reader = Reader {
        conn: Conn::new(options)?,
        categories: HashSet::new(),
    };

    let categories = reader.rows(
        "SELECT id, parent, pagetitle FROM modx_site_content WHERE class_key = 'msCategory' \
         AND published = 1 AND deleted = 0 ORDER BY id",
        vec![],
    )?;
    let mut params = serde_json::json!({"article": "Артикул", "color": "Цвет", "size": "Размер"});
    for row in reader.rows("SELECT `key`, caption FROM modx_ms2_options", vec![])? {
        let values = row.unwrap();
        let key = values.first().and_then(text).unwrap_or_default();
        let caption = values
            .get(1)
            .and_then(text)
            .filter(|caption| !caption.trim().is_empty());
        params[&key] = caption.unwrap_or(key.clone()).into();
    }
    let options = serde_json::json!({
        "params": params,
        "unit": {"code": "pcs", "name": "Штука", "sym": "шт."},
        "base_url": "https://shop.example/",
    });
    let mapping = Mapping::from_options(options.as_object().ok_or("options")?)?;
    let shop = icml::Shop {
        name: "Bench".into(),
        company: "Bench".into(),
        date: None,
    };
    let mut output = Output {
        mapping: &mapping,
        writer: icml::Writer::create(out, &shop)?,
        arena: Bump::new(),
        spare: Spare::default(),
    };
    for row in categories {
        let values = row.unwrap();
        let category = serde_json::json!({"id": int(&values[0]), "parent": int(&values[1]), "pagetitle": text(&values[2])});
        output
            .writer
            .add_category(mapping.category(category.as_object().ok_or("category")?)?)?;
        reader.categories.insert(int(&values[0]));
    }

    if prefetch {
        let (pages, received) = mpsc::sync_channel::<Result<Vec<Product>>>(1);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut after = 0;
                loop {
                    let page = match reader.page(after) {
                        Ok(Some((last, products))) => {
                            after = last;
                            Ok(products)
                        }
                        Ok(None) => break,
                        Err(error) => Err(error),
                    };
                    let failed = page.is_err();
                    if pages.send(page).is_err() || failed {
                        break;
                    }
                }
            });
            received
                .into_iter()
                .try_for_each(|page| output.write(&page?))
        })?;
    } else {
        let mut after = 0;
        while let Some((last, products)) = reader.page(after)? {
            after = last;
            output.write(&products)?;
        }
    }
    let summary = output.writer.finish()?;
    println!(
        "mode=rust variant={} seconds={:.3} cpu_seconds={:.3} peak_rss_kib={} offers={} bytes={}",
        if prefetch { "prefetch" } else { "serial" },
        start.elapsed().as_secs_f64(),
        cpu_seconds(),
        peak_rss_kib(),
        summary.offers,
        summary.bytes
    );
    Ok(())
}

/// This process's user + system CPU seconds (/proc/self/stat, 100 ticks a second).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    // utime and stime: the 14th and 15th fields, the 12th and 13th after the name.
    let ticks = |n: usize| -> f64 {
        after_name
            .split_whitespace()
            .nth(n)
            .and_then(|field| field.parse().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// This process's peak resident memory (VmHWM), KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
