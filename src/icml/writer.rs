//! The streaming writer and its atomic publication.
//!
//! The document goes to a temporary file beside the target (same directory, so the final
//! rename cannot cross file systems), named `.{target}.{pid}-{random}.tmp`. Offers are
//! written as they come, through a buffer; memory does not grow with the catalogue, only
//! the categories are held (they are few) because a category's `parentId` is kept only when
//! that parent is in the catalogue, and cycles are refused before anything is written.
//!
//! [`Writer::finish`] closes the elements, flushes, `fsync`s the file, renames it onto the
//! target and `fsync`s the directory: a reader of the target (the CRM fetching the
//! catalogue) sees either the previous file or the new one, complete. Dropping a writer
//! that did not finish (or [`Writer::abort`]) removes the temporary file; a killed process
//! leaves it behind, and the next writer of the same target removes it once its process id
//! is gone (on systems with `/proc`).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::icml::decimal::Decimal;
use crate::icml::error::Error;
use crate::icml::model::{Category, MEASURE_PLACES, MONEY_PLACES, Offer, Shop, VatRate};
use crate::icml::text;

/// Size of the write buffer.
const BUFFER_BYTES: usize = 256 * 1024;

/// What a published catalogue holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Categories written.
    pub categories: usize,
    /// Offers written.
    pub offers: u64,
    /// Size of the file.
    pub bytes: u64,
    /// Where it was published (the target path as given).
    pub path: PathBuf,
}

/// Where the writer is in the document.
#[derive(Debug)]
enum Stage {
    /// Collecting categories; nothing after `<company>` is written yet.
    Categories,
    /// `<categories>` is written, `<offers>` open.
    Offers,
    /// A write failed or the categories could not be resolved; only dropping is left.
    Failed(String),
}

/// A streaming ICML writer: [`Writer::create`] → categories → offers → [`Writer::finish`].
pub struct Writer {
    target: PathBuf,
    temp: PathBuf,
    /// Set once the temporary file was renamed onto the target or removed.
    settled: bool,
    xml: quick_xml::Writer<BufWriter<File>>,
    stage: Stage,
    categories: Vec<Category>,
    category_ids: HashSet<String>,
    offers: u64,
    /// Reused buffer for numbers.
    scratch: String,
}

impl Writer {
    /// Starts a catalogue that [`finish`](Self::finish) will publish at `target`: creates
    /// the temporary file and writes the header, `<shop>`, `<name>` and `<company>`.
    pub fn create(target: impl Into<PathBuf>, shop: &Shop) -> Result<Writer, Error> {
        shop.validate()?;
        let target = target.into();
        let (temp, file) = create_temp(&target)?;
        let mut writer = Writer {
            target,
            temp,
            settled: false,
            xml: quick_xml::Writer::new_with_indent(
                BufWriter::with_capacity(BUFFER_BYTES, file),
                b' ',
                2,
            ),
            stage: Stage::Categories,
            categories: Vec::new(),
            category_ids: HashSet::new(),
            offers: 0,
            scratch: String::new(),
        };
        let date = match &shop.date {
            Some(date) => date.clone(),
            None => now(),
        };
        let header = writer.write_header(shop, &date);
        writer.io(header)?;
        Ok(writer)
    }

    /// The temporary file being written.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Adds a category. Categories are written before the first offer, so adding one after
    /// an offer is an error; so is an id added twice.
    pub fn add_category(&mut self, category: Category) -> Result<(), Error> {
        match &self.stage {
            Stage::Categories => {}
            Stage::Offers => {
                return Err(Error::State(format!(
                    "category {:?} comes after the first offer: add every category first",
                    category.id
                )));
            }
            Stage::Failed(reason) => return Err(failed(reason)),
        }
        category.validate()?;
        if !self.category_ids.insert(category.id.clone()) {
            return Err(Error::category(Some(&category.id), "is added twice"));
        }
        self.categories.push(category);
        Ok(())
    }

    /// Writes one offer after checking it ([`Offer::validate`]); a refused offer leaves the
    /// document as it was. The first offer writes the categories.
    pub fn add_offer(&mut self, offer: &Offer) -> Result<(), Error> {
        self.add_offers(std::slice::from_ref(offer))
    }

    /// Writes a batch of offers: all of them, or none when one is refused.
    pub fn add_offers(&mut self, offers: &[Offer]) -> Result<(), Error> {
        self.ready()?;
        offers.iter().try_for_each(Offer::validate)?;
        if matches!(self.stage, Stage::Categories) {
            self.start_offers()?;
        }
        for offer in offers {
            let written = self.write_offer(offer);
            self.io(written)?;
            self.offers += 1;
        }
        Ok(())
    }

    /// Completes the document and publishes it atomically at the target (see the module
    /// documentation). On error the temporary file is removed and the target is untouched.
    pub fn finish(mut self) -> Result<Summary, Error> {
        self.ready()?;
        if matches!(self.stage, Stage::Categories) {
            self.start_offers()?;
        }
        let closed = self.write_footer();
        self.io(closed)?;
        let bytes = self.io(sync(&mut self.xml))?;
        fs::rename(&self.temp, &self.target).map_err(|source| Error::Io {
            action: "publish the catalogue at",
            path: self.target.clone(),
            source,
        })?;
        self.settled = true;
        let directory = directory_of(&self.target);
        File::open(directory)
            .and_then(|dir| dir.sync_all())
            .map_err(|source| Error::Io {
                action: "sync the directory",
                path: directory.to_path_buf(),
                source,
            })?;
        Ok(Summary {
            categories: self.categories.len(),
            offers: self.offers,
            bytes,
            path: self.target.clone(),
        })
    }

    /// Stops without publishing and removes the temporary file; the target is untouched.
    pub fn abort(mut self) -> Result<(), Error> {
        self.settled = true;
        fs::remove_file(&self.temp).map_err(|source| Error::Io {
            action: "remove",
            path: self.temp.clone(),
            source,
        })
    }

    fn ready(&self) -> Result<(), Error> {
        match &self.stage {
            Stage::Failed(reason) => Err(failed(reason)),
            _ => Ok(()),
        }
    }

    /// Passes `result` on, marking the writer failed on an I/O error.
    fn io<T>(&mut self, result: io::Result<T>) -> Result<T, Error> {
        result.map_err(|source| {
            self.stage = Stage::Failed(format!("writing {} failed: {source}", self.temp.display()));
            Error::Io {
                action: "write",
                path: self.temp.clone(),
                source,
            }
        })
    }

    /// Resolves the categories, writes them and opens `<offers>`.
    fn start_offers(&mut self) -> Result<(), Error> {
        if let Err(error) = resolve_parents(&mut self.categories) {
            self.stage = Stage::Failed(error.to_string());
            return Err(error);
        }
        let written = self.write_categories();
        self.io(written)?;
        self.stage = Stage::Offers;
        Ok(())
    }

    fn write_header(&mut self, shop: &Shop, date: &str) -> io::Result<()> {
        let xml = &mut self.xml;
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let mut root = BytesStart::new("yml_catalog");
        root.push_attribute(attribute("date", &text::attribute(date)));
        xml.write_event(Event::Start(root))?;
        xml.write_event(Event::Start(BytesStart::new("shop")))?;
        write_text(xml, "name", &shop.name)?;
        write_text(xml, "company", &shop.company)
    }

    fn write_categories(&mut self) -> io::Result<()> {
        let xml = &mut self.xml;
        if self.categories.is_empty() {
            xml.write_event(Event::Empty(BytesStart::new("categories")))?;
        } else {
            xml.write_event(Event::Start(BytesStart::new("categories")))?;
            for category in &self.categories {
                let mut element = xml
                    .create_element("category")
                    .with_attribute(attribute("id", &text::attribute(&category.id)));
                if let Some(parent) = &category.parent_id {
                    element = element.with_attribute(attribute("parentId", &text::attribute(parent)));
                }
                element.write_text_content(BytesText::from_escaped(text::content(&category.name)))?;
            }
            xml.write_event(Event::End(BytesEnd::new("categories")))?;
        }
        xml.write_event(Event::Start(BytesStart::new("offers")))
    }

    fn write_offer(&mut self, offer: &Offer) -> io::Result<()> {
        let xml = &mut self.xml;
        let scratch = &mut self.scratch;
        let mut start = BytesStart::new("offer");
        start.push_attribute(attribute("id", &text::attribute(&offer.id)));
        if let Some(product_id) = &offer.product_id {
            start.push_attribute(attribute("productId", &text::attribute(product_id)));
        }
        if let Some(quantity) = offer.quantity {
            start.push_attribute(attribute("quantity", format(scratch, quantity, MEASURE_PLACES)));
        }
        xml.write_event(Event::Start(start))?;
        if let Some(url) = &offer.url {
            write_text(xml, "url", url)?;
        }
        if let Some(price) = offer.price {
            write_number(xml, scratch, "price", price, MONEY_PLACES)?;
        }
        if let Some(price) = offer.purchase_price {
            write_number(xml, scratch, "purchasePrice", price, MONEY_PLACES)?;
        }
        for id in offer.category_ids.iter().filter(|id| self.category_ids.contains(*id)) {
            write_text(xml, "categoryId", id)?;
        }
        for picture in &offer.pictures {
            write_text(xml, "picture", picture)?;
        }
        write_text(xml, "name", &offer.name)?;
        write_text(xml, "productName", offer.product_name.as_deref().unwrap_or(&offer.name))?;
        if let Some(xml_id) = &offer.xml_id {
            write_text(xml, "xmlId", xml_id)?;
        }
        for param in &offer.params {
            let mut element = xml
                .create_element("param")
                .with_attribute(attribute("name", &text::attribute(&param.name)));
            if let Some(code) = &param.code {
                element = element.with_attribute(attribute("code", &text::attribute(code)));
            }
            element.write_text_content(BytesText::from_escaped(text::content(&param.value)))?;
        }
        if let Some(vendor) = &offer.vendor {
            write_text(xml, "vendor", vendor)?;
        }
        if let Some(unit) = &offer.unit {
            let mut element = xml
                .create_element("unit")
                .with_attribute(attribute("code", &text::attribute(&unit.code)));
            for (key, value) in [("name", &unit.name), ("sym", &unit.sym)] {
                if let Some(value) = value {
                    element = element.with_attribute(attribute(key, &text::attribute(value)));
                }
            }
            element.write_empty()?;
        }
        match offer.vat_rate {
            Some(VatRate::Percent(rate)) => write_number(xml, scratch, "vatRate", rate, MONEY_PLACES)?,
            Some(VatRate::None) => write_text(xml, "vatRate", "none")?,
            None => {}
        }
        for barcode in &offer.barcodes {
            write_text(xml, "barcode", barcode)?;
        }
        if let Some(weight) = offer.weight {
            write_number(xml, scratch, "weight", weight, MEASURE_PLACES)?;
        }
        if let Some(d) = offer.dimensions {
            scratch.clear();
            for (index, value) in [d.length, d.width, d.height].into_iter().enumerate() {
                let separator = if index == 0 { "" } else { "/" };
                // Writing into a String cannot fail.
                let _ = write!(scratch, "{separator}{}", value.round(MEASURE_PLACES));
            }
            write_text(xml, "dimensions", scratch)?;
        }
        if let Some(active) = offer.product_activity {
            write_text(xml, "productActivity", if active { "Y" } else { "N" })?;
        }
        xml.write_event(Event::End(BytesEnd::new("offer")))
    }

    fn write_footer(&mut self) -> io::Result<()> {
        for name in ["offers", "shop", "yml_catalog"] {
            self.xml.write_event(Event::End(BytesEnd::new(name)))?;
        }
        self.xml.get_mut().write_all(b"\n")
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.settled {
            // Nothing to report to: the file is ours and nobody else needs it.
            let _ = fs::remove_file(&self.temp);
        }
    }
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("target", &self.target)
            .field("temp", &self.temp)
            .field("stage", &self.stage)
            .field("categories", &self.categories.len())
            .field("offers", &self.offers)
            .finish()
    }
}

fn failed(reason: &str) -> Error {
    Error::State(format!("the writer cannot continue: {reason}"))
}

/// An attribute whose value is already escaped.
fn attribute<'a>(key: &'a str, escaped: &'a str) -> Attribute<'a> {
    Attribute::from((key.as_bytes(), escaped.as_bytes()))
}

fn write_text<W: Write>(xml: &mut quick_xml::Writer<W>, name: &str, value: &str) -> io::Result<()> {
    xml.create_element(name)
        .write_text_content(BytesText::from_escaped(text::content(value)))?;
    Ok(())
}

fn write_number<W: Write>(
    xml: &mut quick_xml::Writer<W>,
    scratch: &mut String,
    name: &str,
    value: Decimal,
    places: u32,
) -> io::Result<()> {
    xml.create_element(name)
        .write_text_content(BytesText::from_escaped(format(scratch, value, places)))?;
    Ok(())
}

/// `value` rounded to `places`, printed into `scratch`.
fn format(scratch: &mut String, value: Decimal, places: u32) -> &str {
    scratch.clear();
    // Writing into a String cannot fail.
    let _ = write!(scratch, "{}", value.round(places));
    scratch
}

/// Flushes the buffer and `fsync`s the file; returns its size.
fn sync(xml: &mut quick_xml::Writer<BufWriter<File>>) -> io::Result<u64> {
    let buffer = xml.get_mut();
    buffer.flush()?;
    let file = buffer.get_ref();
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// Keeps a category's `parentId` only when that parent is in the catalogue, and refuses
/// a cycle, naming a category on it and the cycle.
fn resolve_parents(categories: &mut [Category]) -> Result<(), Error> {
    let index: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(at, category)| (category.id.as_str(), at))
        .collect();
    let parents: Vec<Option<usize>> = categories
        .iter()
        .map(|category| category.parent_id.as_deref().and_then(|id| index.get(id).copied()))
        .collect();
    // 0 = not seen, 1 = on the chain being followed, 2 = known to reach a root.
    let mut state = vec![0u8; categories.len()];
    for start in 0..categories.len() {
        let mut chain = Vec::new();
        let mut at = Some(start);
        while let Some(current) = at.filter(|&current| state[current] != 2) {
            if state[current] == 1 {
                let from = chain.iter().position(|&c| c == current).unwrap_or(0);
                let ids: Vec<&str> = chain[from..]
                    .iter()
                    .chain([&current])
                    .map(|&c| categories[c].id.as_str())
                    .collect();
                return Err(Error::category(
                    Some(&categories[current].id),
                    format!("is its own ancestor ({})", ids.join(" → ")),
                ));
            }
            state[current] = 1;
            chain.push(current);
            at = parents[current];
        }
        for c in chain {
            state[c] = 2;
        }
    }
    for (category, parent) in categories.iter_mut().zip(&parents) {
        if parent.is_none() {
            category.parent_id = None;
        }
    }
    Ok(())
}

fn directory_of(target: &Path) -> &Path {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Creates the temporary file beside `target`, after removing ones that killed writers of
/// the same target left.
fn create_temp(target: &Path) -> Result<(PathBuf, File), Error> {
    let directory = directory_of(target);
    let name = match target.file_name() {
        Some(name) if !target.is_dir() => name.to_string_lossy(),
        _ => {
            return Err(Error::Io {
                action: "publish a catalogue at",
                path: target.to_path_buf(),
                source: io::Error::new(io::ErrorKind::InvalidInput, "not a file path"),
            });
        }
    };
    let prefix = format!(".{name}.");
    remove_stale(directory, &prefix);
    let pid = std::process::id();
    loop {
        let temp = directory.join(format!("{prefix}{pid}-{:08x}.tmp", fastrand::u32(..)));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(source) => {
                return Err(Error::Io {
                    action: "create a temporary file in",
                    path: directory.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// Removes `{prefix}{pid}-{random}.tmp` files whose process is gone (Linux `/proc` only).
fn remove_stale(directory: &Path, prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let pid = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            if !Path::new(&format!("/proc/{pid}")).exists() {
                // Best effort: another writer may be removing it at the same moment.
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// The current UTC time as `Y-m-d H:i:s`.
fn now() -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    OffsetDateTime::now_utc()
        .format(format)
        .unwrap_or_else(|_| "1970-01-01 00:00:00".to_string())
}
