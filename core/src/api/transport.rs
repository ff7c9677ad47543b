//! HTTP transport: one kept-alive reqwest client per process, every request paced by a
//! [`Gate`], with backoff on 503/429, turning every answer into JSON or a classified
//! [`ApiError`].
//!
//! A CRM that misbehaves cannot make it lie, leak, balloon or stall: redirects are never
//! followed (the API key goes nowhere but the configured address; a 3xx is an error naming
//! the `Location`), an answer is read in chunks up to [`TransportSettings::max_response_bytes`],
//! the whole exchange (headers and body) ends at the call's deadline, only the documented
//! shape of a success (`success: true`, integer ids) counts as one, and the CRM's texts are
//! cleaned and bounded ([`super::text`]) before anyone keeps them.

use std::collections::HashMap;
use std::error::Error as _;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER};
use serde_json::Value;

use super::crm_url::{ApiKey, CrmUrl};
use super::error::{ApiError, ErrorResponse, TransportKind};
use super::ratelimit::{DEFAULT_PER_SECOND, Gate, no_token_in_time};
use super::text::{ANSWER_TEXTS_BOUND, TEXT_BOUND, bounded, bounded_json};
use crate::runtime::ProcessLocal;

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("modretailcrm/", env!("CARGO_PKG_VERSION"));

/// The default cap of one answer's body: far above any real RetailCRM answer.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Most bytes of a request or response body an [`Exchange`] keeps for the log.
pub const LOGGED_BODY_BOUND: usize = 16 * 1024;

/// Timeouts, pacing and retry settings of a transport.
#[derive(Debug, Clone, PartialEq)]
pub struct TransportSettings {
    /// How long establishing a connection (TCP and TLS) may take.
    pub connect_timeout: Duration,
    /// How long one call may take in all, retries and waits included.
    pub timeout: Duration,
    /// Requests per second allowed for the key in this process (0 = no limit), when the
    /// client paces with its default gate (see [`crate::api::client::Client::new`]).
    pub rate_limit: u32,
    /// How many times a 503/429 answer is retried before giving up.
    pub max_retries: u32,
    /// The first backoff delay after a 503/429 without `Retry-After`; doubled each time.
    pub retry_base_delay: Duration,
    /// The most bytes of an answer's body that are read; a longer answer is a
    /// [`TransportKind::TooLarge`] error.
    pub max_response_bytes: usize,
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            rate_limit: DEFAULT_PER_SECOND,
            max_retries: 3,
            retry_base_delay: Duration::from_secs(1),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// HTTP method of an API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Reads; parameters go into the query string.
    Get,
    /// Writes; parameters go into a form body.
    Post,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Post => "POST",
        })
    }
}

/// One encoded API request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// GET or POST.
    pub method: Method,
    /// The path below `/api/`, such as `v5/orders/create` (ids already percent-encoded).
    pub path: String,
    /// The encoded query string, without `?` (empty for none).
    pub query: String,
    /// The encoded form body of a POST.
    pub body: String,
}

/// What one HTTP exchange looked like, for the log. Never holds the API key.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    /// GET or POST.
    pub method: Method,
    /// The path below `/api/`, with the query string when there was one.
    pub route: String,
    /// The answer's status, or `None` when no answer came.
    pub status: Option<u16>,
    /// How long the exchange took.
    pub duration: Duration,
    /// The form body sent (empty for GET); the log cuts it to [`LOGGED_BODY_BOUND`].
    pub request_body: String,
    /// The answer's body (at most `max_response_bytes`), or the transport error when no
    /// answer came; the log cuts it to [`LOGGED_BODY_BOUND`].
    pub response_body: String,
    /// Whether the exchange ended in an error (an error status or no answer).
    pub failed: bool,
}

/// Receives every exchange a transport makes.
pub trait ExchangeLog: Send + Sync {
    /// Records one exchange.
    fn record(&self, exchange: &Exchange);
}

/// Sends encoded requests to one CRM account with one key.
pub struct Transport {
    base: CrmUrl,
    key: ApiKey,
    settings: TransportSettings,
    gate: Arc<dyn Gate>,
    log: Option<Arc<dyn ExchangeLog>>,
}

impl Transport {
    /// A transport for `base` with `key` that waits on `gate` before every request it sends;
    /// nothing is connected until the first call.
    pub fn new(
        base: CrmUrl,
        key: ApiKey,
        settings: TransportSettings,
        log: Option<Arc<dyn ExchangeLog>>,
        gate: Arc<dyn Gate>,
    ) -> Self {
        Transport {
            base,
            key,
            settings,
            gate,
            log,
        }
    }

    /// Sends a request, retrying 503/429 answers with backoff within the call's timeout,
    /// and returns the decoded JSON of a successful answer. Every attempt waits on the gate
    /// first; when the gate does not let it go while at least half the call's time is left
    /// (see [`latest_departure`]) — its token comes later, or the gate answers later — the
    /// call fails with a timeout and nothing more is sent.
    pub async fn send(&self, request: &ApiRequest) -> Result<Value, ApiError> {
        let deadline = Instant::now() + self.settings.timeout;
        let departure = latest_departure(deadline, self.settings.timeout);
        // Built (the first time: certificates loaded) before the gate lets the request go,
        // so that the request leaves right after its token is taken.
        let http = shared_http_client(&self.base, self.settings.connect_timeout)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            self.gate.admit(departure).await?;
            if Instant::now() > departure {
                // The gate itself took long (the shared limit's transaction waited on the
                // database): the answer would not have its half of the call.
                return Err(no_token_in_time());
            }
            let answer = self.exchange(&http, request, deadline).await?;
            if !matches!(answer.status, 429 | 503) {
                return interpret(answer);
            }
            let wait = answer
                .retry_after
                .unwrap_or_else(|| backoff(self.settings.retry_base_delay, attempts));
            if attempts > self.settings.max_retries || Instant::now() + wait >= deadline {
                return Err(ApiError::RateLimited {
                    status: answer.status,
                    attempts,
                    retry_after: answer.retry_after,
                });
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn exchange(
        &self,
        http: &reqwest::Client,
        request: &ApiRequest,
        deadline: Instant,
    ) -> Result<Answer, ApiError> {
        let started = Instant::now();
        let result = self.round_trip(http, request, deadline).await;
        // A redirect's log line names where it pointed: the page behind it rarely does.
        let error_text = match &result {
            Err(error) => error.to_string(),
            Ok(answer) => match &answer.location {
                Some(target) if (300..400).contains(&answer.status) => {
                    format!("(a redirect to {target}, not followed) {}", answer.body)
                }
                _ => String::new(),
            },
        };
        let (status, response_body, failed) = match &result {
            Ok(answer) if error_text.is_empty() => (
                Some(answer.status),
                answer.body.as_str(),
                !(200..300).contains(&answer.status),
            ),
            Ok(answer) => (Some(answer.status), error_text.as_str(), true),
            Err(_) => (None, error_text.as_str(), true),
        };
        if let Some(log) = &self.log {
            log.record(&Exchange {
                method: request.method,
                route: self.key.mask(&route_of(request)),
                status,
                duration: started.elapsed(),
                request_body: self.key.mask(&request.body),
                response_body: self.key.mask(response_body),
                failed,
            });
        }
        result
    }

    async fn round_trip(
        &self,
        http: &reqwest::Client,
        request: &ApiRequest,
        deadline: Instant,
    ) -> Result<Answer, ApiError> {
        let url = format!("{}/api/{}", self.base.as_str(), route_of(request));
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(self.transport_error(
                TransportKind::Timeout,
                "the call's time budget ran out".into(),
            ));
        }
        let builder = match request.method {
            Method::Get => http.get(&url),
            Method::Post => http
                .post(&url)
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(request.body.clone()),
        };
        let response = builder
            .header("X-API-KEY", self.key.expose())
            .timeout(remaining)
            .send()
            .await
            .map_err(|e| self.reqwest_error(&e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| self.key.mask(&String::from_utf8_lossy(v.as_bytes())));
        let bytes = self.read_body(response, deadline).await?;
        // Invalid UTF-8 from the CRM becomes U+FFFD here, where it enters Rust's types.
        let body = String::from_utf8(bytes)
            .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned());
        Ok(Answer {
            status,
            retry_after,
            location,
            // The CRM may echo what it was sent; an error's texts must not carry the key.
            body: if (200..300).contains(&status) {
                body
            } else {
                self.key.mask(&body)
            },
        })
    }

    /// Reads the body chunk by chunk, refusing it as soon as it is announced or grows
    /// larger than the cap, and giving up at the call's deadline.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        deadline: Instant,
    ) -> Result<Vec<u8>, ApiError> {
        let cap = self.settings.max_response_bytes;
        let too_large = |detail: String| {
            self.transport_error(
                TransportKind::TooLarge,
                format!(
                    "the CRM's answer is larger than the {cap} bytes accepted \
                     (max_response_bytes){detail}; it was not read further"
                ),
            )
        };
        let announced = response.content_length().unwrap_or(0);
        if announced > cap as u64 {
            return Err(too_large(format!(": it announced {announced} bytes")));
        }
        let mut body = Vec::with_capacity(announced as usize);
        let deadline = tokio::time::Instant::from_std(deadline);
        loop {
            let chunk = tokio::time::timeout_at(deadline, response.chunk())
                .await
                .map_err(|_| {
                    self.transport_error(
                        TransportKind::Timeout,
                        format!(
                            "the call's time budget ran out while reading the answer \
                             ({} bytes read)",
                            body.len()
                        ),
                    )
                })?
                .map_err(|e| self.reqwest_error(&e))?;
            let Some(chunk) = chunk else {
                return Ok(body);
            };
            if body.len() + chunk.len() > cap {
                return Err(too_large(String::new()));
            }
            body.extend_from_slice(&chunk);
        }
    }

    fn reqwest_error(&self, error: &reqwest::Error) -> ApiError {
        let kind = if error.is_timeout() {
            TransportKind::Timeout
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Io
        };
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        self.transport_error(kind, message)
    }

    fn transport_error(&self, kind: TransportKind, message: String) -> ApiError {
        ApiError::Transport {
            kind,
            message: self.key.mask(&message),
        }
    }
}

struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    /// The `Location` header of a redirect (the API key masked).
    location: Option<String>,
    body: String,
}

/// The last moment a request of a call ending at `deadline` (after `timeout`) may leave:
/// half the call's time before its end. A request let go by the rate limit a few
/// milliseconds before the deadline still reaches the CRM, which makes the change, but its
/// answer comes too late: the change counts as failed and is sent again (a create is then
/// refused as a duplicate, read back and edited). Waiting for a token may take the first
/// half of the call; the answer always has the second.
fn latest_departure(deadline: Instant, timeout: Duration) -> Instant {
    deadline.checked_sub(timeout / 2).unwrap_or(deadline)
}

fn route_of(request: &ApiRequest) -> String {
    if request.query.is_empty() {
        request.path.clone()
    } else {
        format!("{}?{}", request.path, request.query)
    }
}

/// The process's HTTP clients, one per CRM address and connect timeout, so that kept-alive
/// connections are reused by every `Client` object of the process — in PHP-FPM a worker
/// serves many requests, each of which builds its own `Client`.
type HttpClients = HashMap<(String, Duration), reqwest::Client>;

static HTTP_CLIENTS: ProcessLocal<Mutex<HttpClients>> = ProcessLocal::new();

fn shared_http_client(
    base: &CrmUrl,
    connect_timeout: Duration,
) -> Result<reqwest::Client, ApiError> {
    let clients = HTTP_CLIENTS.get_or_try_init(|| Ok::<_, ApiError>(Mutex::new(HashMap::new())))?;
    let mut clients = clients
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let key = (base.as_str().to_string(), connect_timeout);
    if let Some(client) = clients.get(&key) {
        return Ok(client.clone());
    }
    let client = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .https_only(!base.is_plain_http())
        // Following a redirect would re-send the API key to wherever the answer points.
        .redirect(reqwest::redirect::Policy::none())
        .tls_backend_preconfigured(super::tls::client_config()?)
        .build()
        .map_err(|e| ApiError::Config(format!("cannot create the HTTP client: {e}")))?;
    clients.insert(key, client.clone());
    Ok(client)
}

/// Exponential backoff with ±25 % jitter: `base`, `2·base`, `4·base` …, capped at 30 s.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1 << attempt.saturating_sub(1).min(10));
    let capped = exponential.min(Duration::from_secs(30));
    capped.mul_f64(0.75 + fastrand::f64() * 0.5)
}

/// Turns a non-rate-limited answer into the JSON document or an error: a redirect is a
/// wrong CRM address; a 2xx JSON object counts only in its documented shape; the texts of an
/// error answer are cleaned and bounded.
fn interpret(answer: Answer) -> Result<Value, ApiError> {
    if (300..400).contains(&answer.status) {
        return Err(redirected(&answer));
    }
    let json = serde_json::from_str::<Value>(&answer.body)
        .ok()
        .filter(Value::is_object);
    let success = json.as_ref().and_then(|j| j.get("success"));
    let answered = |error_msg: String, json: Option<&Value>| {
        ApiError::Response(Box::new(ErrorResponse {
            status: answer.status,
            error_msg,
            errors: json
                .and_then(|j| j.get("errors"))
                .map_or(Value::Null, |errors| {
                    bounded_json(errors, ANSWER_TEXTS_BOUND)
                }),
            body: json.map(|j| bounded_json(j, ANSWER_TEXTS_BOUND)),
        }))
    };
    match json {
        Some(json)
            if (200..300).contains(&answer.status) && success != Some(&Value::Bool(false)) =>
        {
            match shape_problem(&json) {
                None => Ok(json),
                // Not the CRM's documented answer: the change may not have been stored, so
                // the error is transient (no body kept, see `ErrorResponse::class`).
                Some(problem) => Err(answered(
                    format!(
                        "the CRM's answer is not one RetailCRM documents ({problem}); \
                         it is not taken as a success"
                    ),
                    None,
                )),
            }
        }
        Some(json) => {
            let error_msg = json.get("errorMsg").and_then(Value::as_str).map_or_else(
                || format!("HTTP {} without an error message", answer.status),
                |text| bounded(text, TEXT_BOUND),
            );
            Err(answered(error_msg, Some(&json)))
        }
        None => Err(answered(describe_non_json(&answer), None)),
    }
}

/// What is wrong with the shape of a 2xx answer, if anything: `success` must be `true`,
/// and the ids the client and the sync engine read (`id`, and `id` in the lists of an
/// upload's answer) positive integers.
fn shape_problem(json: &Value) -> Option<String> {
    let quoted = |value: &Value| bounded(&value.to_string(), 64);
    match json.get("success") {
        Some(Value::Bool(true)) => {}
        None => return Some("\"success\" is missing".into()),
        Some(other) => return Some(format!("\"success\" is {} rather than true", quoted(other))),
    }
    let is_id = |id: &Value| id.as_u64().is_some_and(|n| n > 0);
    if let Some(id) = json.get("id").filter(|id| !is_id(id)) {
        return Some(format!(
            "\"id\" is {} rather than a positive integer",
            quoted(id)
        ));
    }
    for list in ["uploadedCustomers", "uploadedOrders"] {
        let ids = json
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        if let Some(id) = ids.filter_map(|item| item.get("id")).find(|id| !is_id(id)) {
            return Some(format!(
                "an \"id\" in \"{list}\" is {} rather than a positive integer",
                quoted(id)
            ));
        }
    }
    None
}

/// The error for a 3xx answer: the configured address is not where the CRM answers.
fn redirected(answer: &Answer) -> ApiError {
    let target = answer.location.as_deref().map_or_else(
        || "no Location given".to_string(),
        |l| bounded(l, TEXT_BOUND),
    );
    ApiError::Response(Box::new(ErrorResponse {
        status: answer.status,
        error_msg: format!(
            "the CRM URL is wrong: it answers with a redirect (HTTP {}) to {target}. \
             Redirects are not followed, so that the API key goes nowhere else; set the CRM \
             URL to the address the CRM answers at (check its scheme and host: if the \
             redirect names your CRM, use that address)",
            answer.status
        ),
        errors: Value::Null,
        body: None,
    }))
}

fn describe_non_json(answer: &Answer) -> String {
    let text: String = answer.body.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        format!("HTTP {} with an empty body", answer.status)
    } else {
        let excerpt: String = text.chars().take(200).collect();
        let cut = text.len() - excerpt.len();
        let note = if cut > 0 {
            format!("… [cut {cut} bytes]")
        } else {
            String::new()
        };
        format!(
            "HTTP {} with a body that is not JSON: {}{note}",
            answer.status,
            bounded(&excerpt, TEXT_BOUND)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::ErrorClass;
    use serde_json::json;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            retry_after: None,
            location: None,
            body: body.into(),
        }
    }

    #[test]
    fn success_json_is_returned() {
        let value = interpret(answer(201, r#"{"success":true,"id":7}"#)).unwrap();
        assert_eq!(value, json!({"success": true, "id": 7}));
    }

    #[test]
    fn error_json_keeps_message_errors_and_body() {
        let body = r#"{"success":false,"errorMsg":"Errors in the entity format","errors":{"site":"Unknown"}}"#;
        match interpret(answer(400, body)) {
            Err(ApiError::Response(e)) => {
                assert_eq!(e.status, 400);
                assert_eq!(e.error_msg, "Errors in the entity format");
                assert_eq!(e.errors, json!({"site": "Unknown"}));
                assert!(e.body.is_some());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_may_be_a_list_and_success_false_on_200_is_an_error() {
        match interpret(answer(
            200,
            r#"{"success":false,"errorMsg":"x","errors":["a","b"]}"#,
        )) {
            Err(ApiError::Response(e)) => assert_eq!(e.errors, json!(["a", "b"])),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_and_empty_bodies_are_described_not_parsed() {
        match interpret(answer(
            405,
            "<html>\n  <body>   Not   Allowed</body></html>",
        )) {
            Err(ApiError::Response(e)) => {
                assert_eq!(
                    e.error_msg,
                    "HTTP 405 with a body that is not JSON: <html> <body> Not Allowed</body></html>"
                );
                assert!(e.body.is_none());
            }
            other => panic!("{other:?}"),
        }
        match interpret(answer(502, "")) {
            Err(ApiError::Response(e)) => assert_eq!(e.error_msg, "HTTP 502 with an empty body"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_redirect_is_a_wrong_url_even_without_a_location() {
        let mut redirect = answer(301, "");
        match interpret(redirect) {
            Err(ApiError::Response(e)) => {
                assert!(
                    e.error_msg.contains("HTTP 301) to no Location given"),
                    "{}",
                    e.error_msg
                );
                assert_eq!(e.class(), ErrorClass::AccountMissing);
            }
            other => panic!("{other:?}"),
        }
        redirect = answer(307, "");
        redirect.location = Some("https://elsewhere.example/".into());
        match interpret(redirect) {
            Err(ApiError::Response(e)) => {
                assert!(
                    e.error_msg.contains("to https://elsewhere.example/."),
                    "{}",
                    e.error_msg
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_success_needs_success_true_and_integer_ids() {
        assert!(
            interpret(answer(
                200,
                r#"{"success":true,"id":3,"uploadedOrders":[{"id":4}]}"#
            ))
            .is_ok()
        );
        for body in [
            r#"{"success":"true"}"#,
            r#"{"id":3}"#,
            r#"{"success":true,"id":"3"}"#,
            r#"{"success":true,"uploadedCustomers":[{"id":-1}]}"#,
        ] {
            match interpret(answer(200, body)) {
                Err(ApiError::Response(e)) => {
                    assert_eq!(e.class(), ErrorClass::Transient, "{body}");
                    assert!(e.body.is_none(), "{body}");
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        // A documented refusal on a 200 stays what it was: permanent.
        match interpret(answer(200, r#"{"success":false,"errorMsg":"no"}"#)) {
            Err(ApiError::Response(e)) => assert_eq!(e.class(), ErrorClass::Permanent),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let base = Duration::from_millis(100);
        for attempt in 1..=4u32 {
            let nominal = 100.0 * f64::from(1u32 << (attempt - 1));
            let got = backoff(base, attempt).as_secs_f64() * 1000.0;
            assert!(
                got >= nominal * 0.75 && got <= nominal * 1.25,
                "attempt {attempt}: {got}"
            );
        }
        assert!(backoff(Duration::from_secs(10), 30) <= Duration::from_secs_f64(37.5));
    }
}
