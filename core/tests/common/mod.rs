//! Shared pieces of the core crate's integration tests: the CRM sandbox, its control API, a
//! recorder of exchanges, hostile servers and TLS servers. The extension's tests include this
//! module too (`tests/common/mod.rs`), so nothing here may need PHP.

#![allow(dead_code)]

pub mod hostile;
pub mod mariadb;
pub mod tls;

use std::sync::Mutex;

use modretailcrm_core::api::transport::{Exchange, ExchangeLog};

pub use crm_sandbox::{RunningSandbox, SandboxConfig};

/// The API key the sandbox accepts by default.
pub const SANDBOX_KEY: &str = "sandbox-key";

/// A sandbox on a free loopback port with the default seed.
pub fn sandbox() -> RunningSandbox {
    RunningSandbox::spawn_blocking(SandboxConfig::default()).expect("the sandbox starts")
}

/// Calls the sandbox's control API (`GET`, `POST` or `DELETE` on `/__control/{path}`) and
/// returns its JSON answer.
pub fn control(
    sandbox: &RunningSandbox,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let url = format!("{}/__control/{path}", sandbox.url());
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let text = modretailcrm_core::runtime::block_on(async move {
        let request = reqwest::Client::new().request(method, url);
        let request = if body.is_null() {
            request
        } else {
            request
                .header("Content-Type", "application/json")
                .body(body.to_string())
        };
        request
            .send()
            .await
            .expect("the sandbox answers")
            .text()
            .await
            .expect("a body")
    })
    .expect("the runtime starts");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// The API requests the sandbox received, as `METHOD /path`.
pub fn api_requests(sandbox: &RunningSandbox) -> Vec<String> {
    control(sandbox, "GET", "requests", serde_json::Value::Null)["requests"]
        .as_array()
        .expect("the sandbox lists its requests")
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap_or("?"),
                r["path"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// Keeps every exchange a client makes, for assertions on what was logged.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<Exchange>>);

impl ExchangeLog for Recorder {
    fn record(&self, exchange: &Exchange) {
        self.0.lock().unwrap().push(exchange.clone());
    }
}
