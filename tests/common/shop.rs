//! A shop driven by PHP processes (tests/php/outbox_worker.php) on its own settings file,
//! and what the sandbox saw: for the multi-process tests of the outbox.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{RunningSandbox, SANDBOX_KEY, control, extension};

/// A temporary folder with the integration settings file, removed on drop.
pub struct Shop {
    /// The folder of the settings file and the outbox.
    pub dir: PathBuf,
}

impl Shop {
    /// A shop for `sandbox` in a folder of its own named after `name`, its settings
    /// overridden by `extra`.
    pub fn new(sandbox: &RunningSandbox, name: &str, extra: Value) -> Shop {
        let dir = std::env::temp_dir().join(format!("modretailcrm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut settings = json!({
            "modretailcrm_url": sandbox.url(),
            "modretailcrm_apiKey": SANDBOX_KEY,
            "modretailcrm_siteCode": "shop",
            "modretailcrm_queue_path": dir.join("outbox.sqlite"),
            "modretailcrm_send_mode": "queue",
            "modretailcrm_retry_delay": "0.01",
            "modretailcrm_retry_delay_max": "0.2",
            "modretailcrm_log_file": dir.join("api.log"),
        });
        for (key, value) in extra.as_object().unwrap() {
            settings[key] = value.clone();
        }
        std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
        Shop { dir }
    }

    /// Starts the worker script with `args` after the settings file (php itself, not under
    /// a wrapper, so that killing the child kills PHP; `drain` bounds its own run time).
    pub fn worker(&self, args: &[&str]) -> Child {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/outbox_worker.php");
        Command::new("php")
            .args(["-n", "-d"])
            .arg(format!("extension={}", extension().display()))
            .arg(script)
            .arg(self.dir.join("settings.json"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs the worker with `args` and parses the JSON line it prints.
    pub fn json(&self, args: &[&str]) -> Value {
        let output = self.worker(args).wait_with_output().unwrap();
        serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!(
                "worker {args:?} printed no JSON: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }

    /// Runs the worker with `args`, failing the test unless it succeeds; returns its output.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.worker(args).wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "worker {args:?} failed: {text}");
        text
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The sandbox's state (orders, customers …).
pub fn state(sandbox: &RunningSandbox) -> Value {
    control(sandbox, "GET", "state", Value::Null)
}

/// The API requests the sandbox received, in order.
pub fn requests(sandbox: &RunningSandbox) -> Vec<Value> {
    control(sandbox, "GET", "requests", Value::Null)["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits (bounded) until the sandbox has received `count` API requests.
pub fn wait_for_requests(sandbox: &RunningSandbox, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while requests(sandbox).len() < count {
        assert!(
            Instant::now() < deadline,
            "the sandbox never received {count} requests"
        );
        std::thread::yield_now();
    }
}
