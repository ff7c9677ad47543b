//! modretailcrm: a PHP extension that connects MODX Revolution / miniShop2 shops with RetailCRM.
//!
//! This crate is the PHP boundary only: [`php`] converts values, maps errors to PHP exceptions
//! and registers the classes and functions; all the work is done by the `modretailcrm_core`
//! crate (`core/`), which knows nothing of PHP.

mod php;

use ext_php_rs::prelude::*;

/// The module entry PHP loads.
#[php_module]
pub fn module(module: ModuleBuilder) -> ModuleBuilder {
    php::register(module)
}
