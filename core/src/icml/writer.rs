//! The streaming writer and its atomic publication.
//!
//! The document goes to a temporary file beside the target (same directory, so the final
//! rename cannot cross file systems), named `.{target}.{pid}-{random}.tmp`. Offers are
//! written as they come into a buffer that is flushed to the file every [`FLUSH_BYTES`]; memory
//! does not grow with the catalogue. ICML's structure is fixed, so the markup is literal text
//! and only values go through [`text`] escaping and [`Decimal`] formatting. Only the categories
//! are held (they are few), because a category's `parentId` is kept only when that parent is
//! in the catalogue, and cycles are refused before anything is written.
//!
//! [`Writer::finish`] closes the elements, flushes, `fsync`s the file, renames it onto the
//! target and `fsync`s the directory: a reader of the target (the CRM fetching the
//! catalogue) sees either the previous file or the new one, complete. Dropping a writer
//! that did not finish (or [`Writer::abort`]) removes the temporary file; a killed process
//! leaves it behind, and the next writer of the same target removes it once its process id
//! is gone (on systems with `/proc`).
//!
//! A target whose name ends in `.gz` (`icml.xml.gz`, which RetailCRM accepts) is written
//! gzip-compressed as it goes (fast compression: the buffer is compressed at each flush).

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::icml::decimal::Decimal;
use crate::icml::error::Error;
use crate::icml::model::{Category, MEASURE_PLACES, MONEY_PLACES, Offer, Shop, VatRate};
use crate::icml::text;

/// The buffer is written to the file once it holds this much.
pub const FLUSH_BYTES: usize = 256 * 1024;

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
    /// `false` when the published file already held this catalogue (apart from its date):
    /// it was left as it was, modification time included, and the new one discarded.
    pub changed: bool,
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

/// The document being written, as bytes: the writer flushes them to the file. Elements are
/// indented by two spaces a level, one to a line; an element's text stays on its line.
struct Xml {
    out: Vec<u8>,
}

/// An element holding text: its start tag on a new, indented line, and its end tag.
#[derive(Clone, Copy)]
struct Element {
    start: &'static str,
    end: &'static str,
}

/// The [`Element`] `$name` indented by `$indent`.
macro_rules! element {
    ($indent:literal, $name:literal) => {
        Element {
            start: concat!("\n", $indent, "<", $name, ">"),
            end: concat!("</", $name, ">"),
        }
    };
}

/// The [`Element`] `$name` inside `<offer>`.
macro_rules! in_offer {
    ($name:literal) => {
        element!("        ", $name)
    };
}

/// The ids of the catalogue's categories, looked up for every `<categoryId>` of every offer.
type CategoryIds = HashSet<String, BuildHasherDefault<IdHasher>>;

/// FNV-1a: ids are short and come from the shop's own categories, so a hash several times
/// cheaper than the standard one (built to withstand keys crafted against it) is enough.
struct IdHasher(u64);

impl Default for IdHasher {
    fn default() -> IdHasher {
        IdHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A streaming ICML writer: [`Writer::create`] → categories → offers → [`Writer::finish`].
pub struct Writer {
    target: PathBuf,
    temp: PathBuf,
    output: Output,
    /// Set once the temporary file was renamed onto the target or removed.
    settled: bool,
    xml: Xml,
    stage: Stage,
    categories: Vec<Category>,
    category_ids: CategoryIds,
    offers: u64,
}

impl Writer {
    /// Starts a catalogue that [`finish`](Self::finish) will publish at `target`: creates
    /// the temporary file and writes the header, `<shop>`, `<name>` and `<company>`.
    pub fn create(target: impl Into<PathBuf>, shop: &Shop) -> Result<Writer, Error> {
        shop.validate()?;
        let target = target.into();
        let (temp, file) = create_temp(&target)?;
        let output = Output::new(file, is_gzip(&target));
        let mut writer = Writer {
            target,
            temp,
            output,
            settled: false,
            xml: Xml::new(),
            stage: Stage::Categories,
            categories: Vec::new(),
            category_ids: CategoryIds::default(),
            offers: 0,
        };
        let date = match &shop.date {
            Some(date) => date.clone(),
            None => now(),
        };
        writer.xml.header(shop, &date);
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
            self.xml.offer(offer, &self.category_ids);
            self.written(1)?;
        }
        Ok(())
    }

    /// Starts a [`Batch`]: offers written into the document as they come and kept only when
    /// none is refused, the all-or-nothing of [`add_offers`](Self::add_offers) without
    /// holding the offers. Only once the categories are written and nothing failed; `None`
    /// before the first offer (use `add_offers`, which also writes the categories) and after
    /// a failure.
    pub fn batch(&mut self) -> Option<Batch<'_>> {
        if !matches!(self.stage, Stage::Offers) {
            return None;
        }
        let start = self.xml.out.len();
        Some(Batch {
            writer: self,
            start,
            written: 0,
            refused: None,
            committed: false,
        })
    }

    /// Completes the document and publishes it atomically at the target (see the module
    /// documentation). On error before the rename the temporary file is removed and the
    /// target is untouched; an error syncing the directory after the rename is reported
    /// although the new catalogue is in place.
    pub fn finish(mut self) -> Result<Summary, Error> {
        self.ready()?;
        if matches!(self.stage, Stage::Categories) {
            self.start_offers()?;
        }
        self.xml.footer();
        let size = self.flush().and_then(|()| self.output.finish());
        let bytes = self.io(size)?;
        if same_apart_from_date(&self.temp, &self.target, bytes, is_gzip(&self.target)) {
            self.settled = true;
            fs::remove_file(&self.temp).map_err(|source| Error::Io {
                action: "remove",
                path: self.temp.clone(),
                source,
            })?;
            return Ok(self.summary(bytes, false));
        }
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
        Ok(self.summary(bytes, true))
    }

    fn summary(&self, bytes: u64, changed: bool) -> Summary {
        Summary {
            categories: self.categories.len(),
            offers: self.offers,
            bytes,
            path: self.target.clone(),
            changed,
        }
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

    /// Counts `count` offers just written to the buffer; flushes it once it is full.
    fn written(&mut self, count: u64) -> Result<(), Error> {
        self.offers += count;
        if self.xml.out.len() >= FLUSH_BYTES {
            let flushed = self.flush();
            self.io(flushed)?;
        }
        Ok(())
    }

    /// Writes the buffer to the file.
    fn flush(&mut self) -> io::Result<()> {
        self.output.write_all(&self.xml.out)?;
        self.xml.out.clear();
        Ok(())
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
        self.xml.categories(&self.categories);
        self.stage = Stage::Offers;
        Ok(())
    }
}

/// Offers written into the document as they come, kept only if none is refused (see
/// [`Writer::batch`]). Dropped without [`commit`](Batch::commit), it takes its offers back.
pub struct Batch<'w> {
    writer: &'w mut Writer,
    /// Where the batch starts in the buffer (which is not flushed during a batch).
    start: usize,
    /// Offers written so far.
    written: u64,
    /// The first offer refused; nothing is written after it.
    refused: Option<Error>,
    committed: bool,
}

impl Batch<'_> {
    /// Checks `offer` ([`Offer::validate`]) and writes it. After a refused offer the rest
    /// are ignored: [`commit`](Self::commit) reports the first refusal.
    pub fn add(&mut self, offer: &Offer<'_>) {
        if self.refused.is_some() {
            return;
        }
        match offer.validate() {
            Ok(()) => {
                self.writer.xml.offer(offer, &self.writer.category_ids);
                self.written += 1;
            }
            Err(error) => self.refused = Some(error),
        }
    }

    /// Keeps the batch and returns how many offers it wrote, or takes it back and returns
    /// the first refusal.
    pub fn commit(mut self) -> Result<u64, Error> {
        if let Some(refused) = self.refused.take() {
            return Err(refused);
        }
        self.committed = true;
        self.writer.written(self.written)?;
        Ok(self.written)
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if !self.committed {
            self.writer.xml.out.truncate(self.start);
        }
    }
}

impl Xml {
    fn new() -> Xml {
        Xml {
            out: Vec::with_capacity(2 * FLUSH_BYTES),
        }
    }

    fn header(&mut self, shop: &Shop, date: &str) {
        self.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<yml_catalog date=\"");
        text::push_attribute(&mut self.out, date);
        self.raw("\">\n  <shop>");
        self.text(element!("    ", "name"), &shop.name);
        self.text(element!("    ", "company"), &shop.company);
    }

    fn categories(&mut self, categories: &[Category]) {
        if categories.is_empty() {
            self.raw("\n    <categories/>");
        } else {
            self.raw("\n    <categories>");
            for category in categories {
                self.raw("\n      <category id=\"");
                text::push_attribute(&mut self.out, &category.id);
                if let Some(parent) = &category.parent_id {
                    self.raw("\" parentId=\"");
                    text::push_attribute(&mut self.out, parent);
                }
                self.raw("\">");
                text::push_content(&mut self.out, &category.name);
                self.raw("</category>");
            }
            self.raw("\n    </categories>");
        }
        self.raw("\n    <offers>");
    }

    fn offer(&mut self, offer: &Offer<'_>, category_ids: &CategoryIds) {
        self.raw("\n      <offer id=\"");
        text::push_attribute(&mut self.out, &offer.id);
        if let Some(product_id) = &offer.product_id {
            self.raw("\" productId=\"");
            text::push_attribute(&mut self.out, product_id);
        }
        if let Some(quantity) = offer.quantity {
            self.raw("\" quantity=\"");
            quantity.round(MEASURE_PLACES).push_to(&mut self.out);
        }
        self.raw("\">");
        if let Some(url) = &offer.url {
            self.text(in_offer!("url"), url);
        }
        if let Some(price) = offer.price {
            self.number(in_offer!("price"), price, MONEY_PLACES);
        }
        if let Some(price) = offer.purchase_price {
            self.number(in_offer!("purchasePrice"), price, MONEY_PLACES);
        }
        for id in &offer.category_ids {
            if category_ids.contains(id.as_ref()) {
                self.text(in_offer!("categoryId"), id);
            }
        }
        for picture in &offer.pictures {
            self.text(in_offer!("picture"), picture);
        }
        let name = self.text(in_offer!("name"), &offer.name);
        match &offer.product_name {
            Some(product_name) => {
                self.text(in_offer!("productName"), product_name);
            }
            // The name again, escaped once.
            None => self.copy(in_offer!("productName"), name),
        }
        if let Some(xml_id) = &offer.xml_id {
            self.text(in_offer!("xmlId"), xml_id);
        }
        for param in &offer.params {
            self.raw("\n        <param name=\"");
            text::push_attribute(&mut self.out, &param.name);
            if let Some(code) = &param.code {
                self.raw("\" code=\"");
                text::push_attribute(&mut self.out, code);
            }
            self.raw("\">");
            text::push_content(&mut self.out, &param.value);
            self.raw("</param>");
        }
        if let Some(vendor) = &offer.vendor {
            self.text(in_offer!("vendor"), vendor);
        }
        if let Some(unit) = &offer.unit {
            self.raw("\n        <unit code=\"");
            text::push_attribute(&mut self.out, &unit.code);
            for (key, value) in [("\" name=\"", &unit.name), ("\" sym=\"", &unit.sym)] {
                if let Some(value) = value {
                    self.raw(key);
                    text::push_attribute(&mut self.out, value);
                }
            }
            self.raw("\"/>");
        }
        match offer.vat_rate {
            Some(VatRate::Percent(rate)) => self.number(in_offer!("vatRate"), rate, MONEY_PLACES),
            Some(VatRate::None) => {
                self.text(in_offer!("vatRate"), "none");
            }
            None => {}
        }
        for barcode in &offer.barcodes {
            self.text(in_offer!("barcode"), barcode);
        }
        if let Some(weight) = offer.weight {
            self.number(in_offer!("weight"), weight, MEASURE_PLACES);
        }
        if let Some(d) = offer.dimensions {
            let dimensions = in_offer!("dimensions");
            self.raw(dimensions.start);
            for (index, value) in [d.length, d.width, d.height].into_iter().enumerate() {
                if index > 0 {
                    self.raw("/");
                }
                value.round(MEASURE_PLACES).push_to(&mut self.out);
            }
            self.raw(dimensions.end);
        }
        if let Some(active) = offer.product_activity {
            self.text(in_offer!("productActivity"), if active { "Y" } else { "N" });
        }
        self.raw("\n      </offer>");
    }

    fn footer(&mut self) {
        self.raw("\n    </offers>\n  </shop>\n</yml_catalog>\n");
    }

    /// Markup, written as it is.
    fn raw(&mut self, markup: &str) {
        self.out.extend_from_slice(markup.as_bytes());
    }

    /// `element` holding `value`; returns where the escaped value is in the buffer.
    fn text(&mut self, element: Element, value: &str) -> Range<usize> {
        self.raw(element.start);
        let start = self.out.len();
        text::push_content(&mut self.out, value);
        let escaped = start..self.out.len();
        self.raw(element.end);
        escaped
    }

    /// `element` holding the escaped text at `escaped` in the buffer.
    fn copy(&mut self, element: Element, escaped: Range<usize>) {
        self.raw(element.start);
        self.out.extend_from_within(escaped);
        self.raw(element.end);
    }

    /// `element` holding a number rounded to `places`.
    fn number(&mut self, element: Element, value: Decimal, places: u32) {
        self.raw(element.start);
        value.round(places).push_to(&mut self.out);
        self.raw(element.end);
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
        .map(|category| {
            category
                .parent_id
                .as_deref()
                .and_then(|id| index.get(id).copied())
        })
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

/// Where the document goes: the temporary file, gzip-compressed for a `.gz` target.
enum Output {
    Plain(File),
    Gzip(GzEncoder<File>),
}

impl Output {
    fn new(file: File, gzip: bool) -> Output {
        if gzip {
            Output::Gzip(GzEncoder::new(file, Compression::fast()))
        } else {
            Output::Plain(file)
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Output::Plain(file) => file.write_all(bytes),
            Output::Gzip(encoder) => encoder.write_all(bytes),
        }
    }

    /// Ends the stream (the gzip trailer), `fsync`s the file and returns its size.
    fn finish(&mut self) -> io::Result<u64> {
        let file = match self {
            Output::Plain(file) => file,
            Output::Gzip(encoder) => {
                encoder.try_finish()?;
                encoder.get_mut()
            }
        };
        file.sync_all()?;
        Ok(file.metadata()?.len())
    }
}

/// Whether the catalogue at `target` is written gzip-compressed (its name ends in `.gz`).
fn is_gzip(target: &Path) -> bool {
    target
        .extension()
        .is_some_and(|extension| extension == "gz")
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
        let gone = pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
        if gone {
            // Best effort: another writer may be removing it at the same moment.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether the file `old` exists and holds the same bytes as `new` (`size` bytes long)
/// apart from the `yml_catalog` date, which both have at the same place (it has a fixed
/// length); gzip files (`gzip`) are compared uncompressed. Any error reading either means
/// "not the same".
fn same_apart_from_date(new: &Path, old: &Path, size: u64, gzip: bool) -> bool {
    let is_file = |m: &fs::Metadata| m.is_file() && (gzip || m.len() == size);
    if !fs::metadata(old).is_ok_and(|m| is_file(&m)) {
        return false;
    }
    let opened = File::open(new).and_then(|new| Ok((new, File::open(old)?)));
    match opened {
        Ok((new, old)) if gzip => compare_apart_from_date(GzDecoder::new(new), GzDecoder::new(old)),
        Ok((new, old)) => compare_apart_from_date(new, old),
        Err(_) => Ok(false),
    }
    .unwrap_or(false)
}

fn compare_apart_from_date(mut new: impl io::Read, mut old: impl io::Read) -> io::Result<bool> {
    const CHUNK: usize = 64 * 1024;
    let (mut a, mut b) = (vec![0u8; CHUNK], vec![0u8; CHUNK]);
    let mut first = true;
    loop {
        let read = read_full(&mut new, &mut a)?;
        if read_full(&mut old, &mut b)? != read {
            return Ok(false);
        }
        if read == 0 {
            return Ok(true);
        }
        if first {
            first = false;
            if let Some(date) = date_range(&a[..read]) {
                b[date.clone()].copy_from_slice(&a[date]);
            }
        }
        if a[..read] != b[..read] {
            return Ok(false);
        }
    }
}

/// Reads until `buffer` is full or the file ends; returns the bytes read.
fn read_full(file: &mut impl io::Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match io::Read::read(file, &mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Where the value of `<yml_catalog date="…">` is in the start of a document we wrote.
fn date_range(start: &[u8]) -> Option<std::ops::Range<usize>> {
    const ATTRIBUTE: &[u8] = b"<yml_catalog date=\"";
    let from = start
        .windows(ATTRIBUTE.len())
        .position(|window| window == ATTRIBUTE)?
        + ATTRIBUTE.len();
    let length = start.get(from..)?.iter().position(|&b| b == b'"')?;
    Some(from..from + length)
}

/// The current UTC time as `Y-m-d H:i:s`.
fn now() -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    OffsetDateTime::now_utc()
        .format(format)
        .unwrap_or_else(|_| "1970-01-01 00:00:00".to_string())
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use quick_xml::events::{BytesStart, Event};
    use quick_xml::{Reader, XmlVersion};

    use super::*;
    use crate::icml::model::{Dimensions, Param, Unit};

    const DATE: &str = "2026-11-29 07:16:52";

    /// An empty directory of this test's own under the system temp directory.
    fn scratch_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("modretailcrm-icml-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    fn shop() -> Shop {
        Shop {
            name: "Tom & Jerry's <Shop>".into(),
            company: "\"Quotes\" Ltd".into(),
            date: Some(DATE.into()),
        }
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn float(value: f64) -> Decimal {
        Decimal::from_f64(value).unwrap_or_else(|e| panic!("{value}: {e}"))
    }

    fn category(id: &str, name: &str, parent: Option<&str>) -> Category {
        Category {
            id: id.into(),
            name: name.into(),
            parent_id: parent.map(str::to_string),
        }
    }

    fn offer<'a>(id: &'a str, name: &'a str) -> Offer<'a> {
        Offer {
            id: id.into(),
            name: name.into(),
            ..Offer::default()
        }
    }

    /// An offer with every element, and text that needs escaping or cleaning.
    fn full_offer() -> Offer<'static> {
        Offer {
            id: "mod-5-3".into(),
            product_id: Some("5".into()),
            quantity: Some(float(12.5)),
            url: Some("https://shop.example/catalog/t-shirt.html?color=red&size=L".into()),
            price: Some(Decimal::from(1500)),
            purchase_price: Some(float(0.1 + 0.2)),
            category_ids: vec!["2".into(), "3".into(), "404".into()],
            pictures: vec![
                "https://shop.example/assets/images/products/5/front.jpg".into(),
                "https://shop.example/assets/images/products/5/back.jpg".into(),
            ],
            name: "Tom & Jerry <b>\"x\"</b>".into(),
            product_name: Some("Футболка 'Люкс' 👕".into()),
            xml_id: Some("TS-001-RED".into()),
            params: vec![
                Param {
                    name: "Артикул".into(),
                    code: Some("article".into()),
                    value: "TS-001".into(),
                },
                Param {
                    name: "Цвет".into(),
                    code: Some("color".into()),
                    value: "red, blue".into(),
                },
                Param {
                    name: "שם \"מוצר\"".into(),
                    code: Some("rtl".into()),
                    value: "مرحبا بالعالم".into(),
                },
                Param {
                    name: "Line\nbreak\ttab".into(),
                    code: None,
                    value: "bell\u{7}\u{0}gone\r\nkept".into(),
                },
            ],
            vendor: Some("Acme & Co".into()),
            unit: Some(Unit {
                code: "pcs".into(),
                name: Some("Штука".into()),
                sym: Some("шт.".into()),
            }),
            vat_rate: Some(VatRate::Percent(Decimal::from(20))),
            barcodes: vec!["4600000000001".into(), "4600000000002".into()],
            weight: Some(decimal("0.25")),
            dimensions: Some(Dimensions {
                length: Decimal::from(10),
                width: decimal("20.5"),
                height: decimal("30.1254"),
            }),
            product_activity: Some(true),
        }
    }

    /// The golden catalogue: categories with a dangling parent, three offers.
    fn write_golden(path: &Path) -> Summary {
        let mut writer = Writer::create(path, &shop()).unwrap_or_else(|e| panic!("{e}"));
        for c in [
            category("1", "Одежда", None),
            category("2", "Shirts & Tees", Some("1")),
            category("3", "Kids' <small>", Some("2")),
            category("4", "Orphan", Some("99")),
            category("5", "Under the MODX root", Some("0")),
        ] {
            writer.add_category(c).unwrap_or_else(|e| panic!("{e}"));
        }
        let offers = [
            full_offer(),
            Offer {
                price: Some(decimal("2967.18")),
                vat_rate: Some(VatRate::None),
                weight: Some(decimal("1.0005")),
                product_activity: Some(false),
                category_ids: vec!["4".into()],
                ..offer("7", "Plain")
            },
            Offer {
                price: Some(float(1500.5)),
                purchase_price: Some(decimal("1500.00")),
                quantity: Some(Decimal::ZERO),
                ..offer("8", "Half")
            },
        ];
        writer
            .add_offer(&offers[0])
            .unwrap_or_else(|e| panic!("{e}"));
        writer
            .add_offers(&offers[1..])
            .unwrap_or_else(|e| panic!("{e}"));
        writer.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    fn golden_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/icml/golden.xml")
    }

    /// `xmllint --noout` on `path` (scripts/setup.sh installs it).
    fn xmllint(path: &Path) {
        let output = Command::new("xmllint")
            .arg("--noout")
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("xmllint (libxml2-utils, scripts/setup.sh): {e}"));
        assert!(
            output.status.success(),
            "xmllint refused {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    fn the_golden_catalogue_is_written_byte_for_byte() {
        let dir = scratch_dir("golden");
        let path = dir.join("catalog.xml");
        let summary = write_golden(&path);
        let written = read(&path);
        if std::env::var_os("ICML_BLESS").is_some() {
            let _ = fs::write(golden_path(), &written);
        }
        assert_eq!(
            written,
            read(&golden_path()),
            "set ICML_BLESS=1 to rewrite the golden file"
        );
        assert_eq!(
            summary,
            Summary {
                categories: 5,
                offers: 3,
                bytes: written.len() as u64,
                path: path.clone(),
                changed: true,
            }
        );
        xmllint(&path);
        assert_eq!(entries(&dir), ["catalog.xml"]);
        let _ = fs::remove_dir_all(dir);
    }

    /// One element of a parsed document: its path from the root, attributes and text, as a
    /// conformant parser reports them (entities resolved, attribute values normalised).
    #[derive(Debug, PartialEq)]
    struct Node {
        path: String,
        attributes: Vec<(String, String)>,
        text: String,
    }

    fn parse(document: &str) -> Vec<Node> {
        let mut reader = Reader::from_str(document);
        let mut nodes: Vec<Node> = Vec::new();
        let mut open: Vec<(String, usize)> = Vec::new();
        let start = |e: &BytesStart<'_>, open: &[(String, usize)]| {
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let parent = open.last().map(|(path, _)| path.as_str()).unwrap_or("");
            let attributes = e
                .attributes()
                .map(|a| {
                    let a = a.unwrap_or_else(|err| panic!("attribute: {err}"));
                    let value = a.normalized_value(XmlVersion::Implicit1_0);
                    (
                        String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                        value
                            .unwrap_or_else(|err| panic!("value: {err}"))
                            .into_owned(),
                    )
                })
                .collect();
            Node {
                path: format!("{parent}/{name}"),
                attributes,
                text: String::new(),
            }
        };
        loop {
            match reader
                .read_event()
                .unwrap_or_else(|e| panic!("not well-formed: {e}"))
            {
                Event::Start(e) => {
                    let node = start(&e, &open);
                    open.push((node.path.clone(), nodes.len()));
                    nodes.push(node);
                }
                Event::Empty(e) => {
                    let node = start(&e, &open);
                    nodes.push(node);
                }
                Event::End(_) => {
                    open.pop();
                }
                Event::Text(t) => {
                    if let Some((_, at)) = open.last() {
                        let text = t.xml10_content().unwrap_or_else(|e| panic!("text: {e}"));
                        nodes[*at].text.push_str(&text);
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            let name = r.decode().unwrap_or_else(|e| panic!("ref: {e}"));
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .unwrap_or_else(|| panic!("unknown entity {name}"))
                                .to_string()
                        }
                    };
                    if let Some((_, at)) = open.last() {
                        nodes[*at].text.push_str(&resolved);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(open.is_empty(), "unclosed elements: {open:?}");
        // Whitespace between elements is indentation, not content.
        for node in &mut nodes {
            if node.text.trim().is_empty() {
                node.text.clear();
            }
        }
        nodes
    }

    fn node(path: &str, attributes: &[(&str, &str)], text: &str) -> Node {
        Node {
            path: path.into(),
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            text: text.into(),
        }
    }

    #[test]
    fn a_parser_reads_back_exactly_what_was_given() {
        let dir = scratch_dir("parse");
        let path = dir.join("catalog.xml");
        write_golden(&path);
        let nodes = parse(&read(&path));
        let root = "/yml_catalog/shop";
        let o = "/yml_catalog/shop/offers/offer";
        let expected_start = [
            node("/yml_catalog", &[("date", DATE)], ""),
            node(root, &[], ""),
            node(&format!("{root}/name"), &[], "Tom & Jerry's <Shop>"),
            node(&format!("{root}/company"), &[], "\"Quotes\" Ltd"),
            node(&format!("{root}/categories"), &[], ""),
            node(
                &format!("{root}/categories/category"),
                &[("id", "1")],
                "Одежда",
            ),
            node(
                &format!("{root}/categories/category"),
                &[("id", "2"), ("parentId", "1")],
                "Shirts & Tees",
            ),
            node(
                &format!("{root}/categories/category"),
                &[("id", "3"), ("parentId", "2")],
                "Kids' <small>",
            ),
            node(
                &format!("{root}/categories/category"),
                &[("id", "4")],
                "Orphan",
            ),
            node(
                &format!("{root}/categories/category"),
                &[("id", "5")],
                "Under the MODX root",
            ),
            node(&format!("{root}/offers"), &[], ""),
            node(
                o,
                &[("id", "mod-5-3"), ("productId", "5"), ("quantity", "12.5")],
                "",
            ),
            node(
                &format!("{o}/url"),
                &[],
                "https://shop.example/catalog/t-shirt.html?color=red&size=L",
            ),
            node(&format!("{o}/price"), &[], "1500"),
            node(&format!("{o}/purchasePrice"), &[], "0.3"),
            node(&format!("{o}/categoryId"), &[], "2"),
            node(&format!("{o}/categoryId"), &[], "3"),
            node(
                &format!("{o}/picture"),
                &[],
                "https://shop.example/assets/images/products/5/front.jpg",
            ),
            node(
                &format!("{o}/picture"),
                &[],
                "https://shop.example/assets/images/products/5/back.jpg",
            ),
            node(&format!("{o}/name"), &[], "Tom & Jerry <b>\"x\"</b>"),
            node(&format!("{o}/productName"), &[], "Футболка 'Люкс' 👕"),
            node(&format!("{o}/xmlId"), &[], "TS-001-RED"),
            node(
                &format!("{o}/param"),
                &[("name", "Артикул"), ("code", "article")],
                "TS-001",
            ),
            node(
                &format!("{o}/param"),
                &[("name", "Цвет"), ("code", "color")],
                "red, blue",
            ),
            node(
                &format!("{o}/param"),
                &[("name", "שם \"מוצר\""), ("code", "rtl")],
                "مرحبا بالعالم",
            ),
            node(
                &format!("{o}/param"),
                &[("name", "Line\nbreak\ttab")],
                "bellgone\r\nkept",
            ),
            node(&format!("{o}/vendor"), &[], "Acme & Co"),
            node(
                &format!("{o}/unit"),
                &[("code", "pcs"), ("name", "Штука"), ("sym", "шт.")],
                "",
            ),
            node(&format!("{o}/vatRate"), &[], "20"),
            node(&format!("{o}/barcode"), &[], "4600000000001"),
            node(&format!("{o}/barcode"), &[], "4600000000002"),
            node(&format!("{o}/weight"), &[], "0.25"),
            node(&format!("{o}/dimensions"), &[], "10/20.5/30.125"),
            node(&format!("{o}/productActivity"), &[], "Y"),
            node(o, &[("id", "7")], ""),
            node(&format!("{o}/price"), &[], "2967.18"),
            node(&format!("{o}/categoryId"), &[], "4"),
            node(&format!("{o}/name"), &[], "Plain"),
            node(&format!("{o}/productName"), &[], "Plain"),
            node(&format!("{o}/vatRate"), &[], "none"),
            node(&format!("{o}/weight"), &[], "1.001"),
            node(&format!("{o}/productActivity"), &[], "N"),
            node(o, &[("id", "8"), ("quantity", "0")], ""),
            node(&format!("{o}/price"), &[], "1500.5"),
            node(&format!("{o}/purchasePrice"), &[], "1500"),
            node(&format!("{o}/name"), &[], "Half"),
            node(&format!("{o}/productName"), &[], "Half"),
        ];
        assert_eq!(nodes, expected_start);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn an_empty_catalogue_is_still_a_document() {
        let dir = scratch_dir("empty");
        let path = dir.join("catalog.xml");
        let summary = Writer::create(&path, &shop()).and_then(Writer::finish);
        assert_eq!(
            summary
                .map(|s| (s.categories, s.offers))
                .map_err(|e| e.to_string()),
            Ok((0, 0))
        );
        let paths: Vec<String> = parse(&read(&path)).into_iter().map(|n| n.path).collect();
        assert_eq!(
            paths,
            [
                "/yml_catalog",
                "/yml_catalog/shop",
                "/yml_catalog/shop/name",
                "/yml_catalog/shop/company",
                "/yml_catalog/shop/categories",
                "/yml_catalog/shop/offers"
            ]
        );
        xmllint(&path);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn without_a_date_the_current_time_is_written() {
        let dir = scratch_dir("date");
        let path = dir.join("catalog.xml");
        let shop = Shop {
            date: None,
            ..shop()
        };
        let written = Writer::create(&path, &shop).and_then(Writer::finish);
        assert!(written.is_ok());
        let nodes = parse(&read(&path));
        let date = &nodes[0].attributes[0].1;
        assert!(
            crate::icml::model::Shop {
                date: Some(date.clone()),
                ..shop
            }
            .validate()
            .is_ok(),
            "{date}"
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn categories_after_an_offer_are_refused_and_the_writer_goes_on() {
        let dir = scratch_dir("order");
        let path = dir.join("catalog.xml");
        let mut writer = Writer::create(&path, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(writer.add_offer(&offer("1", "One")).is_ok());
        let late = writer.add_category(category("9", "Late", None));
        assert_eq!(
            late.map_err(|e| e.to_string()),
            Err("category \"9\" comes after the first offer: add every category first".into())
        );
        assert!(writer.add_offer(&offer("2", "Two")).is_ok());
        assert_eq!(
            writer.finish().map(|s| s.offers).map_err(|e| e.to_string()),
            Ok(2)
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn duplicate_and_invalid_categories_are_refused() {
        let dir = scratch_dir("duplicate");
        let mut writer =
            Writer::create(dir.join("c.xml"), &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(writer.add_category(category("1", "One", None)).is_ok());
        let twice = writer.add_category(category("1", "Again", None));
        assert_eq!(
            twice.map_err(|e| e.to_string()),
            Err("category \"1\": is added twice".into())
        );
        let nameless = writer.add_category(category("2", "", None));
        assert_eq!(
            nameless.map_err(|e| e.to_string()),
            Err("category \"2\": name is missing".into())
        );
        drop(writer);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn cycles_are_refused_naming_the_category() {
        let cases = [
            (
                vec![category("1", "A", Some("1"))],
                "category \"1\": is its own ancestor (1 → 1)",
            ),
            (
                vec![
                    category("0", "Root", None),
                    category("1", "A", Some("3")),
                    category("2", "B", Some("1")),
                    category("3", "C", Some("2")),
                    category("4", "D", Some("3")),
                ],
                "category \"1\": is its own ancestor (1 → 3 → 2 → 1)",
            ),
            (
                vec![
                    category("4", "D", Some("3")),
                    category("2", "B", Some("3")),
                    category("3", "C", Some("2")),
                ],
                "category \"3\": is its own ancestor (3 → 2 → 3)",
            ),
        ];
        let dir = scratch_dir("cycle");
        let path = dir.join("catalog.xml");
        fs::write(&path, "previous").unwrap_or_else(|e| panic!("{e}"));
        for (categories, expected) in cases {
            let mut writer = Writer::create(&path, &shop()).unwrap_or_else(|e| panic!("{e}"));
            for c in categories {
                assert!(writer.add_category(c).is_ok());
            }
            let refused = writer.add_offer(&offer("1", "One"));
            assert_eq!(refused.map_err(|e| e.to_string()), Err(expected.into()));
            let after = writer.finish().map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(
                after,
                Err(format!("the writer cannot continue: {expected}"))
            );
            assert_eq!(entries(&dir), ["catalog.xml"]);
            assert_eq!(read(&path), "previous");
        }
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_refused_offer_leaves_no_trace() {
        let dir = scratch_dir("refused");
        let good = [offer("1", "One"), offer("2", "Two")];
        let bad = Offer {
            price: Some(decimal("-1")),
            ..offer("bad", "Bad")
        };
        let with_refusals = dir.join("with.xml");
        let mut writer = Writer::create(&with_refusals, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(writer.add_offer(&good[0]).is_ok());
        let single = writer.add_offer(&bad).map_err(|e| e.to_string());
        assert_eq!(
            single,
            Err("offer \"bad\": price must not be negative, got -1".into())
        );
        let batch = writer
            .add_offers(&[good[1].clone(), bad.clone()])
            .map_err(|e| e.to_string());
        assert!(batch.is_err());
        assert!(writer.add_offers(&good[1..]).is_ok());
        assert_eq!(
            writer.finish().map(|s| s.offers).map_err(|e| e.to_string()),
            Ok(2)
        );
        let clean = dir.join("clean.xml");
        let mut writer = Writer::create(&clean, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(writer.add_offers(&good).is_ok());
        assert!(writer.finish().is_ok());
        assert_eq!(read(&with_refusals), read(&clean));
        let _ = fs::remove_dir_all(dir);
    }

    /// Writes offers `ids` to `path` with the catalogue date `date`.
    fn write_dated(path: &Path, date: &str, ids: &[&str]) -> Summary {
        let dated = Shop {
            date: Some(date.into()),
            ..shop()
        };
        let mut writer = Writer::create(path, &dated).unwrap_or_else(|e| panic!("{e}"));
        for id in ids {
            writer
                .add_offer(&offer(id, "Same name"))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        writer.finish().unwrap_or_else(|e| panic!("{e}"))
    }

    fn modified(path: &Path) -> std::time::SystemTime {
        fs::metadata(path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn an_unchanged_catalogue_leaves_the_published_file_alone() {
        let dir = scratch_dir("unchanged");
        let path = dir.join("catalog.xml");
        assert!(write_dated(&path, "2026-11-29 07:16:52", &["1", "2"]).changed);
        let first = read(&path);
        // An old modification time: a rewrite, however quick, would change it.
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        File::options()
            .write(true)
            .open(&path)
            .and_then(|file| file.set_modified(old))
            .unwrap_or_else(|e| panic!("{e}"));

        let again = write_dated(&path, "2026-11-30 08:00:00", &["1", "2"]);
        assert!(!again.changed);
        assert_eq!(again.bytes, first.len() as u64);
        assert_eq!(read(&path), first, "the old file, its date included, stays");
        assert_eq!(modified(&path), old);
        assert_eq!(entries(&dir), ["catalog.xml"]);

        // Same size, one byte different: rewritten.
        let other = write_dated(&path, "2026-11-30 08:00:00", &["1", "3"]);
        assert!(other.changed);
        assert_ne!(modified(&path), old);
        let second = read(&path);
        assert_eq!(second.len(), first.len());
        assert!(second.contains("2026-11-30 08:00:00") && second.contains("<offer id=\"3\""));
        // A different size: rewritten.
        assert!(write_dated(&path, "2026-11-30 08:00:00", &["1"]).changed);
        assert!(!read(&path).contains("<offer id=\"3\""));
        assert_eq!(entries(&dir), ["catalog.xml"]);
        let _ = fs::remove_dir_all(dir);
    }

    /// The document in a gzip file, uncompressed.
    fn gunzip(path: &Path) -> String {
        let mut text = String::new();
        let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        io::Read::read_to_string(&mut GzDecoder::new(file), &mut text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        text
    }

    #[test]
    fn a_gz_target_is_written_compressed_and_left_alone_when_unchanged() {
        let dir = scratch_dir("gzip");
        let (plain, gzip) = (dir.join("catalog.xml"), dir.join("catalog.xml.gz"));
        write_dated(&plain, "2026-11-29 07:16:52", &["1", "2"]);
        let summary = write_dated(&gzip, "2026-11-29 07:16:52", &["1", "2"]);
        assert!(summary.changed);
        let compressed = fs::read(&gzip).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&compressed[..2], [0x1f, 0x8b], "a gzip file");
        assert_eq!(summary.bytes, compressed.len() as u64);
        assert_eq!(gunzip(&gzip), read(&plain), "the same document, compressed");

        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        File::options()
            .write(true)
            .open(&gzip)
            .and_then(|file| file.set_modified(old))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!write_dated(&gzip, "2026-11-30 08:00:00", &["1", "2"]).changed);
        assert_eq!(
            modified(&gzip),
            old,
            "unchanged apart from the date: not rewritten"
        );
        assert!(write_dated(&gzip, "2026-11-30 08:00:00", &["1", "3"]).changed);
        assert!(gunzip(&gzip).contains("<offer id=\"3\""));
        assert_eq!(entries(&dir), ["catalog.xml", "catalog.xml.gz"]);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_batch_is_written_whole_or_not_at_all() {
        let dir = scratch_dir("batch");
        let good = [offer("1", "One"), offer("2", "Two"), offer("3", "Three")];
        let bad = Offer {
            price: Some(decimal("-1")),
            ..offer("bad", "Bad")
        };
        let batched = dir.join("batched.xml");
        let mut writer = Writer::create(&batched, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            writer.batch().is_none(),
            "no batch before the categories are written"
        );
        assert!(writer.add_offers(&good[..1]).is_ok());
        let mut refused = writer.batch().unwrap_or_else(|| panic!("a batch"));
        for offer in [&good[1], &bad, &good[2]] {
            refused.add(offer);
        }
        assert_eq!(
            refused.commit().map_err(|e| e.to_string()),
            Err("offer \"bad\": price must not be negative, got -1".into())
        );
        let mut dropped = writer.batch().unwrap_or_else(|| panic!("a batch"));
        dropped.add(&good[1]);
        drop(dropped);
        let mut kept = writer.batch().unwrap_or_else(|| panic!("a batch"));
        for offer in &good[1..] {
            kept.add(offer);
        }
        assert_eq!(kept.commit().map_err(|e| e.to_string()), Ok(2));
        assert_eq!(
            writer.finish().map(|s| s.offers).map_err(|e| e.to_string()),
            Ok(3)
        );
        let plain = dir.join("plain.xml");
        let mut writer = Writer::create(&plain, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(writer.add_offers(&good).is_ok());
        assert!(writer.finish().is_ok());
        assert_eq!(read(&batched), read(&plain));
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn publishing_replaces_the_target_and_leaves_nothing_else() {
        let dir = scratch_dir("replace");
        let path = dir.join("catalog.xml");
        fs::write(&path, "previous").unwrap_or_else(|e| panic!("{e}"));
        let mut writer = Writer::create(&path, &shop()).unwrap_or_else(|e| panic!("{e}"));
        let temp = writer.temp_path().to_path_buf();
        assert_eq!(temp.parent(), Some(dir.as_path()));
        assert!(
            temp.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".catalog.xml."))
        );
        assert!(writer.add_offer(&offer("1", "One")).is_ok());
        assert_eq!(read(&path), "previous");
        assert!(writer.finish().is_ok());
        assert!(read(&path).ends_with("</yml_catalog>\n"));
        assert_eq!(entries(&dir), ["catalog.xml"]);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn abort_and_drop_remove_the_temporary_file_and_keep_the_target() {
        let dir = scratch_dir("abort");
        let path = dir.join("catalog.xml");
        fs::write(&path, "previous").unwrap_or_else(|e| panic!("{e}"));
        let mut aborted = Writer::create(&path, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(aborted.add_offer(&offer("1", "One")).is_ok());
        assert_eq!(entries(&dir).len(), 2);
        assert!(aborted.abort().is_ok());
        assert_eq!(entries(&dir), ["catalog.xml"]);
        let mut dropped = Writer::create(&path, &shop()).unwrap_or_else(|e| panic!("{e}"));
        assert!(dropped.add_offer(&offer("1", "One")).is_ok());
        drop(dropped);
        assert_eq!(entries(&dir), ["catalog.xml"]);
        assert_eq!(read(&path), "previous");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn temporary_files_of_dead_writers_are_removed() {
        let dir = scratch_dir("stale");
        // Process ids never exceed 2^22 on Linux.
        let dead = dir.join(".catalog.xml.999999999-0badf00d.tmp");
        let alive = dir.join(format!(".catalog.xml.{}-0badf00d.tmp", std::process::id()));
        let other = dir.join(".other.xml.999999999-0badf00d.tmp");
        for path in [&dead, &alive, &other] {
            fs::write(path, "partial").unwrap_or_else(|e| panic!("{e}"));
        }
        let writer = Writer::create(dir.join("catalog.xml"), &shop());
        assert!(writer.is_ok_and(|w| w.abort().is_ok()));
        assert!(!dead.exists());
        assert!(alive.exists() && other.exists());
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn unusable_targets_are_reported_before_any_work() {
        let dir = scratch_dir("unusable");
        let missing = Writer::create(dir.join("no/such/dir/catalog.xml"), &shop());
        let message = missing.map(|_| ()).map_err(|e| e.to_string());
        assert!(
            message
                .as_ref()
                .is_err_and(|m| m.starts_with("cannot create a temporary file in ")),
            "{message:?}"
        );
        let directory = Writer::create(&dir, &shop())
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(directory.is_err_and(|m| m.ends_with("not a file path")));
        let bad_shop = Writer::create(
            dir.join("c.xml"),
            &Shop {
                company: String::new(),
                ..shop()
            },
        );
        assert_eq!(
            bad_shop.map(|_| ()).map_err(|e| e.to_string()),
            Err("shop company is missing".into())
        );
        assert!(entries(&dir).is_empty());
        let _ = fs::remove_dir_all(dir);
    }
}
