//! Whether a site's `modretailcrm_*` settings give a working integration, and in what words
//! it is told when they do not (see [`crate::config::InactiveNote`] for telling it once).

use std::sync::Arc;

use serde_json::{Map, Value};

use super::engine::Engine;
use crate::api::transport::ExchangeLog;
use crate::config::IntegrationSettings;
use crate::outbox::OutboxError;

/// Why a site has no integration.
#[derive(Debug, thiserror::Error)]
pub enum Inactive {
    /// `modretailcrm_url`, `modretailcrm_apiKey` and `modretailcrm_siteCode` are all empty.
    #[error(
        "inactive: modretailcrm_url, modretailcrm_apiKey and modretailcrm_siteCode are empty, \
         so orders and customers are not sent to RetailCRM"
    )]
    NotConfigured,
    /// A setting is missing or wrong; the text names it.
    #[error("inactive, the settings are wrong: {0}")]
    Settings(String),
    /// The outbox file cannot be opened.
    #[error("inactive, the outbox cannot be used: {0}")]
    Outbox(OutboxError),
}

/// The integration settings of a site with these raw settings, or why it has none.
pub fn settings(raw: &Map<String, Value>) -> Result<IntegrationSettings, Inactive> {
    IntegrationSettings::parse(raw)
        .map_err(Inactive::Settings)?
        .ok_or(Inactive::NotConfigured)
}

/// The engine of a site with these `settings`, its exchanges going to `log`, or why it has
/// none.
pub fn engine(
    settings: IntegrationSettings,
    log: Option<Arc<dyn ExchangeLog>>,
) -> Result<Engine, Inactive> {
    Engine::open(settings, log).map_err(Inactive::Outbox)
}
