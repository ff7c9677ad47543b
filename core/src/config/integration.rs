//! The `modretailcrm_*` system settings of a shop, as the MODX plugin or the cron CLI passes
//! them, parsed and validated once.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use super::CustomClass;
use super::folder::private_folder;
use super::table::Settings;
use super::webhook::WebhookSettings;
use crate::api::crm_url::{ApiKey, CrmUrl};
use crate::api::transport::TransportSettings;
use crate::logging::LogFile;
use crate::mapping::{MappingSettings, StatusRules};
use crate::outbox::MysqlTarget;

/// When changes are sent to the CRM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendMode {
    /// The event only queues; delivery runs after the response is sent (the default).
    Deferred,
    /// The event queues, then delivers that change within a small time budget.
    Sync,
    /// The event only queues; cron delivers.
    Queue,
}

/// Where a shop's outbox lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueBackend {
    /// The SQLite file `queue_path` (the default): one web server.
    Sqlite,
    /// Tables in the MySQL/MariaDB database `queue_database`, shared by every web server.
    Mysql,
}

/// A shop's integration settings.
#[derive(Debug, Clone)]
pub struct IntegrationSettings {
    /// The CRM account's address.
    pub url: CrmUrl,
    /// The API key.
    pub api_key: ApiKey,
    /// The shop's site code in the CRM.
    pub site: String,
    /// When changes are sent.
    pub send_mode: SendMode,
    /// The outbox file.
    pub queue_path: PathBuf,
    /// Where the outbox lives (`modretailcrm_queue_backend`).
    pub queue_backend: QueueBackend,
    /// The MySQL/MariaDB database for the outbox (`modretailcrm_queue_dsn` …), when set:
    /// always with the `mysql` backend, and for moving the queue (`migrate-queue`).
    pub queue_database: Option<MysqlTarget>,
    /// How long a `sync` send may hold the shop's request.
    pub sync_budget: Duration,
    /// How long a delivery after the response may hold the PHP worker
    /// (`modretailcrm_after_response_budget`, default 3 s): the worker serves no other
    /// visitor meanwhile.
    pub after_response_budget: Duration,
    /// How long the work without cron may take after a response, at most once a minute
    /// per site: due retries, then one history pull (`modretailcrm_poll_budget`, default
    /// 2 s; 0 turns it off).
    pub poll_budget: Duration,
    /// Timeouts of one CRM call.
    pub transport: TransportSettings,
    /// Requests per second per key, shared by every process using the outbox.
    pub rate_limit: u32,
    /// The wait after a change's first failed attempt; it doubles with each further failure.
    pub retry_delay: Duration,
    /// The longest wait between two attempts.
    pub retry_delay_max: Duration,
    /// Log every call (not only failures).
    pub log: bool,
    /// The log file; `modretailcrm.log` in the site's private folder by default.
    pub log_file: Option<LogFile>,
    /// How long delivered records are kept before they are purged
    /// (`modretailcrm_keep_delivered_days`, 30 by default).
    pub keep_delivered: Duration,
    /// How orders are mapped.
    pub mapping: MappingSettings,
    /// Which status changes are sent, and which mark the payment paid.
    pub status_rules: StatusRules,
    /// Contexts whose user saves are sent (`modretailcrm_user_contexts`, default `web`).
    pub user_contexts: Vec<String>,
    /// User groups whose members' saves are sent from any context
    /// (`modretailcrm_user_groups`).
    pub user_groups: Vec<String>,
    /// The site's own class adjusting customer payloads (`modretailcrm_custom_customers_class`).
    pub custom_customers_class: Option<CustomClass>,
    /// The site's own class adjusting order payloads (`modretailcrm_custom_orders_class`).
    pub custom_orders_class: Option<CustomClass>,
    /// Where and how RetailCRM's trigger calls the site (`modretailcrm_webhook_*`).
    pub webhook: WebhookSettings,
}

/// Seconds in a day.
const DAY: u64 = 86_400;

fn flag(settings: &Settings, name: &str) -> Result<bool, String> {
    Ok(matches!(
        settings.text(name)?.as_deref(),
        Some("1" | "true" | "yes" | "on")
    ))
}

/// Where the outbox lives (`modretailcrm_queue_backend`) and the database for it, when its
/// DSN is set (the MODX plugin and the cron CLI's `--site` fill blank connection settings
/// from the site's own, see `php-plugin/lib/QueueConnection.php`).
fn queue(settings: &Settings) -> Result<(QueueBackend, Option<MysqlTarget>), String> {
    let dsn = settings.text("queue_dsn")?;
    let user = settings.text("queue_user")?.unwrap_or_default();
    let password = settings.exact("queue_password")?.unwrap_or_default();
    let prefix = settings.text("queue_table_prefix")?.unwrap_or_default();
    let database = dsn.map(|dsn| MysqlTarget {
        dsn,
        user,
        password,
        prefix,
    });
    let backend = match settings.required("queue_backend")?.as_str() {
        "sqlite" => QueueBackend::Sqlite,
        "mysql" if database.is_none() => {
            return Err(
                "modretailcrm_queue_dsn must be set with the mysql backend (the MODX \
                        plugin sets it from the site's connection)"
                    .into(),
            );
        }
        "mysql" => QueueBackend::Mysql,
        other => {
            return Err(format!(
                "modretailcrm_queue_backend must be sqlite or mysql, not {other:?}"
            ));
        }
    };
    Ok((backend, database))
}

/// A comma-separated list setting (`"2, 3"`), blanks dropped.
fn list(settings: &Settings, name: &str) -> Result<Vec<String>, String> {
    Ok(settings
        .text(name)?
        .map(|value| {
            value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// A comma-separated list of status ids.
fn status_ids(settings: &Settings, name: &str) -> Result<Vec<i64>, String> {
    list(settings, name)?
        .iter()
        .map(|id| {
            id.parse::<i64>().map_err(|_| {
                format!("modretailcrm_{name} must list status ids such as \"2,3\", not {id:?}")
            })
        })
        .collect()
}

fn custom_class(settings: &Settings, name: &str) -> Result<Option<CustomClass>, String> {
    match settings.text(name)? {
        Some(raw) => CustomClass::parse(&format!("modretailcrm_{name}"), &raw, settings.raw()),
        None => Ok(None),
    }
}

fn mapping(settings: &Settings) -> Result<MappingSettings, String> {
    let weight_multiplier = match settings.required("weight_unit")?.as_str() {
        "kg" => 1000.0,
        "g" => 1.0,
        other => {
            return Err(format!(
                "modretailcrm_weight_unit must be kg or g (the unit miniShop2 weights are in), not {other:?}"
            ));
        }
    };
    Ok(MappingSettings {
        add_crm_number: flag(settings, "add_crm_number")?,
        allow_msoptionsprice: flag(settings, "allow_msoptionsprice")?,
        promocode_field: settings.required("promocode_field")?,
        weight_multiplier,
        order_method: settings.text("order_method")?,
        default_country_iso: settings.text("country_iso")?,
        surcharge_name: MappingSettings::default().surcharge_name,
    })
}

fn seconds(settings: &Settings, name: &str) -> Result<Duration, String> {
    let value = settings.required(name)?;
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!(
                "modretailcrm_{name} must be a number of seconds above 0 and at most 3600, not {value:?}"
            )
        })
}

/// A whole number from 0 to `max`.
fn whole(settings: &Settings, name: &str, max: u64, what: &str) -> Result<u64, String> {
    let value = settings.required(name)?;
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| {
            format!(
                "modretailcrm_{name} must be a whole number {what}from 0 to {max}, not {value:?}"
            )
        })
}

impl IntegrationSettings {
    /// Parses the settings. `Ok(None)` means the integration is not configured (no URL, key
    /// or site code at all): it stays inactive. Partly filled or invalid settings are an
    /// error that names the setting. A blank setting has the default of the settings table.
    pub fn parse(settings: &Map<String, Value>) -> Result<Option<Self>, String> {
        Self::read(&Settings::new(settings)?)
    }

    /// [`IntegrationSettings::parse`], from settings read through the table.
    pub(super) fn read(settings: &Settings) -> Result<Option<Self>, String> {
        let (url, key, site) = (
            settings.text("url")?,
            settings.text("apiKey")?,
            settings.text("siteCode")?,
        );
        let (url, key, site) = match (url, key, site) {
            (None, None, None) => return Ok(None),
            (Some(url), Some(key), Some(site)) => (url, key, site),
            (url, key, site) => {
                let missing: Vec<&str> = [
                    ("modretailcrm_url", url.is_none()),
                    ("modretailcrm_apiKey", key.is_none()),
                    ("modretailcrm_siteCode", site.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, absent)| absent.then_some(name))
                .collect();
                return Err(format!("{} must be set", missing.join(" and ")));
            }
        };
        let url = CrmUrl::parse(&url).map_err(|e| format!("modretailcrm_url: {e}"))?;
        let api_key = ApiKey::parse(&key).map_err(|e| format!("modretailcrm_apiKey: {e}"))?;
        let send_mode = match settings.required("send_mode")?.as_str() {
            "deferred" => SendMode::Deferred,
            "sync" => SendMode::Sync,
            "queue" => SendMode::Queue,
            other => {
                return Err(format!(
                    "modretailcrm_send_mode must be deferred, sync or queue, not {other:?}"
                ));
            }
        };
        let folder = private_folder(settings.text("data_path")?.as_deref(), settings.raw())?;
        let core_path = settings
            .raw()
            .get("core_path")
            .and_then(Value::as_str)
            .map(PathBuf::from);
        let queue_path = match (settings.text("queue_path")?, &folder) {
            // A relative path is the site's (below core_path), not the working folder's.
            (Some(path), _) => match &core_path {
                Some(core) => core.join(path),
                None => PathBuf::from(path),
            },
            (None, Some(folder)) => folder.join("outbox.sqlite"),
            (None, None) => return Err("modretailcrm_queue_path must be set (or modretailcrm_data_path or core_path, to keep the outbox in the site's private folder)".into()),
        };
        let (queue_backend, queue_database) = queue(settings)?;
        let log_file = settings
            .text("log_file")?
            .map(|path| LogFile::configured(PathBuf::from(path)))
            .or_else(|| {
                folder.map(|folder| LogFile::in_own_folder(folder.join("modretailcrm.log")))
            });
        let keep_delivered =
            Duration::from_secs(whole(settings, "keep_delivered_days", 36_500, "of days ")? * DAY);
        let rate_limit = whole(settings, "rate_limit", 1000, "")? as u32;
        let transport = TransportSettings {
            timeout: seconds(settings, "timeout")?,
            connect_timeout: seconds(settings, "connect_timeout")?,
            rate_limit: 0,
            max_retries: 0,
            ..TransportSettings::default()
        };
        let status_rules = StatusRules {
            sync_statuses: status_ids(settings, "sync_statuses")?,
            paid_statuses: status_ids(settings, "paid_statuses")?,
        };
        let retry_delay = seconds(settings, "retry_delay")?;
        let retry_delay_max = seconds(settings, "retry_delay_max")?.max(retry_delay);
        Ok(Some(IntegrationSettings {
            url,
            retry_delay,
            retry_delay_max,
            api_key,
            site,
            send_mode,
            queue_path,
            queue_backend,
            queue_database,
            sync_budget: seconds(settings, "sync_budget")?,
            after_response_budget: seconds(settings, "after_response_budget")?,
            poll_budget: seconds(settings, "poll_budget")?,
            transport,
            rate_limit,
            log: flag(settings, "log")?,
            log_file,
            keep_delivered,
            mapping: mapping(settings)?,
            status_rules,
            user_contexts: list(settings, "user_contexts")?,
            user_groups: list(settings, "user_groups")?,
            custom_customers_class: custom_class(settings, "custom_customers_class")?,
            custom_orders_class: custom_class(settings, "custom_orders_class")?,
            webhook: WebhookSettings::read(settings)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<Option<IntegrationSettings>, String> {
        IntegrationSettings::parse(value.as_object().unwrap())
    }

    #[test]
    fn empty_settings_mean_inactive() {
        assert!(parse(json!({})).unwrap().is_none());
        assert!(
            parse(json!({"modretailcrm_url": "", "modretailcrm_apiKey": " ", "other": 1}))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_queue_password_is_kept_as_given_with_its_spaces() {
        let settings = parse(json!({
            "modretailcrm_url": "https://demo.retailcrm.ru/", "modretailcrm_apiKey": "k ", "modretailcrm_siteCode": "shop",
            "core_path": "/var/www/core/", "modretailcrm_queue_backend": "mysql",
            "modretailcrm_queue_dsn": " mysql:host=db;dbname=shop ", "modretailcrm_queue_user": " shop ",
            "modretailcrm_queue_password": " pass word ",
        }))
        .unwrap()
        .unwrap();
        let database = settings.queue_database.unwrap();
        assert_eq!(database.password, " pass word ");
        assert_eq!(database.user, "shop");
        assert_eq!(database.dsn, "mysql:host=db;dbname=shop");
    }

    #[test]
    fn a_full_set_is_parsed_with_defaults_under_core_path() {
        let settings = parse(json!({
            "modretailcrm_url": "https://demo.retailcrm.ru/", "modretailcrm_apiKey": "k", "modretailcrm_siteCode": "shop",
            "core_path": "/var/www/core/", "modretailcrm_log": "1",
        }))
        .unwrap()
        .unwrap();
        assert_eq!(settings.url.as_str(), "https://demo.retailcrm.ru");
        assert_eq!(settings.site, "shop");
        assert_eq!(settings.send_mode, SendMode::Deferred);
        assert_eq!(
            settings.queue_path,
            PathBuf::from("/var/www/core/cache/modretailcrm/outbox.sqlite")
        );
        assert_eq!(
            settings.log_file,
            Some(LogFile::in_own_folder(PathBuf::from(
                "/var/www/core/cache/modretailcrm/modretailcrm.log"
            )))
        );
        assert_eq!(settings.keep_delivered, Duration::from_secs(30 * DAY));
        assert_eq!(settings.sync_budget, Duration::from_secs(2));
        assert_eq!(settings.after_response_budget, Duration::from_secs(3));
        assert_eq!(settings.poll_budget, Duration::from_secs(2));
        assert_eq!(settings.rate_limit, 10);
        assert!(settings.log);
        assert_eq!(
            settings.status_rules,
            StatusRules {
                sync_statuses: vec![],
                paid_statuses: vec![2]
            }
        );
        assert_eq!(settings.user_contexts, vec!["web".to_string()]);
        assert_eq!(settings.mapping, MappingSettings::default());
    }

    #[test]
    fn the_outbox_and_the_log_live_in_the_private_folder_the_installer_made() {
        let settings = parse(json!({
            "modretailcrm_url": "https://demo.retailcrm.ru/", "modretailcrm_apiKey": "k", "modretailcrm_siteCode": "shop",
            "core_path": "/var/www/core/", "modretailcrm_data_path": "{core_path}cache/modretailcrm-5e1f0c/",
            "modretailcrm_keep_delivered_days": "7",
        }))
        .unwrap()
        .unwrap();
        assert_eq!(
            settings.queue_path,
            PathBuf::from("/var/www/core/cache/modretailcrm-5e1f0c/outbox.sqlite")
        );
        assert_eq!(
            settings.log_file,
            Some(LogFile::in_own_folder(PathBuf::from(
                "/var/www/core/cache/modretailcrm-5e1f0c/modretailcrm.log"
            )))
        );
        assert_eq!(settings.keep_delivered, Duration::from_secs(7 * DAY));
        let configured = parse(json!({
            "modretailcrm_url": "https://demo.retailcrm.ru/", "modretailcrm_apiKey": "k", "modretailcrm_siteCode": "shop",
            "core_path": "/var/www/core/", "modretailcrm_log_file": "/var/log/shop/crm.log",
        }))
        .unwrap()
        .unwrap();
        assert_eq!(
            configured.log_file,
            Some(LogFile::configured(PathBuf::from("/var/log/shop/crm.log")))
        );
    }

    #[test]
    fn a_relative_queue_path_is_resolved_against_the_site_not_the_working_dir() {
        let queue_path = |path: &str| {
            parse(json!({
                "modretailcrm_url": "https://demo.retailcrm.ru/", "modretailcrm_apiKey": "k", "modretailcrm_siteCode": "shop",
                "core_path": "/var/www/core/", "modretailcrm_queue_path": path,
            }))
            .unwrap()
            .unwrap()
            .queue_path
        };
        assert_eq!(
            queue_path("cache/q/outbox.sqlite"),
            PathBuf::from("/var/www/core/cache/q/outbox.sqlite")
        );
        assert_eq!(
            queue_path("/srv/q/outbox.sqlite"),
            PathBuf::from("/srv/q/outbox.sqlite")
        );
    }

    #[test]
    fn shop_rules_are_read_from_their_settings() {
        let settings = parse(json!({
            "modretailcrm_url": "https://d.retailcrm.ru", "modretailcrm_apiKey": "k", "modretailcrm_siteCode": "s",
            "modretailcrm_queue_path": "/tmp/q.sqlite", "modretailcrm_sync_statuses": "2, 3,4",
            "modretailcrm_paid_statuses": "5", "modretailcrm_add_crm_number": "1", "modretailcrm_allow_msoptionsprice": true,
            "modretailcrm_weight_unit": "g", "modretailcrm_order_method": "shopping-cart",
            "modretailcrm_user_contexts": "web, shop", "modretailcrm_user_groups": "Customers",
        }))
        .unwrap()
        .unwrap();
        assert_eq!(
            settings.status_rules,
            StatusRules {
                sync_statuses: vec![2, 3, 4],
                paid_statuses: vec![5]
            }
        );
        assert!(settings.mapping.add_crm_number && settings.mapping.allow_msoptionsprice);
        assert_eq!(settings.mapping.weight_multiplier, 1.0);
        assert_eq!(
            settings.mapping.order_method.as_deref(),
            Some("shopping-cart")
        );
        assert_eq!(
            settings.user_contexts,
            vec!["web".to_string(), "shop".to_string()]
        );
        assert_eq!(settings.user_groups, vec!["Customers".to_string()]);
    }

    #[test]
    fn every_problem_names_its_setting() {
        let base = json!({"modretailcrm_url": "https://d.retailcrm.ru", "modretailcrm_apiKey": "k", "modretailcrm_siteCode": "s", "modretailcrm_queue_path": "/tmp/q.sqlite"});
        let with = |key: &str, value: Value| {
            let mut settings = base.clone();
            settings[key] = value;
            parse(settings).unwrap_err()
        };
        assert!(with("modretailcrm_send_mode", json!("later")).contains("modretailcrm_send_mode"));
        assert!(
            with("modretailcrm_url", json!("http://d.retailcrm.ru")).contains("modretailcrm_url")
        );
        assert!(with("modretailcrm_sync_budget", json!("-1")).contains("modretailcrm_sync_budget"));
        assert!(
            with("modretailcrm_after_response_budget", json!("x"))
                .contains("modretailcrm_after_response_budget")
        );
        assert!(with("modretailcrm_rate_limit", json!("fast")).contains("modretailcrm_rate_limit"));
        assert!(
            with("modretailcrm_sync_statuses", json!("2,new"))
                .contains("modretailcrm_sync_statuses")
        );
        assert!(with("modretailcrm_weight_unit", json!("lb")).contains("modretailcrm_weight_unit"));
        assert!(
            with("modretailcrm_keep_delivered_days", json!("-1"))
                .contains("modretailcrm_keep_delivered_days")
        );
        assert!(
            parse(json!({"modretailcrm_url": "https://d.retailcrm.ru"}))
                .unwrap_err()
                .contains("modretailcrm_apiKey and modretailcrm_siteCode must be set")
        );
        // 0 s would retry a failing change without pause; the message says what is allowed.
        assert_eq!(
            with("modretailcrm_retry_delay", json!("0")),
            "modretailcrm_retry_delay must be a number of seconds above 0 and at most 3600, not \"0\""
        );
        let mut no_path = base.clone();
        no_path
            .as_object_mut()
            .unwrap()
            .remove("modretailcrm_queue_path");
        assert!(
            parse(no_path)
                .unwrap_err()
                .contains("modretailcrm_queue_path")
        );
    }
}
