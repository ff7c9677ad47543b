//! Customers' data stays where it must (hardening, issue 9 items 0 and 4): the private folder
//! of the outbox and the log, made by the installer with a name nobody can guess and checked over
//! HTTP against real loopback web servers (one that serves it, one that denies it), by the
//! installer and by the cron CLI's `status` and `doctor`; delivered changes purged after
//! `modretailcrm_keep_delivered_days`; the log readable by its owner only.

mod common;

use common::{run_php_test, sandbox};

#[test]
fn the_installer_status_and_doctor_say_loudly_when_the_web_server_serves_the_outbox() {
    run_php_test("private_folder.php", &sandbox());
}

#[test]
fn delivered_changes_are_purged_after_the_days_kept_and_the_log_is_private() {
    run_php_test("outbox_keep_delivered.php", &sandbox());
}
