//! The keys of the optional HTTPS listener, made at start: a CA of its own, and a certificate
//! it signed for `localhost`, `127.0.0.1` and `::1`. A client that trusts the CA (and only
//! such a client) verifies the sandbox as it would verify RetailCRM.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::io;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the server certificate is valid for.
const NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A fresh CA, the server certificate it signed, and the acceptor that serves with it.
#[derive(Clone)]
pub struct Keys {
    /// The CA certificate, PEM: what a client trusts.
    pub ca_pem: String,
    /// The server certificate, PEM.
    pub cert_pem: String,
    /// Performs the server side of TLS handshakes.
    pub acceptor: TlsAcceptor,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys").finish_non_exhaustive()
    }
}

impl Keys {
    /// Makes a CA and a server certificate (ECDSA P-256), and a TLS 1.2/1.3 server speaking
    /// HTTP/1.1 with them.
    pub fn generate() -> io::Result<Keys> {
        let ca_key = KeyPair::generate().map_err(io::Error::other)?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(io::Error::other)?;
        ca.distinguished_name
            .push(DnType::CommonName, "crm-sandbox test CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).map_err(io::Error::other)?;
        let issuer = Issuer::new(ca, ca_key);

        let server_key = KeyPair::generate().map_err(io::Error::other)?;
        let names: Vec<String> = NAMES.iter().map(|name| name.to_string()).collect();
        let mut server = CertificateParams::new(names).map_err(io::Error::other)?;
        server
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = server
            .signed_by(&server_key, &issuer)
            .map_err(io::Error::other)?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let mut config =
            ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(io::Error::other)?
                .with_no_client_auth()
                .with_single_cert(vec![cert.der().clone()], key)
                .map_err(io::Error::other)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Keys {
            ca_pem: ca_cert.pem(),
            cert_pem: cert.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}
