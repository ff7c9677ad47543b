//! The upload of what a shop already has and the reconciliation, through the cron CLI
//! (php-plugin/cli/modretailcrm.php) with the real extension, on generated MODX-shaped
//! SQLite databases (tests/php/modx/shop_db.php), against the sandbox over loopback.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{SANDBOX_KEY, assert_php_passed, sandbox};

/// An empty folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-upload-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Runs tests/php/`script` with PDO SQLite against a fresh sandbox, `UPLOAD_DIR` = a
/// scratch folder, within `limit` seconds, and fails the test with its output unless it
/// passed.
fn run(script: &str, limit: u32) {
    let crm = sandbox();
    let dir = scratch(script.trim_end_matches(".php"));
    let so = common::extension().display().to_string();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/php")
        .join(script);
    let output = Command::new("timeout")
        .arg(limit.to_string())
        .args(["php", "-n", "-d", &format!("extension={so}")])
        .args(["-d", "extension=pdo", "-d", "extension=pdo_sqlite"])
        .args(["-d", "allow_url_fopen=1", "-d", "memory_limit=2G"])
        .arg(&path)
        .env("CRM_URL", crm.url())
        .env("CRM_KEY", SANDBOX_KEY)
        .env("MODRETAILCRM_SO", &so)
        .env("UPLOAD_DIR", &dir)
        .output()
        .expect("php runs (scripts/setup.sh installs php-cli and php-sqlite3)");
    assert_php_passed(script, &output);
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_shop_history_is_uploaded_once_through_a_kill_and_a_re_run() {
    run("upload_cli.php", 600);
}

#[test]
fn reconcile_re_creates_missing_orders_and_lists_differences() {
    run("reconcile_cli.php", 300);
}

#[test]
fn customers_the_crm_has_without_external_id_are_linked_not_uploaded_again() {
    run("upload_links.php", 120);
}

#[test]
fn an_outage_mid_batch_sends_nothing_twice() {
    run("upload_outage.php", 120);
}
