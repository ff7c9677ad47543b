//! Forms (M5): the `modRetailCrmForm` FormIt hook (`php-plugin/elements/snippets/`,
//! `php-plugin/lib/Form.php`) run by the real `php` with the real extension, in the MODX-shaped
//! harness with FormIt's hook runner (`tests/php/modx/formit.php`), against the CRM sandbox.

mod common;

use std::fs;

use common::{control, run_php_test, sandbox};
use serde_json::Value;

#[test]
fn a_form_becomes_one_crm_order_customer_or_task_and_bad_input_is_shown_on_its_field() {
    let sandbox = sandbox();
    let stdout = run_php_test("form_hook.php", &sandbox);
    // The deferred submission: delivered by the shutdown function after the script's end.
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("DEFERRED "))
        .unwrap_or_else(|| panic!("the script names its deferred order:\n{stdout}"));
    let (key, folder) = line.split_once(' ').expect("a key and a folder");
    let state = control(&sandbox, "GET", "state", Value::Null);
    let _ = fs::remove_dir_all(folder);
    let delivered = state["orders"]
        .as_array()
        .expect("the sandbox lists its orders")
        .iter()
        .filter(|order| order["externalId"] == key)
        .count();
    assert_eq!(
        delivered, 1,
        "the deferred order {key} after the response: {state}"
    );
}

#[test]
fn the_readme_snippets_find_an_order_and_a_product_and_create_a_task_in_the_crm() {
    run_php_test("snippet_examples.php", &sandbox());
}

#[test]
fn the_readme_shows_the_snippets_the_tests_run() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/readme-examples.php");
    let output = std::process::Command::new("php")
        .args(["-n", script, "--check"])
        .output()
        .expect("php runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn submit_form_refuses_bad_arguments_and_properties_with_a_clear_exception_and_queues_nothing() {
    run_php_test("form_submit.php", &sandbox());
}
