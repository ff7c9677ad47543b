//! What the CRM did with each entity of a partly failed upload (HTTP 460). The answer's
//! lists may be cut short (the transport bounds what it keeps of an answer), so the CRM is
//! asked afterwards which entities it holds; its `errors`, keyed by the entity's position in
//! the batch (or by its `externalId`, which is accepted too), give the reasons.

use std::collections::HashSet;

use serde_json::Value;

/// One entity's fate in an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// The CRM took it.
    Uploaded,
    /// The CRM had it already (it answered "already exists").
    AlreadyThere,
    /// The CRM refused it, for this reason.
    Refused(String),
}

/// The fate of each of `external_ids` (the batch, in order): `errors` is the 460 answer's
/// `errors`, `there` the ids the CRM holds after the call, `general` the answer's
/// `errorMsg` (the reason of a refused entity the errors do not name).
pub fn partial(
    external_ids: &[String],
    errors: &Value,
    there: &HashSet<String>,
    general: &str,
) -> Vec<Fate> {
    external_ids
        .iter()
        .enumerate()
        .map(|(index, external_id)| {
            let reason = reason(errors, index, external_id);
            match reason {
                Some(reason) if reason.contains("already exists") => Fate::AlreadyThere,
                _ if there.contains(external_id) => Fate::Uploaded,
                Some(reason) => Fate::Refused(reason),
                None => Fate::Refused(general.to_string()),
            }
        })
        .collect()
}

/// The reason `errors` gives for the entity at `index` with `external_id`.
fn reason(errors: &Value, index: usize, external_id: &str) -> Option<String> {
    let found = match errors {
        Value::Object(errors) => errors
            .get(&index.to_string())
            .or_else(|| errors.get(external_id)),
        Value::Array(errors) => errors.get(index),
        _ => None,
    }?;
    match found {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| (*id).to_string()).collect()
    }

    #[test]
    fn errors_keyed_by_position_name_their_entity() {
        let errors = json!({"1": "Customer with externalId=9 not found.", "2": "Order with externalId=c already exists."});
        let there = ["a", "c"].iter().map(|id| (*id).to_string()).collect();
        assert_eq!(
            partial(
                &ids(&["a", "b", "c"]),
                &errors,
                &there,
                "Orders are loaded with errors"
            ),
            vec![
                Fate::Uploaded,
                Fate::Refused("Customer with externalId=9 not found.".into()),
                Fate::AlreadyThere,
            ]
        );
    }

    #[test]
    fn errors_by_external_id_or_none_are_read_too_and_the_crm_decides_what_it_took() {
        let there = ["w"].iter().map(|id| (*id).to_string()).collect();
        let errors = json!({"y": "bad email"});
        assert_eq!(
            partial(
                &ids(&["w", "x", "y"]),
                &errors,
                &there,
                "Customers are loaded with errors"
            ),
            vec![
                Fate::Uploaded,
                Fate::Refused("Customers are loaded with errors".into()),
                Fate::Refused("bad email".into()),
            ]
        );
    }
}
