//! Settings, parsed and validated once into typed values: the options of a
//! `ModRetailCrm\Client` ([`client`]) and the `modretailcrm_*` system settings of an
//! integration ([`integration`], its webhook: [`webhook`]), whose names and defaults come from the settings table
//! ([`table`]).

pub mod client;
pub mod custom;
pub mod folder;
pub mod inactive;
pub mod integration;
pub mod table;
pub mod webhook;

pub use client::{ClientOptions, DEFAULT_LOG_MAX_BYTES, LOG_FILES_KEPT};
pub use custom::CustomClass;
pub use folder::private_folder;
pub use inactive::InactiveNote;
pub use integration::{IntegrationSettings, QueueBackend, SendMode};
pub use webhook::{IpRange, WebhookSettings};
