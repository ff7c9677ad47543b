//! The webhook's settings (`modretailcrm_webhook_*`): where RetailCRM's trigger calls the
//! site, the secret it must send, and the addresses it may call from.

use std::fmt;
use std::net::IpAddr;

use super::table::Settings;

/// The shortest secret accepted: a guessable one would open the webhook to anyone.
pub const MIN_SECRET_LEN: usize = 16;

/// The webhook's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSettings {
    /// The path the trigger calls, without leading or trailing slashes
    /// (`modretailcrm_webhook_path`, default `modretailcrm/webhook`).
    pub path: String,
    /// The secret every call must carry; `None` turns the webhook off.
    pub secret: Option<String>,
    /// The addresses calls may come from; empty: any.
    pub allowed: Vec<IpRange>,
}

impl fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret is a credential: never in a debug print.
        f.debug_struct("WebhookSettings")
            .field("path", &self.path)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field("allowed", &self.allowed)
            .finish()
    }
}

/// An IP address range in CIDR form (`185.71.76.0/27`); a bare address is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Parses `192.0.2.0/24`, `2001:db8::/32` or a bare address.
    pub fn parse(text: &str) -> Result<IpRange, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or a CIDR range"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("{text:?} has no prefix length from 0 to {bits}"))?,
        };
        Ok(IpRange { network, prefix })
    }

    /// Whether `address` lies in the range (an IPv4 address written as IPv6, `::ffff:a.b.c.d`,
    /// counts as the IPv4 one).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => same_prefix(
                u128::from(u32::from(net)),
                u128::from(u32::from(ip)),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(u128::from(net), u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the first `prefix` of the `bits` bits of `a` and `b` are equal.
fn same_prefix(a: u128, b: u128, bits: u8, prefix: u8) -> bool {
    let shift = u32::from(bits - prefix);
    shift >= u32::from(bits) || (a >> shift) == (b >> shift)
}

impl WebhookSettings {
    /// Reads the `modretailcrm_webhook_*` settings through the table.
    pub(super) fn read(settings: &Settings) -> Result<WebhookSettings, String> {
        let path = settings
            .required("webhook_path")?
            .trim_matches('/')
            .to_string();
        if path.is_empty() || path.contains(['?', '#']) || path.chars().any(char::is_whitespace) {
            return Err(format!(
                "modretailcrm_webhook_path must be a path such as modretailcrm/webhook, not {path:?}"
            ));
        }
        let secret = settings.text("webhook_secret")?;
        if let Some(secret) = &secret
            && (secret.len() < MIN_SECRET_LEN || !secret.chars().all(|c| c.is_ascii_graphic()))
        {
            return Err(format!(
                "modretailcrm_webhook_secret must be at least {MIN_SECRET_LEN} visible ASCII characters (the installer generates one); leave it empty to turn the webhook off"
            ));
        }
        let allowed = settings
            .text("webhook_ips")?
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| IpRange::parse(item).map_err(|e| format!("modretailcrm_webhook_ips: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(WebhookSettings {
            path,
            secret,
            allowed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(raw: serde_json::Value) -> Result<WebhookSettings, String> {
        WebhookSettings::read(&Settings::new(raw.as_object().unwrap()).unwrap())
    }

    #[test]
    fn the_webhook_is_off_without_a_secret_and_on_the_default_path() {
        let settings = read(json!({})).unwrap();
        assert_eq!(settings.path, "modretailcrm/webhook");
        assert_eq!(settings.secret, None);
        assert!(settings.allowed.is_empty());
        let on = read(json!({
            "modretailcrm_webhook_secret": "0123456789abcdef0123",
            "modretailcrm_webhook_path": "/hooks/crm/",
            "modretailcrm_webhook_ips": "185.71.76.0/27, 2a02:6b8::/32,127.0.0.1",
        }))
        .unwrap();
        assert_eq!(on.path, "hooks/crm");
        assert_eq!(on.secret.as_deref(), Some("0123456789abcdef0123"));
        assert_eq!(on.allowed.len(), 3);
        assert!(!format!("{on:?}").contains("0123456789"), "{on:?}");
    }

    #[test]
    fn a_short_secret_or_a_bad_range_is_refused_with_the_setting_named() {
        let short = read(json!({"modretailcrm_webhook_secret": "1234"})).unwrap_err();
        assert!(short.contains("modretailcrm_webhook_secret"), "{short}");
        assert!(
            !short.contains("1234"),
            "the secret is not repeated: {short}"
        );
        let range = read(json!({"modretailcrm_webhook_ips": "10.0.0.0/33"})).unwrap_err();
        assert!(range.contains("modretailcrm_webhook_ips"), "{range}");
        assert!(read(json!({"modretailcrm_webhook_ips": "example.com"})).is_err());
        assert!(read(json!({"modretailcrm_webhook_path": "/a b/"})).is_err());
    }

    #[test]
    fn ranges_hold_exactly_their_addresses() {
        let range = IpRange::parse("185.71.76.0/27").unwrap();
        assert!(range.contains("185.71.76.31".parse().unwrap()));
        assert!(!range.contains("185.71.76.32".parse().unwrap()));
        assert!(range.contains("::ffff:185.71.76.1".parse().unwrap()));
        let one = IpRange::parse("127.0.0.1").unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let all = IpRange::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        assert!(!all.contains("::1".parse().unwrap()));
        let v6 = IpRange::parse("2a02:6b8::/32").unwrap();
        assert!(v6.contains("2a02:6b8:1::5".parse().unwrap()));
        assert!(!v6.contains("2a02:6b9::5".parse().unwrap()));
    }
}
