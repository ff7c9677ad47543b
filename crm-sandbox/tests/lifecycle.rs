//! Starting and stopping: a sandbox on its own runtime for plain tests, loopback only,
//! and shutdown closing the port.

use crm_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};

fn versions(sandbox: &RunningSandbox) -> String {
    let mut stream = TcpStream::connect(sandbox.addr()).expect("a connection");
    stream
        .write_all(b"GET /api/api-versions HTTP/1.0\r\nX-API-KEY: sandbox-key\r\n\r\n")
        .expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    answer
}

#[test]
fn spawn_blocking_serves_without_a_runtime_and_drop_closes_the_port() {
    let sandbox = RunningSandbox::spawn_blocking(SandboxConfig::default()).expect("it starts");
    let addr = sandbox.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(sandbox.url(), format!("http://127.0.0.1:{}", addr.port()));
    assert!(versions(&sandbox).starts_with("HTTP/1.0 200 OK"));
    drop(sandbox);
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens after drop"
    );
}

#[test]
fn refuses_hosts_beyond_loopback() {
    let config = SandboxConfig {
        host: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        ..SandboxConfig::default()
    };
    let error = RunningSandbox::spawn_blocking(config).expect_err("0.0.0.0 is refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("it starts");
    let addr = sandbox.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    sandbox.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_sandbox_on_its_own_runtime_can_be_dropped_inside_another() {
    let sandbox = RunningSandbox::spawn_blocking(SandboxConfig::default()).expect("it starts");
    let client = reqwest::Client::new();
    let answer = client
        .get(format!("{}/api/api-versions", sandbox.url()))
        .header("X-API-KEY", "sandbox-key")
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status().as_u16(), 200);
    drop(sandbox);
}
