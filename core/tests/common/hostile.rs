//! A hostile CRM: a loopback HTTP/1.1 server that answers every request with one scripted
//! misbehaviour — a redirect, a huge or endless body, a body trickling in, a wrong shape, a
//! connection cut mid-body, reads that contradict writes — and records what it was sent
//! (method, target, headers, body).
//!
//! Every loop is bounded in count and time: the server stops accepting when dropped or after
//! [`LIFETIME`], an endless body ends after [`ENDLESS_LIMIT`] bytes, and a connection's
//! reads and writes time out.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long a server lives at most, whether or not it is dropped.
pub const LIFETIME: Duration = Duration::from_secs(120);
/// Most connections a server accepts.
const MAX_CONNECTIONS: usize = 200;
/// Most requests served on one kept-alive connection.
const MAX_REQUESTS_PER_CONNECTION: usize = 100;
/// Where an "endless" body ends after all: far beyond any cap the client may have.
pub const ENDLESS_LIMIT: u64 = 256 * 1024 * 1024;
/// Most bytes of a request head or body read.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// How the server answers every request.
#[derive(Clone, Debug)]
pub enum Hostile {
    /// A whole answer with `Content-Length`: status, extra header lines (each ending in
    /// `\r\n`), and the body as raw bytes (it may be invalid UTF-8).
    Answer {
        /// HTTP status.
        status: u16,
        /// Extra header lines.
        headers: String,
        /// The body.
        body: Vec<u8>,
    },
    /// A `Content-Length` of `announced` bytes of JSON-looking filler, sent for as long as
    /// the client reads.
    Huge {
        /// The announced (and, if read, sent) length.
        announced: u64,
    },
    /// A chunked 200 answer of filler that goes on until the client stops reading (or
    /// [`ENDLESS_LIMIT`]).
    Endless,
    /// `body` (with its `Content-Length`) sent one byte every `interval`.
    Trickle {
        /// The whole body.
        body: Vec<u8>,
        /// The pause between two bytes.
        interval: Duration,
    },
    /// A whole JSON success answer whose head (status line and headers) is sent one byte
    /// every `interval`.
    SlowHead {
        /// The pause between two bytes.
        interval: Duration,
    },
    /// A 200 announcing `announced` bytes that sends `sent` and then closes the connection.
    CutMidBody {
        /// The announced length.
        announced: usize,
        /// What is sent before closing.
        sent: Vec<u8>,
    },
    /// `get` to GET requests and `other` to the rest: a CRM whose reads and writes disagree.
    ByMethod {
        /// The answer to GET requests.
        get: Box<Hostile>,
        /// The answer to every other request.
        other: Box<Hostile>,
    },
}

impl Hostile {
    /// A JSON (or any text) answer.
    pub fn json(status: u16, body: &str) -> Hostile {
        Hostile::Answer {
            status,
            headers: "Content-Type: application/json\r\n".into(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// A redirect with `Location: location` and an empty body.
    pub fn redirect(status: u16, location: &str) -> Hostile {
        Hostile::Answer {
            status,
            headers: format!("Location: {location}\r\n"),
            body: Vec::new(),
        }
    }
}

/// One request the server received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `GET`, `POST` …
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The request body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name` (lower case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A running hostile server on 127.0.0.1; stops accepting when dropped.
pub struct HostileServer {
    url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl HostileServer {
    /// Starts a server answering every request with `answer`.
    pub fn start(answer: Hostile) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (recorded, stopped) = (Arc::clone(&requests), Arc::clone(&stop));
        thread::spawn(move || accept_loop(&listener, &answer, &recorded, &stopped));
        HostileServer {
            url,
            requests,
            stop,
        }
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn accept_loop(
    listener: &TcpListener,
    answer: &Hostile,
    requests: &Arc<Mutex<Vec<Recorded>>>,
    stop: &AtomicBool,
) {
    let started = Instant::now();
    let mut accepted = 0;
    while !stop.load(Ordering::SeqCst) && started.elapsed() < LIFETIME && accepted < MAX_CONNECTIONS
    {
        match listener.accept() {
            Ok((stream, _)) => {
                accepted += 1;
                let (answer, requests) = (answer.clone(), Arc::clone(requests));
                thread::spawn(move || serve(stream, &answer, &requests, started + LIFETIME));
            }
            // Nothing to accept yet: look again shortly (the loop itself is bounded).
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn serve(stream: TcpStream, answer: &Hostile, requests: &Mutex<Vec<Recorded>>, deadline: Instant) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(reading) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reading);
    let mut writer = stream;
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let method = request.method.clone();
        requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request);
        if !send_answer(&mut writer, answer, &method, deadline) {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    let mut head_bytes = line.len();
    loop {
        line.clear();
        head_bytes += reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
        if line == "\r\n" || head_bytes > MAX_REQUEST_BYTES {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST_BYTES);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        target,
        headers,
        body,
    })
}

/// Sends one answer to a `method` request; `true` when the connection may serve another.
fn send_answer(writer: &mut TcpStream, answer: &Hostile, method: &str, deadline: Instant) -> bool {
    let head = |status: u16, headers: &str, length: &str| {
        format!("HTTP/1.1 {status} Hostile\r\n{headers}{length}\r\n").into_bytes()
    };
    match answer {
        Hostile::Answer {
            status,
            headers,
            body,
        } => {
            let mut bytes = head(
                *status,
                headers,
                &format!("Content-Length: {}\r\n", body.len()),
            );
            bytes.extend_from_slice(body);
            writer.write_all(&bytes).is_ok()
        }
        Hostile::Huge { announced } => {
            let length =
                format!("Content-Type: application/json\r\nContent-Length: {announced}\r\n");
            if writer.write_all(&head(200, "", &length)).is_err() {
                return false;
            }
            let filler = filler();
            let mut sent = 0u64;
            while sent < *announced && Instant::now() < deadline {
                let n = filler.len().min((*announced - sent) as usize);
                if writer.write_all(&filler[..n]).is_err() {
                    return false;
                }
                sent += n as u64;
            }
            false
        }
        Hostile::Endless => {
            let chunked = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n";
            if writer.write_all(&head(200, "", chunked)).is_err() {
                return false;
            }
            let filler = filler();
            let mut chunk = format!("{:x}\r\n", filler.len()).into_bytes();
            chunk.extend_from_slice(&filler);
            chunk.extend_from_slice(b"\r\n");
            let mut sent = 0u64;
            while sent < ENDLESS_LIMIT && Instant::now() < deadline {
                if writer.write_all(&chunk).is_err() {
                    return false;
                }
                sent += filler.len() as u64;
            }
            false
        }
        Hostile::Trickle { body, interval } => {
            let length = format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            );
            if writer.write_all(&head(200, "", &length)).is_err() {
                return false;
            }
            for byte in body {
                if Instant::now() >= deadline || writer.write_all(&[*byte]).is_err() {
                    return false;
                }
                // The pace is the point of this answer, not a synchronisation.
                thread::sleep(*interval);
            }
            true
        }
        Hostile::SlowHead { interval } => {
            let body = br#"{"success":true,"versions":["5.0"]}"#;
            let length = format!("Content-Length: {}\r\n", body.len());
            for byte in head(200, "Content-Type: application/json\r\n", &length) {
                if Instant::now() >= deadline || writer.write_all(&[byte]).is_err() {
                    return false;
                }
                // The pace is the point of this answer, not a synchronisation.
                thread::sleep(*interval);
            }
            writer.write_all(body).is_ok()
        }
        Hostile::CutMidBody { announced, sent } => {
            let length =
                format!("Content-Type: application/json\r\nContent-Length: {announced}\r\n");
            let mut bytes = head(200, "", &length);
            bytes.extend_from_slice(sent);
            let _ = writer.write_all(&bytes);
            false
        }
        Hostile::ByMethod { get, other } => {
            let answer = if method == "GET" { get } else { other };
            send_answer(writer, answer, method, deadline)
        }
    }
}

/// 64 KiB of JSON-looking text.
fn filler() -> Vec<u8> {
    let mut filler = b"{\"success\":true,\"pad\":\"".to_vec();
    filler.resize(64 * 1024, b'a');
    filler
}
