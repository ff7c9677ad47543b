//! The trigger: on every change of an order's status, an HTTP request to a loopback URL
//! with parameters rendered from templates, like RetailCRM's "send HTTP request" action.
//! Every call is recorded with the status it got.

use super::outbound;
use super::template::render;
use crate::app::locked;
use crate::crm::fields::Object;
use axum::http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use url::{Host, Url};

/// How long one trigger call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// The body of `POST /__control/trigger`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerRequest {
    url: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    params: Map<String, Value>,
}

/// A configured trigger.
#[derive(Debug)]
struct Trigger {
    url: Url,
    addr: SocketAddr,
    method: Method,
    params: Vec<(String, String)>,
}

impl Trigger {
    fn from_request(request: TriggerRequest) -> Result<Trigger, String> {
        let url =
            Url::parse(&request.url).map_err(|error| format!("\"url\" is not a URL: {error}"))?;
        if url.scheme() != "http" {
            return Err("\"url\" must be an http:// URL".to_string());
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(domain)) if domain.eq_ignore_ascii_case("localhost") => {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
            _ => return Err("\"url\" must point to a loopback address".to_string()),
        };
        if !ip.is_loopback() {
            return Err("\"url\" must point to a loopback address".to_string());
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let method = match request
            .method
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            None | Some("GET") => Method::GET,
            Some("POST") => Method::POST,
            Some(other) => return Err(format!("\"method\" must be GET or POST, not {other}")),
        };
        let params = request
            .params
            .into_iter()
            .map(|(name, template)| {
                let template = match template {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                (name, template)
            })
            .collect();
        Ok(Trigger {
            url,
            addr: SocketAddr::new(ip, port),
            method,
            params,
        })
    }
}

/// One call of the trigger, as `GET /__control/triggers` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerCall {
    /// Call number, from 1.
    pub seq: u64,
    /// `GET` or `POST`.
    pub method: String,
    /// The URL called, with the rendered query for GET.
    pub url: String,
    /// The form body sent with POST.
    pub body: Option<String>,
    /// The rendered parameters.
    pub params: Map<String, Value>,
    /// The order whose status changed: `{id, externalId}`.
    pub order: Value,
    /// The status the receiver answered; null while the call is under way or if it failed.
    pub status: Option<u16>,
    /// Why the call failed.
    pub error: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    trigger: Option<Arc<Trigger>>,
    calls: Vec<TriggerCall>,
    next_seq: u64,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    in_flight: watch::Sender<usize>,
}

/// The trigger and the record of its calls.
#[derive(Debug, Clone)]
pub struct Triggers {
    shared: Arc<Shared>,
}

impl Default for Triggers {
    fn default() -> Self {
        Triggers {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                in_flight: watch::Sender::new(0),
            }),
        }
    }
}

/// Counts a call as under way until dropped.
struct InFlight(Arc<Shared>);

impl InFlight {
    fn start(shared: &Arc<Shared>) -> Self {
        shared.in_flight.send_modify(|count| *count += 1);
        InFlight(shared.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.send_modify(|count| *count -= 1);
    }
}

impl Triggers {
    /// Sets the trigger (replacing any); refuses URLs that are not loopback HTTP.
    pub fn set(&self, request: TriggerRequest) -> Result<(), String> {
        let trigger = Trigger::from_request(request)?;
        locked(&self.shared.state).trigger = Some(Arc::new(trigger));
        Ok(())
    }

    /// Removes the trigger.
    pub fn remove(&self) {
        locked(&self.shared.state).trigger = None;
    }

    /// Removes the trigger and forgets its calls.
    pub fn reset(&self) {
        let mut state = locked(&self.shared.state);
        state.trigger = None;
        state.calls.clear();
    }

    /// Calls the trigger, if one is set, for `order` whose status just changed. The call
    /// runs in the background; [`Triggers::settle`] waits for it.
    pub fn fire(&self, order: &Object) {
        let mut order_context = order.clone();
        if let Some(status) = order_context.get_mut("status") {
            *status = json!({"code": status.take()});
        }
        let mut context = Object::new();
        context.insert("order".into(), Value::Object(order_context));

        let mut state = locked(&self.shared.state);
        let Some(trigger) = state.trigger.clone() else {
            return;
        };
        let params: Vec<(String, String)> = trigger
            .params
            .iter()
            .map(|(name, template)| (name.clone(), render(template, &context)))
            .collect();
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        let mut url = trigger.url.clone();
        let body = if trigger.method == Method::POST {
            Some(encoded)
        } else {
            if !encoded.is_empty() {
                let query = match url.query() {
                    Some(existing) if !existing.is_empty() => format!("{existing}&{encoded}"),
                    _ => encoded,
                };
                url.set_query(Some(&query));
            }
            None
        };
        state.next_seq += 1;
        let seq = state.next_seq;
        state.calls.push(TriggerCall {
            seq,
            method: trigger.method.to_string(),
            url: url.to_string(),
            body: body.clone(),
            params: params
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
            order: json!({"id": order.get("id"), "externalId": order.get("externalId")}),
            status: None,
            error: None,
        });
        drop(state);

        let in_flight = InFlight::start(&self.shared);
        tokio::spawn(async move {
            let outcome = tokio::time::timeout(
                CALL_TIMEOUT,
                outbound::send(trigger.addr, trigger.method.clone(), &url, body),
            )
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} s", CALL_TIMEOUT.as_secs())));
            let mut state = locked(&in_flight.0.state);
            if let Some(call) = state.calls.iter_mut().find(|call| call.seq == seq) {
                match outcome {
                    Ok(status) => call.status = Some(status),
                    Err(error) => call.error = Some(error),
                }
            }
        });
    }

    /// Waits until no trigger call is under way.
    pub async fn settle(&self) {
        let mut in_flight = self.shared.in_flight.subscribe();
        // The sender lives in `self`, so the channel cannot close while waiting.
        let _ = in_flight.wait_for(|count| *count == 0).await;
    }

    /// The calls made so far, oldest first.
    pub fn calls(&self) -> Vec<TriggerCall> {
        locked(&self.shared.state).calls.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(value: Value) -> TriggerRequest {
        serde_json::from_value(value).expect("a trigger request")
    }

    #[test]
    fn accepts_loopback_http_only() {
        let triggers = Triggers::default();
        for url in [
            "http://127.0.0.1:9/x",
            "http://localhost/x",
            "http://[::1]:8080/",
        ] {
            assert!(triggers.set(request(json!({"url": url}))).is_ok(), "{url}");
        }
        for url in [
            "http://10.0.0.1/x",
            "http://example.com/",
            "https://127.0.0.1/",
            "nonsense",
        ] {
            assert!(triggers.set(request(json!({"url": url}))).is_err(), "{url}");
        }
        let put = request(json!({"url": "http://127.0.0.1/", "method": "PUT"}));
        assert!(triggers.set(put).is_err());
    }
}
