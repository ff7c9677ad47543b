//! The catalogue's queries on one connection to the shop's database: the categories, the
//! msOption captions, a page of products on the primary key, and what a page's products
//! need besides their rows (options, extra categories, gallery pictures, msOptionsPrice2
//! modifications) by the page's range of ids, sorted here, not by the server (see
//! IcmlCatalog.php for the measurements). Each query's rows are read completely before the
//! next query.

use std::collections::{BTreeMap, HashMap, HashSet};

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, Row, Value};
use serde_json::Map;

use super::record::{Columns, Modification, Product, at, column, columns, int, into_text, text};
use super::{ExportError, PAGE_SIZE};
use crate::icml::Field;
use crate::site_db::{MysqlTarget, plain_error};

/// A category row as the writer reads it.
pub(super) type Category = Map<String, serde_json::Value>;

/// A row of the related queries: kind (1 option, 2 category, 3 picture), product id,
/// option key, option value or picture URL, category id or picture rank, picture id.
type Related = (i64, i64, Option<String>, Option<String>, i64, i64);

/// What a page's products get besides their own rows, each part on a connection of its own.
#[derive(Debug, Clone, Copy)]
pub(super) enum Part {
    /// Their options (most of the rows).
    Options,
    /// Their extra categories, gallery pictures and msOptionsPrice2 modifications.
    Others,
}

/// What the export reads, found before the first page: the same for every connection.
#[derive(Debug, Default)]
pub(super) struct Catalogue {
    /// The exported categories' ids.
    pub(super) categories: HashSet<i64>,
    /// Whether the gallery's table exists.
    pub(super) gallery: bool,
    /// Whether msOptionsPrice2 modifications are read.
    pub(super) modifications: bool,
    /// Whether the modifications' options table exists.
    pub(super) modification_options: bool,
    /// MODX's `friendly_urls`.
    pub(super) friendly_urls: bool,
}

/// A connection reading the catalogue.
pub(super) struct Reader {
    conn: Conn,
    prefix: String,
    location: String,
}

impl Reader {
    /// Connects to `target` (the password never in an error).
    pub(super) fn connect(target: &MysqlTarget) -> Result<Reader, ExportError> {
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
            message: plain_error(&error),
        })?;
        Ok(Reader {
            conn,
            prefix: target.prefix.clone(),
            location,
        })
    }

    /// The quoted name of the table `name` (without the prefix).
    fn table(&self, name: &str) -> String {
        format!("`{}{name}`", self.prefix)
    }

    /// The error of a failed query.
    fn failed(&self, error: mysql::Error) -> ExportError {
        self.failed_because(plain_error(&error))
    }

    /// An error of this connection's database for `message`.
    fn failed_because(&self, message: impl Into<String>) -> ExportError {
        ExportError::Database {
            location: self.location.clone(),
            message: message.into(),
        }
    }

    /// The server and the database, for messages.
    pub(super) fn location(&self) -> &str {
        &self.location
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
    pub(super) fn exists(&mut self, name: &str) -> Result<bool, ExportError> {
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
    pub(super) fn categories(
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
    pub(super) fn add_captions(
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

    /// The page of products after id `after`, those of the exported categories as rows
    /// (see [`Reader::complete`]): (last id read, products), or `None` when none is left.
    pub(super) fn products(
        &mut self,
        catalogue: &Catalogue,
        after: i64,
    ) -> Result<Option<(i64, Vec<Product>)>, ExportError> {
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
            if !catalogue.categories.contains(&parent) {
                continue;
            }
            let uri = text(at(&values, 4))
                .filter(|uri| catalogue.friendly_urls && !uri.is_empty())
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
        Ok(Some((last, products)))
    }

    /// Adds to a page's products their rows of `part`.
    pub(super) fn complete(
        &mut self,
        catalogue: &Catalogue,
        part: Part,
        products: &mut [Product],
    ) -> Result<(), ExportError> {
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
            let range = (low, high);
            match part {
                Part::Options => self.add_related(catalogue, products, &index, range, &[1])?,
                Part::Others => {
                    self.add_related(catalogue, products, &index, range, &[2, 3])?;
                    if catalogue.modifications {
                        self.add_modifications(catalogue, products, &index, range)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The related rows of `kinds` (1 options, 2 extra categories, 3 gallery pictures; a
    /// query each), sorted here as the PHP reader sorts them.
    fn add_related(
        &mut self,
        catalogue: &Catalogue,
        products: &mut [Product],
        index: &HashMap<i64, usize>,
        (low, high): (i64, i64),
        kinds: &[i64],
    ) -> Result<(), ExportError> {
        let mut queries = vec![
            (
                1,
                format!(
                    "SELECT 1 AS kind, product_id, `key` AS name, value, 0 AS n1, 0 AS n2 FROM {} \
                 WHERE product_id BETWEEN ? AND ?",
                    self.table("ms2_product_options")
                ),
            ),
            (
                2,
                format!(
                    "SELECT 2 AS kind, product_id, NULL AS name, NULL AS value, category_id AS n1, 0 AS n2 \
                     FROM {} WHERE product_id BETWEEN ? AND ?",
                    self.table("ms2_product_categories")
                ),
            ),
        ];
        if catalogue.gallery {
            queries.push((
                3,
                format!(
                    "SELECT 3 AS kind, product_id, NULL AS name, url AS value, `rank` AS n1, id AS n2 \
                     FROM {} WHERE product_id BETWEEN ? AND ? AND parent = 0 AND type = 'image' AND active = 1",
                    self.table("ms2_product_files")
                ),
            ));
        }
        queries.retain(|(kind, _)| kinds.contains(kind));
        let mut rows: Vec<Related> = Vec::new();
        for (_, sql) in queries {
            rows.extend(self.rows(&sql, vec![low, high])?.into_iter().map(|row| {
                let mut values = row.unwrap().into_iter();
                let mut next = || values.next().unwrap_or(Value::NULL);
                (
                    int(&next()),
                    int(&next()),
                    into_text(next()),
                    into_text(next()),
                    int(&next()),
                    int(&next()),
                )
            }));
        }
        // By kind, product, option key (bytes; NULL as ''), category or rank, picture id.
        rows.sort_by(|a, b| {
            let (a_name, b_name) = (a.2.as_deref().unwrap_or(""), b.2.as_deref().unwrap_or(""));
            (a.0, a.1, a_name, a.4, a.5).cmp(&(b.0, b.1, b_name, b.4, b.5))
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
                (2, ..) if catalogue.categories.contains(&n1) => {
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
        catalogue: &Catalogue,
        products: &mut [Product],
        index: &HashMap<i64, usize>,
        (low, high): (i64, i64),
    ) -> Result<(), ExportError> {
        let sql = match catalogue.modification_options {
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
        if catalogue.modification_options {
            names = names[..names.len().saturating_sub(2)].into();
        }
        let position = |name: &str| names.iter().position(|column| column == name);
        let (id_at, rid_at, rank_at) = (position("id"), position("rid"), position("rank"));
        let get = |values: &[Value], at_: Option<usize>| at_.map_or(0, |i| int(at(values, i)));
        let mut rows: Vec<Vec<Value>> = rows.into_iter().map(Row::unwrap).collect();
        let with_options = catalogue.modification_options;
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
