//! The transport against scripted local servers, for what the sandbox cannot show: connection
//! reuse, `Retry-After`, and TLS verification against real TLS servers: one with an untrusted
//! certificate (PHP workers that trust a CA through `SSL_CERT_FILE` are tested beside the
//! extension, in `tests/php_tls_workers.rs`).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use modretailcrm_core::api::client::{Client, ClientSettings, Page};
use modretailcrm_core::api::crm_url::{ApiKey, CrmUrl};
use modretailcrm_core::api::error::{ApiError, TransportKind};
use modretailcrm_core::api::ratelimit::{Admission, Gate, no_token_in_time, wait_for_token};
use modretailcrm_core::api::transport::{ExchangeLog, TransportSettings};
use modretailcrm_core::runtime::block_on;

use common::Recorder;
use common::tls::untrusted_tls_server;

/// A canned HTTP/1.1 answer.
#[derive(Clone, Copy)]
struct Reply {
    status: u16,
    headers: &'static str,
    body: &'static str,
}

/// A loopback server answering each request with the next scripted reply (the last one
/// repeats), counting the TCP connections it accepted.
struct ScriptedServer {
    url: String,
    connections: Arc<AtomicUsize>,
}

fn scripted_server(replies: Vec<Reply>) -> ScriptedServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    let replies = Arc::new(Mutex::new(
        replies
            .into_iter()
            .collect::<std::collections::VecDeque<_>>(),
    ));
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let replies = Arc::clone(&replies);
            thread::spawn(move || serve_connection(stream, &replies));
        }
    });
    ScriptedServer { url, connections }
}

fn serve_connection(stream: TcpStream, replies: &Mutex<std::collections::VecDeque<Reply>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let reply = {
            let mut replies = replies.lock().unwrap();
            if replies.len() > 1 {
                replies.pop_front().unwrap()
            } else {
                *replies.front().unwrap()
            }
        };
        let answer = format!(
            "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}\r\n{}",
            reply.status,
            reply.body.len(),
            reply.headers,
            reply.body
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

fn client(url: &str, settings: TransportSettings, log: Option<Arc<dyn ExchangeLog>>) -> Client {
    Client::new(
        ClientSettings {
            url: CrmUrl::parse(url).unwrap(),
            api_key: ApiKey::parse("test-key").unwrap(),
            site: Some("shop".into()),
            transport: settings,
        },
        log,
    )
}

fn fast() -> TransportSettings {
    TransportSettings {
        rate_limit: 0,
        retry_base_delay: Duration::from_millis(1),
        ..TransportSettings::default()
    }
}

const OK: Reply = Reply {
    status: 200,
    headers: "",
    body: r#"{"success":true}"#,
};

#[test]
fn calls_reuse_one_kept_alive_connection() {
    let server = scripted_server(vec![OK]);
    let crm = client(&server.url, fast(), None);
    for _ in 0..5 {
        block_on(crm.api_versions()).unwrap().unwrap();
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn separate_clients_for_one_crm_share_the_kept_alive_connection() {
    let server = scripted_server(vec![OK]);
    for _ in 0..3 {
        // As in PHP-FPM: every request builds its own client object.
        let crm = client(&server.url, fast(), None);
        block_on(crm.api_versions()).unwrap().unwrap();
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn a_zero_retry_after_is_retried_at_once_and_logged_per_attempt() {
    let busy = Reply {
        status: 503,
        headers: "Retry-After: 0\r\n",
        body: "",
    };
    let server = scripted_server(vec![busy, OK]);
    let recorder = Arc::new(Recorder::default());
    let crm = client(&server.url, fast(), Some(recorder.clone()));
    block_on(crm.api_versions()).unwrap().unwrap();
    let statuses: Vec<_> = recorder
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, vec![Some(503), Some(200)]);
}

#[test]
fn a_retry_after_beyond_the_time_budget_gives_up_without_waiting_for_it() {
    let busy = Reply {
        status: 429,
        headers: "Retry-After: 3600\r\n",
        body: "",
    };
    let server = scripted_server(vec![busy]);
    let crm = client(&server.url, fast(), None);
    match block_on(crm.api_versions()).unwrap() {
        Err(ApiError::RateLimited {
            status,
            attempts,
            retry_after,
        }) => {
            assert_eq!(
                (status, attempts, retry_after),
                (429, 1, Some(Duration::from_secs(3600)))
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn retries_stop_after_max_retries() {
    let server = scripted_server(vec![Reply {
        status: 503,
        headers: "",
        body: "<html>busy</html>",
    }]);
    let settings = TransportSettings {
        max_retries: 2,
        ..fast()
    };
    match block_on(client(&server.url, settings, None).api_versions()).unwrap() {
        Err(ApiError::RateLimited {
            status: 503,
            attempts: 3,
            retry_after: None,
        }) => {}
        other => panic!("{other:?}"),
    }
}

/// A rate limit whose next token comes `after` a request asks for it (other processes took
/// the ones before), waited for as every gate waits ([`wait_for_token`]).
struct TokenIn {
    after: Duration,
}

impl Gate for TokenIn {
    fn admit(&self, deadline: Instant) -> Admission<'_> {
        let comes = Instant::now() + self.after;
        Box::pin(async move {
            let next = || {
                Ok::<_, ApiError>(match comes.checked_duration_since(Instant::now()) {
                    Some(wait) if !wait.is_zero() => Err(wait),
                    _ => Ok(()),
                })
            };
            match wait_for_token(deadline, next).await? {
                true => Ok(()),
                false => Err(no_token_in_time()),
            }
        })
    }
}

/// A rate limit that answers "go" only `after` a while: its transaction waited on the
/// database (the shared limit's), blocking as that one does.
struct SlowYes {
    after: Duration,
}

impl Gate for SlowYes {
    fn admit(&self, _deadline: Instant) -> Admission<'_> {
        Box::pin(async move {
            thread::sleep(self.after);
            Ok(())
        })
    }
}

/// A request whose token would come with less than half the call's time left is not sent:
/// it would reach the CRM, which makes the change, with too little time for the answer,
/// and the change would count as failed and be sent again (the three nodes' test saw
/// creates arrive at the sandbox milliseconds after their node had timed out). A token in
/// the first half lets the request go. So does a gate that answers "go" late, whatever the
/// reason.
#[test]
fn a_request_leaves_only_with_half_the_calls_time_left_for_its_answer() {
    let settings = TransportSettings {
        timeout: Duration::from_secs(1),
        ..fast()
    };
    let gated = |server: &ScriptedServer, gate: Arc<dyn Gate>| {
        Client::gated(
            ClientSettings {
                url: CrmUrl::parse(&server.url).unwrap(),
                api_key: ApiKey::parse("test-key").unwrap(),
                site: Some("shop".into()),
                transport: settings.clone(),
            },
            None,
            gate,
        )
    };
    let late = Duration::from_millis(600);
    let late_gates: [Arc<dyn Gate>; 2] = [
        Arc::new(TokenIn { after: late }),
        Arc::new(SlowYes { after: late }),
    ];
    for gate in late_gates {
        let server = scripted_server(vec![OK]);
        match block_on(gated(&server, gate).api_versions()).unwrap() {
            Err(error) => assert_eq!(error.to_string(), no_token_in_time().to_string()),
            Ok(answer) => panic!("sent with 400 ms of 1 s left: {answer}"),
        }
        assert_eq!(server.connections.load(Ordering::SeqCst), 0, "nothing sent");
    }

    let early = Duration::from_millis(200);
    let early_gates: [Arc<dyn Gate>; 2] = [
        Arc::new(TokenIn { after: early }),
        Arc::new(SlowYes { after: early }),
    ];
    for gate in early_gates {
        let server = scripted_server(vec![OK]);
        block_on(gated(&server, gate).api_versions())
            .unwrap()
            .unwrap();
        assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    }
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let server = untrusted_tls_server();
    let crm = client(&format!("https://localhost:{}", server.port), fast(), None);
    match block_on(crm.api_versions()).unwrap() {
        Err(ApiError::Transport {
            kind: TransportKind::Connect,
            message,
        }) => {
            assert!(message.to_lowercase().contains("certificate"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn collect_pages_reads_up_to_total_page_count_past_empty_pages() {
    let page = |body: &'static str| Reply {
        status: 200,
        headers: "",
        body,
    };
    let server = scripted_server(vec![
        page(
            r#"{"success":true,"orders":[{"id":1},{"id":2}],"pagination":{"limit":20,"totalCount":3,"currentPage":1,"totalPageCount":3}}"#,
        ),
        page(
            r#"{"success":true,"orders":[],"pagination":{"limit":20,"totalCount":3,"currentPage":2,"totalPageCount":3}}"#,
        ),
        page(
            r#"{"success":true,"orders":{"7":{"id":3}},"pagination":{"limit":20,"totalCount":3,"currentPage":3,"totalPageCount":3}}"#,
        ),
        page(
            r#"{"success":true,"orders":[{"id":99}],"pagination":{"limit":20,"totalCount":3,"currentPage":4,"totalPageCount":3}}"#,
        ),
    ]);
    let crm = client(&server.url, fast(), None);
    let all = block_on(crm.collect_pages("orders", &Page::default(), "orders"))
        .unwrap()
        .unwrap();
    let ids: Vec<_> = all.iter().map(|o| o["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![1, 2, 3]);
}
