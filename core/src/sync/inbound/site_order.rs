//! The site order a CRM order is.
//!
//! This project sends an order under the `externalId` the outbox gave it (its number's, or
//! `{number's}-id{site order id}` when another order had the number, see
//! `outbox::order_ids`); the older component sent the number's `externalId` and, with
//! `modretailcrm_add_crm_number`, the number itself. So a CRM order is found, in this order:
//! by an `externalId` the outbox gave (the site order id is then known), by an `externalId`
//! of the number's form, by the CRM `number`.

use serde_json::Value;

use crate::mapping::ids::num_from_external_id;
use crate::outbox::{Outbox, OutboxError};

/// A site order, as the plugin looks it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrder {
    /// The miniShop2 order id, when known (the outbox gave the order its `externalId`).
    pub id: Option<i64>,
    /// The miniShop2 order number (`num`, e.g. `2611/16`).
    pub num: String,
}

/// The site order CRM order `crm_order` (the CRM's JSON of one order) is, or `None` when it
/// has neither `externalId` nor `number` (an order made in the CRM, not the shop's).
pub fn site_order(outbox: &Outbox, crm_order: &Value) -> Result<Option<SiteOrder>, OutboxError> {
    if let Some(external_id) = text(crm_order, "externalId") {
        let id = outbox.site_order_of(external_id)?;
        // `{number's}-id{site order id}`: the number is the part before the suffix.
        let numbered = match id {
            Some(id) => external_id
                .strip_suffix(&format!("-id{id}"))
                .unwrap_or(external_id),
            None => external_id,
        };
        return Ok(Some(SiteOrder {
            id,
            num: num_from_external_id(numbered),
        }));
    }
    Ok(text(crm_order, "number").map(|number| SiteOrder {
        id: None,
        num: number.to_string(),
    }))
}

/// The trimmed, non-empty text (or whole number) at `field` of `order`.
fn text<'a>(order: &'a Value, field: &str) -> Option<&'a str> {
    order
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbox::Outbox;
    use crate::outbox::tests::TempDir;
    use serde_json::json;

    #[test]
    fn an_order_is_found_by_the_id_it_was_given_by_its_number_or_by_the_crm_number() {
        let dir = TempDir::new("inbound-site-order");
        let outbox = Outbox::open(&dir.file("outbox.sqlite")).unwrap();
        outbox.order_external_id(16, "2611-16").unwrap();
        outbox.order_external_id(17, "2611-16").unwrap();
        let find = |order: Value| site_order(&outbox, &order).unwrap();
        assert_eq!(
            find(json!({"id": 5, "externalId": "2611-16"})),
            Some(SiteOrder {
                id: Some(16),
                num: "2611/16".into()
            })
        );
        assert_eq!(
            find(json!({"externalId": "2611-16-id17", "number": "2611/16"})),
            Some(SiteOrder {
                id: Some(17),
                num: "2611/16".into()
            })
        );
        // Sent by the older component: no outbox entry, the number's form.
        assert_eq!(
            find(json!({"externalId": "2510-3"})),
            Some(SiteOrder {
                id: None,
                num: "2510/3".into()
            })
        );
        assert_eq!(
            find(json!({"number": "2510/4", "externalId": " "})),
            Some(SiteOrder {
                id: None,
                num: "2510/4".into()
            })
        );
        assert_eq!(find(json!({"id": 9, "number": 12})), None);
    }
}
