//! The shop owner's page in the MODX manager (Extras → RetailCRM): its connector
//! (`php-plugin/lib/ManagerApi.php`) run by the real `php` over the MODX harness, with the
//! extension and the CRM sandbox, and without the extension; and the page itself in headless
//! Chromium.

mod common;

use std::path::Path;

use common::browser::Browser;
use common::builtin_server::BuiltInServer;
use common::{SANDBOX_KEY, control, php, run_php_test, run_php_without_extension, sandbox};
use fantoccini::Locator;
use serde_json::{Value, json};

#[test]
fn each_action_of_the_page_checks_token_permission_and_inputs_and_does_its_work() {
    run_php_test("manager_api.php", &sandbox());
}

#[test]
fn without_the_extension_the_page_shows_what_it_can_and_changes_nothing() {
    run_php_without_extension("manager_api_no_extension.php");
}

/// The page in headless Chromium, served by `php -S` over the harness (its rows kept between
/// requests) and the sandbox: the figures are `status()`'s, a dead letter retried by a click
/// reaches the CRM, a dropdown offers the sandbox's delivery types and saving writes the code,
/// the mapping check lists the status whose code the CRM does not have. The screenshots go
/// to the folder the test prints.
#[test]
fn the_page_in_a_real_browser_shows_status_retries_saves_codes_and_checks_the_mapping() {
    let crm = sandbox();
    let dir = std::env::temp_dir().join(format!("modretailcrm-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let url = crm.url();
    let page_dir = dir.display().to_string();
    let env = [
        ("CRM_URL", url.as_str()),
        ("CRM_KEY", SANDBOX_KEY),
        ("PAGE_DIR", page_dir.as_str()),
    ];
    let state = |command: &str| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/manager_page_state.php");
        let output = php(&[script.to_str().expect("utf-8"), command], &env);
        assert!(output.status.success(), "{command}: {output:?}");
        String::from_utf8(output.stdout).expect("utf-8")
    };
    state("setup");
    let server = BuiltInServer::start("manager_page_router.php", &env, &dir);
    let screenshots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("manager-page");
    println!("screenshots of the manager page: {}", screenshots.display());
    let browser = Browser::start(&dir, &screenshots);
    browser.open(&format!("http://127.0.0.1:{}/manager", server.port()));
    browser.wait_for("#modretailcrm-page[data-loaded=true]");

    // Health: the figures are status()'s.
    let status: Value = serde_json::from_str(&state("status")).expect("status() as JSON");
    for (selector, figure) in [
        ("#mrc-pending", "pending"),
        ("#mrc-dead-count", "dead"),
        ("#mrc-delivered-day", "delivered_last_day"),
    ] {
        assert_eq!(
            browser.text(selector),
            status[figure].to_string(),
            "{figure}"
        );
    }
    assert_eq!(
        (
            status["dead"].as_u64(),
            status["delivered_last_day"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let dead_id = status["dead_letters"][0]["id"]
        .as_i64()
        .expect("a dead letter");
    let row = format!("#mrc-dead tr[data-id=\"{dead_id}\"]");
    assert!(
        browser
            .text(&row)
            .contains("Delivery type \"teleport\" does not exist."),
        "the CRM's error is shown"
    );
    assert!(
        browser
            .text("#mrc-doctor li[data-check=crm]")
            .contains("answers")
    );
    browser.screenshot("1-health");

    // A dead letter retried by a click arrives in the CRM.
    control(
        &crm,
        "POST",
        "references/delivery-types",
        json!({"code": "teleport", "name": "Teleport"}),
    );
    browser.click(&format!("{row} .mrc-retry"));
    browser.wait_for("#mrc-dead-none");
    let orders = control(&crm, "GET", "state", Value::Null)["orders"].clone();
    assert!(
        orders
            .as_array()
            .expect("orders")
            .iter()
            .any(|o| o["externalId"] == "3100-1"),
        "{orders}"
    );
    assert_eq!(browser.text("#mrc-dead-count"), "0");

    // The delivery's dropdown offers the sandbox's delivery types; saving writes the code.
    let select = "select[data-book=delivery][data-id=\"2\"]";
    let dropdown = browser.wait_for(select);
    let options: Vec<String> = browser.run(async {
        let mut codes = Vec::new();
        for option in dropdown
            .find_all(Locator::Css("option"))
            .await
            .expect("options")
        {
            codes.push(
                option
                    .attr("value")
                    .await
                    .expect("value")
                    .unwrap_or_default(),
            );
        }
        codes
    });
    assert_eq!(
        options,
        ["", "courier", "self-delivery", "russian-post"],
        "the sandbox's delivery types as the page loaded them (teleport came later)"
    );
    browser
        .run(dropdown.select_by_value("self-delivery"))
        .expect("selected");
    browser.click("#mrc-map-delivery tr[data-id=\"2\"] .mrc-save");
    browser.wait_for("#mrc-map-delivery tr[data-id=\"2\"] .mrc-row-message.mrc-ok");
    let rows: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("db.json")).expect("the site's rows"),
    )
    .expect("JSON");
    assert_eq!(
        rows["msDelivery"]["2"]["retailcrm_delivery_code"],
        "self-delivery"
    );

    // The mapping check lists the status whose code the CRM does not have.
    browser.click("#mrc-check-mapping");
    let finding =
        browser.text("#mrc-findings[data-round=\"2\"] li[data-rule=unknown_code][data-id=\"3\"]");
    assert!(finding.contains("\"delivring\""), "{finding}");
    browser.screenshot("2-after-retry-and-mapping");
    let section = browser.wait_for("#mrc-mapping");
    let mapping = browser
        .run(section.screenshot())
        .expect("a screenshot of the section");
    std::fs::write(screenshots.join("3-mapping.png"), mapping).expect("written");
    drop(browser);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
