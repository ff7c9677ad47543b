//! The log of API requests the sandbox received, for tests to assert on.

use crate::app::locked;
use axum::http::request::Parts;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// One received API request, as `GET /__control/requests` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedRequest {
    /// Arrival number, from 1; it keeps counting when the log is cleared.
    pub seq: u64,
    /// Arrival time, milliseconds since the Unix epoch (for tests of request rates).
    pub at_ms: u64,
    /// `GET`, `POST` …
    pub method: String,
    /// The path as received, still percent-encoded.
    pub path: String,
    /// The raw query string, empty when there is none.
    pub query: String,
    /// Headers by lower-case name; repeated headers joined with `, `.
    pub headers: Map<String, Value>,
    /// The raw body (invalid UTF-8 replaced).
    pub body: String,
    /// Query and form parameters decoded and nested, entity fields parsed from JSON.
    pub params: Value,
    /// The status answered; null while pending, and for reset or blackholed requests.
    pub status: Option<u16>,
}

#[derive(Debug, Default)]
struct State {
    next_seq: u64,
    entries: Vec<LoggedRequest>,
}

/// Received API requests in arrival order.
#[derive(Debug, Default)]
pub struct RequestLog {
    state: Mutex<State>,
}

impl RequestLog {
    /// Logs a request as it arrives; answers its `seq`.
    pub fn record(&self, parts: &Parts, body: &[u8], params: &Map<String, Value>) -> u64 {
        let mut headers = Map::new();
        for (name, value) in &parts.headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            match headers.get_mut(name.as_str()) {
                Some(Value::String(joined)) => {
                    joined.push_str(", ");
                    joined.push_str(&value);
                }
                _ => {
                    headers.insert(name.as_str().to_string(), Value::String(value));
                }
            }
        }
        let mut state = locked(&self.state);
        state.next_seq += 1;
        let seq = state.next_seq;
        let at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            });
        state.entries.push(LoggedRequest {
            seq,
            at_ms,
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or_default().to_string(),
            headers,
            body: String::from_utf8_lossy(body).into_owned(),
            params: Value::Object(params.clone()),
            status: None,
        });
        seq
    }

    /// Notes what request `seq` was answered (nothing for a dropped connection).
    pub fn set_status(&self, seq: u64, status: Option<u16>) {
        let mut state = locked(&self.state);
        if let Some(entry) = state
            .entries
            .iter_mut()
            .rev()
            .find(|entry| entry.seq == seq)
        {
            entry.status = status;
        }
    }

    /// The logged requests, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        locked(&self.state).entries.clone()
    }

    /// Forgets the logged requests (numbering goes on).
    pub fn clear(&self) {
        locked(&self.state).entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use serde_json::json;

    #[test]
    fn records_requests_and_their_answers() {
        let (parts, ()) = Request::post("/api/v5/orders/create?x=1")
            .header("X-Api-Key", "k")
            .header("accept", "a")
            .header("accept", "b")
            .body(())
            .expect("a request")
            .into_parts();
        let log = RequestLog::default();
        let params = json!({"x": "1"}).as_object().cloned().expect("object");
        let seq = log.record(&parts, b"site=shop\xff", &params);
        log.set_status(seq, Some(201));
        let entries = log.entries();
        assert_eq!(entries.len(), 1);
        let entry = &entries[0];
        assert_eq!(
            (entry.seq, entry.method.as_str(), entry.path.as_str()),
            (1, "POST", "/api/v5/orders/create")
        );
        assert_eq!(entry.query, "x=1");
        assert_eq!(entry.headers["x-api-key"], "k");
        assert_eq!(entry.headers["accept"], "a, b");
        assert_eq!(entry.body, "site=shop\u{fffd}");
        assert_eq!(entry.status, Some(201));
        log.clear();
        assert!(log.entries().is_empty());
        assert_eq!(log.record(&parts, b"", &params), 2);
    }
}
