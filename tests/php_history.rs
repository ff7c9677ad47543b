//! CRM → site through `orders/history`, with the real extension in the real `php`, the CRM
//! sandbox and the plugin's library (`php-plugin/lib/CrmStatus.php`): in the MODX harness with
//! miniShop2's service, the CRM's status changes applied once through miniShop2 and never sent
//! back, set-aside entries with their reasons, a process killed with -9 between applying and
//! confirming; and the cron command line's `history` and `run` on a MODX site folder.

mod common;

use std::path::Path;

use common::{SANDBOX_KEY, assert_php_passed, extension, php, run_php_test, sandbox};

#[test]
fn crm_status_changes_reach_the_orders_once_through_history_and_the_plugin() {
    run_php_test("history_plugin.php", &sandbox());
}

#[test]
fn the_cron_cli_applies_the_crm_status_changes_of_a_modx_site() {
    let sandbox = sandbox();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("php-history-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a test folder");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/history_cli.php");
    let (url, so) = (sandbox.url(), extension().display().to_string());
    let output = php(
        &[
            "-d",
            "extension=pdo",
            "-d",
            "extension=pdo_sqlite",
            script.to_str().expect("a UTF-8 path"),
        ],
        &[
            ("SITE_DIR", dir.to_str().expect("a UTF-8 path")),
            ("MODRETAILCRM_SO", &so),
            ("CRM_URL", &url),
            ("CRM_KEY", SANDBOX_KEY),
        ],
    );
    assert_php_passed("history_cli.php", &output);
    let _ = std::fs::remove_dir_all(dir);
}
