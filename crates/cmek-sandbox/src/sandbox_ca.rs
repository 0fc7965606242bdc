//! The sandbox's own certificate authority: made fresh for each start (its key never leaves the
//! process), it issues the server certificates of every TLS listener (the Azure emulator's, the
//! proxy's), so a client trusts one CA to reach all of them.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA able to issue server certificates.
pub struct SandboxCa {
    issuer: rcgen::CertifiedIssuer<'static, KeyPair>,
}

impl std::fmt::Debug for SandboxCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxCa").finish_non_exhaustive()
    }
}

fn err(e: rcgen::Error) -> String {
    format!("cannot make the sandbox certificates: {e}")
}

impl SandboxCa {
    /// A new CA (rcgen's default, long validity: it exists only for one run of the sandbox).
    pub fn new() -> Result<Arc<SandboxCa>, String> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        params.distinguished_name = name("cmek sandbox CA");
        let issuer = rcgen::CertifiedIssuer::self_signed(params, key).map_err(err)?;
        Ok(Arc::new(SandboxCa { issuer }))
    }

    /// The CA certificate (PEM): what clients must trust.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A rustls server configuration (HTTP/1.1 only) presenting a new certificate for `names`
    /// (DNS names, wildcards or IP addresses) signed by this CA, `label` its common name.
    pub fn server_config(&self, label: &str, names: &[String]) -> Result<Arc<rustls::ServerConfig>, String> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(names.to_vec()).map_err(err)?;
        params.distinguished_name = name(label);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &self.issuer).map_err(err)?;

        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let chain = vec![cert.der().clone(), self.issuer.der().clone()];
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot configure TLS: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, private)
            .map_err(|e| format!("cannot configure TLS: {e}"))?;
        // The emulators speak HTTP/1.1; a client offered h2 alone would speak it to them.
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(server))
    }
}

fn name(common: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common);
    dn
}
