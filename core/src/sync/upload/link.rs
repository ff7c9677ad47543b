//! `--link-existing`: customers the CRM has without an `externalId` (entered by a manager,
//! imported from elsewhere) matched to site users by e-mail (lower-cased) or phone (its
//! digits with the country code), so that they are linked (`customers/fix-external-ids`)
//! instead of uploaded a second time.

use std::collections::HashMap;

use serde_json::Value;

/// The CRM customers without an `externalId`, by their e-mail and phone keys.
#[derive(Debug, Default)]
pub struct Unlinked {
    by_key: HashMap<String, i64>,
}

impl Unlinked {
    /// Notes a CRM customer (an item of the `customers` list) when it has no `externalId`.
    pub fn note(&mut self, customer: &Value) {
        let has_external = customer
            .get("externalId")
            .is_some_and(|id| !id.is_null() && id.as_str() != Some(""));
        let Some(id) = customer.get("id").and_then(Value::as_i64) else {
            return;
        };
        if has_external {
            return;
        }
        for key in keys(customer) {
            self.by_key.entry(key).or_insert(id);
        }
    }

    /// The CRM customer a site customer (as the mapping made it) matches, taken out of the
    /// index so that no second site user is linked to it.
    pub fn take(&mut self, customer: &Value) -> Option<i64> {
        let id = keys(customer)
            .into_iter()
            .find_map(|key| self.by_key.get(&key).copied())?;
        self.by_key.retain(|_, linked| *linked != id);
        Some(id)
    }
}

/// The match keys of a customer: `email:` its lower-cased e-mail, `phone:` each phone's
/// digits with the country code.
fn keys(customer: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(email) = customer.get("email").and_then(Value::as_str) {
        let email = email.trim().to_lowercase();
        if !email.is_empty() {
            keys.push(format!("email:{email}"));
        }
    }
    if let Some(Value::Array(phones)) = customer.get("phones") {
        for phone in phones {
            if let Some(digits) = phone
                .get("number")
                .and_then(Value::as_str)
                .and_then(phone_key)
            {
                keys.push(format!("phone:{digits}"));
            }
        }
    }
    keys
}

/// A phone number's digits with the country code: a Russian `8 …` trunk prefix (11 digits)
/// becomes `7 …`; numbers shorter than 7 digits are no key.
pub fn phone_key(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return None;
    }
    Some(match digits.strip_prefix('8') {
        Some(rest) if digits.len() == 11 => format!("7{rest}"),
        _ => digits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phones_are_compared_by_digits_with_the_country_code() {
        assert_eq!(
            phone_key("+7 (912) 345-67-89").as_deref(),
            Some("79123456789")
        );
        assert_eq!(phone_key("8 912 345 67 89").as_deref(), Some("79123456789"));
        assert_eq!(phone_key("+1 555 0303 111").as_deref(), Some("15550303111"));
        assert_eq!(phone_key("12-34"), None);
    }

    #[test]
    fn a_customer_without_external_id_is_found_by_email_or_phone_once() {
        let mut unlinked = Unlinked::default();
        unlinked.note(&json!({"id": 7, "email": "Jane@Example.com", "phones": [{"number": "+7 912 345-67-89"}]}));
        unlinked.note(&json!({"id": 8, "externalId": "4", "email": "taken@example.com"}));
        assert_eq!(unlinked.take(&json!({"email": "taken@example.com"})), None);
        assert_eq!(
            unlinked.take(&json!({"email": "x@y.z", "phones": [{"number": "89123456789"}]})),
            Some(7)
        );
        assert_eq!(
            unlinked.take(&json!({"email": "jane@example.com"})),
            None,
            "linked once"
        );
    }
}
