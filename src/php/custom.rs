//! Calling a site's own class (`modretailcrm_custom_customers_class`,
//! `modretailcrm_custom_orders_class`) on a mapped payload: its static
//! `map(array $payload, array $source): array` returns the payload to send.

use std::ffi::CString;

use ext_php_rs::types::{ZendCallable, Zval};
use ext_php_rs::zend::ExecutorGlobals;
use serde_json::Value;

use crate::php::convert::{to_json, to_zval};
use modretailcrm_core::config::CustomClass;

/// `custom`'s `map()` applied to `payload`, with the `source` arrays the payload was mapped
/// from. An error says what went wrong; a PHP exception the class throws is taken, not left
/// pending, so the caller can fall back to the standard payload.
pub fn apply(custom: &CustomClass, payload: &Value, source: &Value) -> Result<Value, String> {
    ensure_loaded(custom)?;
    let name = format!("{}::map", custom.class);
    let method = ZendCallable::try_from_name(&name)
        .map_err(|_| format!("{name} is not a public static method"))?;
    let (payload, source) = (
        to_zval(payload).map_err(|_| "the payload")?,
        to_zval(source).map_err(|_| "the source")?,
    );
    let answer = method.try_call(vec![&payload, &source]);
    if let Some(thrown) = ExecutorGlobals::take_exception() {
        let class = thrown.get_class_name().unwrap_or_default();
        return Err(format!("{name} threw {class}"));
    }
    let answer = answer.map_err(|e| format!("{name} failed: {e}"))?;
    match to_json(&answer, &format!("the value {name} returned")) {
        Ok(Value::Object(fields)) => Ok(Value::Object(fields)),
        _ => Err(format!("{name} must return the payload array")),
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
