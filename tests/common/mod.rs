//! Shared pieces of the extension's integration tests: the built extension and the php CLI,
//! plus everything the core crate's tests share (the sandbox, hostile and TLS servers).

#![allow(dead_code)]

#[path = "../../core/tests/common/mod.rs"]
mod core_common;

pub use core_common::*;

pub mod browser;
pub mod builtin_server;
pub mod shop;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The extension `cargo test` built next to this test binary.
pub fn extension() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let deps = exe.parent().expect("the test binary lives in a folder");
    let candidates = [
        deps.join("libmodretailcrm.so"),
        deps.join("../libmodretailcrm.so"),
    ];
    candidates
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("libmodretailcrm.so not found next to {}", exe.display()))
}

/// Runs `php -n` with the extension loaded and `args`, with a hard limit of 120 s.
pub fn php(args: &[&str], env: &[(&str, &str)]) -> Output {
    let extension = format!("extension={}", extension().display());
    let mut command = Command::new("timeout");
    command.args([
        "120",
        "php",
        "-n",
        "-d",
        &extension,
        "-d",
        "allow_url_fopen=1",
    ]);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .output()
        .expect("php runs (scripts/setup.sh installs php-cli)")
}

/// Runs one of the PHP test scripts in tests/php against `sandbox` and fails the test with
/// the script's output unless it passed.
pub fn run_php_test(script: &str, sandbox: &RunningSandbox) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(script);
    let url = sandbox.url();
    let so = extension().display().to_string();
    let output = php(
        &[path.to_str().expect("utf-8 path")],
        &[
            ("CRM_URL", &url),
            ("CRM_KEY", SANDBOX_KEY),
            ("MODRETAILCRM_SO", &so),
        ],
    );
    assert_php_passed(script, &output)
}

/// Fails the test with the output unless `output` is a success that printed `PASS `;
/// returns the standard output.
pub fn assert_php_passed(what: &str, output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PASS "),
        "{what} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    stdout
}

/// Runs the PHP test script `tests/php/{script}` with `php -n`: no extension, no php.ini.
pub fn run_php_without_extension(script: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(script);
    let output = Command::new("timeout")
        .args(["120", "php", "-n"])
        .arg(&path)
        .output()
        .expect("php runs (scripts/setup.sh installs php-cli)");
    assert_php_passed(script, &output)
}
