//! `ModRetailCrm\Client` through the real `php` CLI with the real extension, against the CRM
//! sandbox over loopback. Each test runs one script from tests/php, which checks the results
//! and what the sandbox received, and prints `PASS n checks`.

mod common;

use common::{php, run_php_test, sandbox};

#[test]
fn the_extension_lists_its_classes() {
    let output = php(&["--re", "modretailcrm"], &[]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    for class in [
        "class ModRetailCrm\\Client",
        "class ModRetailCrm\\Exception extends Exception",
        "class ModRetailCrm\\ConfigException extends ModRetailCrm\\Exception",
        "class ModRetailCrm\\ValidationException extends ModRetailCrm\\Exception",
        "class ModRetailCrm\\TransportException extends ModRetailCrm\\Exception",
        "class ModRetailCrm\\RateLimitException extends ModRetailCrm\\Exception",
        "class ModRetailCrm\\ApiException extends ModRetailCrm\\Exception",
    ] {
        assert!(text.contains(class), "missing {class} in:\n{text}");
    }
}

#[test]
fn phpinfo_shows_version_php_build_and_tls() {
    let output = php(&["-i"], &[]);
    let text = String::from_utf8_lossy(&output.stdout);
    let version = format!("version => {}", env!("CARGO_PKG_VERSION"));
    for row in [
        "modretailcrm support => enabled",
        &version,
        "built for PHP => 8.",
        "TLS backend => rustls",
    ] {
        assert!(text.contains(row), "phpinfo lacks {row:?}");
    }
}

#[test]
fn an_order_create_is_byte_for_byte_what_php_sends() {
    run_php_test("order_create_wire.php", &sandbox());
}

#[test]
fn answers_are_php_arrays_for_every_endpoint() {
    run_php_test("client_results.php", &sandbox());
}

#[test]
fn every_failure_is_a_modretailcrm_exception_that_explains_itself() {
    run_php_test("client_errors.php", &sandbox());
}

#[test]
fn bad_input_gets_a_clear_exception_and_reaches_nothing() {
    run_php_test("client_bad_input.php", &sandbox());
}

#[test]
fn the_api_log_masks_the_key_and_rotates() {
    run_php_test("client_logging.php", &sandbox());
}

#[test]
fn a_client_keeps_working_across_fork() {
    run_php_test("client_fork.php", &sandbox());
}

#[test]
fn the_client_side_rate_limit_avoids_503s() {
    run_php_test("client_rate_limit.php", &sandbox());
}

#[test]
fn every_method_refuses_a_wrong_value_in_every_argument() {
    run_php_test("client_every_method.php", &sandbox());
}
