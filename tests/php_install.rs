//! The MODX side that needs no CRM: the installer (`php-plugin/install/install.php`) run by the
//! real `php` on copies of a fake MODX 2.8 + miniShop2 site (`tests/php/modx/site`), the
//! lexicons and what the settings table generates (`scripts/settings.php`), the plugin's
//! OnMODXInit and msOnManagerCustomCssJs through the plugin harness (with and without the
//! extension), and the manager script under node against miniShop2's settings page classes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{assert_php_passed, run_php_without_extension};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn script(name: &str) -> PathBuf {
    repo().join("tests/php").join(name)
}

#[test]
fn a_fresh_install_creates_exactly_the_component_and_a_second_run_changes_nothing() {
    run_php_without_extension("install_fresh.php");
}

#[test]
fn an_older_modretailcrm_install_is_upgraded_in_place_keeping_settings_and_codes() {
    run_php_without_extension("install_upgrade.php");
}

#[test]
fn uninstall_keeps_the_codes_and_drop_codes_removes_them() {
    run_php_without_extension("install_uninstall.php");
}

#[test]
fn the_installer_refuses_what_is_not_a_modx_2_8_site_with_minishop2() {
    run_php_without_extension("install_errors.php");
}

#[test]
fn both_lexicons_name_every_setting_the_installer_creates() {
    run_php_without_extension("install_lexicon.php");
}

#[test]
fn the_settings_table_generates_the_lexicons_and_readme_and_its_check_finds_drift() {
    run_php_without_extension("settings_table.php");
}

#[test]
fn the_code_fields_reach_the_model_and_the_manager_without_the_extension() {
    run_php_without_extension("plugin_manager_fields.php");
}

#[test]
fn the_code_fields_reach_the_model_and_the_manager_with_the_extension_and_no_settings() {
    let path = script("plugin_manager_fields.php");
    let output = common::php(
        &[path.to_str().expect("utf-8 path")],
        &[("MODRETAILCRM_EXPECT_EXTENSION", "1")],
    );
    assert_php_passed("plugin_manager_fields.php with the extension", &output);
}

#[test]
fn the_manager_script_adds_the_code_column_and_fields_to_minishop2s_settings_page() {
    let js = repo().join("php-plugin/assets/js/mgr/crm-codes.js");
    let check = Command::new("node")
        .arg("--check")
        .arg(&js)
        .output()
        .expect("node runs");
    assert!(
        check.status.success(),
        "node --check: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let page = repo().join("tests/php/modx/site/manager/ms2-settings-page.js");
    let output = Command::new("timeout")
        .arg("60")
        .arg("node")
        .arg(page)
        .arg(&js)
        .output()
        .expect("node runs");
    assert_php_passed("ms2-settings-page.js", &output);
}
