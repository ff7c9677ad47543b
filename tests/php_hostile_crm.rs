//! A hostile CRM seen through the real `.so` in `php`: the extension throws its own exceptions,
//! follows no redirect and stays small however large the answer.

mod common;

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use common::hostile::{Hostile, HostileServer};
use common::{assert_php_passed, php};

const KEY: &str = "hostile-test-key";

/// Runs tests/php/hostile_crm.php with the real extension against one hostile server per
/// scenario; returns the script's output.
#[test]
fn the_php_extension_throws_its_own_exceptions_and_stays_small() {
    let other = HostileServer::start(Hostile::json(201, r#"{"success":true,"id":1}"#));
    let redirect = HostileServer::start(Hostile::redirect(
        302,
        &format!("{}/api/v5/orders/create", other.url()),
    ));
    let huge = HostileServer::start(Hostile::Huge {
        announced: 100 * 1024 * 1024,
    });
    let endless = HostileServer::start(Hostile::Endless);
    let mut trickle_body = br#"{"success":true,"versions":[""#.to_vec();
    trickle_body.resize(100, b'5');
    trickle_body.extend_from_slice(b"\"]}");
    let trickle = HostileServer::start(Hostile::Trickle {
        body: trickle_body,
        interval: Duration::from_millis(100),
    });
    let shape = HostileServer::start(Hostile::json(201, r#"{"success":"yes","id":"12"}"#));
    let nul = HostileServer::start(Hostile::json(
        400,
        r#"{"success":false,"errorMsg":"bad\u0000thing","errors":{"a\u0000b":"c\u0000d"}}"#,
    ));
    let big = json!({"success": false, "errorMsg": "m".repeat(5 * 1024 * 1024)}).to_string();
    let big = HostileServer::start(Hostile::json(400, &big));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/hostile_crm.php");
    let output = php(
        &[script.to_str().unwrap()],
        &[
            ("CRM_KEY", KEY),
            ("CRM_URL", redirect.url()),
            ("OTHER_URL", other.url()),
            ("REDIRECT_URL", redirect.url()),
            ("HUGE_URL", huge.url()),
            ("ENDLESS_URL", endless.url()),
            ("TRICKLE_URL", trickle.url()),
            ("SHAPE_URL", shape.url()),
            ("NUL_URL", nul.url()),
            ("BIG_URL", big.url()),
        ],
    );
    let stdout = assert_php_passed("hostile_crm.php", &output);
    assert!(other.requests().is_empty(), "the redirect was followed");
    let peak_kb: u64 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM_KB "))
        .and_then(|kb| kb.trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmHWM line in {stdout}"));
    println!("peak RSS of the php process: {peak_kb} kB");
    // A 100 MB answer read whole took the process past 200 MB; capped, it stays near the
    // size of php itself plus a few copies of the 8 MiB cap.
    assert!(
        peak_kb < 96 * 1024,
        "the php process peaked at {peak_kb} kB"
    );
}
