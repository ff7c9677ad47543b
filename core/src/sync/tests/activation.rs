//! Whether a site's settings give an integration, and the words that say why not.

use std::fs;

use serde_json::json;

use super::{raw_settings, settings};
use crate::outbox::tests::TempDir;
use crate::sync::activation::{self, Inactive};

#[test]
fn empty_settings_leave_the_site_inactive_and_say_so() {
    let inactive = activation::settings(&serde_json::Map::new()).unwrap_err();
    assert!(matches!(inactive, Inactive::NotConfigured));
    assert_eq!(
        inactive.to_string(),
        "inactive: modretailcrm_url, modretailcrm_apiKey and modretailcrm_siteCode are empty, \
         so orders and customers are not sent to RetailCRM"
    );
}

#[test]
fn a_wrong_setting_is_named() {
    let dir = TempDir::new("activation-wrong");
    let raw = raw_settings(&dir, json!({"modretailcrm_sync_statuses": "new"}));
    let inactive = activation::settings(&raw).unwrap_err();
    assert!(
        matches!(&inactive, Inactive::Settings(problem) if problem.contains("modretailcrm_sync_statuses")),
        "{inactive:?}"
    );
    assert!(
        inactive
            .to_string()
            .starts_with("inactive, the settings are wrong: modretailcrm_sync_statuses"),
        "{inactive}"
    );
}

#[test]
fn an_outbox_that_cannot_be_opened_leaves_the_site_inactive() {
    let dir = TempDir::new("activation-outbox");
    fs::write(dir.file("plain-file"), "not a folder").unwrap();
    let queue = dir.file("plain-file").join("outbox.sqlite");
    let settings = settings(&dir, json!({"modretailcrm_queue_path": queue}));
    let Err(inactive) = activation::engine(settings, None) else {
        panic!("the outbox cannot be under a file");
    };
    assert!(matches!(inactive, Inactive::Outbox(_)), "{inactive:?}");
    assert!(
        inactive
            .to_string()
            .starts_with("inactive, the outbox cannot be used: cannot open the outbox"),
        "{inactive}"
    );
}

#[test]
fn working_settings_give_an_engine() {
    let dir = TempDir::new("activation-active");
    let raw = raw_settings(&dir, json!({}));
    let settings = activation::settings(&raw).unwrap();
    assert_eq!(settings.site, "shop");
    assert!(activation::engine(settings, None).is_ok());
}
