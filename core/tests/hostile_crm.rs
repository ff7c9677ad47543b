//! A hostile CRM cannot make the client lie, leak, balloon or stall: redirects are not
//! followed, answers are capped and bounded in time, only documented shapes count as success,
//! and the CRM's texts are cleaned and bounded (the same through the real `.so` in `php`:
//! `tests/php_hostile_crm.rs`).

mod common;

use std::sync::Arc;
use std::time::Duration;

use modretailcrm_core::api::client::{Client, ClientSettings};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::error::{ApiError, ErrorClass, TransportKind};
use modretailcrm_core::api::transport::{ExchangeLog, TransportSettings};
use modretailcrm_core::logging::format_exchange;
use modretailcrm_core::runtime::block_on;
use modretailcrm_core::sync::change::Change;
use modretailcrm_core::sync::deliver::{Outcome, deliver};
use serde_json::json;
use time::OffsetDateTime;

use common::Recorder;
use common::hostile::{Hostile, HostileServer};

const KEY: &str = "hostile-test-key";

fn settings() -> TransportSettings {
    TransportSettings {
        rate_limit: 0,
        max_retries: 0,
        timeout: Duration::from_secs(10),
        ..TransportSettings::default()
    }
}

fn client_with(
    url: &str,
    transport: TransportSettings,
    log: Option<Arc<dyn ExchangeLog>>,
) -> Client {
    Client::new(
        ClientSettings {
            url: CrmUrl::parse(url).unwrap(),
            api_key: ApiKey::parse(KEY).unwrap(),
            site: Some("shop".into()),
            transport,
        },
        log,
    )
}

fn client(url: &str) -> Client {
    client_with(url, settings(), None)
}

/// Delivers an order create through the sync engine's delivery step.
fn deliver_order(crm: &Client) -> Outcome {
    let change = Change::parse(
        "order.create",
        json!({"externalId": "h-1", "customer": {"externalId": "7"}, "firstName": "Иван"}),
    )
    .unwrap();
    block_on(deliver(crm, &change, &|| false)).unwrap()
}

fn retried(outcome: Outcome) -> ApiError {
    match outcome {
        Outcome::RetryLater(error) => error,
        other => panic!("expected the change kept for retry, got {other:?}"),
    }
}

#[test]
fn a_redirect_is_not_followed_and_the_change_waits_for_a_fixed_url() {
    let other = HostileServer::start(Hostile::json(201, r#"{"success":true,"id":1}"#));
    for status in [301, 302, 307, 308] {
        // The key in the Location (a CRM echoing it) must not reach the message either.
        let location = format!("{}/api/v5/orders/create?k={KEY}", other.url());
        let redirecting = HostileServer::start(Hostile::redirect(status, &location));
        let recorder = Arc::new(Recorder::default());
        let logged = Arc::clone(&recorder) as Arc<dyn ExchangeLog>;
        let error = retried(deliver_order(&client_with(
            redirecting.url(),
            settings(),
            Some(logged),
        )));
        assert_eq!(error.class(), ErrorClass::AccountMissing);
        assert_eq!(error.status(), Some(status));
        let message = error.to_string();
        assert!(message.contains("the CRM URL is wrong"), "{message}");
        assert!(
            message.contains(&format!("{}/api/v5/orders/create?k=***", other.url())),
            "{message}"
        );
        assert!(!message.contains(KEY), "{message}");
        // The log line names where the redirect pointed, the key masked.
        let lines = recorder.0.lock().unwrap();
        let line = &lines.last().expect("the exchange is logged").response_body;
        let target = format!(
            "(a redirect to {}/api/v5/orders/create?k=***, not followed)",
            other.url()
        );
        assert!(line.starts_with(&target), "{line}");
        assert!(!line.contains(KEY), "{line}");
        drop(lines);
        let sent = redirecting.requests();
        assert_eq!(sent.len(), 1, "one request, not retried elsewhere");
        assert_eq!(sent[0].header("x-api-key"), Some(KEY));
    }
    assert!(
        other.requests().is_empty(),
        "the redirect target was contacted: {:?}",
        other.requests()
    );
}

#[test]
fn only_the_documented_shape_of_a_success_counts() {
    let wrong = [
        (r#"{"success":"yes","id":"12"}"#, r#""success" is "yes""#),
        (r#"{"success":1,"id":12}"#, r#""success" is 1"#),
        (r#"{"id":12}"#, r#""success" is missing"#),
        (r#"{"success":true,"id":"12abc"}"#, r#""id" is "12abc""#),
        (r#"{"success":true,"id":"12"}"#, r#""id" is "12""#),
        (r#"{"success":true,"id":12.5}"#, r#""id" is 12.5"#),
        (r#"{"success":true,"id":-3}"#, r#""id" is -3"#),
        (r#"{"success":true,"id":0}"#, r#""id" is 0"#),
        (
            r#"{"success":true,"uploadedOrders":[{"id":1},{"id":"x"}]}"#,
            r#"an "id" in "uploadedOrders" is "x""#,
        ),
    ];
    for (body, problem) in wrong {
        let server = HostileServer::start(Hostile::json(201, body));
        let error = retried(deliver_order(&client(server.url())));
        assert_eq!(error.class(), ErrorClass::Transient, "{body}");
        let message = error.to_string();
        assert!(
            message.contains(problem) && message.contains("not taken as a success"),
            "{body}: {message}"
        );
    }
    let right = HostileServer::start(Hostile::json(201, r#"{"success":true,"id":12}"#));
    match deliver_order(&client(right.url())) {
        Outcome::Delivered(answer) => assert_eq!(answer["id"], json!(12)),
        other => panic!("{other:?}"),
    }
}

fn too_large(result: Result<serde_json::Value, ApiError>) -> String {
    match result {
        Err(ApiError::Transport {
            kind: TransportKind::TooLarge,
            message,
        }) => message,
        other => panic!("expected a too-large answer error, got {other:?}"),
    }
}

#[test]
fn a_huge_or_endless_answer_is_cut_at_the_cap() {
    let capped = TransportSettings {
        max_response_bytes: 1024 * 1024,
        ..settings()
    };
    let huge = HostileServer::start(Hostile::Huge {
        announced: 100 * 1024 * 1024,
    });
    let message =
        too_large(block_on(client_with(huge.url(), capped.clone(), None).api_versions()).unwrap());
    assert!(
        message.contains("larger than the 1048576 bytes accepted")
            && message.contains("announced 104857600 bytes"),
        "{message}"
    );
    let endless = HostileServer::start(Hostile::Endless);
    let message =
        too_large(block_on(client_with(endless.url(), capped, None).api_versions()).unwrap());
    assert!(
        message.contains("larger than the 1048576 bytes accepted")
            && !message.contains("announced"),
        "{message}"
    );
    // Kept for retry: the CRM may have stored the change before its answer went wrong.
    assert!(matches!(
        deliver_order(&client(endless.url())),
        Outcome::RetryLater(ApiError::Transport {
            kind: TransportKind::TooLarge,
            ..
        })
    ));
}

#[test]
fn a_trickling_answer_ends_at_the_call_timeout() {
    // A valid success, were it waited for: 120 bytes at 100 ms each take 12 s.
    let mut body = br#"{"success":true,"id":12,"pad":""#.to_vec();
    body.resize(118, b'x');
    body.extend_from_slice(b"\"}");
    let server = HostileServer::start(Hostile::Trickle {
        body,
        interval: Duration::from_millis(100),
    });
    assert_times_out_within_a_second(&server);
}

/// Calls `server` with a 1 s timeout and asserts the call ends in a timeout.
fn assert_times_out_within_a_second(server: &HostileServer) {
    let quick = TransportSettings {
        timeout: Duration::from_secs(1),
        ..settings()
    };
    match block_on(client_with(server.url(), quick, None).api_versions()).unwrap() {
        Err(ApiError::Transport {
            kind: TransportKind::Timeout,
            ..
        }) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn headers_trickling_in_end_at_the_call_timeout() {
    // About 90 bytes of head at 100 ms each: 9 s, were they waited for.
    let server = HostileServer::start(Hostile::SlowHead {
        interval: Duration::from_millis(100),
    });
    assert_times_out_within_a_second(&server);
}

#[test]
fn a_connection_cut_mid_body_is_a_transient_transport_error() {
    let server = HostileServer::start(Hostile::CutMidBody {
        announced: 1000,
        sent: br#"{"success":true,"id":"#.to_vec(),
    });
    let error = retried(deliver_order(&client(server.url())));
    assert!(
        matches!(
            error,
            ApiError::Transport {
                kind: TransportKind::Io,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn the_crms_texts_are_cleaned_and_bounded_everywhere_they_are_kept() {
    // 20 MB, as a misbehaving CRM sent, under a cap raised to let it through.
    let huge_msg = "m".repeat(20 * 1024 * 1024);
    let body = json!({
        "success": false,
        "errorMsg": format!("bad\u{0}thing {huge_msg}"),
        "errors": {"email": "x".repeat(2 * 1024 * 1024), "list": vec!["e".repeat(3000); 100]},
    })
    .to_string();
    let server = HostileServer::start(Hostile::json(400, &body));
    let recorder = Arc::new(Recorder::default());
    let roomy = TransportSettings {
        max_response_bytes: 32 * 1024 * 1024,
        ..settings()
    };
    let crm = client_with(server.url(), roomy, Some(recorder.clone()));
    let error = match deliver_order(&crm) {
        Outcome::Refused(error) => error,
        other => panic!("{other:?}"),
    };
    let ApiError::Response(response) = &error else {
        panic!("{error:?}");
    };
    assert!(
        response.error_msg.starts_with("bad\\0thing mmm"),
        "{}",
        &response.error_msg[..40]
    );
    assert!(
        response.error_msg.ends_with(&format!(
            "m… [cut {} bytes]",
            "bad\0thing ".len() + huge_msg.len() - 2048
        )),
        "{}",
        &response.error_msg[response.error_msg.len() - 60..]
    );
    assert!(error.to_string().len() < 2200);
    assert!(!error.to_string().contains('\0'));
    assert!(
        response.errors.to_string().len() < 12 * 1024,
        "{}",
        response.errors.to_string().len()
    );
    assert!(response.errors.to_string().contains("[cut 2095104 bytes]"));
    let kept = response
        .body
        .as_ref()
        .map(|b| b.to_string().len())
        .unwrap_or(0);
    assert!(kept < 12 * 1024, "the whole answer kept: {kept} bytes");
    let exchanges = recorder.0.lock().unwrap();
    assert_eq!(exchanges.len(), 1);
    let line = format_exchange(&exchanges[0], OffsetDateTime::now_utc(), true);
    assert!(
        line.len() < 17 * 1024 && line.contains("… [cut "),
        "a log line of {} bytes",
        line.len()
    );
}

#[test]
fn an_html_error_page_is_quoted_short_and_retried() {
    let page = format!(
        "<html><body>{}</body></html>",
        "<p>Service \u{0} down</p>".repeat(100_000)
    );
    let mut bytes = page.into_bytes();
    bytes.extend_from_slice(b"\xff\xfe invalid utf-8");
    let server = HostileServer::start(Hostile::Answer {
        status: 500,
        headers: "Content-Type: text/html\r\n".into(),
        body: bytes,
    });
    let error = retried(deliver_order(&client(server.url())));
    let message = error.to_string();
    assert!(message.len() < 400, "{message}");
    assert!(
        message.contains("body that is not JSON: <html><body><p>Service \\0 down"),
        "{message}"
    );
    assert!(message.contains("… [cut "), "{message}");
}
