//! The CRM a record is for, so that two shops sharing one outbox file never deliver each
//! other's records.
//!
//! A record carries its CRM — the account's address and the shop's site code — and a
//! fingerprint of the API key it was queued with (never the key). A flush claims the records
//! of its own site code whose address or key is its own
//! ([`Outbox::claim_for`](super::Outbox::claim_for)):
//! - a key rotation (same address and site, new key) and a fixed address (same site and key,
//!   e.g. `http` corrected to `https`, or a typo) strand nothing: the queued records go with
//!   the new settings;
//! - another shop — another site code, or another CRM account (address and key both
//!   differ) — never takes them. Changing the address and the key at once leaves the queued
//!   records to the old settings: deliver them before, or discard them.
//!
//! Records queued before records carried their CRM have none and go with any flush of the
//! file, as they always did.

/// Where a record goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The CRM's address, e.g. `shop.retailcrm.ru` (the engine leaves the scheme out).
    pub url: String,
    /// The shop's site code in the CRM.
    pub site: String,
    /// A fingerprint of the API key the record was queued with (never the key).
    pub key_fingerprint: String,
}

impl Destination {
    /// The CRM's name in the breaker table and in the status: address and site code.
    pub fn name(&self) -> String {
        format!("{} site={}", self.url, self.site)
    }
}

/// The SQL condition that the record `r` is for the destination given as the parameters
/// site, site, address, key fingerprint (see the module documentation); with the site NULL,
/// any record is.
macro_rules! for_destination {
    () => {
        "(? IS NULL OR r.crm_site IS NULL
          OR (r.crm_site = ? AND (r.crm_url = ? OR r.crm_key = ?)))"
    };
}
pub(super) use for_destination;
