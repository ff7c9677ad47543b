//! `Integration::submitForm()`'s side of the PHP boundary: the submission read from PHP's
//! array, the product looked up through the caller's callable, and the answers.

use std::time::{SystemTime, UNIX_EPOCH};

use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, Zval};
use serde_json::{Map, Value, json};

use crate::php::args;
use crate::php::convert::to_json;
use crate::php::exceptions::{internal, validation};
use modretailcrm_core::mapping::form::FieldProblem;
use modretailcrm_core::sync::form::Submitted;

/// A form as the hook hands it over.
pub struct Submission {
    /// FormIt's `getValues()`.
    pub values: Map<String, Value>,
    /// The hook's `crm*` properties and FormIt's `formName`.
    pub properties: Map<String, Value>,
    /// The resource the form is on.
    pub page: Option<i64>,
    /// When the form was submitted (Unix seconds).
    pub time: i64,
}

impl Submission {
    /// Reads `$form` (`values`, `properties`, `page`, `time`; see `submitForm()`).
    pub fn read(form: &Zval) -> PhpResult<Submission> {
        let form = args::optional_map(Some(form), "$form")?;
        let map = |name: &str| match form.get(name) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(Value::Array(list)) if list.is_empty() => Ok(Map::new()),
            Some(_) => Err(validation(format!(
                "$form[{name}] must be an array with string keys"
            ))),
        };
        let whole = |name: &str| match form.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_i64()
                .map(Some)
                .ok_or_else(|| validation(format!("$form[{name}] must be an int"))),
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
            });
        Ok(Submission {
            values: map("values")?,
            properties: map("properties")?,
            page: whole("page")?,
            time: whole("time")?.unwrap_or(now),
        })
    }
}

/// The row `$findProduct($id)` answers (null: the site has no such product).
pub fn find_product(find_product: Option<&Zval>, id: i64) -> PhpResult<Option<Value>> {
    let callable = find_product
        .map(Zval::dereference)
        .filter(|callable| callable.is_callable())
        .ok_or_else(|| {
            validation("$findProduct (a callable) is needed: the form names a product")
        })?;
    let row = ZendCallable::new(callable)
        .and_then(|callable| callable.try_call(vec![&id]))
        .map_err(|error| internal(format!("$findProduct({id}) failed: {error}")))?;
    match to_json(&row, "$findProduct's answer")? {
        Value::Null => Ok(None),
        row @ Value::Object(_) => Ok(Some(row)),
        _ => Err(validation(
            "$findProduct must answer the product's row (an array) or null",
        )),
    }
}

/// `['state' => 'invalid', 'errors' => [['field' => …, 'code' => …, 'params' => […]], …]]`.
pub fn problems_json(problems: &[FieldProblem]) -> Value {
    let errors: Vec<Value> = problems
        .iter()
        .map(|problem| {
            json!({
                "field": problem.field,
                "code": problem.problem.code(),
                "params": problem.problem.params(),
            })
        })
        .collect();
    json!({"state": "invalid", "errors": errors})
}

/// `['state' => 'queued'|'delivered'|'retrying'|'dead'|'duplicate', 'id' => record id,
/// 'key' => the submission's key]`.
pub fn submitted_json(submitted: &Submitted) -> Value {
    let state = if submitted.duplicate {
        "duplicate"
    } else {
        submitted.record.state()
    };
    json!({"state": state, "id": submitted.record.id, "key": submitted.key})
}
