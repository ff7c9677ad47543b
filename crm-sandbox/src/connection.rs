//! Serving one TCP connection, plain or TLS, with the power to drop it: a handler that answers
//! [`DropConnection`] makes the connection close with a TCP reset and no response, as a
//! crashed or misbehaving server would.

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{Service, service_fn};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};
use tokio_rustls::TlsAcceptor;

/// Marks a response that must not be sent: the connection is reset instead.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

impl DropConnection {
    /// A response carrying the mark.
    pub fn response() -> Response {
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(DropConnection);
        response
    }
}

/// Asks a connection to end with a reset.
#[derive(Debug, Default)]
struct Kill {
    requested: AtomicBool,
    notify: Notify,
}

/// The TCP stream of a connection, which on drop resets rather than closes when killed.
struct Stream {
    inner: TcpStream,
    kill: Arc<Kill>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        if self.kill.requested.load(Ordering::SeqCst) {
            // SO_LINGER 0: close() sends RST. If it fails, a plain close still ends it.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Serves HTTP/1.1 on `stream` (over TLS when given an acceptor) with `router` until the
/// client leaves, a handler drops the connection, or `stop` turns true. A failed TLS
/// handshake (e.g. a client that does not trust the certificate) ends the connection.
pub async fn serve(
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) {
    let kill = Arc::new(Kill::default());
    let stream = Stream {
        inner: stream,
        kill: kill.clone(),
    };
    match tls {
        None => serve_http(TokioIo::new(stream), kill, router, stop).await,
        Some(acceptor) => {
            let handshake = tokio::select! {
                handshake = acceptor.accept(stream) => handshake,
                () = stopped(&mut stop) => return,
            };
            if let Ok(stream) = handshake {
                serve_http(TokioIo::new(stream), kill, router, stop).await;
            }
        }
    }
}

async fn serve_http<I>(
    io: TokioIo<I>,
    kill: Arc<Kill>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(router);
    let handler_kill = kill.clone();
    let handler = service_fn(move |request: hyper::Request<Incoming>| {
        let answer = service.call(request);
        let kill = handler_kill.clone();
        async move {
            let response = answer.await?;
            if response.extensions().get::<DropConnection>().is_some() {
                kill.requested.store(true, Ordering::SeqCst);
                kill.notify.notify_one();
                std::future::pending::<()>().await;
            }
            Ok::<_, Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, handler);
    tokio::select! {
        _ = connection => {}
        _ = kill.notify.notified() => {}
        () = stopped(&mut stop) => {}
    }
}

/// Returns once `stop` turns true (or its sender is gone).
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    // An error means the sender was dropped, which also means stop.
    let _ = stop.wait_for(|stopped| *stopped).await;
}
