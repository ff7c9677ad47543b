//! The miniShop2 catalogue read from the shop's MySQL/MariaDB database and written as ICML,
//! with no PHP array per product: the production reader of MySQL/MariaDB sites (the PHP
//! reader `php-plugin/lib/IcmlCatalog.php` stays for SQLite).
//!
//! The queries are the PHP reader's, as prepared statements (the binary protocol gives
//! integers as integers, as PDO does, so the document is byte for byte the PHP reader's):
//! pages of products on the primary key (`c.id > ? … FORCE INDEX (PRIMARY) ORDER BY c.id
//! LIMIT 500`), then by the page's range of ids their options, categories, pictures and
//! msOptionsPrice2 modifications ([`reader`]).
//!
//! The reading and the writing overlap ([`pipeline`]): one connection reads the pages of
//! products, a second their options, a third their other rows, each on a thread of its own,
//! while the calling thread maps and writes the pages before. Read one after the other, the
//! database's work and ours add up (at 100,000 products 1.0–1.5 s of the database's CPU
//! beside 0.9–1.0 s of ours: 2.35 s); overlapped, they share the machine's cores (1.1 s on
//! two; README, Benchmarks).
//! An export holds three connections to the database while it runs (fewer when the server
//! refuses more: the pages' connection then reads those parts too). Only the categories
//! (few) and a few pages are held.

mod pipeline;
mod reader;
mod record;

use std::path::Path;

use bumpalo::Bump;
use serde_json::Map;

use super::{Error, Mapping, Shop, Spare, Summary, Writer};
use crate::site_db::MysqlTarget;
use reader::{Catalogue, Part, Reader};
use record::Product;

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
    let mut pages = Reader::connect(target)?;
    let (categories, members) = pages.categories(&request.parents)?;
    let mut options = request.options.clone();
    pages.add_captions(&mut options)?;
    let mapping = Mapping::from_options(&options)?;
    let modifications = request.modifications && pages.exists("msop_modifications")?;
    let catalogue = Catalogue {
        categories: members,
        gallery: pages.exists("ms2_product_files")?,
        modifications,
        modification_options: modifications && pages.exists("msop_modification_options")?,
        friendly_urls: request.friendly_urls,
    };
    // A part whose connection the server refuses (a user's connection limit: shared hosting
    // often allows only a few) is read on the pages' connection: slower, the same document.
    let (mut completers, mut shared) = (Vec::new(), Vec::new());
    for part in [Part::Options, Part::Others] {
        match Reader::connect(target) {
            Ok(reader) => completers.push((reader, part)),
            Err(_) => shared.push(part),
        }
    }

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
    pipeline::run(pages, &shared, completers, &catalogue, |page| {
        output.write(page)
    })?;
    Ok(Exported {
        summary: output.writer.finish()?,
        products: output.products,
        refused: output.refused,
        refusals: output.refusals,
    })
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

#[cfg(test)]
mod tests;
