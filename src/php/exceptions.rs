//! The extension's exception classes, and the mapping from Rust errors to them.
//!
//! Every failure PHP sees from this extension is a `ModRetailCrm\Exception` (which extends
//! `\Exception`), so a plain `catch (\Exception $e)` in a MODX plugin catches it. The classes
//! are ordinary PHP classes (registered at start-up, inheriting `\Exception`'s object
//! creation), so they carry the file, line and stack trace of the PHP call that failed, and
//! PHP code can construct and extend them.

use std::sync::atomic::{AtomicPtr, Ordering};

use ext_php_rs::builders::{ClassBuilder, ClassProperty};
use ext_php_rs::class::ClassEntryInfo;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::describe::DocComments;
use ext_php_rs::exception::{PhpException, throw_object};
use ext_php_rs::flags::{DataType, PropertyFlags};
use ext_php_rs::zend::{ClassEntry, ExecutorGlobals, ce};
use serde_json::{Value, json};

use crate::php::convert::to_zval;
use modretailcrm_core::api::error::{ApiError, ErrorClass, ErrorResponse};

/// The exception classes, in registration order (parents first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `ModRetailCrm\Exception`: the base of all of them, extends `\Exception`.
    Base,
    /// `ModRetailCrm\ConfigException`: unusable settings.
    Config,
    /// `ModRetailCrm\ValidationException`: bad input from PHP (names the argument and field).
    Validation,
    /// `ModRetailCrm\TransportException`: no answer from the CRM.
    Transport,
    /// `ModRetailCrm\RateLimitException`: still rate limited after retries; code = status.
    RateLimit,
    /// `ModRetailCrm\ApiException`: the CRM answered with an error; code = HTTP status.
    Api,
    /// `ModRetailCrm\OutboxException`: the outbox file cannot be opened, read or written.
    Outbox,
    /// `ModRetailCrm\FileException`: a file the extension writes for PHP (the ICML
    /// catalogue) cannot be written or published: a full disk, a file size limit, no right.
    File,
}

const KINDS: [Kind; 8] = [
    Kind::Base,
    Kind::Config,
    Kind::Validation,
    Kind::Transport,
    Kind::RateLimit,
    Kind::Api,
    Kind::Outbox,
    Kind::File,
];

static ENTRIES: [AtomicPtr<ClassEntry>; 8] = [const { AtomicPtr::new(std::ptr::null_mut()) }; 8];

impl Kind {
    /// The PHP class name.
    pub fn class_name(self) -> &'static str {
        match self {
            Kind::Base => "ModRetailCrm\\Exception",
            Kind::Config => "ModRetailCrm\\ConfigException",
            Kind::Validation => "ModRetailCrm\\ValidationException",
            Kind::Transport => "ModRetailCrm\\TransportException",
            Kind::RateLimit => "ModRetailCrm\\RateLimitException",
            Kind::Api => "ModRetailCrm\\ApiException",
            Kind::Outbox => "ModRetailCrm\\OutboxException",
            Kind::File => "ModRetailCrm\\FileException",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The registered class entry (`\Exception` if start-up registration failed).
    fn entry(self) -> &'static ClassEntry {
        let registered = ENTRIES[self.index()].load(Ordering::Acquire);
        // SAFETY: only pointers handed to us by the engine at registration are stored, and
        // internal class entries live as long as the process.
        unsafe { registered.as_ref() }.unwrap_or_else(ce::exception)
    }

    /// An exception of this class with `message` (made [`clean`]) and `code`, ready to
    /// return to PHP.
    pub fn exception(self, message: impl Into<String>, code: i32) -> PhpException {
        PhpException::new(clean(message.into()), code, self.entry())
    }
}

/// `text` fit for an exception's message or property, whatever its origin (a CRM's answer, a
/// path from the settings): a NUL byte, which PHP cannot take in a message, is written as
/// `\0`. (Texts are Rust strings, so any invalid UTF-8 was replaced when they were read.)
fn clean(text: String) -> String {
    if text.contains('\0') {
        text.replace('\0', "\\0")
    } else {
        text
    }
}

/// [`clean`] for every string and key in a JSON value.
fn clean_json(value: Value) -> Value {
    match value {
        Value::String(text) => Value::String(clean(text)),
        Value::Array(items) => Value::Array(items.into_iter().map(clean_json).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, item)| (clean(key), clean_json(item)))
                .collect(),
        ),
        other => other,
    }
}

/// Properties of `ApiException`, set on the thrown object.
const API_PROPERTIES: [(&str, DataType, bool); 5] = [
    ("statusCode", DataType::Long, false),
    ("errorMsg", DataType::String, false),
    ("errors", DataType::Array, false),
    ("response", DataType::Array, true),
    ("errorClass", DataType::String, false),
];

/// Attaches the callback that remembers the class entry the engine assigns to `kind` (the
/// callback must be a plain function, hence one closure per kind).
fn with_registration(builder: ClassBuilder, kind: Kind) -> ClassBuilder {
    match kind {
        Kind::Base => builder.registration(|entry, _| remember(Kind::Base, entry)),
        Kind::Config => builder.registration(|entry, _| remember(Kind::Config, entry)),
        Kind::Validation => builder.registration(|entry, _| remember(Kind::Validation, entry)),
        Kind::Transport => builder.registration(|entry, _| remember(Kind::Transport, entry)),
        Kind::RateLimit => builder.registration(|entry, _| remember(Kind::RateLimit, entry)),
        Kind::Api => builder.registration(|entry, _| remember(Kind::Api, entry)),
        Kind::Outbox => builder.registration(|entry, _| remember(Kind::Outbox, entry)),
        Kind::File => builder.registration(|entry, _| remember(Kind::File, entry)),
    }
}

fn remember(kind: Kind, entry: &'static mut ClassEntry) {
    ENTRIES[kind.index()].store(entry, Ordering::Release);
}

fn base_entry() -> &'static ClassEntry {
    Kind::Base.entry()
}

/// The module start-up hook: registers the exception classes. Returns 0 (SUCCESS) or -1
/// (FAILURE, PHP then reports that the module could not start); never unwinds into PHP.
pub extern "C" fn startup(_type: i32, _module_number: i32) -> i32 {
    match std::panic::catch_unwind(register) {
        Ok(Ok(())) => 0,
        _ => -1,
    }
}

fn register() -> ext_php_rs::error::Result<()> {
    for kind in KINDS {
        let parent: ClassEntryInfo = match kind {
            Kind::Base => (ce::exception, "\\Exception"),
            _ => (base_entry, "\\ModRetailCrm\\Exception"),
        };
        let mut builder = ClassBuilder::new(kind.class_name()).extends(parent);
        builder = with_registration(builder, kind);
        if kind == Kind::Api {
            for (name, ty, nullable) in API_PROPERTIES {
                builder = builder.property(ClassProperty {
                    name: name.to_string(),
                    flags: PropertyFlags::Public,
                    default: None,
                    docs: DocComments::default(),
                    ty: Some(ty),
                    nullable,
                    readonly: false,
                    default_stub: None,
                });
            }
        }
        builder.register()?;
    }
    Ok(())
}

/// A `ValidationException` with `message`.
pub fn validation(message: impl Into<String>) -> PhpException {
    Kind::Validation.exception(message, 0)
}

/// A `ConfigException` with `message`.
pub fn config(message: impl Into<String>) -> PhpException {
    Kind::Config.exception(message, 0)
}

/// A base `ModRetailCrm\Exception` for an unexpected internal failure.
pub fn internal(message: impl Into<String>) -> PhpException {
    Kind::Base.exception(message, 0)
}

/// The PHP exception for an API error. `errorMsg` and `errors` are [`clean`]ed; `response`
/// is the CRM's answer as it was decoded.
pub fn from_api_error(error: ApiError) -> PhpException {
    let message = error.to_string();
    match error {
        ApiError::Config(text) => config(text),
        ApiError::InvalidRequest(text) => validation(text),
        ApiError::Transport { .. } => Kind::Transport.exception(message, 0),
        ApiError::RateLimited { status, .. } => {
            Kind::RateLimit.exception(message, i32::from(status))
        }
        ApiError::Response(response) => api_exception(message, *response),
    }
}

/// Throws an `ApiException` now and fills in the CRM's answer on the thrown object. The
/// returned value's own `throw()` is then a no-op, since an exception is already pending.
fn api_exception(message: String, response: ErrorResponse) -> PhpException {
    let class = error_class_name(&response);
    Kind::Api
        .exception(message, i32::from(response.status))
        .throw();
    let errors = match response.errors {
        Value::Null => Value::Array(Vec::new()),
        errors => clean_json(errors),
    };
    let values = [
        json!(response.status),
        json!(clean(response.error_msg)),
        errors,
        response.body.unwrap_or(Value::Null),
        json!(class),
    ];
    if let Some(mut thrown) = ExecutorGlobals::take_exception() {
        for ((name, _, _), value) in API_PROPERTIES.iter().zip(values) {
            if let Ok(value) = to_zval(&value) {
                let _ = thrown.set_property(name, value);
            }
        }
        if let Ok(object) = thrown.into_zval(false) {
            let _ = throw_object(object);
        }
    }
    Kind::Api.exception(String::new(), 0)
}

fn error_class_name(response: &ErrorResponse) -> &'static str {
    match response.class() {
        ErrorClass::Transient => "transient",
        ErrorClass::Partial => "partial",
        ErrorClass::AccountMissing => "account_missing",
        ErrorClass::Permanent => "permanent",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{clean, clean_json};

    #[test]
    fn nul_bytes_are_escaped_in_texts_keys_and_nested_values() {
        assert_eq!(clean("a\0b\0".into()), "a\\0b\\0");
        assert_eq!(clean("plain".into()), "plain");
        assert_eq!(
            clean_json(json!({"k\0": ["v\0", {"\0": 1}], "n": null})),
            json!({"k\\0": ["v\\0", {"\\0": 1}], "n": null})
        );
    }
}
