//! CRM → site through `orders/history`, with the real extension in the real `php`, the MODX
//! harness with miniShop2's service, the plugin's library and the CRM sandbox: the CRM's status
//! changes applied once through miniShop2 and never sent back, set-aside entries with their
//! reasons, a process killed with -9 between applying and confirming.

mod common;

use common::{run_php_test, sandbox};

#[test]
fn crm_status_changes_reach_the_orders_once_through_history_and_the_plugin() {
    run_php_test("history_plugin.php", &sandbox());
}
