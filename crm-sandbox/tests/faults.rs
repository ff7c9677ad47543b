//! Fault injection: delay, reset, blackhole, error statuses with HTML or empty bodies, the
//! 405 page of a missing account; counts, queue order, clearing, and the log of faulted
//! requests.

mod common;

use common::{Crm, KEY};
use serde_json::json;
use std::io::ErrorKind;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const VERSIONS: &str = "/api/api-versions";

/// Sends a raw GET for the API versions on a new connection.
async fn raw_request(crm: &Crm) -> TcpStream {
    let mut stream = TcpStream::connect(crm.sandbox.addr())
        .await
        .expect("a connection");
    let request = format!("GET {VERSIONS} HTTP/1.1\r\nHost: crm\r\nX-API-KEY: {KEY}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    stream
}

#[tokio::test]
async fn delay_answers_normally_after_the_delay() {
    let crm = Crm::start().await;
    crm.control_post(
        "faults",
        json!({"mode": "delay", "delay_ms": 300, "count": 1}),
    )
    .await;
    let start = Instant::now();
    let answer = crm.get(VERSIONS, "").await;
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["versions"], json!(["3.0", "4.0", "5.0"]));
    let start = Instant::now();
    crm.get(VERSIONS, "").await;
    assert!(
        start.elapsed() < Duration::from_millis(300),
        "the fault was used up"
    );
}

#[tokio::test]
async fn reset_closes_the_connection_without_an_answer() {
    let crm = Crm::start().await;
    crm.control_post("faults", json!({"mode": "reset", "count": 1}))
        .await;
    let mut stream = raw_request(&crm).await;
    let mut buffer = [0u8; 256];
    let read = stream.read(&mut buffer).await;
    assert!(
        matches!(&read, Err(error) if error.kind() == ErrorKind::ConnectionReset),
        "a TCP reset, got {read:?}"
    );

    crm.control_post("faults", json!({"mode": "reset", "count": 1}))
        .await;
    let error = crm
        .http
        .get(crm.url(VERSIONS))
        .header("X-API-KEY", KEY)
        .send()
        .await
        .expect_err("an HTTP client sees a failed request");
    assert!(!error.is_timeout(), "{error}");
    assert_eq!(
        crm.get(VERSIONS, "").await.status,
        200,
        "only `count` requests are affected"
    );

    let log = crm.requests().await;
    let statuses: Vec<_> = log.iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, [json!(null), json!(null), json!(200)]);
}

#[tokio::test]
async fn blackhole_holds_the_request_until_faults_are_cleared() {
    let crm = Crm::start().await;
    crm.control_post("faults", json!({"mode": "blackhole"}))
        .await;
    let mut stream = raw_request(&crm).await;
    let mut buffer = [0u8; 256];
    let silent = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buffer)).await;
    assert!(silent.is_err(), "no answer while blackholed: {silent:?}");
    let mut second = raw_request(&crm).await;
    crm.wait_for_requests(2).await;

    let cleared = crm.control(reqwest::Method::DELETE, "faults", None).await;
    assert_eq!(cleared.status, 200);
    for stream in [&mut stream, &mut second] {
        let read = stream.read(&mut buffer).await;
        assert!(
            matches!(read, Err(_) | Ok(0)),
            "the connection is closed, got {read:?}"
        );
    }
    let log = crm.requests().await;
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r["status"].is_null() && r["path"] == VERSIONS)
    );
    assert_eq!(crm.get(VERSIONS, "").await.status, 200);
}

#[tokio::test]
async fn shutdown_closes_blackholed_connections() {
    let crm = Crm::start().await;
    crm.control_post("faults", json!({"mode": "blackhole", "count": 1}))
        .await;
    let mut stream = raw_request(&crm).await;
    crm.wait_for_requests(1).await;
    crm.sandbox.shutdown().await;
    let mut buffer = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer))
        .await
        .expect("closed, not left hanging");
    assert!(matches!(read, Err(_) | Ok(0)), "{read:?}");
}

#[tokio::test]
async fn status_answers_an_html_page_or_an_empty_body() {
    let crm = Crm::start().await;
    crm.control_post(
        "faults",
        json!({"mode": "status", "status": 503, "count": 1}),
    )
    .await;
    crm.control_post(
        "faults",
        json!({"mode": "status", "status": 502, "count": 1, "empty_body": true}),
    )
    .await;
    crm.control_post(
        "faults",
        json!({"mode": "status", "status": 429, "count": 2}),
    )
    .await;

    let page = crm.get(VERSIONS, "").await;
    assert_eq!(page.status, 503);
    assert!(
        page.text.starts_with("<html>") && page.text.contains("503 Service Unavailable"),
        "{}",
        page.text
    );
    let empty = crm.get(VERSIONS, "").await;
    assert_eq!((empty.status, empty.text.as_str()), (502, ""));
    assert_eq!(crm.get(VERSIONS, "").await.status, 429);
    assert_eq!(crm.get(VERSIONS, "").await.status, 429);
    assert_eq!(
        crm.get(VERSIONS, "").await.status,
        200,
        "the queue is empty"
    );

    let statuses: Vec<_> = crm
        .requests()
        .await
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!(503), json!(502), json!(429), json!(429), json!(200)]
    );
}

#[tokio::test]
async fn html405_is_the_page_of_a_missing_account() {
    let crm = Crm::start().await;
    crm.control_post("faults", json!({"mode": "html405", "count": 1}))
        .await;
    let response = crm
        .http
        .post(crm.url("/api/v5/orders/create"))
        .header("X-API-KEY", KEY)
        .body("site=shop")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 405);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("text")
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        response
            .text()
            .await
            .expect("a body")
            .contains("405 Not Allowed")
    );
}

#[tokio::test]
async fn a_fault_without_count_stays_until_cleared_and_faults_even_precede_the_key_check() {
    let crm = Crm::start().await;
    crm.control_post("faults", json!({"mode": "status", "status": 500}))
        .await;
    crm.control_post(
        "faults",
        json!({"mode": "status", "status": 502, "count": 1}),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(crm.get_as("wrong-key", VERSIONS, "").await.status, 500);
    }
    crm.control(reqwest::Method::DELETE, "faults", None).await;
    assert_eq!(crm.get_as("wrong-key", VERSIONS, "").await.status, 403);
    assert_eq!(
        crm.get(VERSIONS, "").await.status,
        200,
        "clearing dropped the queued 502 too"
    );
}

#[tokio::test]
async fn invalid_fault_requests_are_refused() {
    let crm = Crm::start().await;
    for body in [
        json!({"mode": "delay"}),
        json!({"mode": "status", "status": 42}),
        json!({"mode": "teleport"}),
        json!({"mode": "reset", "count": 0}),
        json!({"mode": "reset", "cuont": 1}),
    ] {
        let answer = crm
            .control(reqwest::Method::POST, "faults", Some(body.clone()))
            .await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(answer.body["success"], false);
        assert!(answer.body["error"].is_string());
    }
    assert_eq!(crm.get(VERSIONS, "").await.status, 200);
}

#[tokio::test]
async fn late_answer_makes_the_change_before_the_answer_is_lost() {
    let crm = Crm::start().await;
    crm.control_post(
        "faults",
        json!({"mode": "late_answer", "delay_ms": 60000, "count": 1}),
    )
    .await;
    let body = common::form(&[
        ("customer", &json!({"externalId": "late-1"}).to_string()),
        ("site", "shop"),
    ]);
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("a client");
    let sent = impatient
        .post(crm.url("/api/v5/customers/create"))
        .header("X-API-KEY", KEY)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    assert!(sent.is_err_and(|e| e.is_timeout()), "no answer in time");
    let stored = crm.fetch("customers", "late-1", "externalId").await;
    assert_eq!(
        stored.status, 200,
        "the CRM made the change: {}",
        stored.text
    );
}
