//! What the chain found when the credential is not a fixed secret: the federation settings (from
//! a profile or the variables) or a user's `ant auth login` profile, and the identity token,
//! read afresh at every exchange.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret as _, SecretString};

use super::env::ENV_IDENTITY_TOKEN;
use super::error::AuthError;
use super::files::{self, Read};
use super::origin::{FederationOrigin, IdentityTokenOrigin};
use super::secret_text::{is_header_safe, trimmed_secret};

/// The largest identity token (JWT) the exchange accepts; a larger one is refused before sending.
pub const MAX_ASSERTION_BYTES: usize = 16_384;
/// A token file larger than this is not read at all (room for whitespace around a JWT).
const MAX_ASSERTION_FILE_BYTES: u64 = 64 * 1024;

/// Workload Identity Federation: what the exchange sends.
#[derive(Debug, Clone)]
pub struct FederationSpec {
    pub rule_id: String,
    pub organization_id: String,
    pub service_account_id: Option<String>,
    pub workspace_id: Option<String>,
    pub identity_token: IdentityToken,
    /// `ANTHROPIC_SCOPE` or the profile's `scope`: kept for display, never sent.
    pub scope: Option<String>,
    /// A profile's token cache (`credentials/<profile>.json`); none for the variables.
    pub cache: Option<TokenCache>,
}

/// Where a federation profile keeps its token between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCache {
    pub profile: String,
    pub path: PathBuf,
}

/// A user's profile from `ant auth login`: the token (and refresh token) live in its credentials
/// file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserOauthSpec {
    pub profile: String,
    pub credentials: PathBuf,
    /// With a client id, `cmek` refreshes the token itself; without, it re-reads the file at every
    /// call (another tool refreshes it).
    pub client_id: Option<String>,
    /// Sent as `anthropic-workspace-id`.
    pub workspace_id: Option<String>,
    pub scope: Option<String>,
}

/// The identity token: a file (re-read at every exchange) or a value.
#[derive(Clone)]
pub enum IdentityToken {
    File { path: PathBuf, from: String },
    Value(SecretString),
}

impl std::fmt::Debug for IdentityToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdentityToken::File { path, from } => write!(f, "File({}, from {from})", path.display()),
            IdentityToken::Value(_) => f.write_str("Value(***)"),
        }
    }
}

impl IdentityToken {
    /// Where it comes from, safe to show.
    pub fn origin(&self) -> IdentityTokenOrigin {
        match self {
            IdentityToken::File { path, from } => IdentityTokenOrigin::File { path: path.clone(), from: from.clone() },
            IdentityToken::Value(_) => IdentityTokenOrigin::Env,
        }
    }

    /// The token now: a file is read afresh (UTF-8, trimmed); a missing, empty or folder path is
    /// an error naming it, and a token over [`MAX_ASSERTION_BYTES`] is refused.
    pub fn read(&self) -> Result<SecretString, AuthError> {
        let from = self.origin().to_string();
        let fail = |why: String| AuthError::IdentityToken { from: from.clone(), why };
        let text = match self {
            IdentityToken::Value(value) => SecretString::from(value.expose_secret().trim()),
            IdentityToken::File { path, .. } => {
                let bytes = match files::read_bounded(path, MAX_ASSERTION_FILE_BYTES) {
                    Ok(Read::Bytes(bytes)) => bytes,
                    Ok(Read::Missing) => return Err(fail("the file does not exist".into())),
                    Ok(Read::TooLarge) => {
                        return Err(fail(format!(
                            "the file is larger than {MAX_ASSERTION_FILE_BYTES} bytes; an identity token is at most \
                             {MAX_ASSERTION_BYTES} bytes"
                        )));
                    }
                    Err(e) => return Err(fail(e.to_string())),
                };
                let text = files::secret_text(bytes).ok_or_else(|| fail("the file is not UTF-8 text".into()))?;
                SecretString::from(text.expose_secret().trim())
            }
        };
        let len = text.expose_secret().len();
        if len == 0 {
            return Err(fail("it is empty; the identity provider should have written a JWT there".into()));
        }
        if len > MAX_ASSERTION_BYTES {
            return Err(fail(format!(
                "it is {len} bytes, over the {MAX_ASSERTION_BYTES}-byte limit of the exchange; nothing was sent"
            )));
        }
        if !is_header_safe(text.expose_secret()) {
            return Err(fail("it is not a single token (a JWT has no spaces or control characters)".into()));
        }
        Ok(text)
    }
}

impl FederationSpec {
    /// The ids used, for messages and `auth status`.
    pub fn origin(&self) -> FederationOrigin {
        FederationOrigin {
            rule_id: self.rule_id.clone(),
            organization_id: self.organization_id.clone(),
            service_account_id: self.service_account_id.clone(),
            workspace_id: self.workspace_id.clone(),
            identity_token: self.identity_token.origin(),
        }
    }
}

/// The identity token the variables name: the file wins over the value.
pub fn identity_token_from_env(
    file: Option<String>,
    file_var: &'static str,
    value: Option<SecretString>,
    home: Option<&Path>,
) -> Option<IdentityToken> {
    match (file, value) {
        (Some(path), _) => Some(IdentityToken::File { path: expand_home(&path, home), from: format!("${file_var}") }),
        (None, Some(value)) => Some(IdentityToken::Value(value)),
        (None, None) => None,
    }
}

/// `~/x` as the home folder's `x` (the SDKs expand it); other paths as they are.
pub fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// `ANTHROPIC_IDENTITY_TOKEN` as a secret (trimmed; blank is unset).
pub fn identity_token_value(env: super::env::Env<'_>) -> Option<SecretString> {
    env(ENV_IDENTITY_TOKEN).and_then(trimmed_secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_token(content: &[u8]) -> (tempfile::TempDir, IdentityToken) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jwt");
        std::fs::write(&path, content).unwrap();
        (dir, IdentityToken::File { path, from: "$ANTHROPIC_IDENTITY_TOKEN_FILE".into() })
    }

    #[test]
    fn a_token_file_is_trimmed_and_read_afresh() {
        let (dir, token) = file_token(b"  eyJ.first.sig\n");
        assert_eq!(token.read().unwrap().expose_secret(), "eyJ.first.sig");
        std::fs::write(dir.path().join("jwt"), "eyJ.second.sig").unwrap();
        assert_eq!(token.read().unwrap().expose_secret(), "eyJ.second.sig", "re-read at every exchange");
    }

    #[test]
    fn missing_empty_and_folder_token_files_name_the_path() {
        let (dir, token) = file_token(b" \n");
        let path = dir.path().join("jwt").display().to_string();
        let err = token.read().unwrap_err().to_string();
        assert!(err.contains(&path) && err.contains("empty"), "{err}");
        let missing = IdentityToken::File { path: dir.path().join("nope"), from: "x".into() };
        let err = missing.read().unwrap_err().to_string();
        assert!(err.contains("nope") && err.contains("does not exist"), "{err}");
        let folder = IdentityToken::File { path: dir.path().to_path_buf(), from: "x".into() };
        let err = folder.read().unwrap_err().to_string();
        assert!(err.contains(&dir.path().display().to_string()) && err.contains("folder"), "{err}");
    }

    #[test]
    fn an_oversized_token_is_refused_before_sending_without_echo() {
        let at_limit = "a".repeat(MAX_ASSERTION_BYTES);
        let (_dir, token) = file_token(at_limit.as_bytes());
        assert!(token.read().is_ok());
        let over = format!("CANARY{}", "a".repeat(MAX_ASSERTION_BYTES));
        let (_dir, token) = file_token(over.as_bytes());
        let err = token.read().unwrap_err().to_string();
        assert!(err.contains("16384") && !err.contains("CANARY"), "{err}");
        let value = IdentityToken::Value(SecretString::from(over));
        assert!(value.read().unwrap_err().to_string().contains("over the 16384-byte limit"));
        assert_eq!(format!("{value:?}"), "Value(***)");
        let (_dir, huge) = file_token(&vec![b'a'; 70 * 1024]);
        assert!(huge.read().unwrap_err().to_string().contains("larger than"));
    }

    #[test]
    fn the_file_variable_wins_over_the_value() {
        let chosen = identity_token_from_env(Some("/run/jwt".into()), "F", Some("v".into()), None);
        assert!(matches!(chosen, Some(IdentityToken::File { ref path, .. }) if path == &PathBuf::from("/run/jwt")));
        let chosen = identity_token_from_env(None, "F", Some("v".into()), None);
        let home = Path::new("/home/u");
        assert_eq!(expand_home("~/jwt", Some(home)), PathBuf::from("/home/u/jwt"));
        assert_eq!(expand_home("~/jwt", None), PathBuf::from("~/jwt"));
        assert!(matches!(chosen, Some(IdentityToken::Value(_))));
    }
}
