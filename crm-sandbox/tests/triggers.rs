//! The trigger: a status change (by a manager through the control API, or through the API)
//! sends the configured HTTP request with rendered parameters to a loopback receiver.

mod common;

use common::{Crm, Receiver};
use serde_json::json;

#[tokio::test]
async fn a_managers_status_change_sends_a_get_with_rendered_parameters() {
    let crm = Crm::start().await;
    let mut receiver = Receiver::start().await;
    crm.create(
        "orders",
        json!({"externalId": "2311 12/a", "number": "2311/12"}),
    )
    .await;
    let url = format!(
        "http://127.0.0.1:{}/webhook?secret=s3",
        receiver.addr.port()
    );
    crm.control_post(
        "trigger",
        json!({"url": url, "method": "GET", "params": {
            "order": "{{ order.externalId }}", "status": "{{order.status.code}}",
            "id": "{{ order.id }}", "number": "№{{ order.number }}"}}),
    )
    .await;

    let changed = crm
        .control_post("orders/2311 12%2Fa/status", json!({"status": "complete"}))
        .await;
    assert_eq!(changed["order"]["status"], "complete");
    let request = receiver.next().await;
    let first_line = request.lines().next().unwrap_or_default().to_string();
    assert_eq!(
        first_line,
        "GET /webhook?secret=s3&order=2311+12%2Fa&status=complete&id=1&number=%E2%84%962311%2F12 HTTP/1.1"
    );

    // The control call answered after the trigger call finished, so it is recorded already.
    let calls = crm
        .control(reqwest::Method::GET, "triggers", None)
        .await
        .body;
    let call = &calls["triggers"][0];
    assert_eq!(call["seq"], 1);
    assert_eq!(call["method"], "GET");
    assert_eq!(call["status"], 200);
    assert_eq!(call["params"]["status"], "complete");
    assert_eq!(call["order"], json!({"id": 1, "externalId": "2311 12/a"}));

    // Setting the same status again is no change: no call.
    crm.control_post("orders/2311 12%2Fa/status", json!({"status": "complete"}))
        .await;
    let calls = crm
        .control(reqwest::Method::GET, "triggers", None)
        .await
        .body;
    assert_eq!(calls["triggers"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_api_status_change_sends_a_post_form() {
    let crm = Crm::start().await;
    let mut receiver = Receiver::start().await;
    crm.create("orders", json!({"externalId": "o-1"})).await;
    let url = format!("http://localhost:{}/hook", receiver.addr.port());
    crm.control_post(
        "trigger",
        json!({"url": url, "method": "post", "params": {"order": "{{ order.externalId }}", "status": "{{ order.status.code }}"}}),
    )
    .await;

    crm.edit(
        "orders",
        "o-1",
        json!({"managerComment": "no status change"}),
    )
    .await;
    let edited = crm
        .edit("orders", "o-1", json!({"status": "delivering"}))
        .await;
    assert_eq!(edited.status, 200);
    let request = receiver.next().await;
    assert!(request.starts_with("POST /hook HTTP/1.1\r\n"), "{request}");
    assert!(
        request
            .to_ascii_lowercase()
            .contains("content-type: application/x-www-form-urlencoded"),
        "{request}"
    );
    assert!(
        request.ends_with("\r\n\r\norder=o-1&status=delivering"),
        "{request}"
    );

    // Listing the calls waits for the one under way.
    let calls = crm
        .control(reqwest::Method::GET, "triggers", None)
        .await
        .body;
    assert_eq!(calls["triggers"].as_array().map(Vec::len), Some(1));
    assert_eq!(calls["triggers"][0]["status"], 200);
    assert_eq!(calls["triggers"][0]["body"], "order=o-1&status=delivering");
}

#[tokio::test]
async fn a_removed_or_unreachable_trigger_and_non_loopback_urls() {
    let crm = Crm::start().await;
    crm.create("orders", json!({"externalId": "o-1"})).await;
    for url in [
        "http://192.0.2.1/hook",
        "http://example.com/hook",
        "ftp://127.0.0.1/",
    ] {
        let refused = crm
            .control(reqwest::Method::POST, "trigger", Some(json!({"url": url})))
            .await;
        assert_eq!(refused.status, 400, "{url}");
        assert!(refused.body["error"].is_string());
    }

    // A port nobody listens on: the call is recorded with its error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("an address").port();
    drop(closed);
    crm.control_post(
        "trigger",
        json!({"url": format!("http://127.0.0.1:{port}/"), "params": {}}),
    )
    .await;
    crm.control_post("orders/o-1/status", json!({"status": "assembling"}))
        .await;
    let calls = crm
        .control(reqwest::Method::GET, "triggers", None)
        .await
        .body;
    assert_eq!(calls["triggers"][0]["status"], json!(null));
    assert!(
        calls["triggers"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("connect")),
        "{calls}"
    );

    assert_eq!(
        crm.control(reqwest::Method::DELETE, "trigger", None)
            .await
            .status,
        200
    );
    crm.control_post("orders/o-1/status", json!({"status": "complete"}))
        .await;
    let calls = crm
        .control(reqwest::Method::GET, "triggers", None)
        .await
        .body;
    assert_eq!(
        calls["triggers"].as_array().map(Vec::len),
        Some(1),
        "no call without a trigger"
    );

    crm.control_post("reset", json!({})).await;
    let calls = crm
        .control(reqwest::Method::GET, "triggers", None)
        .await
        .body;
    assert_eq!(calls["triggers"], json!([]));
}
