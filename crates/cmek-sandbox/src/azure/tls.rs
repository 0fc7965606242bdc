//! The sandbox's own certificate authority and the server certificate it issues for the Azure
//! host names, so official clients can speak TLS to loopback after trusting one CA.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the server certificate covers (loopback plus the real Azure hosts, which clients
/// resolve to 127.0.0.1).
pub const SERVER_NAMES: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "*.vault.azure.net",
    "management.azure.com",
    "graph.microsoft.com",
    "login.microsoftonline.com",
];

/// A freshly made CA (PEM, for clients to trust) and the rustls configuration of the server.
pub struct SandboxTls {
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

/// Makes a new CA and a server certificate signed by it (rcgen's default, long validity: the
/// CA exists only for one run of the sandbox, and its key never leaves the process).
pub fn make() -> Result<SandboxTls, String> {
    let err = |e: rcgen::Error| format!("cannot make the sandbox certificates: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    ca_params.distinguished_name = name("cmek sandbox CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).map_err(err)?;

    let server_key = KeyPair::generate().map_err(err)?;
    let names: Vec<String> = SERVER_NAMES.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).map_err(err)?;
    params.distinguished_name = name("cmek sandbox Azure");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.signed_by(&server_key, &ca).map_err(err)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let chain = vec![cert.der().clone(), ca.der().clone()];
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot configure TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("cannot configure TLS: {e}"))?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(SandboxTls { ca_pem: ca.pem(), server: Arc::new(server) })
}

fn name(common: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common);
    dn
}
