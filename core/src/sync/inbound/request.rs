//! The webhook's first look at an HTTP request, before anything is read or changed: is it
//! ours, may it come in, and which order does it name?
//!
//! Ours is a call to the configured path (`modretailcrm_webhook_path`, or that path below a
//! site installed in a folder) or the older component's form (`retailCRM_action=change_status`
//! with `order_id` and `status`, at any address), and only while a secret is set: without one
//! the webhook is off and every request is MODX's. An accepted call carries the secret (the
//! query or form field `secret`, or the header `X-Modretailcrm-Secret`, compared in constant
//! time), comes from an allowed address when `modretailcrm_webhook_ips` lists some, uses GET or
//! POST and has a body of at most [`MAX_BODY`] bytes. Its parameters come from the query, the
//! form, or a JSON object body (`Content-Type: application/json`); only the order's
//! `externalId` (`order_id`) is used: the status it carries is a hint, never applied.

use std::net::IpAddr;

use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::config::WebhookSettings;

/// The largest body accepted.
pub const MAX_BODY: usize = 64 * 1024;

/// The longest `order_id` accepted (RetailCRM's `externalId` is at most 255 characters).
const MAX_ORDER_ID: usize = 255;

/// The header that may carry the secret (lower case, as the request's headers are compared).
pub const SECRET_HEADER: &str = "x-modretailcrm-secret";

/// An HTTP request as the plugin saw it. Text that was not valid UTF-8 has been replaced
/// (U+FFFD) and the part named in `malformed`; the body is kept as bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpRequest {
    /// `GET`, `POST` …
    pub method: String,
    /// The path of the address, without the query.
    pub path: String,
    /// The query's parameters that are text (a parameter given as a list is left out).
    pub query: Vec<(String, String)>,
    /// The form's fields that are text.
    pub post: Vec<(String, String)>,
    /// The headers, names in any case.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// The caller's address, as the web server gives it.
    pub remote_addr: String,
    /// The first part that was not valid UTF-8 (`query[x]`, `headers`…), if one was not.
    pub malformed: Option<String>,
}

/// A refusal: the HTTP status and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status (4xx, 5xx).
    pub code: u16,
    /// Why, for the answer's `errorMsg` and the log; never the secret.
    pub reason: String,
}

/// What the webhook makes of a request at first sight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screened {
    /// Not a webhook call (or the webhook is off): MODX handles it as usual.
    NotOurs,
    /// A webhook call that is refused.
    Refused(Refusal),
    /// An authenticated call naming an order.
    Accepted(Hint),
}

/// What an accepted call says. Only `external_id` is used; the rest is for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// The order's `externalId` in the CRM (`order_id`; a number's form `2611/16` is turned
    /// into `2611-16`, as the older component's trigger sent it either way).
    pub external_id: String,
    /// The status the call says the order has: a hint, never applied.
    pub status: Option<String>,
}

fn refuse(code: u16, reason: impl Into<String>) -> Screened {
    Screened::Refused(Refusal {
        code,
        reason: reason.into(),
    })
}

/// Looks at `request` with the webhook's `settings`.
pub fn screen(request: &HttpRequest, settings: &WebhookSettings) -> Screened {
    let Some(secret) = settings.secret.as_deref() else {
        return Screened::NotOurs;
    };
    if !is_ours(request, &settings.path) {
        return Screened::NotOurs;
    }
    if !settings.allowed.is_empty() {
        let allowed = parse_addr(&request.remote_addr)
            .is_some_and(|addr| settings.allowed.iter().any(|range| range.contains(addr)));
        if !allowed {
            return refuse(
                403,
                "the caller's address is not in modretailcrm_webhook_ips",
            );
        }
    }
    let method = request.method.trim().to_ascii_uppercase();
    if method != "GET" && method != "POST" {
        return refuse(405, "the webhook accepts GET and POST only");
    }
    if request.body.len() > MAX_BODY {
        return refuse(413, format!("the body is over {MAX_BODY} bytes"));
    }
    if !secret_matches(request, secret) {
        return refuse(403, "the secret is missing or wrong");
    }
    if let Some(part) = &request.malformed {
        return refuse(400, format!("{part} is not valid UTF-8"));
    }
    let json = match json_body(request) {
        Ok(json) => json,
        Err(reason) => return refuse(400, reason),
    };
    let field = |name: &str| -> Option<String> {
        json.as_ref()
            .and_then(|json| json.get(name))
            .and_then(|value| match value {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
            .or_else(|| param(&request.post, name).map(str::to_string))
            .or_else(|| param(&request.query, name).map(str::to_string))
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    let Some(order_id) = field("order_id") else {
        return refuse(400, "order_id (the order's externalId) is missing");
    };
    if order_id.chars().count() > MAX_ORDER_ID || order_id.chars().any(char::is_control) {
        return refuse(400, "order_id is not an externalId");
    }
    Screened::Accepted(Hint {
        external_id: order_id.replace('/', "-"),
        status: field("status"),
    })
}

/// Whether `request` is a call of the webhook: its path, or the older component's form.
fn is_ours(request: &HttpRequest, path: &str) -> bool {
    let requested = request.path.trim_matches('/');
    let at_path = requested == path
        || requested
            .strip_suffix(path)
            .is_some_and(|folder| folder.ends_with('/'));
    let old_form = [&request.post, &request.query]
        .into_iter()
        .any(|params| param(params, "retailCRM_action") == Some("change_status"));
    at_path || old_form
}

/// Whether the request carries `secret`, compared in constant time.
fn secret_matches(request: &HttpRequest, secret: &str) -> bool {
    let header = request
        .headers
        .iter()
        .find(|(name, _)| name.trim().eq_ignore_ascii_case(SECRET_HEADER))
        .map(|(_, value)| value.as_str());
    let given = [
        header,
        param(&request.query, "secret"),
        param(&request.post, "secret"),
    ];
    // Every candidate is compared, so the time says nothing about which one was given.
    given.into_iter().flatten().fold(false, |found, candidate| {
        let equal: bool = candidate.trim().as_bytes().ct_eq(secret.as_bytes()).into();
        found | equal
    })
}

/// The JSON object of a body sent as `application/json`; `None` for another body.
fn json_body(request: &HttpRequest) -> Result<Option<serde_json::Map<String, Value>>, String> {
    let json = request.headers.iter().any(|(name, value)| {
        name.trim().eq_ignore_ascii_case("content-type")
            && value
                .trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
    });
    if !json {
        return Ok(None);
    }
    let text = std::str::from_utf8(&request.body)
        .map_err(|_| "the body is not valid UTF-8".to_string())?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err("the JSON body is not an object".into()),
        Err(error) => Err(format!("the body is not valid JSON: {error}")),
    }
}

/// The value of parameter `name`.
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The caller's address (`[::1]` and a port-less form accepted).
fn parse_addr(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse().ok().or_else(|| {
        text.trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IpRange;

    const SECRET: &str = "5f1c0de2a9b84e7fb3c1d2e3f4a5b6c7";

    fn settings() -> WebhookSettings {
        WebhookSettings {
            path: "modretailcrm/webhook".into(),
            secret: Some(SECRET.into()),
            allowed: Vec::new(),
        }
    }

    fn call(query: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            path: "/modretailcrm/webhook".into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            remote_addr: "127.0.0.1".into(),
            ..HttpRequest::default()
        }
    }

    fn accepted(external_id: &str, status: Option<&str>) -> Screened {
        Screened::Accepted(Hint {
            external_id: external_id.into(),
            status: status.map(str::to_string),
        })
    }

    fn code(screened: Screened) -> u16 {
        match screened {
            Screened::Refused(refusal) => refusal.code,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_call_with_the_secret_names_its_order() {
        let request = call(&[
            ("secret", SECRET),
            ("order_id", "2611/16"),
            ("status", "complete"),
        ]);
        assert_eq!(
            screen(&request, &settings()),
            accepted("2611-16", Some("complete"))
        );
        // The secret in the header, the order in the form; a site in a folder.
        let mut request = call(&[]);
        request.path = "/shop/modretailcrm/webhook/".into();
        request.headers = vec![("X-ModRetailCrm-Secret".into(), SECRET.into())];
        request.post = vec![("order_id".into(), "2611-16".into())];
        assert_eq!(screen(&request, &settings()), accepted("2611-16", None));
    }

    #[test]
    fn the_older_components_form_is_ours_at_any_address() {
        let mut request = call(&[
            ("retailCRM_action", "change_status"),
            ("order_id", "7"),
            ("status", "new"),
            ("secret", SECRET),
        ]);
        request.path = "/".into();
        assert_eq!(screen(&request, &settings()), accepted("7", Some("new")));
        request.query[0].1 = "other".into();
        assert_eq!(screen(&request, &settings()), Screened::NotOurs);
    }

    #[test]
    fn without_a_secret_set_nothing_is_ours() {
        let off = WebhookSettings {
            secret: None,
            ..settings()
        };
        let request = call(&[("secret", ""), ("order_id", "1")]);
        assert_eq!(screen(&request, &off), Screened::NotOurs);
        let mut old = call(&[("retailCRM_action", "change_status"), ("order_id", "1")]);
        old.path = "/".into();
        assert_eq!(screen(&old, &off), Screened::NotOurs);
        let mut other = call(&[("secret", SECRET), ("order_id", "1")]);
        other.path = "/catalog/modretailcrm/webhooks".into();
        assert_eq!(screen(&other, &settings()), Screened::NotOurs);
    }

    #[test]
    fn a_missing_or_wrong_secret_is_refused_without_repeating_it() {
        for query in [
            vec![("order_id", "1")],
            vec![("order_id", "1"), ("secret", "guess-xyz")],
            vec![("order_id", "1"), ("secret", &SECRET[..31])],
        ] {
            let Screened::Refused(refusal) = screen(&call(&query), &settings()) else {
                panic!("{query:?} was not refused");
            };
            assert_eq!(refusal.code, 403);
            assert!(!refusal.reason.contains(SECRET), "{refusal:?}");
            assert!(!refusal.reason.contains("guess"), "{refusal:?}");
        }
    }

    #[test]
    fn bad_requests_are_refused_with_their_reason() {
        let good = || call(&[("secret", SECRET), ("order_id", "1")]);
        let mut put = good();
        put.method = "PUT".into();
        assert_eq!(code(screen(&put, &settings())), 405);
        let mut big = good();
        big.body = vec![b'a'; MAX_BODY + 1];
        assert_eq!(code(screen(&big, &settings())), 413);
        let mut broken = good();
        broken.malformed = Some("query[status]".into());
        assert_eq!(code(screen(&broken, &settings())), 400);
        let mut json = good();
        json.headers = vec![("Content-Type".into(), "application/json".into())];
        json.body = b"{\"order_id\": ".to_vec();
        assert_eq!(code(screen(&json, &settings())), 400);
        json.body = vec![b'"', 0xff, b'"'];
        assert_eq!(code(screen(&json, &settings())), 400);
        json.body = br#"{"order_id": "2611-5"}"#.to_vec();
        assert_eq!(screen(&json, &settings()), accepted("2611-5", None));
        let no_order = call(&[("secret", SECRET)]);
        assert_eq!(code(screen(&no_order, &settings())), 400);
        let control = call(&[("secret", SECRET), ("order_id", "1\n2")]);
        assert_eq!(code(screen(&control, &settings())), 400);
    }

    #[test]
    fn only_listed_addresses_may_call_when_a_list_is_set() {
        let listed = WebhookSettings {
            allowed: vec![IpRange::parse("10.0.0.0/8").unwrap()],
            ..settings()
        };
        let mut request = call(&[("secret", SECRET), ("order_id", "1")]);
        assert_eq!(code(screen(&request, &listed)), 403);
        request.remote_addr = "10.1.2.3".into();
        assert_eq!(screen(&request, &listed), accepted("1", None));
        request.remote_addr = "not an address".into();
        assert_eq!(code(screen(&request, &listed)), 403);
    }

    /// Random requests, some of them near the real ones: the screen never panics and accepts
    /// only a request with the secret. A fixed seed keeps the run the same each time.
    #[test]
    fn random_requests_never_panic_and_never_get_in_without_the_secret() {
        let mut rng = fastrand::Rng::with_seed(0x5eb_400c);
        let pieces = [
            "secret",
            "order_id",
            "status",
            "retailCRM_action",
            "change_status",
            "",
            "/",
            "%FF",
            "modretailcrm/webhook",
            SECRET,
            "2611-16",
            "\u{0}",
            "ü",
            "[]",
            "{",
            "application/json",
            "content-type",
            SECRET_HEADER,
            "POST",
            "GET",
        ];
        let text = |rng: &mut fastrand::Rng| -> String {
            (0..rng.usize(0..4))
                .map(|_| match rng.u8(0..4) {
                    0 => (0..rng.usize(0..12)).map(|_| rng.char(..)).collect(),
                    _ => pieces[rng.usize(..pieces.len())].to_string(),
                })
                .collect()
        };
        let pairs = |rng: &mut fastrand::Rng| -> Vec<(String, String)> {
            (0..rng.usize(0..5))
                .map(|_| (text(rng), text(rng)))
                .collect()
        };
        for case in 0..20_000 {
            let request = HttpRequest {
                method: text(&mut rng),
                path: text(&mut rng),
                query: pairs(&mut rng),
                post: pairs(&mut rng),
                headers: pairs(&mut rng),
                body: (0..rng.usize(0..64)).map(|_| rng.u8(..)).collect(),
                remote_addr: text(&mut rng),
                malformed: None,
            };
            let carries_secret = request
                .query
                .iter()
                .chain(&request.post)
                .chain(&request.headers)
                .any(|(_, value)| value.trim() == SECRET);
            if let Screened::Accepted(hint) = screen(&request, &settings()) {
                assert!(
                    carries_secret,
                    "case {case} got in without the secret: {request:?}"
                );
                assert!(!hint.external_id.is_empty());
            }
        }
    }
}
