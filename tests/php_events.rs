//! The shop events (`onUserSave`, `onOrderCreate`, `onOrderStatusChange`) through the real
//! `php` CLI with the captured miniShop2 rows, against the CRM sandbox.

mod common;

use common::{run_php_test, sandbox};

#[test]
fn register_order_and_payment_reach_the_crm_once_with_the_shops_total() {
    run_php_test("events_flow.php", &sandbox());
}

#[test]
fn a_sites_own_class_adjusts_payloads_and_a_broken_one_loses_nothing() {
    run_php_test("events_custom_class.php", &sandbox());
}

#[test]
fn two_orders_with_the_same_minishop2_number_stay_two_orders_in_the_crm() {
    run_php_test("events_same_number.php", &sandbox());
}
