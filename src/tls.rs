//! The system's root certificates, loaded and parsed once per process and only when a TLS
//! connection first needs them: every HTTP client of `cmek` (the Admin API, the token exchange,
//! Azure) shares them instead of each loading its own on being built, and a client that only
//! speaks plain HTTP to a loopback sandbox never loads them at all.
//!
//! The verification is rustls's WebPKI verifier over the system's roots (and any extra CA a
//! client trusts, e.g. the sandbox's), as reqwest's platform verifier does on Linux.

use std::sync::{Arc, OnceLock};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

/// The system's roots, loaded on first use (unreadable certificates are skipped, as every
/// client does).
fn system_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let loaded = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
        tracing::debug!(added, ignored, errors = loaded.errors.len(), "system root certificates loaded");
        roots
    })
}

/// An HTTP client builder whose TLS trusts the system's roots (loaded once, on the first
/// handshake) and `extra_pem` (PEM certificates, e.g. the sandbox's CA). `Err` names what is
/// wrong with `extra_pem`.
pub fn client_builder(extra_pem: Option<&str>) -> Result<reqwest::ClientBuilder, String> {
    let extra = match extra_pem {
        Some(pem) => {
            use rustls::pki_types::pem::PemObject;
            let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("the extra CA is not PEM: {e}"))?;
            if certs.is_empty() {
                return Err("the extra CA holds no certificate".into());
            }
            certs
        }
        None => Vec::new(),
    };
    let provider = provider();
    let verifier = Arc::new(SharedRoots { extra, provider: provider.clone(), inner: OnceLock::new() });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // What reqwest offers by default with HTTP/2 enabled.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder().tls_backend_preconfigured(config))
}

fn provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default().cloned().unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

/// WebPKI verification against the shared system roots plus a client's extra ones, built on
/// the first handshake.
#[derive(Debug)]
struct SharedRoots {
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
    inner: OnceLock<Result<Arc<WebPkiServerVerifier>, rustls::Error>>,
}

impl SharedRoots {
    fn verifier(&self) -> Result<&Arc<WebPkiServerVerifier>, rustls::Error> {
        self.inner
            .get_or_init(|| {
                let mut roots = system_roots().clone();
                for cert in &self.extra {
                    roots.add(cert.clone())?;
                }
                if roots.is_empty() {
                    return Err(rustls::Error::General(
                        "no CA certificates were found on this system (set SSL_CERT_FILE to a bundle)".into(),
                    ));
                }
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                    .build()
                    .map_err(|e| rustls::Error::General(e.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for SharedRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_builds_and_a_bad_extra_ca_is_refused() {
        assert!(client_builder(None).unwrap().build().is_ok());
        let e = client_builder(Some("not a certificate")).unwrap_err();
        assert!(e.contains("no certificate") || e.contains("not PEM"), "{e}");
    }
}
