//! The credential a client authenticates with: a fixed secret (an admin key, an OAuth access
//! token, `ANTHROPIC_AUTH_TOKEN`) or a token source (a profile, Workload Identity Federation).
//! Where it is found is `credentials::chain`; this file also reads `--admin-key-file`.
//!
//! A credential can never be printed: it has no `Display`, its `Debug` is redacted, and no error
//! here carries its value (errors name the file or variable instead).

use std::fmt;
use std::path::Path;

use secrecy::{ExposeSecret as _, SecretString};

pub use super::credentials::env::{ENV_ADMIN_KEY, ENV_API_KEY, ENV_AUTH_TOKEN, FLAG_ADMIN_KEY_FILE, FLAG_PROFILE};
use super::credentials::files::{self, Read};
pub use super::credentials::{AuthError, CredentialOrigin, CredentialSources, TokenSource};

/// Admin API keys start with this; other key kinds cannot call the Admin API.
pub const ADMIN_KEY_PREFIX: &str = "sk-ant-admin01-";
/// Regular (non-admin) API keys: refused before they are sent.
pub const API_KEY_PREFIX: &str = "sk-ant-api";
/// A key file larger than this is not a key file (and is not read into memory).
pub const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;
/// Secrets shorter than this show no fingerprint (the last characters would say too much).
const MIN_FINGERPRINT_LEN: usize = 20;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credential {
    /// An admin key (`sk-ant-admin01-...`): `Authorization: Bearer` with API version 2026-10-21,
    /// or `x-api-key` with 2023-06-01 against a server that only speaks that.
    AdminKey(SecretString),
    /// An OAuth access token with scope `org:admin`, sent with the OAuth beta header.
    Bearer(SecretString),
    /// `ANTHROPIC_AUTH_TOKEN`: a bearer token sent as it is (with the OAuth beta header only when it
    /// is an OAuth access token, `sk-ant-oat...`, which the API refuses without it).
    AuthToken(SecretString),
    /// OAuth tokens obtained per request from a profile or the federation exchange.
    OAuth(TokenSource),
}

impl Credential {
    /// Whether this is an admin key with the documented prefix. Keys without it are accepted
    /// (gateways may issue other forms) but callers may want to warn about them.
    pub fn looks_like_admin_key(&self) -> bool {
        match self {
            Credential::AdminKey(key) => key.expose_secret().starts_with(ADMIN_KEY_PREFIX),
            _ => false,
        }
    }

    /// What kind of credential this is, in words.
    pub fn kind_label(&self) -> &'static str {
        match self {
            Credential::AdminKey(_) => "admin key",
            Credential::Bearer(_) | Credential::OAuth(_) => "OAuth token",
            Credential::AuthToken(_) => "bearer token",
        }
    }

    /// The same, as a JSON value.
    pub fn kind_id(&self) -> &'static str {
        match self {
            Credential::AdminKey(_) => "admin_key",
            Credential::Bearer(_) | Credential::OAuth(_) => "oauth_token",
            Credential::AuthToken(_) => "auth_token",
        }
    }

    /// At most the last 4 characters of a fixed secret (`…abcd`), to tell keys apart; nothing for
    /// short secrets and for token sources (their tokens change).
    pub fn fingerprint(&self) -> Option<String> {
        let secret = self.fixed_secret()?.expose_secret();
        if secret.len() < MIN_FINGERPRINT_LEN || !secret.is_ascii() {
            return None;
        }
        Some(format!("…{}", &secret[secret.len() - 4..]))
    }

    /// The fixed secret, for the auth header and the sanitizer (crate-internal only).
    pub(crate) fn fixed_secret(&self) -> Option<&SecretString> {
        match self {
            Credential::AdminKey(secret) | Credential::Bearer(secret) | Credential::AuthToken(secret) => Some(secret),
            Credential::OAuth(_) => None,
        }
    }

    /// The token source, when tokens are obtained per request.
    pub fn token_source(&self) -> Option<&TokenSource> {
        match self {
            Credential::OAuth(source) => Some(source),
            _ => None,
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::AdminKey(_) => f.write_str("AdminKey(***)"),
            Credential::Bearer(_) => f.write_str("Bearer(***)"),
            Credential::AuthToken(_) => f.write_str("AuthToken(***)"),
            Credential::OAuth(source) => write!(f, "OAuth({source:?})"),
        }
    }
}

/// Reads `--admin-key-file`: a private file (no group or other permission bit; a link is
/// followed, as secret mounts use them), UTF-8, trimmed, not empty, at most 16 KiB.
pub(crate) fn read_key_file(path: &Path) -> Result<SecretString, AuthError> {
    let unreadable = |source| AuthError::KeyFileUnreadable { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.is_dir() {
        let source = std::io::Error::new(std::io::ErrorKind::InvalidInput, "it is a folder, not a file");
        return Err(unreadable(source));
    }
    files::check_private("admin key file", path, &meta)?;
    let bytes = match files::read_bounded(path, MAX_KEY_FILE_BYTES).map_err(unreadable)? {
        Read::Bytes(bytes) => bytes,
        Read::TooLarge => return Err(AuthError::KeyFileTooLarge { path: path.to_path_buf() }),
        Read::Missing => {
            return Err(unreadable(std::io::Error::new(std::io::ErrorKind::NotFound, "the file does not exist")));
        }
    };
    let Some(text) = files::secret_text(bytes) else {
        let source = std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is not UTF-8 text");
        return Err(unreadable(source));
    };
    let trimmed = text.expose_secret().trim();
    if trimmed.is_empty() {
        return Err(AuthError::KeyFileEmpty { path: path.to_path_buf() });
    }
    Ok(SecretString::from(trimmed))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "sk-ant-admin01-CANARY-auth-7f3a";

    #[test]
    fn debug_is_redacted() {
        let admin = Credential::AdminKey(SecretString::from(CANARY));
        let bearer = Credential::Bearer(SecretString::from(CANARY));
        let token = Credential::AuthToken(SecretString::from(CANARY));
        assert_eq!(format!("{admin:?}"), "AdminKey(***)");
        assert_eq!(format!("{bearer:#?}"), "Bearer(***)");
        assert_eq!(format!("{token:?}"), "AuthToken(***)");
    }

    #[test]
    fn the_fingerprint_is_at_most_the_last_four_characters() {
        assert_eq!(Credential::AdminKey(CANARY.into()).fingerprint().as_deref(), Some("…7f3a"));
        assert_eq!(Credential::AdminKey("short-key".into()).fingerprint(), None);
        assert!(Credential::AdminKey(CANARY.into()).looks_like_admin_key());
        assert!(!Credential::AuthToken(CANARY.into()).looks_like_admin_key());
    }
}
