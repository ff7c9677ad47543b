//! The site's private folder: the outbox, the API log and the inactivity note.
//!
//! They hold customers' names, e-mails, phones and addresses, and MODX's `core/` is often
//! inside the web root. So the installer creates the folder under a name nobody can guess,
//! `{core_path}cache/modretailcrm-<random>/` with deny rules for the web server, and keeps
//! it in `modretailcrm_data_path`. A site the installer has not set up yet (the extension
//! upgraded first) keeps the older `{core_path}cache/modretailcrm/`.

use std::path::PathBuf;

use serde_json::{Map, Value};

use super::custom::expand;

/// The setting naming the folder.
pub const DATA_PATH_SETTING: &str = "modretailcrm_data_path";

/// The folder below `core_path` used when `modretailcrm_data_path` is not set.
pub const LEGACY_FOLDER: &str = "cache/modretailcrm";

/// The raw setting `key` as trimmed text, `None` when absent, blank or not a string.
pub(super) fn raw_text<'a>(settings: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    settings
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The private folder of a site: `data_path` (the value of `modretailcrm_data_path`,
/// placeholders such as `{core_path}` expanded from `settings`), else
/// `{core_path}cache/modretailcrm/`, else `None`. An error names the setting.
pub fn private_folder(
    data_path: Option<&str>,
    settings: &Map<String, Value>,
) -> Result<Option<PathBuf>, String> {
    match (data_path, raw_text(settings, "core_path")) {
        (Some(folder), _) => expand(DATA_PATH_SETTING, folder, settings).map(Some),
        (None, Some(core)) => Ok(Some(PathBuf::from(core).join(LEGACY_FOLDER))),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn folder(settings: Value) -> Result<Option<PathBuf>, String> {
        let settings = settings.as_object().expect("an object");
        private_folder(raw_text(settings, DATA_PATH_SETTING), settings)
    }

    #[test]
    fn the_setting_wins_with_its_placeholders_then_the_older_folder() {
        assert_eq!(
            folder(
                json!({"modretailcrm_data_path": "{core_path}cache/modretailcrm-3f9a/", "core_path": "/var/www/core/"})
            ),
            Ok(Some(PathBuf::from(
                "/var/www/core/cache/modretailcrm-3f9a/"
            )))
        );
        assert_eq!(
            folder(json!({"modretailcrm_data_path": " ", "core_path": "/var/www/core/"})),
            Ok(Some(PathBuf::from("/var/www/core/cache/modretailcrm")))
        );
        assert_eq!(folder(json!({})), Ok(None));
        assert!(
            folder(json!({"modretailcrm_data_path": "{core_path}x/"}))
                .unwrap_err()
                .contains("modretailcrm_data_path uses {core_path}")
        );
    }
}
