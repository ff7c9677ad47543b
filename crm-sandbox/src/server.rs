//! Starting and stopping a sandbox: a loopback listener (and optionally an HTTPS one beside
//! it), one task per connection.

use crate::app::{App, router};
use crate::config::SandboxConfig;
use crate::connection;
use crate::tls::Keys;
use axum::Router;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// The pause after a failed accept (e.g. out of file descriptors) before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Starts sandboxes.
#[derive(Debug, Clone, Copy)]
pub struct Sandbox;

impl Sandbox {
    /// Binds `config.host:config.port` (loopback only; port 0 picks a free port) and serves
    /// on the current Tokio runtime until [`RunningSandbox::shutdown`] or drop.
    pub async fn start(config: SandboxConfig) -> io::Result<RunningSandbox> {
        if !config.host.is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "the sandbox listens on loopback only, not on {}",
                    config.host
                ),
            ));
        }
        let listener = TcpListener::bind(SocketAddr::new(config.host, config.port)).await?;
        let addr = listener.local_addr()?;
        let https = match config.tls_port {
            None => None,
            Some(port) => {
                let keys = Keys::generate()?;
                let listener = TcpListener::bind(SocketAddr::new(config.host, port)).await?;
                Some((listener, keys))
            }
        };
        let router = router(App::new(&config));
        let (stop, stopped) = watch::channel(false);
        let mut servers = vec![tokio::spawn(accept(
            listener,
            None,
            router.clone(),
            stopped.clone(),
        ))];
        let mut tls = None;
        if let Some((listener, keys)) = https {
            let tls_addr = listener.local_addr()?;
            let acceptor = Some(keys.acceptor.clone());
            servers.push(tokio::spawn(accept(listener, acceptor, router, stopped)));
            tls = Some((tls_addr, keys));
        }
        Ok(RunningSandbox {
            addr,
            tls,
            stop,
            servers,
            runtime: None,
        })
    }
}

/// A sandbox serving requests; dropping it stops it.
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    /// The HTTPS listener's address and keys, when there is one.
    tls: Option<(SocketAddr, Keys)>,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
    runtime: Option<Runtime>,
}

impl RunningSandbox {
    /// Starts a sandbox on a runtime of its own (two worker threads), for code that has no
    /// runtime, such as plain `#[test]` functions (it also works inside a runtime).
    pub fn spawn_blocking(config: SandboxConfig) -> io::Result<RunningSandbox> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("crm-sandbox")
            .enable_all()
            .build()?;
        // Started by a task rather than `block_on`, so that this works inside a runtime too.
        let (started, result) = std::sync::mpsc::channel();
        runtime.spawn(async move {
            let _ = started.send(Sandbox::start(config).await);
        });
        let mut sandbox = result
            .recv()
            .map_err(|_| io::Error::other("the sandbox's runtime stopped while starting"))??;
        sandbox.runtime = Some(runtime);
        Ok(sandbox)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of the CRM, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of the HTTPS listener, e.g. `https://127.0.0.1:41235`, when
    /// [`SandboxConfig::tls_port`] asked for one.
    pub fn https_url(&self) -> Option<String> {
        self.tls.as_ref().map(|(addr, _)| format!("https://{addr}"))
    }

    /// The CA certificate (PEM) that signed the HTTPS listener's certificate: what a client
    /// trusts to verify the sandbox.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|(_, keys)| keys.ca_pem.as_str())
    }

    /// The HTTPS listener's certificate (PEM), valid for `localhost`, `127.0.0.1` and `::1`.
    pub fn cert_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|(_, keys)| keys.cert_pem.as_str())
    }

    /// Stops accepting, closes every connection (pending requests get no answer), and waits
    /// until the listeners are closed.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        for server in std::mem::take(&mut self.servers) {
            // The accept loop ends on the stop signal; a panic there has nothing to report.
            let _ = server.await;
        }
    }
}

impl Drop for RunningSandbox {
    /// Stops the sandbox. One started by [`RunningSandbox::spawn_blocking`] has its runtime
    /// shut down: outside any runtime this waits until every connection is closed; inside
    /// one (where blocking is not allowed) it happens in the background.
    fn drop(&mut self) {
        self.stop.send_replace(true);
        if let Some(runtime) = self.runtime.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            } else {
                drop(runtime);
            }
        }
    }
}

async fn accept(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) {
    let connection_stop = stop.clone();
    loop {
        tokio::select! {
            () = connection::stopped(&mut stop) => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let serve = connection::serve(stream, tls.clone(), router.clone(), connection_stop.clone());
                    tokio::spawn(serve);
                }
                Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
            },
        }
    }
}
