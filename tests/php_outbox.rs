//! `ModRetailCrm\Integration` and its outbox through the real `php` CLI with the real
//! extension, against the CRM sandbox: outages, dead letters, crashes, concurrency.

mod common;

use common::{run_php_test, sandbox};

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
