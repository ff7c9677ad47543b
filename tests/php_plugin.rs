//! The MODX plugin file (`php-plugin/elements/plugins/modretailcrm.php`) run by the real `php`
//! against a minimal MODX-shaped harness fed from the captured miniShop2 fixtures, with the real
//! extension and the CRM sandbox — and once without the extension at all.

mod common;

use common::{control, run_php_test, run_php_without_extension, sandbox};
use serde_json::Value;

#[test]
fn the_captured_checkout_reaches_the_crm_once_with_the_right_total_status_and_payment() {
    run_php_test("plugin_shop_flow.php", &sandbox());
}

#[test]
fn empty_settings_and_a_crm_that_is_down_never_break_the_checkout() {
    run_php_test("plugin_degraded.php", &sandbox());
}

#[test]
fn deferred_mode_delivers_from_the_shutdown_function_the_plugin_registers() {
    let sandbox = sandbox();
    run_php_test("plugin_shutdown.php", &sandbox);
    let state = control(&sandbox, "GET", "state", Value::Null);
    assert_eq!(state["customers"][0]["externalId"], "4", "{state}");
    assert_eq!(state["orders"][0]["externalId"], "2611-1", "{state}");
}

#[test]
fn without_the_extension_the_plugin_logs_one_clear_error_and_the_site_keeps_working() {
    run_php_without_extension("plugin_no_extension.php");
}

#[test]
fn customer_groups_modifications_promo_codes_payment_and_shipping_reach_the_crm() {
    run_php_test("plugin_shop_scenario.php", &sandbox());
}

#[test]
fn manager_edits_in_the_order_window_reach_the_crm_as_one_edit_with_the_last_state() {
    run_php_test("plugin_manager_edit.php", &sandbox());
}
