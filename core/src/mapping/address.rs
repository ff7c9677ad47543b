//! Addresses: the order's delivery address (msOrderAddress) and the customer's (profile).
//!
//! Each is a structured RetailCRM address plus `text`, a readable summary: the non-empty
//! parts joined by `", "`, every part with its whitespace runs collapsed (no newlines, no
//! space runs — baseline defect 15), or the address text the shop has, with its line breaks.

use serde_json::{Map, Value};

use super::read::{multiline, text};

/// The delivery address of an msOrderAddress row: `index, countryIso, region, city, metro,
/// street, building, flat` and `text` (the row's `text_address` when filled, its line
/// breaks kept, else the summary of the parts). `None` when the row has none of them.
pub fn delivery_address(row: &Value, default_country_iso: Option<&str>) -> Option<Value> {
    let country = text(row, "country");
    let fields = [
        ("index", text(row, "index")),
        (
            "countryIso",
            country_iso(country.as_deref(), default_country_iso),
        ),
        ("region", text(row, "region")),
        ("city", text(row, "city")),
        ("metro", text(row, "metro")),
        ("street", text(row, "street")),
        ("building", text(row, "building")),
        ("flat", text(row, "room")),
    ];
    let summary = multiline(row, "text_address").or_else(|| {
        join(&[
            &fields[0].1,
            &country,
            &fields[2].1,
            &fields[3].1,
            &fields[4].1,
            &fields[5].1,
            &fields[6].1,
            &fields[7].1,
        ])
    });
    build(fields, summary)
}

/// The customer address of a modUserProfile row: `index` (zip), `countryIso`, `region`
/// (state), `city`, and `text` summarising zip, country, state, city and the street address.
/// `None` when the profile has no address at all.
pub fn customer_address(profile: &Value) -> Option<Value> {
    let country = text(profile, "country");
    let fields = [
        ("index", text(profile, "zip")),
        ("countryIso", country_iso(country.as_deref(), None)),
        ("region", text(profile, "state")),
        ("city", text(profile, "city")),
    ];
    let summary = join(&[
        &fields[0].1,
        &country,
        &fields[2].1,
        &fields[3].1,
        &text(profile, "address"),
    ]);
    build(fields, summary)
}

/// A country as an ISO 3166-1 alpha-2 code: the country when it is two ASCII letters
/// (upper-cased), else `default` (when it is one), else `None`.
pub fn country_iso(country: Option<&str>, default: Option<&str>) -> Option<String> {
    let two_letters = |code: &str| {
        let code = code.trim();
        (code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| code.to_ascii_uppercase())
    };
    country
        .and_then(two_letters)
        .or_else(|| default.and_then(two_letters))
}

/// The non-empty parts joined by `", "`; `None` when all are empty.
fn join(parts: &[&Option<String>]) -> Option<String> {
    let present: Vec<&str> = parts.iter().filter_map(|part| part.as_deref()).collect();
    (!present.is_empty()).then(|| present.join(", "))
}

/// The address object from its present fields and summary; `None` without a summary, which
/// is when no part is present (a default country alone is no address).
fn build<const N: usize>(
    fields: [(&str, Option<String>); N],
    summary: Option<String>,
) -> Option<Value> {
    let summary = summary?;
    let mut address = Map::new();
    for (key, value) in fields {
        if let Some(value) = value {
            address.insert(key.into(), Value::from(value));
        }
    }
    address.insert("text".into(), Value::from(summary));
    Some(Value::Object(address))
}
