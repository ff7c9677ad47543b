//! The CRM's address and API key, validated once when a client is configured.

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

use super::encode::{path_segment, urlencode};
use super::error::ApiError;

/// A validated RetailCRM base address: `https://host[:port]` (plain `http` only for
/// loopback hosts such as the bundled sandbox). Any host is accepted: `*.retailcrm.ru`,
/// `*.retailcrm.pro`, `*.simla.com` and custom domains alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmUrl(String);

impl CrmUrl {
    /// Validates and normalises a CRM address as a shop owner types it.
    ///
    /// Trailing slashes are dropped; a path, query, fragment or credentials are refused
    /// with a message that says what to type instead.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(config("the CRM URL is empty"));
        }
        let url = Url::parse(trimmed)
            .map_err(|e| config(&format!("the CRM URL {trimmed:?} is not a valid URL ({e})")))?;
        let host = url
            .host()
            .ok_or_else(|| config(&format!("the CRM URL {trimmed:?} has no host")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(config(&format!(
                    "the CRM URL {trimmed:?} must use https (plain http is only allowed for loopback test servers)"
                )));
            }
            other => {
                return Err(config(&format!(
                    "the CRM URL scheme {other:?} is not supported; use https"
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(config(
                "the CRM URL must not contain credentials; the API key is a separate setting",
            ));
        }
        if url.query().is_some()
            || url.fragment().is_some()
            || !url.path().trim_end_matches('/').is_empty()
        {
            return Err(config(&format!(
                "the CRM URL {trimmed:?} must be the account address only, such as https://example.retailcrm.ru"
            )));
        }
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        Ok(CrmUrl(format!("{}://{}{}", url.scheme(), host, port)))
    }

    /// The normalised address, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the address is a loopback host reached over plain http.
    pub fn is_plain_http(&self) -> bool {
        self.0.starts_with("http://")
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

fn config(message: &str) -> ApiError {
    ApiError::Config(message.to_string())
}

/// A RetailCRM API key. Its `Debug` and `Display` never show the key itself.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Accepts a key after trimming white space; refuses an empty one or one that cannot be
    /// sent as an HTTP header.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let key = raw.trim();
        if key.is_empty() {
            return Err(config("the API key is empty"));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(config(
                "the API key contains characters that cannot be sent in a header",
            ));
        }
        Ok(ApiKey(key.to_string()))
    }

    /// The key itself, for the `X-API-KEY` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the key in `text` with `***`: as it is, and as it reads
    /// percent-encoded in a path or in a query string or form body.
    pub fn mask(&self, text: &str) -> String {
        let spellings = [self.0.clone(), path_segment(&self.0), urlencode(&self.0)];
        spellings.iter().fold(text.to_string(), |masked, spelling| {
            masked.replace(spelling.as_str(), "***")
        })
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_retailcrm_host_and_normalises_slashes() {
        for (raw, expected) in [
            ("https://demo.retailcrm.ru/", "https://demo.retailcrm.ru"),
            ("https://shop.retailcrm.pro//", "https://shop.retailcrm.pro"),
            ("  https://acme.simla.com ", "https://acme.simla.com"),
            (
                "https://crm.example.org:8443/",
                "https://crm.example.org:8443",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:9000/", "http://localhost:9000"),
            ("http://[::1]:9000", "http://[::1]:9000"),
        ] {
            assert_eq!(
                CrmUrl::parse(raw).map(|u| u.0).ok().as_deref(),
                Some(expected),
                "{raw}"
            );
        }
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts_and_junk() {
        for raw in [
            "",
            "demo.retailcrm.ru",
            "http://demo.retailcrm.ru",
            "ftp://demo.retailcrm.ru",
            "https://demo.retailcrm.ru/api/v5",
            "https://demo.retailcrm.ru/?apiKey=x",
            "https://demo.retailcrm.ru/#x",
            "https://user:pw@demo.retailcrm.ru",
            "http://10.0.0.1",
        ] {
            assert!(
                matches!(CrmUrl::parse(raw), Err(ApiError::Config(_))),
                "{raw}"
            );
        }
    }

    #[test]
    fn api_key_never_shows_and_is_masked_in_text() {
        let key = ApiKey::parse(" s3cr3t/key~ ").unwrap();
        assert_eq!(format!("{key:?} {key}"), "ApiKey(***) ***");
        assert_eq!(
            key.mask("a s3cr3t/key~ b s3cr3t%2Fkey~ c s3cr3t%2Fkey%7E d"),
            "a *** b *** c *** d"
        );
        assert!(ApiKey::parse("  ").is_err());
        assert!(ApiKey::parse("a b").is_err());
    }
}
