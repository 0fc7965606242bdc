//! The headers every request carries: API version, user agent, and the credential (as a
//! sensitive header value, so `Debug` of a request or header map never shows it).

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::auth::Credential;
use super::error::PlatformError;

/// The API version every request pins.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// Sent with bearer tokens (the SDKs always do).
pub const OAUTH_BETA: &str = "oauth-2025-04-20";
/// `cmek/<crate version>`.
pub const USER_AGENT: &str = concat!("cmek/", env!("CARGO_PKG_VERSION"));

/// The headers sent with every request; auth values are marked sensitive so they are never
/// shown by `Debug` of a request or header map.
pub(crate) fn default_headers(credential: &Credential) -> Result<HeaderMap, PlatformError> {
    let unusable = || PlatformError::InvalidInput {
        message: "the credential contains characters that cannot be sent in an HTTP header; \
                  it must be a single line of printable ASCII"
            .to_owned(),
    };
    let mut headers = HeaderMap::new();
    headers.insert(HeaderName::from_static("anthropic-version"), HeaderValue::from_static(ANTHROPIC_VERSION));
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    match credential {
        Credential::AdminKey(_) => {
            let mut value = HeaderValue::from_str(credential.secret()).map_err(|_| unusable())?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static("x-api-key"), value);
        }
        Credential::Bearer(_) => {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", credential.secret())).map_err(|_| unusable())?;
            value.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, value);
            headers.insert(HeaderName::from_static("anthropic-beta"), HeaderValue::from_static(OAUTH_BETA));
        }
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "sk-ant-admin01-CANARY-headers";

    #[test]
    fn an_admin_key_goes_in_a_sensitive_x_api_key() {
        let headers = default_headers(&Credential::AdminKey(CANARY.into())).unwrap();
        let key = headers.get("x-api-key").unwrap();
        assert!(key.is_sensitive());
        assert_eq!(headers.get("anthropic-version").unwrap(), ANTHROPIC_VERSION);
        assert!(headers.get(header::AUTHORIZATION).is_none() && headers.get("anthropic-beta").is_none());
        assert!(!format!("{headers:?}").contains("CANARY"));
    }

    #[test]
    fn a_bearer_token_goes_in_a_sensitive_authorization_with_the_beta() {
        let headers = default_headers(&Credential::Bearer(CANARY.into())).unwrap();
        assert!(headers.get(header::AUTHORIZATION).unwrap().is_sensitive());
        assert_eq!(headers.get("anthropic-beta").unwrap(), OAUTH_BETA);
        assert!(headers.get("x-api-key").is_none());
        assert!(!format!("{headers:?}").contains("CANARY"));
    }

    #[test]
    fn a_key_that_is_not_a_header_value_is_refused_without_echo() {
        let err = default_headers(&Credential::AdminKey("sk-ant-admin01-CANARY\r\nx: y".into())).unwrap_err();
        assert!(!err.to_string().contains("CANARY"));
    }
}
