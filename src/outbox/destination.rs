//! The CRM a record is for, so that two shops sharing one outbox file never deliver each
//! other's records.
//!
//! A record carries its CRM — the account's address and the shop's site code — and a
//! fingerprint of the API key it was queued with (never the key). A flush claims only the
//! records of its own CRM ([`Outbox::claim_for`](super::Outbox::claim_for)). The key's
//! fingerprint is kept for the operator and not matched: a shop that rotates its key (same
//! address and site, new key) delivers what was queued under the old one, rather than
//! stranding it. Records queued before records carried their CRM have none and go with any
//! flush of the file, as they always did.

/// Where a record goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The CRM: its address and the site code, e.g. `https://shop.retailcrm.ru/ site=main`.
    pub crm: String,
    /// A fingerprint of the API key the record was queued with, for the operator.
    pub key_fingerprint: String,
}
