//! `modretailcrm_custom_customers_class` / `modretailcrm_custom_orders_class`: a site's own PHP
//! class that adjusts the mapped payload. Accepted as the baseline wrote it,
//! `["ClassName", "{core_path}components/shop/custom.php"]`, or as a plain class name.

use std::path::PathBuf;

use serde_json::{Map, Value};

/// A site's own class, and the file that declares it (when it is not autoloaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomClass {
    /// The class name; its static `map(array $payload, array $source): array` is called.
    pub class: String,
    /// The file to load before the class is used, placeholders expanded.
    pub file: Option<PathBuf>,
}

/// The placeholders a path may hold, and the settings that give their values.
const PLACEHOLDERS: [(&str, &str); 3] = [
    ("{core_path}", "core_path"),
    ("{base_path}", "base_path"),
    ("{assets_path}", "assets_path"),
];

impl CustomClass {
    /// Parses the setting `name` (its value `raw`); `Ok(None)` when it is empty.
    pub fn parse(
        name: &str,
        raw: &str,
        settings: &Map<String, Value>,
    ) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.is_empty() || raw == "[]" {
            return Ok(None);
        }
        let (class, file) = if raw.starts_with('[') {
            match serde_json::from_str::<Vec<String>>(raw).as_deref() {
                Ok([class]) => (class.clone(), None),
                Ok([class, file]) => (class.clone(), Some(expand(name, file, settings)?)),
                _ => {
                    return Err(format!(
                        "{name} must be [\"ClassName\", \"/path/to/file.php\"] or a class name, not {raw}"
                    ));
                }
            }
        } else {
            (raw.to_string(), None)
        };
        let valid = !class.is_empty()
            && class.split('\\').all(|part| {
                part.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            });
        if !valid {
            return Err(format!("{name}: {class:?} is not a PHP class name"));
        }
        Ok(Some(CustomClass {
            class,
            file: file.filter(|f| !f.as_os_str().is_empty()),
        }))
    }
}

/// `file` with the placeholders `{core_path}`, `{base_path}` and `{assets_path}` replaced
/// from `settings`; errors name the setting `name`.
pub fn expand(name: &str, file: &str, settings: &Map<String, Value>) -> Result<PathBuf, String> {
    let mut path = file.to_string();
    for (placeholder, key) in PLACEHOLDERS {
        if path.contains(placeholder) {
            let value = settings.get(key).and_then(Value::as_str).ok_or_else(|| {
                format!("{name} uses {placeholder}, but {key} is not among the settings")
            })?;
            path = path.replace(placeholder, value);
        }
    }
    if path.contains('{') {
        return Err(format!(
            "{name}: {file:?} has a placeholder other than {{core_path}}, {{base_path}}, {{assets_path}}"
        ));
    }
    Ok(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(raw: &str) -> Result<Option<CustomClass>, String> {
        let settings = json!({"core_path": "/var/www/core/"});
        CustomClass::parse(
            "modretailcrm_custom_orders_class",
            raw,
            settings.as_object().unwrap(),
        )
    }

    #[test]
    fn the_baseline_form_and_a_plain_name_are_accepted() {
        assert_eq!(
            parse(r#"["ShopOrders", "{core_path}components/shop/orders.php"]"#).unwrap(),
            Some(CustomClass {
                class: "ShopOrders".into(),
                file: Some(PathBuf::from("/var/www/core/components/shop/orders.php"))
            })
        );
        assert_eq!(
            parse(r"Shop\Crm\Orders").unwrap(),
            Some(CustomClass {
                class: r"Shop\Crm\Orders".into(),
                file: None
            })
        );
        assert_eq!(parse(r#"["ShopOrders"]"#).unwrap().unwrap().file, None);
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("[]").unwrap(), None);
    }

    #[test]
    fn bad_values_are_refused_naming_the_setting() {
        for bad in [
            r#"["a", "b", "c"]"#,
            "[1]",
            "Not A Class",
            "1Class",
            r#"["X", "{base_path}x.php"]"#,
            r#"["X", "{site}x.php"]"#,
        ] {
            assert!(
                parse(bad)
                    .unwrap_err()
                    .contains("modretailcrm_custom_orders_class"),
                "{bad}"
            );
        }
    }
}
