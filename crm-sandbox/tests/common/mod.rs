//! Helpers of the sandbox's integration tests: a sandbox on a free port with an HTTP client
//! speaking RetailCRM's wire format, the control API, and a loopback receiver for triggers.

#![allow(dead_code)]

use crm_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The API key of the built-in seed.
pub const KEY: &str = "sandbox-key";
/// The seed's second key, for changes made "by another integration".
pub const OTHER_KEY: &str = "other-key";

/// A started sandbox and a client for it.
pub struct Crm {
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
}

/// An answer: status and JSON body (null when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub text: String,
}

/// `name=value&…` encoded as PHP's http_build_query does for flat fields.
pub fn form(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

impl Crm {
    /// A sandbox with the default config (no rate limit).
    pub async fn start() -> Crm {
        Crm::start_with(SandboxConfig::default()).await
    }

    /// A sandbox with `config`.
    pub async fn start_with(config: SandboxConfig) -> Crm {
        let sandbox = Sandbox::start(config).await.expect("the sandbox starts");
        let http = reqwest::Client::builder()
            .user_agent("sandbox-tests/1")
            .build()
            .expect("a client");
        Crm { sandbox, http }
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.url())
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, body, text }
    }

    /// GET `path?query` with the API key header.
    pub async fn get(&self, path: &str, query: &str) -> Answer {
        self.get_as(KEY, path, query).await
    }

    /// GET `path?query` with API key `key`.
    pub async fn get_as(&self, key: &str, path: &str, query: &str) -> Answer {
        let url = if query.is_empty() {
            self.url(path)
        } else {
            format!("{}?{query}", self.url(path))
        };
        let response = self
            .http
            .get(url)
            .header("X-API-KEY", key)
            .send()
            .await
            .expect("an answer");
        Crm::answer(response).await
    }

    /// POST `path` with a form body and the API key header.
    pub async fn post(&self, path: &str, body: String) -> Answer {
        self.post_as(KEY, path, body).await
    }

    /// POST `path` with a form body and API key `key`.
    pub async fn post_as(&self, key: &str, path: &str, body: String) -> Answer {
        let response = self
            .http
            .post(self.url(path))
            .header("X-API-KEY", key)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("an answer");
        Crm::answer(response).await
    }

    /// POST `path` with `body` of type `content_type`, and no key other than what `path` and
    /// `body` carry.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
        let response = self
            .http
            .post(self.url(path))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("an answer");
        Crm::answer(response).await
    }

    /// POST `{kind}/create` with `entity` for site `shop`.
    pub async fn create(&self, kind: &str, entity: Value) -> Answer {
        let entity_name = kind.trim_end_matches('s');
        let body = form(&[(entity_name, &entity.to_string()), ("site", "shop")]);
        self.post(&format!("/api/v5/{kind}/create"), body).await
    }

    /// POST `{kind}/{id}/edit` with `entity` for site `shop` (by externalId).
    pub async fn edit(&self, kind: &str, id: &str, entity: Value) -> Answer {
        let entity_name = kind.trim_end_matches('s');
        let body = form(&[(entity_name, &entity.to_string()), ("site", "shop")]);
        self.post(&format!("/api/v5/{kind}/{}/edit", encode(id)), body)
            .await
    }

    /// GET `{kind}/{id}` for site `shop` with `by`.
    pub async fn fetch(&self, kind: &str, id: &str, by: &str) -> Answer {
        self.get(
            &format!("/api/v5/{kind}/{}", encode(id)),
            &form(&[("site", "shop"), ("by", by)]),
        )
        .await
    }

    /// A control call: `method` on `/__control/{path}` with an optional JSON body.
    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, self.url(&format!("/__control/{path}")));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        Crm::answer(request.send().await.expect("a control answer")).await
    }

    /// POST a control call and check it succeeded.
    pub async fn control_post(&self, path: &str, body: Value) -> Value {
        let answer = self.control(reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        answer.body
    }

    /// The requests the sandbox logged.
    pub async fn requests(&self) -> Vec<Value> {
        let answer = self.control(reqwest::Method::GET, "requests", None).await;
        answer.body["requests"]
            .as_array()
            .cloned()
            .expect("a list of requests")
    }

    /// Waits until the sandbox has logged `count` requests: the gate logs a request right
    /// before applying faults to it, so a logged request is one the faults have met.
    pub async fn wait_for_requests(&self, count: usize) {
        let waiting = async {
            while self.requests().await.len() < count {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .expect("the requests arrive within 10 s");
    }

    /// Creates customer `external_id` in site `shop`.
    pub async fn customer(&self, external_id: &str) -> u64 {
        let answer = self
            .create(
                "customers",
                json!({"externalId": external_id, "firstName": "Anna"}),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.body["id"].as_u64().expect("an id")
    }
}

/// The boundary [`multipart`] uses, as PHP's curl makes them.
pub const BOUNDARY: &str = "------------------------a1b2c3d4e5f60718";

/// `fields` as PHP's curl sends an array given to `CURLOPT_POSTFIELDS`: `multipart/form-data`
/// with [`BOUNDARY`], one part per field. Answers the content type and the body.
pub fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    (
        format!("multipart/form-data; boundary={BOUNDARY}"),
        body.into_bytes(),
    )
}

/// Percent-encodes a path segment as rawurlencode does.
pub fn encode(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A loopback HTTP receiver that answers 200 to everything and hands over each raw request.
pub struct Receiver {
    pub addr: SocketAddr,
    requests: mpsc::UnboundedReceiver<String>,
}

impl Receiver {
    /// Starts listening on a free loopback port.
    pub async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        let (sender, requests) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let sender = sender.clone();
                tokio::spawn(async move {
                    let request = read_request(&mut stream).await;
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                        )
                        .await;
                    let _ = sender.send(request);
                });
            }
        });
        Receiver { addr, requests }
    }

    /// The next request received (fails the test after 10 s without one).
    pub async fn next(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(10), self.requests.recv())
            .await
            .expect("a request within 10 s")
            .expect("the receiver runs")
    }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> String {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(read) = stream.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        data.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&data);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&data).into_owned()
}
