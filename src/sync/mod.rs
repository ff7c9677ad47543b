//! Orchestration: shop changes → outbox → CRM.
//!
//! [`change`] says what a queued change is and how changes are ordered; [`deliver`] sends one
//! change so that sending it again is harmless, telling the CRM's refusals apart by their
//! structure ([`refusal`]); [`engine`] queues changes durably and
//! delivers the outbox within a time budget, each request paced by [`pacing`], on PHP's
//! thread or on the process's [`background`] thread; [`events`] turns shop events into
//! changes.

pub mod background;
pub mod change;
pub mod deliver;
pub mod engine;
pub mod events;
pub mod pacing;
pub mod refusal;
