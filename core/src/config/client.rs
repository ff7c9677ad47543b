//! Client options as PHP code passes them (an options array), parsed and validated once.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::api::transport::TransportSettings;

/// Default cap of the log file before it is rotated.
pub const DEFAULT_LOG_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// How many rotated log files are kept.
pub const LOG_FILES_KEPT: u32 = 3;

/// Validated client options.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Timeouts, pacing and retries.
    pub transport: TransportSettings,
    /// Log every exchange (`true`) or only failures (`false`, the default).
    pub log: bool,
    /// Write the log to this file instead of PHP's `error_log()`.
    pub log_file: Option<PathBuf>,
    /// Size cap of the log file.
    pub log_max_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            transport: TransportSettings::default(),
            log: false,
            log_file: None,
            log_max_bytes: DEFAULT_LOG_MAX_BYTES,
        }
    }
}

/// The option keys understood, for the error message on an unknown one.
pub const OPTION_KEYS: &[&str] = &[
    "timeout",
    "connect_timeout",
    "rate_limit",
    "max_retries",
    "retry_delay",
    "max_response_bytes",
    "log",
    "log_file",
    "log_max_bytes",
    "log_callback",
];

impl ClientOptions {
    /// Parses an options array (`log_callback` is handled by the PHP boundary and skipped
    /// here). Unknown keys are refused, so a typo does not silently keep a default.
    pub fn parse(options: &Map<String, Value>) -> Result<Self, String> {
        let mut parsed = ClientOptions::default();
        for (key, value) in options {
            match key.as_str() {
                "timeout" => parsed.transport.timeout = seconds(key, value)?,
                "connect_timeout" => parsed.transport.connect_timeout = seconds(key, value)?,
                "retry_delay" => parsed.transport.retry_base_delay = seconds(key, value)?,
                "rate_limit" => parsed.transport.rate_limit = whole(key, value, 1000)?,
                "max_retries" => parsed.transport.max_retries = whole(key, value, 10)?,
                "max_response_bytes" => {
                    parsed.transport.max_response_bytes =
                        whole(key, value, u32::MAX)?.max(1024) as usize
                }
                "log" => parsed.log = flag(key, value)?,
                "log_file" => parsed.log_file = path(key, value)?,
                "log_max_bytes" => {
                    parsed.log_max_bytes = u64::from(whole(key, value, u32::MAX)?.max(1024))
                }
                "log_callback" => {}
                other => {
                    return Err(format!(
                        "unknown option {other:?}; known options: {}",
                        OPTION_KEYS.join(", ")
                    ));
                }
            }
        }
        Ok(parsed)
    }
}

fn seconds(key: &str, value: &Value) -> Result<Duration, String> {
    value
        .as_f64()
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!(
                "option {key:?} must be a number of seconds above 0 and at most 3600, got {value}"
            )
        })
}

fn whole(key: &str, value: &Value, max: u32) -> Result<u32, String> {
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n <= max)
        .ok_or_else(|| {
            format!("option {key:?} must be a whole number from 0 to {max}, got {value}")
        })
}

fn flag(key: &str, value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
            Ok(n.as_i64() == Some(1))
        }
        Value::String(s) if matches!(s.as_str(), "" | "0" | "1") => Ok(s == "1"),
        _ => Err(format!("option {key:?} must be a boolean, got {value}")),
    }
}

fn path(key: &str, value: &Value) -> Result<Option<PathBuf>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if !s.trim().is_empty() => Ok(Some(PathBuf::from(s))),
        _ => Err(format!("option {key:?} must be a file path, got {value}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<ClientOptions, String> {
        ClientOptions::parse(value.as_object().unwrap())
    }

    #[test]
    fn defaults_when_empty() {
        assert_eq!(parse(json!({})).unwrap(), ClientOptions::default());
    }

    #[test]
    fn reads_every_option() {
        let options = parse(json!({
            "timeout": 2.5, "connect_timeout": 1, "retry_delay": 0.05, "rate_limit": 0,
            "max_retries": 5, "log": "1", "log_file": "/tmp/x.log", "log_max_bytes": 4096
        }))
        .unwrap();
        assert_eq!(options.transport.timeout, Duration::from_millis(2500));
        assert_eq!(options.transport.connect_timeout, Duration::from_secs(1));
        assert_eq!(
            options.transport.retry_base_delay,
            Duration::from_millis(50)
        );
        assert_eq!(options.transport.rate_limit, 0);
        assert_eq!(options.transport.max_retries, 5);
        assert!(options.log);
        assert_eq!(options.log_file, Some(PathBuf::from("/tmp/x.log")));
        assert_eq!(options.log_max_bytes, 4096);
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values_with_the_key_named() {
        for (bad, named) in [
            (json!({"timeuot": 1}), "timeuot"),
            (json!({"timeout": -1}), "timeout"),
            (json!({"timeout": "fast"}), "timeout"),
            (json!({"rate_limit": 1.5}), "rate_limit"),
            (json!({"max_retries": 99}), "max_retries"),
            (json!({"log": "yes"}), "log"),
            (json!({"log_file": ""}), "log_file"),
        ] {
            let error = parse(bad).unwrap_err();
            assert!(error.contains(named), "{error}");
        }
    }
}
