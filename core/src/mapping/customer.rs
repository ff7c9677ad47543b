//! M1: a MODX user and profile as a RetailCRM customer.

use serde_json::{Map, Value};

use super::address::customer_address;
use super::error::MappingError;
use super::names::insert_names;
use super::read::{datetime, id_text, text};

/// The RetailCRM customer for a modUser `user` and its modUserProfile `profile`:
/// `externalId` (user `id`, else profile `internalKey`), `createdAt` (user `createdon`),
/// names from `fullname` (see the name rule), `email` (profile email, else a username that
/// is an email), `phones` (`phone` then `mobilephone`, non-empty, without repeats, always a
/// list; omitted when there is none) and `address` when the profile has one.
pub fn customer(user: &Value, profile: &Value) -> Result<Value, MappingError> {
    let external_id = id_text(user, "id")
        .or_else(|| id_text(profile, "internalKey"))
        .ok_or_else(|| MappingError::missing("user.id"))?;
    let mut payload = Map::new();
    payload.insert("externalId".into(), Value::from(external_id));
    if let Some(created) = datetime(user, "createdon") {
        payload.insert("createdAt".into(), Value::from(created));
    }
    insert_names(&mut payload, text(profile, "fullname").as_deref());
    if let Some(email) = customer_email(user, profile) {
        payload.insert("email".into(), Value::from(email));
    }
    let phones = phones(profile);
    if !phones.is_empty() {
        payload.insert("phones".into(), Value::Array(phones));
    }
    if let Some(address) = customer_address(profile) {
        payload.insert("address".into(), address);
    }
    Ok(Value::Object(payload))
}

/// The profile's email, else the username when it is an email (miniShop2 names the users it
/// creates at checkout by their email).
pub fn customer_email(user: &Value, profile: &Value) -> Option<String> {
    text(profile, "email").or_else(|| text(user, "username").filter(|name| name.contains('@')))
}

/// `[{number}]` for the profile's `phone` and `mobilephone`, skipping empty ones and a
/// second number with the same digits as the first.
fn phones(profile: &Value) -> Vec<Value> {
    let digits = |number: &str| {
        number
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    };
    let mut seen: Vec<String> = Vec::new();
    let mut phones = Vec::new();
    for number in ["phone", "mobilephone"]
        .iter()
        .filter_map(|key| text(profile, key))
    {
        let key = digits(&number);
        if !seen.contains(&key) {
            seen.push(key);
            phones.push(serde_json::json!({ "number": number }));
        }
    }
    phones
}
