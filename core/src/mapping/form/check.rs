//! The submitted values, read and checked: each problem is tied to the form field it
//! concerns, so that the form can show it there.

use serde_json::{Map, Value, json};

use super::spec::{FormSpec, FormTarget, Part};
use crate::mapping::read::{id, multiline, one_line};

/// The longest name, phone, e-mail and comment a form may send, in characters.
pub const MAX_NAME: usize = 255;
/// See [`MAX_NAME`].
pub const MAX_PHONE: usize = 50;
/// See [`MAX_NAME`].
pub const MAX_EMAIL: usize = 100;
/// See [`MAX_NAME`].
pub const MAX_COMMENT: usize = 5000;
/// The most of one product a one-click order takes.
pub const MAX_QUANTITY: i64 = 10_000;

/// What is wrong with a submitted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Neither a phone nor an e-mail was given.
    ContactMissing,
    /// Longer than `max` characters.
    TooLong {
        /// The limit.
        max: usize,
    },
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a phone number (5 to 20 digits, with `+ - ( ) .` and spaces).
    InvalidPhone,
    /// Not a whole number from 1 to `max`.
    InvalidQuantity {
        /// The limit.
        max: i64,
    },
    /// No such product on sale on the site.
    UnknownProduct,
    /// A list or structure where a text was expected.
    NotText,
}

impl Problem {
    /// Its code: the lexicon entry `modretailcrm_form_{code}` words it.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::ContactMissing => "contact_missing",
            Problem::TooLong { .. } => "too_long",
            Problem::InvalidEmail => "invalid_email",
            Problem::InvalidPhone => "invalid_phone",
            Problem::InvalidQuantity { .. } => "invalid_quantity",
            Problem::UnknownProduct => "unknown_product",
            Problem::NotText => "not_text",
        }
    }

    /// The values its words take (`[[+max]]`).
    pub fn params(&self) -> Map<String, Value> {
        let mut params = Map::new();
        match self {
            Problem::TooLong { max } => {
                params.insert("max".into(), Value::from(*max));
            }
            Problem::InvalidQuantity { max } => {
                params.insert("max".into(), Value::from(*max));
            }
            _ => {}
        }
        params
    }
}

/// A problem with the value of one form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The form field (as the form names it).
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

/// The values a lead is made of, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    /// The full name.
    pub name: Option<String>,
    /// The phone number as typed.
    pub phone: Option<String>,
    /// The e-mail address.
    pub email: Option<String>,
    /// The comment, its line breaks kept.
    pub comment: Option<String>,
    /// The product id (orders only).
    pub product: Option<i64>,
    /// How many of the product (orders only; 1 when not given).
    pub quantity: i64,
}

/// Reads and checks `values` (FormIt's `getValues()`) as `spec` maps them; every problem
/// found, each with its field. Product and quantity are read for orders only; whether the
/// product exists is for the caller to tell ([`super::lead`]).
pub fn values(spec: &FormSpec, values: &Map<String, Value>) -> Result<Values, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut read = |part: Part, max: usize, multiline_text: bool| -> Option<String> {
        let field = spec.field(part)?;
        match text(values.get(field), multiline_text) {
            Err(problem) => {
                problems.push(FieldProblem {
                    field: field.to_string(),
                    problem,
                });
                None
            }
            Ok(Some(text)) if text.chars().count() > max => {
                problems.push(FieldProblem {
                    field: field.to_string(),
                    problem: Problem::TooLong { max },
                });
                None
            }
            Ok(text) => text,
        }
    };
    let name = read(Part::Name, MAX_NAME, false);
    let phone = read(Part::Phone, MAX_PHONE, false);
    let email = read(Part::Email, MAX_EMAIL, false);
    let comment = read(Part::Comment, MAX_COMMENT, true);
    let (product, quantity) = if spec.target == FormTarget::Order {
        (
            read(Part::Product, MAX_NAME, false),
            read(Part::Quantity, MAX_NAME, false),
        )
    } else {
        (None, None)
    };
    let mut fail = |part: Part, problem: Problem| {
        if let Some(field) = spec.field(part) {
            problems.push(FieldProblem {
                field: field.to_string(),
                problem,
            });
        }
    };
    if let Some(phone) = &phone
        && !is_phone(phone)
    {
        fail(Part::Phone, Problem::InvalidPhone);
    }
    if let Some(email) = &email
        && !is_email(email)
    {
        fail(Part::Email, Problem::InvalidEmail);
    }
    let contact_read = |part: Part| {
        spec.field(part)
            .is_some_and(|field| !matches!(text(values.get(field), false), Ok(None)))
    };
    if !contact_read(Part::Phone) && !contact_read(Part::Email) {
        fail(Part::Phone, Problem::ContactMissing);
        fail(Part::Email, Problem::ContactMissing);
    }
    let product = match product.as_deref().map(|text| id(&Value::from(text))) {
        None => None,
        Some(Some(product)) if product > 0 => Some(product),
        Some(_) => {
            fail(Part::Product, Problem::UnknownProduct);
            None
        }
    };
    let quantity = match quantity.as_deref().map(|text| id(&Value::from(text))) {
        None => 1,
        Some(Some(quantity)) if (1..=MAX_QUANTITY).contains(&quantity) => quantity,
        Some(_) => {
            fail(
                Part::Quantity,
                Problem::InvalidQuantity { max: MAX_QUANTITY },
            );
            1
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Values {
        name,
        phone,
        email,
        comment,
        product,
        quantity,
    })
}

/// A submitted value as text: a string or number; a list of them (checkboxes) joined with
/// `, `; blank is `None`. A comment keeps its line breaks, other texts are one line.
fn text(value: Option<&Value>, keep_lines: bool) -> Result<Option<String>, Problem> {
    let raw = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::Array(items)) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(text) => parts.push(text.clone()),
                    Value::Number(number) => parts.push(number.to_string()),
                    _ => return Err(Problem::NotText),
                }
            }
            parts.join(", ")
        }
        Some(_) => return Err(Problem::NotText),
    };
    Ok(if keep_lines {
        multiline(&json!({ "text": raw }), "text")
    } else {
        Some(one_line(&raw)).filter(|line| !line.is_empty())
    })
}

/// 5 to 20 digits, with nothing but `+ - ( ) .` and spaces between them.
fn is_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | '.' | ' '))
}

/// `local@domain.tld`: one `@`, no spaces, a dot inside the domain.
fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>'))
        && domain
            .split_once('.')
            .is_some_and(|(host, _)| !host.is_empty())
        && !domain.ends_with('.')
}
