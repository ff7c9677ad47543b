//! modretailcrm: a PHP extension that connects MODX Revolution / miniShop2 shops with RetailCRM.
//!
//! Everything except the `php` module is plain Rust and knows nothing of PHP; `php` is the
//! boundary that converts values, maps errors to PHP exceptions and registers the classes.

pub mod api;
pub mod config;
pub mod icml;
pub mod logging;
pub mod mapping;
pub mod outbox;
pub mod runtime;
pub mod sync;

mod php;

use ext_php_rs::prelude::*;

/// The module entry PHP loads.
#[php_module]
pub fn module(module: ModuleBuilder) -> ModuleBuilder {
    php::register(module)
}
