//! The plain-Rust core of modretailcrm: everything the PHP extension does, without PHP.
//!
//! It builds and tests without PHP's headers, clang or bindgen; the extension crate (the
//! repository root, `src/php/`) converts PHP values, calls into these modules and turns their
//! errors into PHP exceptions. The modules, from the wire up:
//! - [`api`]: the RetailCRM v5 client (transport, rate limit, errors, TLS);
//! - [`config`]: the shop's `modretailcrm_*` settings, read and checked;
//! - [`mapping`]: MODX/miniShop2 data into RetailCRM customers and orders;
//! - [`mapping_check`]: the site's reference codes against the CRM's books (manager page);
//! - [`outbox`]: the durable SQLite queue of changes, with leases, pacing and dead letters;
//! - [`sync`]: what a shop event becomes, and the delivery of queued changes;
//! - [`icml`]: the catalogue file for RetailCRM;
//! - [`logging`], [`runtime`]: the log file and the Tokio runtime everything runs on.

pub mod api;
pub mod config;
pub mod icml;
pub mod logging;
pub mod mapping;
pub mod mapping_check;
pub mod outbox;
pub mod runtime;
pub mod site_db;
pub mod sync;
