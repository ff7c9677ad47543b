//! How a sandbox is set up.

use crate::seed::Seed;
use std::net::{IpAddr, Ipv4Addr};

/// Where a sandbox listens, how fast it lets clients go, and what it knows from the start.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    /// The address to listen on; only loopback addresses are accepted. Default 127.0.0.1.
    pub host: IpAddr,
    /// The port; 0 (the default) picks a free one.
    pub port: u16,
    /// Requests per second allowed per API key before answering 503; 0 (the default) turns
    /// the limit off. RetailCRM allows 10. The control API can change it while running, and
    /// `POST /__control/reset` restores this value.
    pub rate_limit_per_second: u32,
    /// API keys and reference books.
    pub seed: Seed,
    /// Also serve HTTPS on this port (0 picks a free one), with a CA and a certificate made
    /// at start (see [`crate::RunningSandbox::ca_pem`]); `None` (the default): HTTP only.
    /// Both listeners serve the same CRM.
    pub tls_port: Option<u16>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            rate_limit_per_second: 0,
            seed: Seed::default(),
            tls_port: None,
        }
    }
}
