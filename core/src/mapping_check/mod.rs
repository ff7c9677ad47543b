//! The mapping check: the site's miniShop2 deliveries, payments and statuses with their
//! `retailcrm_*_code` against the CRM's reference books, before the first order finds a
//! mistake. Pure: the books are read (with a short cache) by [`books`].
//!
//! It flags, for the active site references (an inactive one is offered to nobody):
//! - [`Rule::NoCode`]: a reference without a CRM code (its orders go without it);
//! - [`Rule::UnknownCode`]: a code the CRM's book does not have;
//! - [`Rule::InactiveCode`]: a code the CRM has but has switched off;
//! - [`Rule::PaymentNotAllowed`]: a payment the site offers with a delivery whose CRM delivery
//!   type does not allow the payment's CRM type (`deliveryTypes[…].paymentTypes`);
//! - [`Rule::DuplicateStatus`]: a status code given to two site statuses (a status set in the
//!   CRM could not tell which one the site means).

pub mod books;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::mapping::read;

pub use books::CrmBooks;

/// One of the site's three kinds of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Book {
    /// miniShop2's deliveries (`msDelivery`), the CRM's delivery types.
    Delivery,
    /// miniShop2's payments (`msPayment`), the CRM's payment types.
    Payment,
    /// miniShop2's order statuses (`msOrderStatus`), the CRM's order statuses.
    Status,
}

impl Book {
    /// The three books, in the order the check reports them.
    pub const ALL: [Book; 3] = [Book::Delivery, Book::Payment, Book::Status];

    /// The key of the site's list in the input (`deliveries`, `payments`, `statuses`).
    pub fn site_key(self) -> &'static str {
        match self {
            Book::Delivery => "deliveries",
            Book::Payment => "payments",
            Book::Status => "statuses",
        }
    }

    /// The column of the CRM code (`retailcrm_delivery_code` …).
    pub fn code_column(self) -> &'static str {
        match self {
            Book::Delivery => "retailcrm_delivery_code",
            Book::Payment => "retailcrm_payment_code",
            Book::Status => "retailcrm_status_code",
        }
    }

    /// What the site calls one of its references, for messages.
    fn label(self) -> &'static str {
        match self {
            Book::Delivery => "delivery",
            Book::Payment => "payment",
            Book::Status => "status",
        }
    }

    /// What the CRM calls the book, for messages.
    fn crm_name(self) -> &'static str {
        match self {
            Book::Delivery => "delivery type",
            Book::Payment => "payment type",
            Book::Status => "order status",
        }
    }
}

/// What is wrong with a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An active site reference without a CRM code.
    NoCode,
    /// A code the CRM's book does not have.
    UnknownCode,
    /// A code the CRM's book has as inactive.
    InactiveCode,
    /// A payment the site offers with a delivery that the CRM's delivery type does not allow.
    PaymentNotAllowed,
    /// A status code given to more than one site status.
    DuplicateStatus,
}

/// One site reference, as the check reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteReference {
    /// The miniShop2 id.
    pub id: i64,
    /// The name the shop gave it.
    pub name: String,
    /// The CRM code, when it has one.
    pub code: Option<String>,
    /// Deliveries only: the ids of the payments offered with it (`msDeliveryMember`).
    pub payments: Vec<i64>,
}

/// The site's references by book: the input of [`check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteReferences {
    books: BTreeMap<Book, Vec<SiteReference>>,
}

impl SiteReferences {
    /// Reads `{"deliveries": [...], "payments": [...], "statuses": [...]}`: each a list of
    /// `toArray()` rows (`id`, `name`, `active`, the book's `retailcrm_*_code`; a delivery's
    /// `payments`, the ids of its payments). Inactive rows (`active` 0/false) are left out;
    /// a missing list is empty. Says which row is unusable (no integer id, not an object).
    pub fn from_json(input: &Value) -> Result<Self, String> {
        let Value::Object(input) = input else {
            return Err("the site's references must be an array of lists".to_string());
        };
        if let Some(key) = input
            .keys()
            .find(|key| !Book::ALL.iter().any(|b| b.site_key() == key.as_str()))
        {
            return Err(format!(
                "unknown list {key:?} (deliveries, payments, statuses)"
            ));
        }
        let mut books = BTreeMap::new();
        for book in Book::ALL {
            let rows = match input.get(book.site_key()) {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(rows)) => rows.as_slice(),
                Some(_) => return Err(format!("{} must be a list", book.site_key())),
            };
            let mut references = Vec::with_capacity(rows.len());
            for (at, row) in rows.iter().enumerate() {
                let reference = site_reference(book, row)
                    .map_err(|problem| format!("{}[{at}]: {problem}", book.site_key()))?;
                if active(row) {
                    references.push(reference);
                }
            }
            books.insert(book, references);
        }
        Ok(SiteReferences { books })
    }

    /// The active references of `book`.
    pub fn of(&self, book: Book) -> &[SiteReference] {
        self.books.get(&book).map_or(&[], Vec::as_slice)
    }
}

/// A row of the site's `book`.
fn site_reference(book: Book, row: &Value) -> Result<SiteReference, String> {
    if !row.is_object() {
        return Err("not an array of fields".to_string());
    }
    let id = row.get("id").and_then(read::id).ok_or("no integer id")?;
    let payments = match row.get("payments") {
        Some(Value::Array(ids)) if book == Book::Delivery => ids
            .iter()
            .map(|id| read::id(id).ok_or("payments must be a list of payment ids"))
            .collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    Ok(SiteReference {
        id,
        name: read::text(row, "name").unwrap_or_default(),
        code: read::text(row, book.code_column()),
        payments,
    })
}

/// Whether a row is active: `active` absent, true, or a non-zero number.
fn active(row: &Value) -> bool {
    match row.get("active") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(on)) => *on,
        Some(other) => read::id(other).is_none_or(|n| n != 0),
    }
}

/// One finding of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What is wrong.
    pub rule: Rule,
    /// The book of the site reference it concerns.
    pub book: Book,
    /// The site reference's id.
    pub id: i64,
    /// The site reference's name.
    pub name: String,
    /// Its CRM code (none for [`Rule::NoCode`]).
    pub code: Option<String>,
    /// The other site reference involved: the payment of [`Rule::PaymentNotAllowed`], the
    /// status with the same code of [`Rule::DuplicateStatus`].
    pub other: Option<Other>,
    /// The finding in one English sentence, for logs and the command line.
    pub message: String,
}

/// The second site reference a finding names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Other {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its CRM code.
    pub code: Option<String>,
}

/// Checks the site's references against the CRM's books; the findings by book, then by the
/// site's order of the references.
pub fn check(site: &SiteReferences, crm: &CrmBooks) -> Vec<Finding> {
    let mut findings = Vec::new();
    for book in Book::ALL {
        for reference in site.of(book) {
            findings.extend(code_finding(book, reference, crm));
            if book == Book::Delivery {
                findings.extend(payments_not_allowed(reference, site, crm));
            }
        }
    }
    findings.extend(duplicate_statuses(site.of(Book::Status)));
    findings
}

/// [`Rule::NoCode`], [`Rule::UnknownCode`] or [`Rule::InactiveCode`] for one reference.
fn code_finding(book: Book, reference: &SiteReference, crm: &CrmBooks) -> Option<Finding> {
    let finding = |rule, message: String| Finding {
        rule,
        book,
        id: reference.id,
        name: reference.name.clone(),
        code: reference.code.clone(),
        other: None,
        message,
    };
    let label = format!("{} {} \"{}\"", book.label(), reference.id, reference.name);
    let Some(code) = &reference.code else {
        return Some(finding(
            Rule::NoCode,
            format!("{label} has no RetailCRM code"),
        ));
    };
    match crm.active(book, code) {
        None => Some(finding(
            Rule::UnknownCode,
            format!("{label}: RetailCRM has no {} \"{code}\"", book.crm_name()),
        )),
        Some(false) => Some(finding(
            Rule::InactiveCode,
            format!(
                "{label}: RetailCRM's {} \"{code}\" is inactive",
                book.crm_name()
            ),
        )),
        Some(true) => None,
    }
}

/// [`Rule::PaymentNotAllowed`]: the payments offered with `delivery` that its CRM delivery
/// type does not allow. Only codes the CRM has are compared (others are flagged already).
fn payments_not_allowed<'a>(
    delivery: &'a SiteReference,
    site: &'a SiteReferences,
    crm: &'a CrmBooks,
) -> impl Iterator<Item = Finding> + 'a {
    let allowed = delivery
        .code
        .as_deref()
        .and_then(|code| crm.payment_types_of(code));
    let payments = site.of(Book::Payment);
    delivery
        .payments
        .iter()
        .filter_map(move |id| payments.iter().find(|p| p.id == *id))
        .filter_map(move |payment| {
            let allowed = allowed?;
            let code = payment.code.as_deref()?;
            crm.active(Book::Payment, code)?;
            if allowed.iter().any(|a| a == code) {
                return None;
            }
            let delivery_code = delivery.code.as_deref().unwrap_or_default();
            Some(Finding {
                rule: Rule::PaymentNotAllowed,
                book: Book::Delivery,
                id: delivery.id,
                name: delivery.name.clone(),
                code: delivery.code.clone(),
                other: Some(Other {
                    id: payment.id,
                    name: payment.name.clone(),
                    code: payment.code.clone(),
                }),
                message: format!(
                    "delivery {} \"{}\" offers payment {} \"{}\", but RetailCRM's delivery type \"{delivery_code}\" does not allow payment type \"{code}\" (it allows: {})",
                    delivery.id,
                    delivery.name,
                    payment.id,
                    payment.name,
                    allowed.join(", ")
                ),
            })
        })
}

/// [`Rule::DuplicateStatus`]: each status whose code an earlier status has too.
fn duplicate_statuses(statuses: &[SiteReference]) -> impl Iterator<Item = Finding> + '_ {
    statuses.iter().enumerate().filter_map(|(at, status)| {
        let code = status.code.as_deref()?;
        let first = statuses[..at]
            .iter()
            .find(|s| s.code.as_deref() == Some(code))?;
        Some(Finding {
            rule: Rule::DuplicateStatus,
            book: Book::Status,
            id: status.id,
            name: status.name.clone(),
            code: status.code.clone(),
            other: Some(Other {
                id: first.id,
                name: first.name.clone(),
                code: first.code.clone(),
            }),
            message: format!(
                "status {} \"{}\" has the code \"{code}\" of status {} \"{}\": a status set in RetailCRM cannot tell which one the site means",
                status.id, status.name, first.id, first.name
            ),
        })
    })
}
