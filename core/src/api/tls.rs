//! The TLS settings of every HTTP client, with the system's trust store parsed once.
//!
//! A process's first HTTPS call used to cost 40–80 ms of CPU. Most of it (measured with
//! `benches/tls_first_call.sh`) was aws-lc seeding its random generator from CPU-jitter
//! entropy, once per process and again after every fork; `.cargo/config.toml` builds aws-lc to
//! seed from the operating system instead. The rest, about 5 ms, is reading and parsing the
//! system's root certificates. The parsed roots are plain data — no thread, no socket, no
//! lock held — so they are kept in a process-wide static that a forked child inherits as it
//! is: parsed by [`preload`] at module start-up (in PHP-FPM's master, before it forks its
//! workers), every worker's first call finds them ready. A process that skipped the preload
//! (a test binary) parses them on first use. Verification is what the platform verifier does
//! on Linux: webpki against the roots of `SSL_CERT_FILE`/`SSL_CERT_DIR` or the system's store.

use std::sync::{Arc, OnceLock};

use rustls::{ClientConfig, RootCertStore};

use super::error::ApiError;

static ROOTS: OnceLock<Arc<RootCertStore>> = OnceLock::new();

/// Parses the system's root certificates now, so that processes forked later share them.
/// Starts no thread; a failure is left for the first HTTPS call to report.
pub fn preload() {
    let _ = roots();
}

/// The TLS client configuration for a new HTTP client: the shared roots, the default
/// cryptography and protocol versions, HTTP/1.1.
pub fn client_config() -> Result<ClientConfig, ApiError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ApiError::Config(format!("cannot set up TLS: {e}")))?
        .with_root_certificates(roots()?)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The process's parsed roots, parsing them on first use (a failure is not remembered, so
/// a later call tries again).
fn roots() -> Result<Arc<RootCertStore>, ApiError> {
    if let Some(roots) = ROOTS.get() {
        return Ok(Arc::clone(roots));
    }
    let loaded = rustls_native_certs::load_native_certs();
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(loaded.certs);
    if store.is_empty() {
        let errors: Vec<String> = loaded.errors.iter().map(ToString::to_string).collect();
        return Err(ApiError::Config(format!(
            "no CA certificates could be loaded from the system (install ca-certificates or \
             set SSL_CERT_FILE): {}",
            errors.join("; ")
        )));
    }
    Ok(Arc::clone(ROOTS.get_or_init(|| Arc::new(store))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_parsed_once_and_shared() {
        let first = roots().unwrap();
        assert!(!first.is_empty());
        assert!(Arc::ptr_eq(&first, &roots().unwrap()));
        assert_eq!(client_config().unwrap().alpn_protocols, [b"http/1.1"]);
    }
}
