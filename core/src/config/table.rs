//! The table of the `modretailcrm_*` system settings, `php-plugin/install/settings.json`: the
//! one source of their names and defaults. The installer creates the settings from it and
//! `scripts/settings.php` writes the lexicons and README from it; here the extension reads a
//! site's settings through it ([`Settings`]), so it reads no setting the table lacks and keeps
//! no second copy of a default.

#[cfg(test)]
use std::cell::RefCell;
#[cfg(test)]
use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

/// The table, as the repository holds it.
const TABLE: &str = include_str!("../../../php-plugin/install/settings.json");

/// One row of the table, as far as the extension needs it (the installer and the generator
/// read its MODX editor, area and texts).
#[derive(Debug, Deserialize)]
pub struct SettingRow {
    /// The MODX key, `modretailcrm_<name>`.
    pub name: String,
    /// The value of the setting when it is blank; empty when the reading code decides what
    /// blank means (a file in the private folder, no class…).
    pub default: String,
    /// Who reads it: `extension`, or `php-plugin` for a setting only the plugin's PHP reads.
    pub read_by: String,
}

#[derive(Deserialize)]
struct Table {
    settings: Vec<SettingRow>,
}

/// The rows of the table. An error only if the table built into the extension does not
/// parse, which the tests keep from shipping.
pub fn rows() -> Result<&'static [SettingRow], String> {
    static ROWS: OnceLock<Result<Vec<SettingRow>, String>> = OnceLock::new();
    ROWS.get_or_init(|| {
        serde_json::from_str::<Table>(TABLE)
            .map(|table| table.settings)
            .map_err(|e| format!("the settings table php-plugin/install/settings.json: {e}"))
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(Clone::clone)
}

/// A site's raw settings (the `modretailcrm_*` keys and MODX's paths, as the plugin or the
/// cron CLI passes them), read through the table: a blank or absent setting has the table's
/// default.
pub struct Settings<'a> {
    raw: &'a Map<String, Value>,
    rows: &'static [SettingRow],
    /// The names asked for, for the test that the extension reads exactly the table's.
    #[cfg(test)]
    read: RefCell<BTreeSet<String>>,
}

impl<'a> Settings<'a> {
    /// Reads `raw` through the table.
    pub fn new(raw: &'a Map<String, Value>) -> Result<Self, String> {
        Ok(Settings {
            raw,
            rows: rows()?,
            #[cfg(test)]
            read: RefCell::default(),
        })
    }

    /// The raw settings, for what is not a `modretailcrm_*` setting (`core_path`, …).
    pub fn raw(&self) -> &'a Map<String, Value> {
        self.raw
    }

    /// `modretailcrm_<name>` as trimmed text (a number or a boolean as JSON writes it), the
    /// table's default when it is blank or absent; `None` when the default is empty too.
    /// An error when the table has no such setting.
    pub fn text(&self, name: &str) -> Result<Option<String>, String> {
        self.value(name, str::trim)
    }

    /// `modretailcrm_<name>` exactly as given, spaces included (a password: they are part of
    /// it), else as [`Settings::text`].
    pub fn exact(&self, name: &str) -> Result<Option<String>, String> {
        self.value(name, |given| given)
    }

    /// The setting's value shaped by `shape`, the table's default when that is empty.
    fn value(&self, name: &str, shape: fn(&str) -> &str) -> Result<Option<String>, String> {
        let key = format!("modretailcrm_{name}");
        let row = self
            .rows
            .iter()
            .find(|row| row.name == key)
            .ok_or_else(|| format!("{key} is not in the settings table"))?;
        #[cfg(test)]
        self.read.borrow_mut().insert(key.clone());
        let given = match self.raw.get(&key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(shape(s).to_string()),
            Some(other) => Some(other.to_string()),
        };
        Ok(given
            .filter(|value| !value.is_empty())
            .or_else(|| Some(row.default.trim().to_string()).filter(|d| !d.is_empty())))
    }

    /// [`Settings::text`], an error naming the setting when it is empty (no value, no default).
    pub fn required(&self, name: &str) -> Result<String, String> {
        self.text(name)?
            .ok_or_else(|| format!("modretailcrm_{name} must be set"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::IntegrationSettings;
    use serde_json::json;

    #[test]
    fn the_table_parses_with_unique_names_and_known_readers() {
        let rows = rows().unwrap();
        let names: BTreeSet<&str> = rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names.len(), rows.len(), "a name is in two rows");
        for row in rows {
            assert!(row.name.starts_with("modretailcrm_"), "{}", row.name);
            assert!(
                ["extension", "php-plugin"].contains(&row.read_by.as_str()),
                "{}: read_by {}",
                row.name,
                row.read_by
            );
        }
    }

    #[test]
    fn the_extension_reads_exactly_the_settings_of_the_table() {
        let raw = json!({
            "modretailcrm_url": "https://demo.retailcrm.ru", "modretailcrm_apiKey": "k",
            "modretailcrm_siteCode": "shop", "core_path": "/var/www/core/",
        });
        let settings = Settings::new(raw.as_object().unwrap()).unwrap();
        assert!(IntegrationSettings::read(&settings).unwrap().is_some());
        let in_table: BTreeSet<String> = rows()
            .unwrap()
            .iter()
            .filter(|row| row.read_by == "extension")
            .map(|row| row.name.clone())
            .collect();
        // A name the table lacks fails the read above; here: a row for the extension that it
        // does not read, or a read of a row the table gives to the PHP plugin.
        let read = settings.read.into_inner();
        let unread: Vec<&String> = in_table.difference(&read).collect();
        assert!(unread.is_empty(), "read_by extension, not read: {unread:?}");
        let not_ours: Vec<&String> = read.difference(&in_table).collect();
        assert!(
            not_ours.is_empty(),
            "read, not read_by extension: {not_ours:?}"
        );
    }

    #[test]
    fn a_blank_setting_has_the_tables_default_and_a_given_one_its_own() {
        let raw = json!({
            "modretailcrm_timeout": " ", "modretailcrm_retry_delay": 2.5,
            "modretailcrm_log": true, "modretailcrm_sync_statuses": null,
        });
        let settings = Settings::new(raw.as_object().unwrap()).unwrap();
        let default = |key: &str| {
            rows()
                .unwrap()
                .iter()
                .find(|row| row.name == key)
                .map(|row| row.default.clone())
        };
        assert_eq!(
            settings.text("timeout").unwrap(),
            default("modretailcrm_timeout")
        );
        assert_eq!(
            settings.text("retry_delay").unwrap().as_deref(),
            Some("2.5")
        );
        assert_eq!(settings.text("log").unwrap().as_deref(), Some("true"));
        assert_eq!(settings.text("sync_statuses").unwrap(), None);
        assert_eq!(
            settings.required("sync_statuses").unwrap_err(),
            "modretailcrm_sync_statuses must be set"
        );
        assert_eq!(
            settings.text("no_such_setting").unwrap_err(),
            "modretailcrm_no_such_setting is not in the settings table"
        );
    }
}
