//! CRM status codes → site statuses.
//!
//! The plugin passes the site's statuses with their CRM codes (`[ms2 status id =>
//! retailcrm_status_code]`, the `retailcrm_status_code` column of miniShop2's statuses). Only
//! the statuses `modretailcrm_sync_statuses` lists take part, in both directions: a status the
//! shop does not sync is never set from the CRM. A code two synced statuses hold cannot say
//! which one the CRM meant, so it is refused rather than guessed.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// The synced site statuses, by the CRM code each holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteStatuses {
    by_code: BTreeMap<String, Vec<u64>>,
}

/// Why a CRM status code gives no site status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusRefusal {
    /// No synced site status holds the code.
    Unmapped {
        /// The CRM's status code.
        code: String,
    },
    /// Several synced site statuses hold the code.
    Ambiguous {
        /// The CRM's status code.
        code: String,
        /// The site statuses holding it, in ascending order.
        statuses: Vec<u64>,
    },
}

impl fmt::Display for StatusRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusRefusal::Unmapped { code } => write!(
                f,
                "no site status listed in modretailcrm_sync_statuses has the RetailCRM code {code:?}"
            ),
            StatusRefusal::Ambiguous { code, statuses } => write!(
                f,
                "the RetailCRM code {code:?} is held by the site statuses {statuses:?}: give each its own code"
            ),
        }
    }
}

impl SiteStatuses {
    /// The statuses of `codes` (site status id, CRM code) that `synced` lists; blank codes
    /// are left out (a status without a code is not synced).
    pub fn new(codes: impl IntoIterator<Item = (u64, String)>, synced: &[u64]) -> SiteStatuses {
        let mut by_code: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for (status, code) in codes {
            let code = code.trim();
            if code.is_empty() || !synced.contains(&status) {
                continue;
            }
            let holders = by_code.entry(code.to_string()).or_default();
            if !holders.contains(&status) {
                holders.push(status);
                holders.sort_unstable();
            }
        }
        SiteStatuses { by_code }
    }

    /// The statuses of the plugin's array `[ms2 status id => code]` as JSON: an object keyed
    /// by the ids (PHP's array with integer keys), or a list when PHP made one. A key that is
    /// not a positive whole number or a code that is neither text nor null is an error naming it;
    /// a null code is a status without one.
    pub fn from_json(codes: &Value, synced: &[u64]) -> Result<SiteStatuses, String> {
        let pairs: Vec<(String, &Value)> = match codes {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(index, v)| (index.to_string(), v))
                .collect(),
            Value::Null => Vec::new(),
            other => {
                return Err(format!(
                    "the status codes must be an array of site status id => RetailCRM code, not {}",
                    kind(other)
                ));
            }
        };
        let mut codes = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            if value.is_null() {
                continue;
            }
            let status = key
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| format!("the status codes have the key {key:?}, not a status id"))?;
            let code = match value {
                Value::String(code) => code.clone(),
                other => {
                    return Err(format!(
                        "the RetailCRM code of site status {status} must be text, not {}",
                        kind(other)
                    ));
                }
            };
            codes.push((status, code));
        }
        Ok(SiteStatuses::new(codes, synced))
    }

    /// Whether no synced status holds a code (nothing can be set from the CRM).
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// The one synced site status holding CRM code `code`.
    pub fn site_status(&self, code: &str) -> Result<u64, StatusRefusal> {
        match self.by_code.get(code.trim()).map(Vec::as_slice) {
            Some([status]) => Ok(*status),
            Some(statuses) if !statuses.is_empty() => Err(StatusRefusal::Ambiguous {
                code: code.to_string(),
                statuses: statuses.to_vec(),
            }),
            _ => Err(StatusRefusal::Unmapped {
                code: code.to_string(),
            }),
        }
    }
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an array",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_synced_statuses_with_a_code_are_set_from_the_crm() {
        let statuses = SiteStatuses::from_json(
            &json!({"1": "new", "2": "paid", "3": "send-to-delivery", "4": "", "5": null}),
            &[2, 3, 4, 5],
        )
        .unwrap();
        assert_eq!(statuses.site_status("paid"), Ok(2));
        assert_eq!(statuses.site_status(" send-to-delivery "), Ok(3));
        // Status 1 holds "new" but is not synced.
        assert_eq!(
            statuses.site_status("new"),
            Err(StatusRefusal::Unmapped { code: "new".into() })
        );
        assert!(statuses.site_status("").is_err());
    }

    #[test]
    fn a_code_two_synced_statuses_hold_is_refused_with_both_named() {
        let statuses =
            SiteStatuses::from_json(&json!({"3": "complete", "6": "complete"}), &[3, 6]).unwrap();
        let refusal = statuses.site_status("complete").unwrap_err();
        assert_eq!(
            refusal,
            StatusRefusal::Ambiguous {
                code: "complete".into(),
                statuses: vec![3, 6]
            }
        );
        assert!(refusal.to_string().contains("[3, 6]"), "{refusal}");
    }

    #[test]
    fn a_php_list_counts_its_indices_as_status_ids() {
        let statuses = SiteStatuses::from_json(&json!([null, "new", "paid"]), &[1, 2]).unwrap();
        assert_eq!(statuses.site_status("paid"), Ok(2));
    }

    #[test]
    fn malformed_codes_are_refused_with_the_culprit_named() {
        let refuse = |codes: Value| SiteStatuses::from_json(&codes, &[1]).unwrap_err();
        assert!(refuse(json!({"x": "new"})).contains("\"x\""));
        assert!(refuse(json!({"0": "new"})).contains("\"0\""));
        assert!(refuse(json!({"1": 5})).contains("site status 1"));
        assert!(refuse(json!("new")).contains("not text"));
    }
}
