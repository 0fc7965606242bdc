//! The credential used against the Admin API and where it is found: `--admin-key-file`, then
//! `ANTHROPIC_ADMIN_KEY`, then `ANTHROPIC_API_KEY` only when it holds an admin key.
//!
//! A credential can never be printed: it has no `Display`, its `Debug` is redacted, and no error
//! here carries its value (errors name the file or variable instead). The environment is passed
//! in as a lookup function so nothing here reads or changes the process environment.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret as _, SecretString};

/// Admin API keys start with this; other key kinds cannot call the Admin API.
pub const ADMIN_KEY_PREFIX: &str = "sk-ant-admin01-";
/// Regular (non-admin) API keys: refused before they are sent.
pub const API_KEY_PREFIX: &str = "sk-ant-api";
/// The preferred variable.
pub const ENV_ADMIN_KEY: &str = "ANTHROPIC_ADMIN_KEY";
/// Accepted only when it holds an admin key (the SDKs read it for every key kind).
pub const ENV_API_KEY: &str = "ANTHROPIC_API_KEY";
/// The command-line flag naming a file that holds the key.
pub const FLAG_ADMIN_KEY_FILE: &str = "--admin-key-file";

/// A key file larger than this is not a key file (and is not read into memory).
const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;

/// How the client authenticates. `Bearer` is an OAuth access token with scope `org:admin`
/// (from `ant auth login` or Workload Identity Federation); it is sent with the OAuth beta header.
#[derive(Clone)]
pub enum Credential {
    AdminKey(SecretString),
    Bearer(SecretString),
}

impl Credential {
    /// Whether this is an admin key with the documented prefix. Keys without it are accepted
    /// (gateways may issue other forms) but callers may want to warn about them.
    pub fn looks_like_admin_key(&self) -> bool {
        match self {
            Credential::AdminKey(key) => key.expose_secret().starts_with(ADMIN_KEY_PREFIX),
            Credential::Bearer(_) => false,
        }
    }

    /// The secret itself, for building the auth header (crate-internal only).
    pub(crate) fn secret(&self) -> &str {
        match self {
            Credential::AdminKey(secret) | Credential::Bearer(secret) => secret.expose_secret(),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::AdminKey(_) => f.write_str("AdminKey(***)"),
            Credential::Bearer(_) => f.write_str("Bearer(***)"),
        }
    }
}

/// Where to look for a credential. `env` looks a variable up (tests pass a closure).
pub struct CredentialSources<'a> {
    pub admin_key_file: Option<&'a Path>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// Which source a resolved credential came from (safe to print).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialOrigin {
    KeyFile(PathBuf),
    Env(&'static str),
}

impl fmt::Display for CredentialOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialOrigin::KeyFile(path) => write!(f, "{FLAG_ADMIN_KEY_FILE} {}", path.display()),
            CredentialOrigin::Env(var) => write!(f, "${var}"),
        }
    }
}

/// Why no credential could be resolved. Messages name the source, never the secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "no Admin API key found: pass `{FLAG_ADMIN_KEY_FILE} PATH` or set `{ENV_ADMIN_KEY}` \
         (an admin key starts with `{ADMIN_KEY_PREFIX}`; create one in the Claude Console)"
    )]
    Missing,
    #[error(
        "`{ENV_API_KEY}` is set but does not hold an Admin API key (it does not start with \
         `{ADMIN_KEY_PREFIX}`); the Admin API needs an admin key: set `{ENV_ADMIN_KEY}` or pass \
         `{FLAG_ADMIN_KEY_FILE} PATH`"
    )]
    ApiKeyIsNotAnAdminKey,
    #[error(
        "the key from {origin} is a regular API key (`{API_KEY_PREFIX}...`), which the Admin API refuses; \
         create an Admin API key (`{ADMIN_KEY_PREFIX}...`) in the Claude Console and use that"
    )]
    RegularApiKey { origin: CredentialOrigin },
    #[error("cannot read the admin key file {}: {source}; check the path given to `{FLAG_ADMIN_KEY_FILE}`", path.display())]
    KeyFileUnreadable { path: PathBuf, source: std::io::Error },
    #[error("the admin key file {} is larger than {MAX_KEY_FILE_BYTES} bytes, so it is not a key file; check the path given to `{FLAG_ADMIN_KEY_FILE}`", path.display())]
    KeyFileTooLarge { path: PathBuf },
    #[error("the admin key file {} is empty: put the admin key (`{ADMIN_KEY_PREFIX}...`) in it", path.display())]
    KeyFileEmpty { path: PathBuf },
    #[error("`{var}` is set but empty: set it to the admin key or unset it")]
    EnvEmpty { var: &'static str },
    #[error(
        "the admin key from {origin} contains whitespace or characters that cannot be sent in an \
         HTTP header; it must be a single line of printable ASCII"
    )]
    Malformed { origin: CredentialOrigin },
}

/// Resolves the admin key: `--admin-key-file`, then `ANTHROPIC_ADMIN_KEY`, then
/// `ANTHROPIC_API_KEY` when it starts with `sk-ant-admin01-`.
pub fn resolve(sources: &CredentialSources) -> Result<Credential, AuthError> {
    resolve_with_origin(sources).map(|(credential, _)| credential)
}

/// Like [`resolve`], also saying where the key came from (for `-v` output and warnings).
pub fn resolve_with_origin(sources: &CredentialSources) -> Result<(Credential, CredentialOrigin), AuthError> {
    let (key, origin) = find_key(sources)?;
    if key.expose_secret().starts_with(API_KEY_PREFIX) {
        return Err(AuthError::RegularApiKey { origin });
    }
    if !is_header_safe(key.expose_secret()) {
        return Err(AuthError::Malformed { origin });
    }
    Ok((Credential::AdminKey(key), origin))
}

fn find_key(sources: &CredentialSources) -> Result<(SecretString, CredentialOrigin), AuthError> {
    if let Some(path) = sources.admin_key_file {
        let key = read_key_file(path)?;
        return Ok((key, CredentialOrigin::KeyFile(path.to_path_buf())));
    }
    if let Some(value) = (sources.env)(ENV_ADMIN_KEY) {
        let value = SecretString::from(value);
        let trimmed = value.expose_secret().trim();
        if trimmed.is_empty() {
            return Err(AuthError::EnvEmpty { var: ENV_ADMIN_KEY });
        }
        return Ok((SecretString::from(trimmed), CredentialOrigin::Env(ENV_ADMIN_KEY)));
    }
    if let Some(value) = (sources.env)(ENV_API_KEY) {
        let value = SecretString::from(value);
        let trimmed = value.expose_secret().trim();
        if trimmed.is_empty() {
            return Err(AuthError::Missing);
        }
        if !trimmed.starts_with(ADMIN_KEY_PREFIX) {
            return Err(AuthError::ApiKeyIsNotAnAdminKey);
        }
        return Ok((SecretString::from(trimmed), CredentialOrigin::Env(ENV_API_KEY)));
    }
    Err(AuthError::Missing)
}

fn read_key_file(path: &Path) -> Result<SecretString, AuthError> {
    let unreadable = |source| AuthError::KeyFileUnreadable { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit to tell "exactly at the limit" from "too large".
    file.take(MAX_KEY_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        zeroize::Zeroize::zeroize(&mut bytes);
        return Err(AuthError::KeyFileTooLarge { path: path.to_path_buf() });
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => SecretString::from(text),
        Err(not_utf8) => {
            zeroize::Zeroize::zeroize(&mut not_utf8.into_bytes());
            let source = std::io::Error::new(std::io::ErrorKind::InvalidData, "the file is not UTF-8 text");
            return Err(unreadable(source));
        }
    };
    let trimmed = text.expose_secret().trim();
    if trimmed.is_empty() {
        return Err(AuthError::KeyFileEmpty { path: path.to_path_buf() });
    }
    Ok(SecretString::from(trimmed))
}

/// Printable ASCII without spaces: what an `x-api-key` or bearer header value can carry.
fn is_header_safe(key: &str) -> bool {
    key.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Write as _;

    const CANARY: &str = "sk-ant-admin01-CANARY-auth-7f3a";

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    fn resolve_env(pairs: &[(&str, &str)]) -> Result<(Credential, CredentialOrigin), AuthError> {
        let env = env_of(pairs);
        resolve_with_origin(&CredentialSources { admin_key_file: None, env: &env })
    }

    fn key_file(content: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content.as_bytes()).unwrap();
        file
    }

    #[test]
    fn the_key_file_wins_and_is_trimmed() {
        let file = key_file(&format!("  {CANARY}\n"));
        let env = env_of(&[(ENV_ADMIN_KEY, "sk-ant-admin01-from-env")]);
        let sources = CredentialSources { admin_key_file: Some(file.path()), env: &env };
        let (credential, origin) = resolve_with_origin(&sources).unwrap();
        assert_eq!(credential.secret(), CANARY);
        assert_eq!(origin, CredentialOrigin::KeyFile(file.path().to_path_buf()));
        assert!(credential.looks_like_admin_key());
    }

    #[test]
    fn an_empty_key_file_is_refused_naming_the_path() {
        let file = key_file(" \n\t");
        let env = env_of(&[(ENV_ADMIN_KEY, CANARY)]);
        let err = resolve(&CredentialSources { admin_key_file: Some(file.path()), env: &env }).unwrap_err();
        assert!(matches!(err, AuthError::KeyFileEmpty { .. }));
        assert!(err.to_string().contains(&file.path().display().to_string()));
    }

    #[test]
    fn an_unreadable_key_file_names_the_path_not_the_content() {
        let missing = Path::new("/nonexistent/cmek/admin.key");
        let env = env_of(&[]);
        let err = resolve(&CredentialSources { admin_key_file: Some(missing), env: &env }).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/nonexistent/cmek/admin.key") && text.contains(FLAG_ADMIN_KEY_FILE), "{text}");

        let not_utf8 = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(not_utf8.path(), [0xff, 0xfe, b's', b'k']).unwrap();
        let err = resolve(&CredentialSources { admin_key_file: Some(not_utf8.path()), env: &env }).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    #[test]
    fn a_huge_key_file_is_refused() {
        let file = key_file(&"k".repeat(MAX_KEY_FILE_BYTES as usize + 1));
        let env = env_of(&[]);
        let err = resolve(&CredentialSources { admin_key_file: Some(file.path()), env: &env }).unwrap_err();
        assert!(matches!(err, AuthError::KeyFileTooLarge { .. }), "{err}");
    }

    #[test]
    fn admin_env_comes_before_api_key_env() {
        let (credential, origin) =
            resolve_env(&[(ENV_ADMIN_KEY, " sk-ant-admin01-a "), (ENV_API_KEY, "sk-ant-admin01-b")]).unwrap();
        assert_eq!(credential.secret(), "sk-ant-admin01-a");
        assert_eq!(origin, CredentialOrigin::Env(ENV_ADMIN_KEY));
    }

    #[test]
    fn api_key_env_is_used_only_for_admin_keys() {
        let (credential, origin) = resolve_env(&[(ENV_API_KEY, CANARY)]).unwrap();
        assert_eq!(credential.secret(), CANARY);
        assert_eq!(origin, CredentialOrigin::Env(ENV_API_KEY));

        let err = resolve_env(&[(ENV_API_KEY, "sk-ant-api03-CANARY-not-admin")]).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, AuthError::ApiKeyIsNotAnAdminKey));
        assert!(text.contains(ENV_ADMIN_KEY) && text.contains(FLAG_ADMIN_KEY_FILE), "{text}");
        assert!(!text.contains("CANARY"), "{text}");
    }

    #[test]
    fn nothing_anywhere_names_both_ways_to_pass_a_key() {
        let err = resolve_env(&[]).unwrap_err();
        assert!(matches!(err, AuthError::Missing));
        let text = err.to_string();
        assert!(text.contains(FLAG_ADMIN_KEY_FILE) && text.contains(ENV_ADMIN_KEY), "{text}");
    }

    #[test]
    fn an_empty_admin_env_is_an_error_not_a_fallthrough() {
        let err = resolve_env(&[(ENV_ADMIN_KEY, "  "), (ENV_API_KEY, CANARY)]).unwrap_err();
        assert!(matches!(err, AuthError::EnvEmpty { var: ENV_ADMIN_KEY }), "{err}");
    }

    #[test]
    fn unusual_admin_keys_are_accepted_but_flagged() {
        let (credential, _) = resolve_env(&[(ENV_ADMIN_KEY, "gateway-issued-token")]).unwrap();
        assert!(!credential.looks_like_admin_key());
        assert!(!Credential::Bearer(SecretString::from(CANARY)).looks_like_admin_key());
    }

    #[test]
    fn keys_that_cannot_be_a_header_are_refused_without_echoing_them() {
        let err = resolve_env(&[(ENV_ADMIN_KEY, "sk-ant-admin01-CANARY with space")]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(ENV_ADMIN_KEY) && !text.contains("CANARY"), "{text}");
        let err = resolve_env(&[(ENV_ADMIN_KEY, "sk-ant-admin01-CANARY-é")]).unwrap_err();
        assert!(matches!(err, AuthError::Malformed { .. }));
    }

    #[test]
    fn debug_is_redacted() {
        let admin = Credential::AdminKey(SecretString::from(CANARY));
        let bearer = Credential::Bearer(SecretString::from(CANARY));
        assert_eq!(format!("{admin:?}"), "AdminKey(***)");
        assert_eq!(format!("{bearer:#?}"), "Bearer(***)");
    }
}
