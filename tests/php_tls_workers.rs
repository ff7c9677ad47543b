//! PHP workers forked after the extension's start-up (as PHP-FPM forks them) trust the roots of
//! `SSL_CERT_FILE` read at start-up: a TLS server whose certificate a test CA signed.

mod common;

use std::path::Path;

use common::tls::tls_server_of_a_test_ca;

#[test]
fn php_workers_forked_after_start_up_trust_the_roots_of_ssl_cert_file() {
    let (server, bundle) = tls_server_of_a_test_ca();
    let url = format!("https://localhost:{}", server.port);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php/tls_forked_workers.php");
    let output = common::php(
        &[script.to_str().unwrap()],
        &[
            ("TLS_URL", url.as_str()),
            ("SSL_CERT_FILE", bundle.to_str().unwrap()),
        ],
    );
    common::assert_php_passed("tls_forked_workers.php", &output);
}
