//! The manager page's reads of the CRM through an integration: its reference books (with
//! the short cache of [`modretailcrm_core::mapping_check::books`]) and the mapping check.

use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;

use crate::php::args;
use crate::php::client::reference_arg;
use crate::php::convert::to_zval;
use crate::php::exceptions::{from_api_error, internal, validation};
use modretailcrm_core::mapping_check::{self, CrmBooks, SiteReferences, books};
use modretailcrm_core::sync::engine::Engine;

/// `Integration::reference()`: the answer of reference book `$name`, cached a minute.
pub fn reference(engine: &Engine, name: &Zval) -> PhpResult<Zval> {
    let book = reference_arg(name)?;
    to_zval(&books::reference(engine, book).map_err(from_api_error)?)
}

/// `Integration::checkMapping()`: the findings for `$siteReferences`, as a list of arrays.
pub fn check(engine: &Engine, site: &Zval) -> PhpResult<Zval> {
    let site = SiteReferences::from_json(&args::array(site, "$siteReferences")?)
        .map_err(|problem| validation(format!("$siteReferences: {problem}")))?;
    let crm = CrmBooks::fetch(engine).map_err(from_api_error)?;
    let findings = serde_json::to_value(mapping_check::check(&site, &crm))
        .map_err(|error| internal(format!("the findings cannot be written: {error}")))?;
    to_zval(&findings)
}
