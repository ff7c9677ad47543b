//! ICML, RetailCRM's catalogue format: a streaming writer with atomic publication.
//!
//! RetailCRM links order items to its catalogue through an XML file the shop publishes
//! (`<yml_catalog date>` → `<shop>` → `<name>`, `<company>`, `<categories>`, `<offers>`) and
//! fetches at any moment. [`Writer`] writes it offer by offer to a temporary file beside the
//! target and renames it into place only when it is complete, so the CRM never sees a
//! partial catalogue and memory does not grow with the number of offers.
//!
//! - [`model`]: the plain values written ([`Shop`], [`Category`], [`Offer`] …);
//! - [`mapping`]: from a shop's arrays (miniShop2 `toArray()`, or ICML-named) to those values;
//! - [`decimal`]: exact numbers — prices are written rounded to 2 places, weights,
//!   dimensions and quantities to 3, in their shortest form (`1500`, `1500.5`, `0.3`);
//! - [`text`]: XML 1.0 text (forbidden characters removed, markup escaped);
//! - [`location`]: where a catalogue may be published (`.xml` files in the allowed folders);
//! - [`writer`]: the streaming writer and the atomic publication.
//!
//! ```no_run
//! use modretailcrm_core::icml::{Category, Offer, Shop, Writer, Decimal};
//!
//! # fn main() -> Result<(), modretailcrm_core::icml::Error> {
//! let shop = Shop { name: "Shop".into(), company: "Shop Ltd".into(), date: None };
//! let mut writer = Writer::create("/var/www/catalog.xml", &shop)?;
//! writer.add_category(Category { id: "2".into(), name: "Shirts".into(), parent_id: None })?;
//! writer.add_offer(&Offer {
//!     id: "3".into(),
//!     name: "T-Shirt".into(),
//!     price: Some(Decimal::from(1500)),
//!     category_ids: vec!["2".into()],
//!     ..Offer::default()
//! })?;
//! let summary = writer.finish()?;
//! assert_eq!(summary.offers, 1);
//! # Ok(())
//! # }
//! ```

pub mod decimal;
pub mod error;
pub mod location;
pub mod mapping;
pub mod minishop;
pub mod model;
pub mod text;
pub mod writer;

pub use decimal::Decimal;
pub use error::Error;
pub use location::published_path;
pub use mapping::{Field, Mapping, Record, Spare};
pub use model::{Category, Dimensions, Offer, Param, Shop, Unit, VatRate};
pub use writer::{Batch, Summary, Writer};
