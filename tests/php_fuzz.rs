//! Hostile input from PHP and from the CRM: every failure is one of the extension's own
//! exceptions, nothing crashes the PHP process, and absurd amounts are refused.
//!
//! The generated-input harness runs `tests/php/fuzz_calls.php` in child `php` processes (a
//! batch of cases each, so a crash is observed and the run goes on after it), with the
//! working directory and `open_basedir` in a temp dir. `FUZZ_CASES` sets how many cases run
//! (default 1500), `FUZZ_SEED` replays a run (the seed is printed), `FUZZ_FROM` starts at a
//! given case (a failure prints how to replay just its case).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{SystemTime, UNIX_EPOCH};

use common::{SANDBOX_KEY, assert_php_passed, extension, sandbox};

/// Cases per child process.
const BATCH: u64 = 50;

/// A temp dir removed with everything in it when dropped.
struct Jail(PathBuf);

impl Jail {
    fn new(name: &str) -> Jail {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let path = std::env::temp_dir().join(format!(
            "modretailcrm-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Jail(path.canonicalize().unwrap())
    }
}

impl Drop for Jail {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(name)
}

/// A command running `tests/php/{name}` with the extension, its working directory in `jail`
/// and PHP's own file access limited to the jail and the test scripts (`open_basedir`),
/// killed after 90 s.
fn php_jailed(name: &str, jail: &Path, env: &[(&str, String)]) -> Command {
    let mut command = Command::new("timeout");
    command
        .args(["-s", "KILL", "90", "php", "-n"])
        .arg("-d")
        .arg(format!("extension={}", extension().display()))
        .arg("-d")
        .arg(format!(
            "open_basedir={}:{}",
            jail.display(),
            script("").display()
        ))
        .args(["-d", "memory_limit=1G"])
        .arg(script(name))
        .current_dir(jail)
        .env("FUZZ_JAIL", jail);
    for (key, value) in env {
        command.env(key, value);
    }
    command
}

/// Runs `command` with its standard output and error in one pipe, so that what PHP or a
/// panic writes to stderr lands after the line of the case it happened in.
fn run_merged(mut command: Command) -> (ExitStatus, String) {
    let (mut reader, writer) = std::io::pipe().unwrap();
    command.stdout(writer.try_clone().unwrap()).stderr(writer);
    let mut child = command.spawn().expect("php runs");
    drop(command);
    let mut output = Vec::new();
    reader.read_to_end(&mut output).unwrap();
    let status = child.wait().unwrap();
    (status, String::from_utf8_lossy(&output).into_owned())
}

/// What the harness saw.
#[derive(Default)]
struct Tally {
    cases: u64,
    outcomes: BTreeMap<String, u64>,
    targets: BTreeSet<String>,
    declared_targets: usize,
    warnings: u64,
    /// Crashes, panics and exceptions that are not the extension's own, one line each.
    failures: Vec<String>,
}

impl Tally {
    /// Reads one child's output (cases `from..from + count` of `seed`); returns the case to
    /// go on from: the next one, or the one after the case a crash happened in.
    fn read(&mut self, seed: u64, from: u64, count: u64, status: ExitStatus, output: &str) -> u64 {
        let mut current: Option<(u64, String)> = None;
        let mut done = false;
        let replay =
            |case: u64| format!("(replay: FUZZ_SEED={seed} FUZZ_FROM={case} FUZZ_CASES=1)");
        for line in output.lines() {
            let mut words = line.splitn(4, ' ');
            match (words.next(), words.next(), words.next(), words.next()) {
                (Some("TARGETS"), Some(n), _, _) => self.declared_targets = n.parse().unwrap(),
                (Some("CASE"), Some(n), Some(target), _) => {
                    current = Some((n.parse().unwrap(), line.to_string()));
                    self.targets.insert(target.to_string());
                    self.cases += 1;
                }
                (Some("R"), Some(_), Some(outcome), rest) => {
                    *self.outcomes.entry(outcome.to_string()).or_default() += 1;
                    // `setup`: the object to call the method on could not be made, so the
                    // method went untested (fix `receiver()` in fuzz_calls.php).
                    if matches!(outcome, "foreign" | "panic" | "setup") {
                        let (case, call) = current.clone().unwrap_or_default();
                        self.failures.push(format!(
                            "{call}: {outcome} {} {}",
                            rest.unwrap_or_default(),
                            replay(case)
                        ));
                    }
                }
                (Some("W"), _, _, _) => self.warnings += 1,
                (Some("DONE"), _, _, _) => done = true,
                _ if ["panicked", "Rust panic", "Fatal error", "Segmentation"]
                    .iter()
                    .any(|sign| line.contains(sign)) =>
                {
                    let (case, call) = current.clone().unwrap_or((from, "start".into()));
                    self.failures
                        .push(format!("{call}: printed {line:?} {}", replay(case)));
                }
                _ => {}
            }
        }
        if !status.success() || !done {
            let (case, call) = current.clone().unwrap_or((from, "start".into()));
            self.failures.push(format!(
                "crash in or after {call} ({status}) {}",
                replay(case)
            ));
            *self.outcomes.entry("crash".into()).or_default() += 1;
        }
        match current {
            Some((case, _)) if !done => case + 1,
            _ => from + count,
        }
    }
}

#[test]
fn every_php_method_survives_generated_hostile_input() {
    let seed: u64 = std::env::var("FUZZ_SEED").map_or_else(
        |_| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
                % 1_000_000
        },
        |s| s.parse().expect("FUZZ_SEED is a number"),
    );
    let number = |name: &str, default: u64| {
        std::env::var(name).map_or(default, |s| s.parse().expect("a number"))
    };
    let (first, cases) = (number("FUZZ_FROM", 0), number("FUZZ_CASES", 1500));
    println!("fuzz: seed {seed} (replay with FUZZ_SEED={seed}), {cases} cases");
    let sandbox = sandbox();
    let hostile_crm = scripted_crm(hostile_answers());
    let jail = Jail::new("fuzz");
    let mut tally = Tally::default();
    let mut next = first;
    while next < first + cases {
        let count = BATCH.min(first + cases - next);
        let (status, output) = run_merged(php_jailed(
            "fuzz_calls.php",
            &jail.0,
            &[
                ("FUZZ_SEED", seed.to_string()),
                ("FUZZ_FROM", next.to_string()),
                ("FUZZ_COUNT", count.to_string()),
                ("CRM_URL", sandbox.url()),
                ("CRM_KEY", SANDBOX_KEY.to_string()),
                ("HOSTILE_CRM_URL", hostile_crm.clone()),
            ],
        ));
        next = tally.read(seed, next, count, status, &output);
    }
    let crashes = tally.outcomes.get("crash").copied().unwrap_or(0);
    let foreign = tally.outcomes.get("foreign").copied().unwrap_or(0);
    let panics = tally.outcomes.get("panic").copied().unwrap_or(0);
    println!(
        "fuzz: seed {seed}: {} cases run over {} of {} methods and functions; outcomes {:?}; \
         crashes {crashes}, panics {panics}, non-own exceptions {foreign}, PHP warnings {}",
        tally.cases,
        tally.targets.len(),
        tally.declared_targets,
        tally.outcomes,
        tally.warnings
    );
    assert!(
        tally.failures.is_empty(),
        "seed {seed}: {} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    if cases >= tally.declared_targets as u64 {
        assert_eq!(
            tally.targets.len(),
            tally.declared_targets,
            "every target was called"
        );
    }
    assert!(
        tally.declared_targets > 40,
        "Reflection found the extension's methods"
    );
}

/// A loopback server posing as the CRM for answers the sandbox does not give: connection `n`
/// gets `answers[n % answers.len()]` (raw HTTP) after its request was read.
fn scripted_crm(answers: Vec<Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            read_request(&mut stream);
            let _ = stream.write_all(&answers[n % answers.len()]);
        }
    });
    url
}

/// Reads an HTTP request's head and its `Content-Length` body (so that closing the
/// connection after the answer does not reset it).
fn read_request(stream: &mut impl Read) {
    let mut request = Vec::new();
    let mut buffer = [0; 4096];
    let head_end = loop {
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + length {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
}

fn http_answer(status: &str, body: &[u8]) -> Vec<u8> {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    answer
}

/// Answers of a CRM gone wrong: NUL bytes and invalid UTF-8 in texts and keys, nesting past
/// any parser's limit, numbers out of every range, a huge message, HTML, garbage, a
/// truncated body, a redirect (to an unused loopback port).
fn hostile_answers() -> Vec<Vec<u8>> {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let huge = format!(
        r#"{{"success":false,"errorMsg":"{}"}}"#,
        "x".repeat(1 << 20)
    );
    vec![
        http_answer("400 Bad Request", br#"{"success":false,"errorMsg":"bad\u0000text","errors":{"\u0000":"\u0000"}}"#),
        http_answer("400 Bad Request", b"{\"success\":false,\"errorMsg\":\"\xFF\xFE\"}"),
        http_answer("200 OK", b"{\"success\":true,\"id\":1,\"\xC3\x28\":\"\xFF\"}"),
        http_answer("200 OK", deep.as_bytes()),
        http_answer("200 OK", br#"{"success":true,"id":1e400,"orders":[{"id":18446744073709551616}]}"#),
        http_answer("200 OK", br#"{"success":true,"id":-9223372036854775809,"order":{"\u0000":[null,{"a\u0000b":1.7976931348623157e308}]}}"#),
        http_answer("422 Unprocessable Entity", huge.as_bytes()),
        http_answer("500 Internal Server Error", b"<html><body>\x00 oops</body></html>"),
        http_answer("200 OK", b"null"),
        http_answer("200 OK", b""),
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"success\":tr".to_vec(),
        b"garbage\r\n\r\n".to_vec(),
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/api/v5/orders\r\nContent-Length: 0\r\n\r\n".to_vec(),
    ]
}

#[test]
fn nul_bytes_and_invalid_keys_give_own_exceptions_with_clean_texts() {
    let body = r#"{"success":false,"errorMsg":"Order\u0000is bad","errors":{"num\u0000":"taken\u0000twice"}}"#;
    let nul_crm = scripted_crm(vec![http_answer("400 Bad Request", body.as_bytes())]);
    let jail = Jail::new("fuzz-own");
    let output = php_jailed(
        "fuzz_own_exceptions.php",
        &jail.0,
        &[("NUL_CRM_URL", nul_crm), ("CRM_KEY", SANDBOX_KEY.into())],
    )
    .output()
    .unwrap();
    assert_php_passed("fuzz_own_exceptions.php", &output);
}

#[test]
fn absurd_amounts_are_refused_naming_the_field() {
    let sandbox = sandbox();
    let jail = Jail::new("fuzz-amounts");
    let output = php_jailed(
        "fuzz_amounts.php",
        &jail.0,
        &[("CRM_URL", sandbox.url()), ("CRM_KEY", SANDBOX_KEY.into())],
    )
    .output()
    .unwrap();
    assert_php_passed("fuzz_amounts.php", &output);
    let orders = common::control(&sandbox, "GET", "state", serde_json::Value::Null);
    assert!(
        !orders.to_string().contains("92233720368547758"),
        "no capped amount reached the CRM: {orders}"
    );
}
