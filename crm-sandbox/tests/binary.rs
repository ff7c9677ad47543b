//! The `crm-sandbox` binary: announces its address on stdout, serves, stops on SIGTERM,
//! loads a seed file, and refuses to listen beyond loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The started binary; killed if a test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm-sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a line on stdout");
    let url = line
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end()
        .to_string();
    (Running(child), url)
}

/// A plain HTTP/1.0 GET; answers the status line and the body.
fn get(url: &str, path: &str, key: &str) -> (String, String) {
    let host = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("a connection");
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nX-API-KEY: {key}\r\n\r\n"
    )
    .expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    (
        head.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

/// Sends SIGTERM to the sandbox's process and waits for it to exit.
fn terminate(running: &mut Running) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &running.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    running.0.wait().expect("the sandbox exits")
}

#[test]
fn prints_its_address_serves_and_stops_on_sigterm() {
    let (mut child, url) = start(&["--port", "0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let (status, body) = get(&url, "/api/api-versions", "sandbox-key");
    assert_eq!(status, "HTTP/1.0 200 OK");
    assert_eq!(body, r#"{"success":true,"versions":["3.0","4.0","5.0"]}"#);
    let (status, _) = get(&url, "/api/api-versions", "other-key");
    assert!(status.contains(" 200 "), "{status}");
    assert!(terminate(&mut child).success(), "a clean exit on SIGTERM");
}

#[test]
fn loads_a_seed_file() {
    let mut seed: serde_json::Value =
        serde_json::from_str(include_str!("../seed.json")).expect("the built-in seed is JSON");
    seed["apiKeys"] = serde_json::json!(["custom-key"]);
    let path = std::env::temp_dir().join(format!("crm-sandbox-seed-{}.json", std::process::id()));
    std::fs::write(&path, seed.to_string()).expect("the seed is written");
    let (mut child, url) = start(&[
        "--seed",
        path.to_str().expect("a UTF-8 path"),
        "--rate-limit=0",
    ]);
    assert!(
        get(&url, "/api/api-versions", "custom-key")
            .0
            .contains(" 200 ")
    );
    assert!(
        get(&url, "/api/api-versions", "sandbox-key")
            .0
            .contains(" 403 ")
    );
    terminate(&mut child);
    let _ = std::fs::remove_file(path);
}

#[test]
fn refuses_non_loopback_hosts_and_bad_arguments() {
    for args in [
        &["--host", "0.0.0.0"][..],
        &["--host", "192.168.0.1"],
        &["--port", "x"],
        &["--seed", "/nonexistent.json"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_crm-sandbox"))
            .args(args)
            .output()
            .expect("the binary runs");
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing announced");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("crm-sandbox: "), "{args:?}: {stderr}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_crm-sandbox"))
        .args(["--host", "0.0.0.0"])
        .output()
        .expect("the binary runs");
    assert!(String::from_utf8_lossy(&output.stderr).contains("loopback"));
}

#[tokio::test]
async fn with_tls_it_writes_its_ca_says_where_and_serves_https() {
    let dir = std::env::temp_dir().join(format!("crm-sandbox-tls-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm-sandbox"))
        .args(["--tls", dir.to_str().expect("a UTF-8 path")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut running = Running(child);
    let mut lines = Vec::new();
    for _ in 0..4 {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a line on stdout");
        lines.push(line.trim_end().to_string());
    }
    assert!(
        lines[0].starts_with("listening on http://127.0.0.1:"),
        "{lines:?}"
    );
    let https = lines[1]
        .strip_prefix("tls listening on ")
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(https.starts_with("https://127.0.0.1:"), "{lines:?}");
    let ca_path = dir.join("ca.pem");
    assert_eq!(lines[2], format!("tls ca {}", ca_path.display()));
    assert_eq!(
        lines[3],
        format!("tls certificate {}", dir.join("cert.pem").display())
    );

    let ca = std::fs::read(&ca_path).expect("the CA is written");
    let ca = reqwest::Certificate::from_pem(&ca).expect("a PEM certificate");
    let client = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .expect("a client");
    let answer = client
        .get(format!("{https}/api/api-versions"))
        .header("X-API-KEY", "sandbox-key")
        .send()
        .await
        .expect("a verified HTTPS answer");
    assert_eq!(answer.status(), 200);
    assert!(terminate(&mut running).success());
    let _ = std::fs::remove_dir_all(dir);
}
