//! A RetailCRM API v5 emulator for tests, benchmarks and demos.
//!
//! The sandbox listens on loopback only and keeps everything in memory: customers, orders
//! with payments and computed totals, change history, a small store of offers, and the
//! reference books of its [`Seed`]. It answers like RetailCRM does on the wire (urlencoded or
//! multipart entities holding JSON, `success`/`errorMsg`/`errors` bodies, 201 on create, 460
//! on a partial upload, 503 past the rate limit), over HTTP and optionally HTTPS with a CA made
//! at start, and adds a control API under `/__control/` for tests: the log of received
//! requests, fault injection (delay, connection reset, blackhole, error statuses, HTML pages),
//! the state, a reset, the rate limit, manager-made status changes, entries added to the
//! reference books, catalogue offers, and an outgoing trigger.
//!
//! ```no_run
//! use crm_sandbox::{RunningSandbox, SandboxConfig};
//!
//! let sandbox = RunningSandbox::spawn_blocking(SandboxConfig::default()).expect("it starts");
//! println!("RetailCRM at {} with key sandbox-key", sandbox.url());
//! ```

mod api;
mod app;
mod config;
mod connection;
mod control;
mod crm;
mod gate;
mod seed;
mod server;
mod tls;
mod wire;

pub use config::SandboxConfig;
pub use seed::{EntryError, Reference, Seed, SeedError};
pub use server::{RunningSandbox, Sandbox};
