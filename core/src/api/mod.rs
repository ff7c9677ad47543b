//! The RetailCRM API v5 client: plain Rust, no PHP types.
//!
//! [`client::Client`] is the entry point: it validates settings ([`crm_url`]), encodes
//! requests the way PHP's official client does ([`encode`]), sends them through a
//! rate-limited, kept-alive HTTP transport ([`transport`], [`ratelimit`]) and turns every
//! answer into either a JSON document of a documented shape or a classified
//! [`error::ApiError`] whose texts from the CRM are cleaned and bounded ([`text`]).

pub mod client;
pub mod crm_url;
pub mod encode;
pub mod error;
pub mod ratelimit;
pub mod text;
pub mod tls;
pub mod transport;
