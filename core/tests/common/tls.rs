//! TLS servers for the tests: `openssl s_server` with certificates made fresh for each test.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `openssl s_server` with a freshly made self-signed certificate for localhost.
pub struct TlsServer {
    child: Child,
    /// The loopback port it accepts on.
    pub port: u16,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("modretailcrm-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn openssl(args: &[&str], dir: &Path) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs (scripts/setup.sh installs it)");
    assert!(status.success(), "openssl {args:?}");
}

/// A fresh RSA key and a self-signed certificate for `subject` (valid a day), written to
/// `key` and `cert` in `dir`; `extra` goes on the `openssl req` line.
fn self_signed(dir: &Path, subject: &str, extra: &[&str], key: &str, cert: &str) {
    let mut args = vec![
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", subject,
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-keyout", key, "-out", cert]);
    openssl(&args, dir);
}

/// `openssl s_server` on a free port with `cert.pem` and `key.pem` of `dir`: with `www`, it
/// serves the files below `dir/www` (`-WWW`), else a status page (`-www`).
fn tls_server(dir: TempDir, www: bool) -> TlsServer {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("openssl")
        .args(["s_server", if www { "-WWW" } else { "-www" }])
        .args(["-accept", &port.to_string()])
        .arg("-cert")
        .arg(dir.0.join("cert.pem"))
        .arg("-key")
        .arg(dir.0.join("key.pem"))
        .current_dir(if www {
            dir.0.join("www")
        } else {
            dir.0.clone()
        })
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut ready = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("ACCEPT") {
        line.clear();
        assert!(
            ready.read_line(&mut line).unwrap() > 0,
            "openssl s_server did not start"
        );
    }
    TlsServer {
        child,
        port,
        _dir: dir,
    }
}

/// A TLS server with a freshly made self-signed certificate for localhost.
pub fn untrusted_tls_server() -> TlsServer {
    let dir = temp_dir("tls");
    self_signed(
        &dir.0,
        "/CN=localhost",
        &["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        "key.pem",
        "cert.pem",
    );
    tls_server(dir, false)
}

/// A TLS server for localhost whose certificate a fresh test CA signed, serving
/// `/api/api-versions`, and a bundle file of the system's roots plus that CA.
pub fn tls_server_of_a_test_ca() -> (TlsServer, std::path::PathBuf) {
    let dir = temp_dir("tls-ca");
    self_signed(&dir.0, "/CN=modretailcrm-test-ca", &[], "ca.key", "ca.pem");
    openssl(
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ],
        &dir.0,
    );
    std::fs::write(
        dir.0.join("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "ext.cnf",
            "-out",
            "cert.pem",
        ],
        &dir.0,
    );
    let mut bundle = std::fs::read("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    bundle.extend(std::fs::read(dir.0.join("ca.pem")).unwrap());
    let bundle_path = dir.0.join("bundle.pem");
    std::fs::write(&bundle_path, bundle).unwrap();
    std::fs::create_dir_all(dir.0.join("www/api")).unwrap();
    std::fs::write(
        dir.0.join("www/api/api-versions"),
        r#"{"success":true,"versions":["5.0"]}"#,
    )
    .unwrap();
    (tls_server(dir, true), bundle_path)
}
