//! The CRM `externalId` of each site order.
//!
//! An order's `externalId` comes from its miniShop2 number (`2611/16` → `2611-16`, the older
//! component's rule, which migrated CRM data depends on). miniShop2 numbers an order by
//! reading the last number and adding one, without a lock, so two checkouts at the same
//! moment can get the same number (seen on a real site: eight parallel checkouts, two pairs
//! of equal numbers). Sent as they are, the second order would land on the first one in the
//! CRM. So the outbox, which every PHP process shares, remembers which site order holds
//! which `externalId`: the first order keeps the id its number gives, another order whose
//! number gives a taken id gets `{id}-id{site order id}`, and every later change of an order
//! (status, payment) is sent under the id the order got.

use super::db::{Tx, args};
use super::error::{Failure, Result};
use super::store::Outbox;

impl Outbox {
    /// The `externalId` of site order `site_order_id`: the one it was given before, else
    /// `proposed` when no other order holds it, else `{proposed}-id{site_order_id}`; given
    /// to the order for good when this returns.
    pub fn order_external_id(&self, site_order_id: i64, proposed: &str) -> Result<String> {
        self.write(|tx| give(tx, site_order_id, proposed))
    }

    /// [`Outbox::order_external_id`] of each `(site order id, proposed externalId)`, in
    /// order and in one transaction (the upload gives a batch of orders their ids at once).
    pub fn order_external_ids(&self, orders: &[(i64, &str)]) -> Result<Vec<String>> {
        self.write(|tx| {
            orders
                .iter()
                .map(|(site_order_id, proposed)| give(tx, *site_order_id, proposed))
                .collect()
        })
    }

    /// The site order that was given CRM `externalId` `external_id`, if this outbox gave it
    /// to one (orders sent before this outbox existed, e.g. by the older component, are not
    /// here: their `externalId` is their number's, see `mapping::ids`).
    pub fn site_order_of(&self, external_id: &str) -> Result<Option<i64>> {
        self.read(|tx| {
            match tx.query_opt(
                "SELECT site_order_id FROM {order_ids} WHERE external_id = ?",
                args![external_id],
            )? {
                Some(row) => Ok(Some(row.int(0)?)),
                None => Ok(None),
            }
        })
    }
}

/// Gives site order `site_order_id` its `externalId` in `tx` (see
/// [`Outbox::order_external_id`]).
fn give(tx: &mut dyn Tx, site_order_id: i64, proposed: &str) -> Result<String, Failure> {
    if let Some(given) = tx.query_opt(
        "SELECT external_id FROM {order_ids} WHERE site_order_id = ?",
        args![site_order_id],
    )? {
        return given.text(0);
    }
    let taken = tx
        .query_opt(
            "SELECT 1 FROM {order_ids} WHERE external_id = ?",
            args![proposed],
        )?
        .is_some();
    let external_id = if taken {
        format!("{proposed}-id{site_order_id}")
    } else {
        proposed.to_string()
    };
    tx.execute(
        "INSERT INTO {order_ids} (site_order_id, external_id) VALUES (?, ?)",
        args![site_order_id, &external_id],
    )?;
    Ok(external_id)
}
