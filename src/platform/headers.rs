//! The headers of one request: the API version, the credential (as a sensitive header value, so
//! `Debug` of a request or header map never shows it), and the OAuth beta and workspace headers.
//!
//! Two dialects. Current (API version 2026-10-21, as the SDKs send it): every credential as
//! `Authorization: Bearer`. Legacy (2023-06-01, the documented curl): an admin key as `x-api-key`.
//! The client falls back to legacy when a server refuses the current version (see `client.rs`).

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};

use super::error::PlatformError;

/// The API version requests pin (the SDKs' current one; it brings structured error codes).
pub const ANTHROPIC_VERSION: &str = "2026-10-21";
/// The version a server that refuses [`ANTHROPIC_VERSION`] is spoken to in.
pub const LEGACY_ANTHROPIC_VERSION: &str = "2023-06-01";
/// Sent with OAuth tokens (from a profile or the federation exchange).
pub const OAUTH_BETA: &str = "oauth-2025-04-20";
/// OAuth access tokens start with this.
pub const OAUTH_TOKEN_PREFIX: &str = "sk-ant-oat";
/// `cmek/<crate version>`.
pub const USER_AGENT: &str = concat!("cmek/", env!("CARGO_PKG_VERSION"));

/// Which dialect a request is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    Current,
    Legacy,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::Current => ANTHROPIC_VERSION,
            ApiVersion::Legacy => LEGACY_ANTHROPIC_VERSION,
        }
    }
}

/// What authenticates one request.
pub(crate) enum Presented<'a> {
    AdminKey(&'a SecretString),
    /// An OAuth access token (with the beta header), and a user profile's workspace.
    OAuth {
        token: &'a SecretString,
        workspace: Option<&'a str>,
    },
    /// `ANTHROPIC_AUTH_TOKEN`, as it is (with the OAuth beta when it is an OAuth access token).
    AuthToken(&'a SecretString),
}

/// The version, credential and beta headers of one request.
pub(crate) fn request_headers(presented: &Presented<'_>, version: ApiVersion) -> Result<HeaderMap, PlatformError> {
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static("anthropic-version"), HeaderValue::from_static(version.as_str()));
    match presented {
        Presented::AdminKey(key) if version == ApiVersion::Legacy => {
            headers.insert(HeaderName::from_static("x-api-key"), sensitive(key.expose_secret())?);
        }
        Presented::AdminKey(key) => {
            headers.insert(header::AUTHORIZATION, sensitive(&format!("Bearer {}", key.expose_secret()))?);
        }
        Presented::AuthToken(token) => {
            headers.insert(header::AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose_secret()))?);
            // Sent as it is; an OAuth access token is refused without the beta, so it gets it.
            if token.expose_secret().starts_with(OAUTH_TOKEN_PREFIX) {
                headers.insert(HeaderName::from_static("anthropic-beta"), HeaderValue::from_static(OAUTH_BETA));
            }
        }
        Presented::OAuth { token, workspace } => {
            headers.insert(header::AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose_secret()))?);
            headers.insert(HeaderName::from_static("anthropic-beta"), HeaderValue::from_static(OAUTH_BETA));
            if let Some(workspace) = workspace {
                let value = HeaderValue::from_str(workspace).map_err(|_| PlatformError::InvalidInput {
                    message: "the profile's workspace_id cannot be sent in an HTTP header; fix it in the profile"
                        .to_owned(),
                })?;
                headers.insert(HeaderName::from_static("anthropic-workspace-id"), value);
            }
        }
    }
    Ok(headers)
}

fn sensitive(text: &str) -> Result<HeaderValue, PlatformError> {
    let mut value = HeaderValue::from_str(text).map_err(|_| PlatformError::InvalidInput {
        message: "the credential contains characters that cannot be sent in an HTTP header; it must be a single \
                  line of printable ASCII"
            .to_owned(),
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "sk-ant-admin01-CANARY-headers";

    fn secret() -> SecretString {
        SecretString::from(CANARY)
    }

    #[test]
    fn an_admin_key_is_a_sensitive_bearer_in_the_current_version() {
        let key = secret();
        let headers = request_headers(&Presented::AdminKey(&key), ApiVersion::Current).unwrap();
        let auth = headers.get(header::AUTHORIZATION).unwrap();
        assert!(auth.is_sensitive());
        assert_eq!(auth, &format!("Bearer {CANARY}"));
        assert_eq!(headers.get("anthropic-version").unwrap(), "2026-10-21");
        assert!(headers.get("x-api-key").is_none() && headers.get("anthropic-beta").is_none());
        assert!(!format!("{headers:?}").contains("CANARY"));
    }

    #[test]
    fn an_admin_key_is_a_sensitive_x_api_key_in_the_legacy_version() {
        let key = secret();
        let headers = request_headers(&Presented::AdminKey(&key), ApiVersion::Legacy).unwrap();
        assert!(headers.get("x-api-key").unwrap().is_sensitive());
        assert_eq!(headers.get("anthropic-version").unwrap(), "2023-06-01");
        assert!(headers.get(header::AUTHORIZATION).is_none());
        assert!(!format!("{headers:?}").contains("CANARY"));
    }

    #[test]
    fn an_oauth_token_carries_the_beta_and_the_workspace_in_both_versions() {
        let token = secret();
        for version in [ApiVersion::Current, ApiVersion::Legacy] {
            let presented = Presented::OAuth { token: &token, workspace: Some("wrkspc_01") };
            let headers = request_headers(&presented, version).unwrap();
            assert!(headers.get(header::AUTHORIZATION).unwrap().is_sensitive());
            assert_eq!(headers.get("anthropic-beta").unwrap(), OAUTH_BETA);
            assert_eq!(headers.get("anthropic-workspace-id").unwrap(), "wrkspc_01");
            assert_eq!(headers.get("anthropic-version").unwrap(), version.as_str());
            assert!(headers.get("x-api-key").is_none());
        }
    }

    #[test]
    fn an_auth_token_is_sent_as_it_is() {
        let token = secret();
        let headers = request_headers(&Presented::AuthToken(&token), ApiVersion::Legacy).unwrap();
        assert_eq!(headers.get(header::AUTHORIZATION).unwrap(), &format!("Bearer {CANARY}"));
        assert!(headers.get("anthropic-beta").is_none() && headers.get("x-api-key").is_none());
        let oauth = SecretString::from("sk-ant-oat01-CANARY");
        let headers = request_headers(&Presented::AuthToken(&oauth), ApiVersion::Current).unwrap();
        assert_eq!(headers.get("anthropic-beta").unwrap(), OAUTH_BETA, "an OAuth token needs the beta");
    }

    #[test]
    fn a_key_that_is_not_a_header_value_is_refused_without_echo() {
        let key = SecretString::from("sk-ant-admin01-CANARY\r\nx: y");
        for version in [ApiVersion::Current, ApiVersion::Legacy] {
            let err = request_headers(&Presented::AdminKey(&key), version).unwrap_err();
            assert!(!err.to_string().contains("CANARY"));
        }
    }
}
