//! The site's own classes (`modretailcrm_custom_customers_class`,
//! `modretailcrm_custom_orders_class`): which change each adjusts, and what happens when one
//! fails. Calling a class is the caller's (a [`Customizer`]); a class that fails never loses
//! a change: the standard payload is queued and the problem logged.

use serde_json::Value;

use super::change::Change;
use super::events::EventChanges;
use crate::config::{CustomClass, IntegrationSettings};
use crate::logging::LineSink;

/// Calls a site's class on a mapped payload.
pub trait Customizer {
    /// What `class`'s [`method`] returned for `payload` and the `source` rows the payload was
    /// mapped from, read as data (any value: whether it is a payload is decided here).
    fn customize(
        &self,
        class: &CustomClass,
        payload: &Value,
        source: &Value,
    ) -> Result<Value, CustomError>;
}

/// Why a site's class gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomError {
    /// The class cannot be used (not declared, its file missing or not declaring it, its
    /// method not a public static one); the text says which.
    Unusable(String),
    /// The method threw an exception of this class.
    Threw(String),
    /// The method could not be called; the text says why.
    Failed(String),
    /// The method returned something that is not data (an object, a resource…).
    Unreadable,
}

/// The static method of a site's class that adjusts a payload:
/// `{class}::map(array $payload, array $source): array`.
pub fn method(class: &CustomClass) -> String {
    format!("{}::map", class.class)
}

/// The class that adjusts `change`, with the payload it gets: the customers' class for
/// customer creates and edits, the orders' class for order creates and updates; none for other changes.
fn class_for<'a>(
    settings: &'a IntegrationSettings,
    change: &'a Change,
) -> Option<(&'a CustomClass, &'a Value)> {
    match change {
        Change::CustomerCreate(payload) | Change::CustomerEdit(payload) => settings
            .custom_customers_class
            .as_ref()
            .map(|class| (class, payload)),
        Change::OrderCreate(payload) | Change::OrderUpdate(payload) => settings
            .custom_orders_class
            .as_ref()
            .map(|class| (class, payload)),
        _ => None,
    }
}

/// `event`'s changes as the site's classes adjust them, given the `source` rows they were
/// mapped from. A change whose class fails keeps its standard payload, and `log` gets a line
/// saying why.
pub fn customize(
    settings: &IntegrationSettings,
    event: EventChanges,
    source: &Value,
    customizer: &dyn Customizer,
    log: &dyn LineSink,
) -> EventChanges {
    let changes = event
        .changes
        .into_iter()
        .map(|change| {
            let Some((class, payload)) = class_for(settings, &change) else {
                return change;
            };
            match adjusted(class, payload, source, customizer) {
                Ok(payload) => change.with_payload(payload),
                Err(problem) => {
                    log.write_line(&format!(
                        "modretailcrm: {problem}; the standard {} payload is sent",
                        change.kind()
                    ));
                    change
                }
            }
        })
        .collect();
    EventChanges { changes, ..event }
}

/// The payload `class` makes of `payload`, or what went wrong.
fn adjusted(
    class: &CustomClass,
    payload: &Value,
    source: &Value,
    customizer: &dyn Customizer,
) -> Result<Value, String> {
    let method = method(class);
    match customizer.customize(class, payload, source) {
        Ok(Value::Object(fields)) => Ok(Value::Object(fields)),
        Ok(_) | Err(CustomError::Unreadable) => {
            Err(format!("{method} must return the payload array"))
        }
        Err(CustomError::Unusable(why)) => Err(why),
        Err(CustomError::Threw(exception)) => Err(format!("{method} threw {exception}")),
        Err(CustomError::Failed(why)) => Err(format!("{method} failed: {why}")),
    }
}
