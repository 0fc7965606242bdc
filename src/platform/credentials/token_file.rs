//! `credentials/<profile>.json`: the secret half of a profile (access token, expiry, refresh
//! token). Read under the secret-file rules (no link, no group or other bit); written back
//! atomically and privately, keeping every field `cmek` does not change.
//!
//! Parse errors are our own words: a JSON parser's message can quote the value it choked on.

use std::path::Path;

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value};
use zeroize::Zeroize as _;

use super::error::AuthError;
use super::files;
use super::secret_text::{seconds, take_secret};

/// A credentials file larger than this is not one.
const MAX_CREDENTIALS_BYTES: u64 = 1024 * 1024;
/// What the refusal messages call this file.
pub(crate) const WHAT: &str = "credentials file";

/// A token as the credentials file holds it.
pub(crate) struct StoredToken {
    pub access_token: SecretString,
    /// Epoch seconds.
    pub expires_at: i64,
    pub refresh_token: Option<SecretString>,
    pub scope: Option<String>,
    /// Every other field, written back unchanged.
    pub rest: Map<String, Value>,
}

/// Reads the file: `Ok(None)` when it does not exist.
pub(crate) fn read(path: &Path, profile: &str) -> Result<Option<StoredToken>, AuthError> {
    let Some(mut bytes) = files::read_private(WHAT, path, MAX_CREDENTIALS_BYTES)? else { return Ok(None) };
    let parsed = serde_json::from_slice::<Value>(&bytes);
    bytes.zeroize();
    let invalid = |why: &str| AuthError::CredentialsInvalid {
        path: path.to_path_buf(),
        profile: profile.to_owned(),
        why: why.to_owned(),
    };
    let Ok(Value::Object(mut rest)) = parsed else { return Err(invalid("it is not a JSON object")) };
    if let Some(kind) = rest.get("type").and_then(Value::as_str)
        && kind != "oauth_token"
    {
        return Err(invalid("its `type` is not `oauth_token`"));
    }
    let access_token = take_secret(&mut rest, "access_token").ok_or_else(|| invalid("`access_token` is missing"))?;
    let refresh_token = take_secret(&mut rest, "refresh_token");
    let expires_at = seconds(rest.get("expires_at"))
        .ok_or_else(|| invalid("`expires_at` (epoch seconds) is missing or not a number"))?;
    let scope = rest.get("scope").and_then(Value::as_str).map(str::to_owned);
    Ok(Some(StoredToken { access_token, expires_at, refresh_token, scope, rest }))
}

/// Writes the token back (atomically, mode 0600, folder 0700), keeping the other fields.
pub(crate) fn write(path: &Path, token: &StoredToken) -> std::io::Result<()> {
    let mut doc = token.rest.clone();
    doc.entry("version").or_insert_with(|| Value::from("1.0"));
    doc.insert("type".into(), Value::from("oauth_token"));
    doc.insert("access_token".into(), Value::from(token.access_token.expose_secret()));
    doc.insert("expires_at".into(), Value::from(token.expires_at));
    match &token.refresh_token {
        Some(refresh) => doc.insert("refresh_token".into(), Value::from(refresh.expose_secret())),
        None => doc.remove("refresh_token"),
    };
    if let Some(scope) = &token.scope {
        doc.insert("scope".into(), Value::from(scope.as_str()));
    }
    let mut bytes = serde_json::to_vec_pretty(&Value::Object(doc)).map_err(std::io::Error::other)?;
    let written = files::write_private(path, &bytes);
    bytes.zeroize();
    written
}

/// Removes a string field and holds it as a secret (`None` when missing or empty).
#[cfg(test)]
mod tests {
    use super::*;

    const ACCESS: &str = "sk-ant-oat01-CANARY-access";
    const REFRESH: &str = "sk-ant-ort01-CANARY-refresh";

    #[cfg(unix)]
    fn private(path: &Path) {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_token_round_trips_keeping_other_fields_and_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials").join("me.json");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let doc = serde_json::json!({
            "version": "1.0", "type": "oauth_token", "access_token": ACCESS, "expires_at": 1_900_000_000,
            "refresh_token": REFRESH, "scope": "org:admin", "account_email": "a@example.com",
        });
        std::fs::write(&path, doc.to_string()).unwrap();
        private(&path);
        let mut token = read(&path, "me").unwrap().unwrap();
        assert_eq!(token.access_token.expose_secret(), ACCESS);
        assert_eq!(token.expires_at, 1_900_000_000);
        assert_eq!(token.scope.as_deref(), Some("org:admin"));
        token.refresh_token = Some(SecretString::from("sk-ant-ort01-rotated"));
        write(&path, &token).unwrap();
        let again: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(again["refresh_token"], "sk-ant-ort01-rotated");
        assert_eq!(again["account_email"], "a@example.com");
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_broken_file_is_refused_in_our_words_without_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("me.json");
        for (content, why) in [
            (format!("{{\"access_token\": {ACCESS}"), "not a JSON object"),
            (format!("{{\"access_token\": \"{ACCESS}\", \"expires_at\": \"{ACCESS}\"}}"), "expires_at"),
            (format!("{{\"refresh_token\": \"{REFRESH}\", \"expires_at\": 1}}"), "access_token"),
            (format!("{{\"type\": \"api_key\", \"access_token\": \"{ACCESS}\", \"expires_at\": 1}}"), "type"),
        ] {
            std::fs::write(&path, content).unwrap();
            private(&path);
            let text = read(&path, "me").err().unwrap().to_string();
            assert!(text.contains(why) && !text.contains("CANARY"), "{text}");
        }
    }
}
