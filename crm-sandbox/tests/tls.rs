//! The optional HTTPS listener: a client trusting the CA printed at start connects and
//! reaches the same CRM as over HTTP; a client that does not trust it is refused during the
//! handshake, and no request reaches the CRM.

use crm_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use serde_json::{Value, json};

const KEY: &str = "sandbox-key";

async fn start_with_tls() -> RunningSandbox {
    let config = SandboxConfig {
        tls_port: Some(0),
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.expect("the sandbox starts")
}

/// A rustls client that trusts only `ca_pem`.
fn trusting(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("a PEM certificate");
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .expect("a client")
}

async fn logged(sandbox: &RunningSandbox) -> Vec<Value> {
    let url = format!("{}/__control/requests", sandbox.url());
    let text = reqwest::get(url)
        .await
        .expect("an answer")
        .text()
        .await
        .expect("a body");
    let answer: Value = serde_json::from_str(&text).expect("JSON");
    answer["requests"].as_array().cloned().expect("a list")
}

#[tokio::test]
async fn a_client_trusting_the_ca_reaches_the_same_crm_over_https() {
    let sandbox = start_with_tls().await;
    let https = sandbox.https_url().expect("an HTTPS listener");
    assert!(https.starts_with("https://127.0.0.1:"), "{https}");
    assert_ne!(
        https.trim_start_matches("https://"),
        sandbox.url().trim_start_matches("http://")
    );
    let ca = sandbox.ca_pem().expect("a CA");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");
    assert_ne!(Some(ca), sandbox.cert_pem());

    let client = trusting(ca);
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("{}/api/api-versions", https.replace("127.0.0.1", host));
        let answer = client.get(url).header("X-API-KEY", KEY).send().await;
        let answer = answer.unwrap_or_else(|error| panic!("{host}: {error:?}"));
        assert_eq!(answer.status(), 200, "{host}");
    }
    let created = client
        .post(format!("{https}/api/v5/customers/create"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "apiKey={KEY}&site=shop&customer=%7B%22externalId%22%3A%22tls-1%22%7D"
        ))
        .send()
        .await
        .expect("an answer");
    assert_eq!(created.status(), 201);
    let over_http = reqwest::Client::new()
        .get(format!(
            "{}/api/v5/customers/tls-1?site=shop",
            sandbox.url()
        ))
        .header("X-API-KEY", KEY)
        .send()
        .await
        .expect("an answer");
    assert_eq!(over_http.status(), 200);
    assert_eq!(logged(&sandbox).await.len(), 4);
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_is_refused() {
    let sandbox = start_with_tls().await;
    let https = sandbox.https_url().expect("an HTTPS listener");
    let other = start_with_tls().await;
    let strangers = [
        reqwest::Client::builder()
            .build()
            .expect("a client with the usual roots"),
        trusting(other.ca_pem().expect("another CA")),
    ];
    for client in strangers {
        let error = client
            .get(format!("{https}/api/api-versions"))
            .header("X-API-KEY", KEY)
            .send()
            .await
            .expect_err("the certificate is not trusted");
        assert!(error.is_connect(), "{error:?}");
        let chain = format!("{error:?}");
        assert!(
            chain.contains("certificate") || chain.contains("Certificate"),
            "{chain}"
        );
    }
    assert_eq!(logged(&sandbox).await, Vec::<Value>::new());
    let answer = trusting(sandbox.ca_pem().expect("its CA"))
        .get(format!("{https}/api/api-versions"))
        .header("X-API-KEY", KEY)
        .send()
        .await
        .expect("the listener still serves");
    let body: Value = serde_json::from_str(&answer.text().await.expect("a body")).expect("JSON");
    assert_eq!(
        body,
        json!({"success": true, "versions": ["3.0", "4.0", "5.0"]})
    );
}

#[tokio::test]
async fn plain_http_sent_to_the_https_port_gets_no_answer() {
    let sandbox = start_with_tls().await;
    let port = sandbox.https_url().expect("an HTTPS listener");
    let plain = port.replace("https://", "http://");
    let error = reqwest::Client::new()
        .get(format!("{plain}/api/api-versions"))
        .header("X-API-KEY", KEY)
        .send()
        .await
        .expect_err("no HTTP answer on the HTTPS port");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    assert!(sandbox.https_url().is_some());
    let http_only = Sandbox::start(SandboxConfig::default())
        .await
        .expect("starts");
    assert_eq!((http_only.https_url(), http_only.ca_pem()), (None, None));
}
