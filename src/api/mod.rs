//! The RetailCRM API v5 client: plain Rust, no PHP types.
//!
//! [`client::Client`] is the entry point: it validates settings ([`crm_url`]), encodes
//! requests the way PHP's official client does ([`encode`]), sends them through a
//! rate-limited, kept-alive HTTP transport ([`transport`], [`ratelimit`]) and turns every
//! answer into either a JSON document or a classified [`error::ApiError`].

pub mod client;
pub mod crm_url;
pub mod encode;
pub mod error;
pub mod models;
pub mod ratelimit;
pub mod transport;
