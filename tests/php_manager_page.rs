//! The shop owner's page in the MODX manager (Extras → RetailCRM): its connector
//! (`php-plugin/lib/ManagerApi.php`) run by the real `php` over the MODX harness, with the
//! extension and the CRM sandbox, and without the extension.

mod common;

use common::{run_php_test, run_php_without_extension, sandbox};

#[test]
fn each_action_of_the_page_checks_token_permission_and_inputs_and_does_its_work() {
    run_php_test("manager_api.php", &sandbox());
}

#[test]
fn without_the_extension_the_page_shows_what_it_can_and_changes_nothing() {
    run_php_without_extension("manager_api_no_extension.php");
}
