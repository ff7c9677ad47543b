//! `php -S` (the built-in server, SAPI cli-server) with the extension and a router of
//! tests/php, for the tests of what happens around an HTTP request.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::extension;

/// `php -S` with the extension and a router from tests/php, on a free loopback port;
/// stopped (by its process id) when dropped.
pub struct BuiltInServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl BuiltInServer {
    pub fn start(router: &str, env: &[(&str, &str)], dir: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let log = dir.join("server.log");
        let router = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/php")
            .join(router);
        let child = Command::new("php")
            .arg("-n")
            .arg("-d")
            .arg(format!("extension={}", extension().display()))
            .arg("-S")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-t")
            .arg(dir)
            .arg(&router)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("the server log can be written"))
            .spawn()
            .expect("php -S starts");
        let server = BuiltInServer { child, port, log };
        server.wait_until("the built-in server accepts connections", || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        server
    }

    /// The whole HTTP response to `GET path`: it is complete when the server closes the
    /// connection, which the built-in server does once the request, shutdown functions
    /// included, is over.
    pub fn get(&self, path: &str) -> String {
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        String::from_utf8_lossy(&self.send(request.as_bytes())).into_owned()
    }

    /// Sends the raw HTTP request `request` and returns the whole response (see [`Self::get`]).
    pub fn send(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a read timeout");
        stream.write_all(request).expect("the request is sent");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap_or_else(|error| {
            panic!(
                "no complete response ({error}): did it wait for the CRM? server log:\n{}",
                self.log()
            )
        });
        response
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server as Ctrl-C does (SIGINT: PHP shuts its modules down) and returns
    /// how it exited.
    pub fn interrupt(&mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGINT was sent");
        self.child.wait().expect("the server exits")
    }

    /// What the server wrote to its standard error (PHP's errors and its request log).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Checks `condition` until it holds; fails the test after a minute.
    pub fn wait_until(&self, what: &str, mut condition: impl FnMut() -> bool) {
        let give_up = Instant::now() + Duration::from_secs(60);
        while !condition() {
            assert!(
                Instant::now() < give_up,
                "gave up waiting until {what}; server log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for BuiltInServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
