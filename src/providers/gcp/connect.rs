//! `GcpSettings` (where and how) and `GcpClient`: the Cloud KMS client, its credential and who
//! that is, built once. Connecting makes no network call: the KMS client is built on first use
//! (also without a call: the universe is pinned), and the first operation asks for a token.

use std::sync::Arc;
use std::time::Duration;

use google_cloud_gax::retry_policy::NeverRetry;
use google_cloud_kms_v1::client::KeyManagementService;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;

use super::credential::{self, EnvLookup};
use super::error::{GcpError, GcpErrorKind};
use super::sdk_error::from_sdk;
use cmek_core::model::gcp::GcpCallerIdentity;

/// Cloud KMS's public endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://cloudkms.googleapis.com";

/// How long one attempt may take before it counts as a network failure.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the credential comes from.
#[derive(Clone, Default)]
pub enum GcpCredentialSource {
    /// Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS (a service account key, an
    /// authorized user, an impersonated service account, or an external account: workload identity
    /// federation), gcloud's ADC file, then the metadata server.
    #[default]
    Adc,
    /// A fixed bearer token (the sandbox's). Never printed.
    AccessToken(SecretString),
}

impl std::fmt::Debug for GcpCredentialSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Adc => f.write_str("Adc"),
            Self::AccessToken(_) => f.write_str("AccessToken(***)"),
        }
    }
}

/// How to reach Cloud KMS.
#[derive(Debug, Clone, Default)]
pub struct GcpSettings {
    /// Cloud KMS endpoint override, e.g. `http://127.0.0.1:PORT` (the sandbox); plain http only
    /// to a loopback address. `None`: Google's.
    pub endpoint: Option<String>,
    /// The project (`--gcp-project` or the environment, as the CLI resolves it); `None`: the
    /// credential's own, if it names one.
    pub project: Option<String>,
    pub credentials: GcpCredentialSource,
    /// Who a fixed token stands for, when the caller knows (the sandbox says): shown, never
    /// trusted for anything.
    pub principal: Option<String>,
}

/// A connection to Cloud KMS for one credential. Cheap to clone.
#[derive(Clone)]
pub struct GcpClient {
    inner: Arc<Inner>,
}

struct Inner {
    settings: GcpSettings,
    endpoint: String,
    identity: GcpCallerIdentity,
    /// How to make the SDK credential (built with the KMS client, on first use).
    recipe: credential::Recipe,
    /// The fixed token, if any: scrubbed from error text should a server echo it.
    redact: Option<SecretString>,
    kms: OnceCell<KeyManagementService>,
}

impl std::fmt::Debug for GcpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GcpClient")
            .field("endpoint", &self.inner.endpoint)
            .field("settings", &self.inner.settings)
            .field("identity", &self.inner.identity)
            .finish_non_exhaustive()
    }
}

impl GcpClient {
    /// Resolves the credential (reading the environment through `env`, and the credentials file
    /// it names) and checks the endpoint. Makes no network call and needs no async runtime. Fails
    /// when the endpoint is not usable or a configured credentials file is missing, not JSON or of
    /// an unknown type (kind `Unauthenticated`); a file the SDK then refuses fails the first call.
    pub fn connect(settings: &GcpSettings, env: EnvLookup<'_>) -> Result<Self, GcpError> {
        let endpoint = check_endpoint(settings.endpoint.as_deref())?;
        let resolved = match &settings.credentials {
            GcpCredentialSource::Adc => credential::adc(env)?,
            GcpCredentialSource::AccessToken(token) => credential::static_token(token),
        };
        let mut identity = resolved.identity;
        if identity.principal.is_none() {
            identity.principal = settings.principal.clone();
        }
        if let Some(project) = settings.project.as_deref().filter(|p| !p.trim().is_empty()) {
            identity.project = Some(project.trim().to_string());
        }
        Ok(Self {
            inner: Arc::new(Inner {
                settings: settings.clone(),
                endpoint,
                identity,
                recipe: resolved.recipe,
                redact: resolved.redact,
                kms: OnceCell::new(),
            }),
        })
    }

    /// Who the credential is (as far as can be told without a call), where it came from, and the
    /// project: the settings', else the credential's own.
    pub fn caller_identity(&self) -> &GcpCallerIdentity {
        &self.inner.identity
    }

    /// The project from the settings or the credential, if any.
    pub fn project(&self) -> Option<&str> {
        self.inner.identity.project.as_deref()
    }

    /// The Cloud KMS endpoint calls go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    pub fn settings(&self) -> &GcpSettings {
        &self.inner.settings
    }

    /// An SDK error as `GcpError`, with the fixed token (if any) scrubbed from its text.
    pub(crate) fn sdk_error(
        &self,
        operation: &'static str,
        resource: &str,
        err: &google_cloud_gax::error::Error,
    ) -> GcpError {
        let mut e = from_sdk(operation, resource, err);
        if let Some(token) = self.inner.redact.as_ref().map(ExposeSecret::expose_secret).filter(|t| t.len() >= 8) {
            let scrub = |text: &mut String| {
                if text.contains(token) {
                    *text = text.replace(token, "***");
                }
            };
            scrub(&mut e.message);
            if let Some(info) = e.info.as_mut() {
                scrub(&mut info.reason);
                scrub(&mut info.domain);
                info.metadata.values_mut().for_each(scrub);
            }
        }
        e
    }

    /// The KMS client, built on first use: our endpoint and credential, the client's own retries
    /// off (`crate::retry` runs the one policy), one attempt at most `ATTEMPT_TIMEOUT`.
    pub(crate) async fn kms(&self, operation: &'static str) -> Result<&KeyManagementService, GcpError> {
        self.inner
            .kms
            .get_or_try_init(|| async {
                let credentials = self.inner.recipe.build().map_err(|mut e| {
                    e.operation = operation;
                    e
                })?;
                KeyManagementService::builder()
                    .with_endpoint(self.inner.endpoint.clone())
                    .with_credentials(credentials)
                    .with_retry_policy(NeverRetry)
                    .with_attempt_timeout(ATTEMPT_TIMEOUT)
                    .build()
                    .await
                    .map_err(|e| {
                        GcpError::new(
                            GcpErrorKind::Other,
                            operation,
                            cmek_core::text::escape_controls(&format!("could not set up the Cloud KMS client: {e}"))
                                .into_owned(),
                        )
                    })
            })
            .await
    }
}

/// The endpoint without a trailing `/`: https anywhere, plain http only to loopback (a bearer
/// token must not cross a network in clear).
fn check_endpoint(endpoint: Option<&str>) -> Result<String, GcpError> {
    let Some(raw) = endpoint.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(DEFAULT_ENDPOINT.to_string());
    };
    let refuse = |why: &str| {
        GcpError::new(
            GcpErrorKind::InvalidArgument,
            "endpoint",
            format!("the Cloud KMS endpoint `{}` {why}", cmek_core::text::escape_controls(raw)),
        )
    };
    let url = url::Url::parse(raw).map_err(|e| refuse(&format!("is not a URL ({e})")))?;
    let loopback = crate::platform::config::is_loopback(&url);
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(refuse("uses plain http to a host that is not loopback; use https")),
        _ => return Err(refuse("must be an http(s) URL")),
    }
    if url.host().is_none() || !url.username().is_empty() || url.password().is_some() || url.query().is_some() {
        return Err(refuse("must be a scheme, host and optional port (no credentials or query)"));
    }
    Ok(raw.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_loopback_http() {
        assert_eq!(check_endpoint(None).unwrap(), DEFAULT_ENDPOINT);
        assert_eq!(check_endpoint(Some("http://127.0.0.1:8080/")).unwrap(), "http://127.0.0.1:8080");
        assert_eq!(check_endpoint(Some("http://localhost:1")).unwrap(), "http://localhost:1");
        assert_eq!(check_endpoint(Some("https://private.googleapis.com")).unwrap(), "https://private.googleapis.com");
        for bad in ["http://kms.example.com", "ftp://127.0.0.1", "not a url", "https://u:p@host"] {
            let e = check_endpoint(Some(bad)).unwrap_err();
            assert_eq!(e.kind, GcpErrorKind::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn the_settings_project_wins_over_the_credentials() {
        let settings = GcpSettings {
            project: Some("cmek-sandbox".into()),
            credentials: GcpCredentialSource::AccessToken("t0ken-value".to_string().into()),
            ..Default::default()
        };
        let client = GcpClient::connect(&settings, &|_| None).unwrap();
        assert_eq!(client.project(), Some("cmek-sandbox"));
        assert_eq!(client.caller_identity().source, "sandbox token");
        assert_eq!(client.endpoint(), DEFAULT_ENDPOINT);
    }
}
