//! The webhook's PHP boundary: the plugin's request array → [`HttpRequest`], the answer →
//! `['code' => …, 'body' => JSON text, 'actions' => [...]]`.
//!
//! The request comes from whoever calls the site, so nothing in it is an error of the
//! caller of `handleRequest`: text that is not UTF-8 is replaced and the part named (the
//! webhook refuses it with 400), a parameter that is a list is left out. Only a `$request`
//! that is not an array at all is the plugin's mistake.

use ext_php_rs::flags::DataType;
use ext_php_rs::prelude::*;
use ext_php_rs::types::Zval;
use serde_json::{Value, json};

use crate::php::convert::{keyed, type_name};
use crate::php::exceptions::validation;
use modretailcrm_core::sync::inbound::request::HttpRequest;
use modretailcrm_core::sync::inbound::webhook::WebhookAnswer;

/// Reads the plugin's `$request` (`method`, `path`, `query`, `post`, `headers`, `body`,
/// `remote_addr`).
pub fn http_request(request: &Zval) -> PhpResult<HttpRequest> {
    let Some(array) = request.dereference().array() else {
        return Err(validation(format!(
            "$request must be an array, {} given",
            type_name(request)
        )));
    };
    let mut parsed = HttpRequest::default();
    let mut malformed = None;
    for (key, value) in keyed(array) {
        let Some(name) = key.text() else { continue };
        match name {
            "method" => parsed.method = text(value, "method", &mut malformed),
            "path" => parsed.path = text(value, "path", &mut malformed),
            "remote_addr" => parsed.remote_addr = text(value, "remote_addr", &mut malformed),
            "query" => parsed.query = pairs(value, "query", &mut malformed),
            "post" => parsed.post = pairs(value, "post", &mut malformed),
            "headers" => parsed.headers = pairs(value, "headers", &mut malformed),
            "body" => parsed.body = bytes(value),
            _ => {}
        }
    }
    parsed.malformed = malformed;
    Ok(parsed)
}

/// The answer for PHP: `actions` each `['order' => num, 'status' => id]` with `'order_id'`
/// when the site order id is known (as `pullChanges()` gives it); `log` the line to log when
/// there is one.
pub fn answer_json(answer: &WebhookAnswer) -> Value {
    let actions: Vec<Value> = answer
        .actions
        .iter()
        .map(|action| {
            let mut item = json!({"order": action.order, "status": action.status});
            if let Some(id) = action.id {
                item["order_id"] = json!(id);
            }
            item
        })
        .collect();
    let mut result = json!({
        "code": answer.code,
        "body": answer.body.to_string(),
        "actions": actions,
    });
    if let Some(line) = &answer.log {
        result["log"] = json!(line);
    }
    result
}

/// A scalar as text (a number in decimal); invalid UTF-8 replaced and `part` noted.
fn text(value: &Zval, part: &str, malformed: &mut Option<String>) -> String {
    let value = value.dereference();
    match value.get_type() {
        DataType::String => match value.str() {
            Some(text) => text.to_string(),
            None => {
                malformed.get_or_insert_with(|| part.to_string());
                String::from_utf8_lossy(&bytes(value)).into_owned()
            }
        },
        DataType::Long => value.long().unwrap_or_default().to_string(),
        DataType::Double => value.double().unwrap_or_default().to_string(),
        _ => String::new(),
    }
}

/// The text entries of an array (`$_GET`, `$_POST`, headers); lists and other values left out.
fn pairs(value: &Zval, part: &str, malformed: &mut Option<String>) -> Vec<(String, String)> {
    let Some(array) = value.dereference().array() else {
        return Vec::new();
    };
    keyed(array)
        .filter(|(_, item)| {
            matches!(
                item.dereference().get_type(),
                DataType::String | DataType::Long | DataType::Double
            )
        })
        .map(|(key, item)| {
            let name = key.lossy();
            if key.index().is_none() && key.text().is_none() {
                malformed.get_or_insert_with(|| format!("a {part} name"));
            }
            let value = text(item, &format!("{part}[{name}]"), malformed);
            (name, value)
        })
        .collect()
}

/// A string's bytes as they are.
fn bytes(value: &Zval) -> Vec<u8> {
    value
        .dereference()
        .zend_str()
        .map(|text| text.as_bytes().to_vec())
        .unwrap_or_default()
}
