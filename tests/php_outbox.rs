//! `ModRetailCrm\Integration` and its outbox through the real `php` CLI with the real
//! extension, against the CRM sandbox: outages, dead letters, crashes, concurrency.

mod common;

use common::{control, run_php_test, sandbox};
use serde_json::Value;

#[test]
fn nothing_is_lost_through_outages_and_nothing_is_sent_twice() {
    run_php_test("outbox_outages.php", &sandbox());
}

#[test]
fn send_modes_operations_and_a_broken_outbox() {
    run_php_test("outbox_modes.php", &sandbox());
}

#[test]
fn the_cron_cli_flushes_and_manages_the_outbox() {
    run_php_test("outbox_cli.php", &sandbox());
}

#[test]
fn a_refused_change_is_set_aside_and_retried_after_the_fix() {
    run_php_test("outbox_dead_letters.php", &sandbox());
}

#[test]
fn deferred_changes_are_delivered_by_the_shutdown_function() {
    let sandbox = sandbox();
    run_php_test("outbox_shutdown.php", &sandbox);
    let state = control(&sandbox, "GET", "state", Value::Null);
    assert_eq!(state["orders"][0]["externalId"], "900-1", "{state}");
    assert_eq!(state["customers"][0]["externalId"], "31");
}

#[test]
fn a_crm_that_does_not_answer_is_tried_once_per_breaker_period() {
    run_php_test("outbox_breaker.php", &sandbox());
}

#[test]
fn when_the_crm_is_back_one_flush_delivers_the_backlog() {
    run_php_test("outbox_recovery.php", &sandbox());
}

#[test]
fn two_shops_sharing_an_outbox_file_never_cross() {
    run_php_test("outbox_two_shops.php", &sandbox());
}

#[test]
fn an_expected_recovery_writes_no_error_line_and_a_final_refusal_does() {
    run_php_test("outbox_recovery_log.php", &sandbox());
}
