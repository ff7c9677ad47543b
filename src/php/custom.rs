//! Calling a site's own class (`modretailcrm_custom_customers_class`,
//! `modretailcrm_custom_orders_class`) on a mapped payload: its static
//! `map(array $payload, array $source): array`. Which class is called when, and what its
//! failures mean, is [`modretailcrm_core::sync::customize`]'s.

use std::ffi::CString;

use ext_php_rs::types::{ZendCallable, Zval};
use ext_php_rs::zend::ExecutorGlobals;
use serde_json::Value;

use crate::php::convert::{to_json, to_zval};
use modretailcrm_core::config::CustomClass;
use modretailcrm_core::sync::customize::{CustomError, Customizer, method};

/// The site's classes, called in the PHP request that runs the event.
pub struct SiteClasses;

impl Customizer for SiteClasses {
    /// Loads the class when needed and calls its `map()`. A PHP exception the class throws
    /// is taken, not left pending, so the standard payload can go instead.
    fn customize(
        &self,
        class: &CustomClass,
        payload: &Value,
        source: &Value,
    ) -> Result<Value, CustomError> {
        ensure_loaded(class).map_err(CustomError::Unusable)?;
        let name = method(class);
        let map = ZendCallable::try_from_name(&name)
            .map_err(|_| CustomError::Unusable(format!("{name} is not a public static method")))?;
        let unpassable = |what: &str| CustomError::Failed(format!("cannot pass {what}"));
        let (payload, source) = (
            to_zval(payload).map_err(|_| unpassable("the payload"))?,
            to_zval(source).map_err(|_| unpassable("the source"))?,
        );
        let answer = map.try_call(vec![&payload, &source]);
        if let Some(thrown) = ExecutorGlobals::take_exception() {
            return Err(CustomError::Threw(
                thrown.get_class_name().unwrap_or_default(),
            ));
        }
        let answer = answer.map_err(|e| CustomError::Failed(e.to_string()))?;
        to_json(&answer, &format!("the value {name} returned")).map_err(|_| CustomError::Unreadable)
    }
}

/// Loads the class's file when the class is not declared (or autoloaded) yet.
fn ensure_loaded(custom: &CustomClass) -> Result<(), String> {
    if class_exists(&custom.class) {
        return Ok(());
    }
    let Some(file) = &custom.file else {
        return Err(format!(
            "class {} is not declared and no file is given to load it from",
            custom.class
        ));
    };
    if !file.is_file() {
        return Err(format!(
            "the file {} of class {} does not exist",
            file.display(),
            custom.class
        ));
    }
    let quoted = file
        .to_string_lossy()
        .replace('\\', "\\\\")
        .replace('\'', "\\'");
    let code = CString::new(format!(
        "(static function () {{ require_once '{quoted}'; }})();"
    ))
    .map_err(|_| format!("the path {} cannot be loaded", file.display()))?;
    let name = c"modretailcrm custom class";
    let mut result = Zval::new();
    // SAFETY: both strings are NUL-terminated and outlive the call; the engine is running a
    // PHP request (this is called from a method PHP invoked).
    unsafe { ext_php_rs::ffi::zend_eval_string(code.as_ptr(), &raw mut result, name.as_ptr()) };
    if let Some(thrown) = ExecutorGlobals::take_exception() {
        let class = thrown.get_class_name().unwrap_or_default();
        return Err(format!("loading {} threw {class}", file.display()));
    }
    if class_exists(&custom.class) {
        Ok(())
    } else {
        Err(format!(
            "{} does not declare class {}",
            file.display(),
            custom.class
        ))
    }
}

fn class_exists(class: &str) -> bool {
    ZendCallable::try_from_name("class_exists")
        .and_then(|exists| exists.try_call(vec![&class]))
        .ok()
        .and_then(|answer| answer.bool())
        .unwrap_or(false)
}
