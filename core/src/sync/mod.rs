//! Orchestration: shop changes → outbox → CRM.
//!
//! [`activation`] says whether a site's settings give an integration; [`change`] says what a
//! queued change is and how changes are ordered; [`deliver`] sends one change so that sending
//! it again is harmless, telling the CRM's refusals apart by their structure ([`refusal`]),
//! its API log held until it ends so that a recovery is no error ([`delivery_log`]);
//! [`engine`] queues changes durably and delivers the outbox within a
//! time budget, each request paced by [`pacing`], on PHP's thread or on the process's
//! [`background`] thread; [`send`] queues one change as the send mode says; [`events`] turns
//! shop events into changes, [`customize`] lets the site's classes adjust them, and
//! [`shop_event`] takes an event from its rows to its queued records; [`form`] queues a
//! submitted form's lead once; [`inbound`] holds what the CRM → site direction shares
//! (status codes, the site order a CRM order is); [`upload`] sends what the shop already
//! has, in batches, resumably, and [`reconcile`] finds what the CRM lacks of the shop's
//! recent orders.

pub mod activation;
pub mod background;
pub mod change;
pub mod customize;
pub mod deliver;
pub mod delivery_log;
pub mod engine;
pub mod events;
pub mod form;
pub mod inbound;
pub mod pacing;
pub mod reconcile;
pub mod refusal;
pub mod send;
pub mod shop_event;
pub mod upload;

#[cfg(test)]
mod tests;
