//! The CRM's reference books the mapping check and the manager page's dropdowns use, read
//! through the integration's rate-limited client with a short cache: a page that loads three
//! dropdowns and a check asks the CRM once a minute, not four times a click.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Book;
use crate::api::client::Reference;
use crate::api::error::ApiError;
use crate::runtime;
use crate::sync::engine::Engine;

/// How long an answer of a reference book is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(60);

/// The answers read lately: (CRM address, API key, book) → when, answer. The key is part of
/// it because what a key may read is the key's: another site's key gets its own answers.
type Answers = HashMap<(String, String, String), (Instant, Value)>;

/// The process's answers read lately.
static CACHE: LazyLock<Mutex<Answers>> = LazyLock::new(Mutex::default);

/// `GET reference/…` of the integration's CRM, reused for [`CACHE_FOR`] by every
/// integration of the process with the same CRM address and API key.
pub fn reference(engine: &Engine, book: Reference) -> Result<Value, ApiError> {
    let settings = engine.settings();
    let key = (
        settings.url.as_str().to_string(),
        settings.api_key.expose().to_string(),
        format!("{book:?}"),
    );
    if let Some((at, answer)) = cache().get(&key)
        && at.elapsed() < CACHE_FOR
    {
        return Ok(answer.clone());
    }
    let timeout = engine.settings().transport.timeout;
    let answer = runtime::block_on(async {
        engine
            .reading_client(Instant::now() + timeout)
            .reference(book)
            .await
    })
    .map_err(|error| {
        ApiError::Config(format!("the extension's runtime cannot start: {error}"))
    })??;
    cache().insert(key, (Instant::now(), answer.clone()));
    Ok(answer)
}

fn cache() -> std::sync::MutexGuard<'static, Answers> {
    CACHE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The CRM's delivery types, payment types and order statuses, by code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrmBooks {
    /// book → code → whether it is active.
    active: BTreeMap<Book, BTreeMap<String, bool>>,
    /// delivery type code → the payment type codes it allows (absent: any).
    allowed_payments: BTreeMap<String, Vec<String>>,
}

impl CrmBooks {
    /// Reads the three books of the integration's CRM (see [`reference`]).
    pub fn fetch(engine: &Engine) -> Result<Self, ApiError> {
        Ok(Self::from_answers(
            &reference(engine, Reference::DeliveryTypes)?,
            &reference(engine, Reference::PaymentTypes)?,
            &reference(engine, Reference::Statuses)?,
        ))
    }

    /// The books from the answers of `reference/delivery-types`, `reference/payment-types`
    /// and `reference/statuses` (entries keyed by code, or listed). An entry without
    /// `active` is active; a delivery type's `paymentTypes` (codes, or objects with a `code`)
    /// lists the payment types it allows, none or absent meaning any.
    pub fn from_answers(delivery_types: &Value, payment_types: &Value, statuses: &Value) -> Self {
        let mut books = CrmBooks::default();
        let answers = [
            (Book::Delivery, delivery_types, "deliveryTypes"),
            (Book::Payment, payment_types, "paymentTypes"),
            (Book::Status, statuses, "statuses"),
        ];
        for (book, answer, field) in answers {
            let mut codes = BTreeMap::new();
            for entry in entries(answer.get(field)) {
                let Some(code) = entry.get("code").and_then(Value::as_str) else {
                    continue;
                };
                let active = entry.get("active").and_then(Value::as_bool).unwrap_or(true);
                codes.insert(code.to_string(), active);
                if book == Book::Delivery {
                    let allowed: Vec<String> = entries(entry.get("paymentTypes"))
                        .filter_map(|p| p.get("code").unwrap_or(p).as_str())
                        .map(str::to_string)
                        .collect();
                    if !allowed.is_empty() {
                        books.allowed_payments.insert(code.to_string(), allowed);
                    }
                }
            }
            books.active.insert(book, codes);
        }
        books
    }

    /// Whether `code` of `book` is active in the CRM; `None` when the CRM has no such code.
    pub fn active(&self, book: Book, code: &str) -> Option<bool> {
        self.active.get(&book)?.get(code).copied()
    }

    /// The payment types delivery type `code` allows; `None` when it allows any.
    pub fn payment_types_of(&self, code: &str) -> Option<&[String]> {
        self.allowed_payments.get(code).map(Vec::as_slice)
    }
}

/// The entries of a book: the values of an object keyed by code, or the items of a list.
fn entries(book: Option<&Value>) -> Box<dyn Iterator<Item = &Value> + '_> {
    match book {
        Some(Value::Object(map)) => Box::new(map.values()),
        Some(Value::Array(list)) => Box::new(list.iter()),
        _ => Box::new(std::iter::empty()),
    }
}
