//! One outgoing HTTP/1.1 request to a loopback address, for triggers.

use axum::body::Body;
use axum::http::{Method, Request, header};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use tokio::net::TcpStream;
use url::Url;

/// The most of an answer's body that is read (the rest is dropped).
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Sends `method` to `url` at `addr`, with `body` as a form when given; answers the status.
pub async fn send(
    addr: SocketAddr,
    method: Method,
    url: &Url,
    body: Option<String>,
) -> Result<u16, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|error| format!("cannot connect to {addr}: {error}"))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Body>(TokioIo::new(stream))
            .await
            .map_err(|error| format!("HTTP handshake failed: {error}"))?;
    let driver = tokio::spawn(connection);
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let mut request = Request::builder()
        .method(method)
        .uri(target)
        .header(header::HOST, host)
        .header(header::USER_AGENT, "crm-sandbox trigger");
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let request = request
        .body(Body::from(body.unwrap_or_default()))
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let answer = sender
        .send_request(request)
        .await
        .map_err(|error| format!("no answer: {error}"));
    let status = match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            // The body is read to let the receiver finish; its content does not matter.
            let _ = axum::body::to_bytes(Body::new(response.into_body()), MAX_ANSWER_BYTES).await;
            Ok(status)
        }
        Err(error) => Err(error),
    };
    driver.abort();
    status
}
