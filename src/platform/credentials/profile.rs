//! Profiles as the SDKs and `ant` keep them: the config directory, profile names, the active
//! profile, and `configs/<name>.json` of both kinds (`oidc_federation`, `user_oauth`), with empty
//! fields filled from the environment variables. Reads files; sends nothing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::env::{
    ENV_CONFIG_DIR, ENV_FEDERATION_RULE_ID, ENV_HOME, ENV_IDENTITY_TOKEN, ENV_IDENTITY_TOKEN_FILE, ENV_ORGANIZATION_ID,
    ENV_SCOPE, ENV_SERVICE_ACCOUNT_ID, ENV_WORKSPACE_ID, Env, non_empty,
};
use super::error::AuthError;
use super::files::{self, Read};
use super::origin::{ProfileKind, ProfileOrigin, ProfileSelector};
use super::spec::{
    FederationSpec, IdentityToken, TokenCache, UserOauthSpec, expand_home, identity_token_from_env,
    identity_token_value,
};

/// A profile config larger than this is not a profile config.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The profile used when none is chosen.
pub const DEFAULT_PROFILE: &str = "default";

/// A loaded profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub origin: ProfileOrigin,
    pub auth: ProfileAuth,
    /// The profile's `base_url`, used after `--base-url` and `ANTHROPIC_BASE_URL`.
    pub base_url: Option<String>,
}

/// What the profile signs in with.
#[derive(Debug, Clone)]
pub enum ProfileAuth {
    Federation(FederationSpec),
    UserOauth(UserOauthSpec),
}

/// The config directory: `ANTHROPIC_CONFIG_DIR`, else `~/.config/anthropic` (the Python SDK's and
/// the spec's; the Go SDK's `$XDG_CONFIG_HOME/anthropic` is not searched).
pub fn config_dir(env: Env<'_>) -> Option<PathBuf> {
    let home = home(env);
    if let Some(dir) = non_empty(env, ENV_CONFIG_DIR) {
        return Some(expand_home(&dir, home.as_deref()));
    }
    home.map(|home| home.join(".config").join("anthropic"))
}

/// `HOME` from the given environment (never the process's).
pub fn home(env: Env<'_>) -> Option<PathBuf> {
    non_empty(env, ENV_HOME).map(PathBuf::from)
}

/// Checks a profile name: not empty, no surrounding spaces, not starting with `.`, no `/`, `\`
/// or NUL. `from` says where the name came from.
pub fn check_name(name: &str, from: &str) -> Result<(), AuthError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.trim() != name {
        Some("it has spaces around it")
    } else if name.starts_with('.') {
        Some("it starts with `.`")
    } else if name.contains(['/', '\\']) {
        Some("it contains a path separator")
    } else if name.contains('\0') {
        Some("it contains a NUL character")
    } else {
        None
    };
    match why {
        Some(why) => Err(AuthError::ProfileName {
            name: cmek_core::text::escape_controls(name).into_owned(),
            from: from.to_owned(),
            why,
        }),
        None => Ok(()),
    }
}

/// `<dir>/configs/<name>.json`.
pub fn config_path(dir: &Path, name: &str) -> PathBuf {
    dir.join("configs").join(format!("{name}.json"))
}

/// The active profile (the chain's last step): the name in `<dir>/active_config`, else
/// `default`, when its config exists. `Err` for an unreadable `active_config` or a bad name in
/// it; `Ok(Err(note))` when there is no such profile, with a note for the "nothing found" message.
pub fn active(dir: &Path) -> Result<Result<(String, ProfileSelector), Option<String>>, AuthError> {
    let marker = dir.join("active_config");
    let unreadable = |e: io::Error| AuthError::FileUnreadable { path: marker.clone(), why: e.to_string() };
    let named = match files::read_bounded(&marker, 4096).map_err(unreadable)? {
        Read::Missing => None,
        Read::TooLarge => {
            return Err(AuthError::FileUnreadable { path: marker, why: "it is not a one-line profile name".into() });
        }
        Read::Bytes(bytes) => {
            let text = String::from_utf8(bytes)
                .map_err(|_| AuthError::FileUnreadable { path: marker.clone(), why: "it is not UTF-8 text".into() })?;
            let line = text.lines().next().unwrap_or("").trim_end_matches('\r').to_owned();
            (!line.is_empty()).then_some(line)
        }
    };
    let (name, selector) = match named {
        Some(name) => {
            check_name(&name, &marker.display().to_string())?;
            (name, ProfileSelector::ActiveConfig(marker.clone()))
        }
        None => (DEFAULT_PROFILE.to_owned(), ProfileSelector::Default),
    };
    let config = config_path(dir, &name);
    if fs::metadata(&config).is_ok() {
        return Ok(Ok((name, selector)));
    }
    let note = matches!(selector, ProfileSelector::ActiveConfig(_))
        .then(|| format!("{} names profile `{name}`, but {} does not exist", marker.display(), config.display()));
    Ok(Err(note))
}

/// Loads profile `name` from `dir`: its config must exist and must not be writable by others.
pub fn load(dir: &Path, name: &str, selected_by: ProfileSelector, env: Env<'_>) -> Result<Profile, AuthError> {
    let from = selected_by.to_string();
    check_name(name, &from)?;
    let path = config_path(dir, name);
    let unreadable = |e: io::Error| AuthError::FileUnreadable { path: path.clone(), why: e.to_string() };
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(AuthError::ProfileMissing { name: name.to_owned(), from, path });
        }
        Err(e) => return Err(unreadable(e)),
    };
    files::check_not_writable_by_others(&path, &meta)?;
    let bytes = match files::read_bounded(&path, MAX_CONFIG_BYTES).map_err(unreadable)? {
        Read::Bytes(bytes) => bytes,
        Read::Missing => return Err(AuthError::ProfileMissing { name: name.to_owned(), from, path }),
        Read::TooLarge => return Err(invalid(&path, format!("it is larger than {MAX_CONFIG_BYTES} bytes"))),
    };
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| invalid(&path, format!("not JSON ({e})")))?;
    let Value::Object(top) = value else { return Err(invalid(&path, "it is not a JSON object".into())) };
    parse(dir, name, selected_by, &path, &top, env)
}

fn parse(
    dir: &Path,
    name: &str,
    selected_by: ProfileSelector,
    path: &Path,
    top: &Map<String, Value>,
    env: Env<'_>,
) -> Result<Profile, AuthError> {
    if let Some(version) = text(top, "version", path)?
        && !(version == "1" || version.starts_with("1."))
    {
        return Err(invalid(path, format!("version `{version}` is not supported (this cmek reads 1.x)")));
    }
    let auth = match top.get("authentication") {
        Some(Value::Object(auth)) => auth,
        _ => return Err(invalid(path, "`authentication` is missing or not an object".into())),
    };
    let home = home(env);
    let credentials = match text(auth, "credentials_path", path)? {
        Some(given) => dir.join(expand_home(&given, home.as_deref())),
        None => dir.join("credentials").join(format!("{name}.json")),
    };
    let organization_id = text(top, "organization_id", path)?.or_else(|| non_empty(env, ENV_ORGANIZATION_ID));
    let workspace_id = text(top, "workspace_id", path)?.or_else(|| non_empty(env, ENV_WORKSPACE_ID));
    let scope = text(auth, "scope", path)?.or_else(|| non_empty(env, ENV_SCOPE));
    let (kind, spec) = match text(auth, "type", path)?.as_deref() {
        Some("oidc_federation") => {
            let identity_token = identity_token(auth, path, env, home.as_deref())?;
            let rule_id = text(auth, "federation_rule_id", path)?.or_else(|| non_empty(env, ENV_FEDERATION_RULE_ID));
            let mut missing = Vec::new();
            if rule_id.is_none() {
                missing.push(format!("authentication.federation_rule_id (or {ENV_FEDERATION_RULE_ID})"));
            }
            if organization_id.is_none() {
                missing.push(format!("organization_id (or {ENV_ORGANIZATION_ID})"));
            }
            if identity_token.is_none() {
                missing.push(format!(
                    "authentication.identity_token (or {ENV_IDENTITY_TOKEN_FILE} / {ENV_IDENTITY_TOKEN})"
                ));
            }
            let (Some(rule_id), Some(organization_id), Some(identity_token)) =
                (rule_id, organization_id.clone(), identity_token)
            else {
                return Err(invalid(path, format!("an oidc_federation profile needs {}", missing.join(", "))));
            };
            let spec = FederationSpec {
                rule_id,
                organization_id,
                service_account_id: text(auth, "service_account_id", path)?
                    .or_else(|| non_empty(env, ENV_SERVICE_ACCOUNT_ID)),
                workspace_id,
                identity_token,
                scope,
                cache: Some(TokenCache { profile: name.to_owned(), path: credentials.clone() }),
            };
            (ProfileKind::OidcFederation, ProfileAuth::Federation(spec))
        }
        Some("user_oauth") => {
            let spec = UserOauthSpec {
                profile: name.to_owned(),
                credentials: credentials.clone(),
                client_id: text(auth, "client_id", path)?,
                workspace_id,
                scope,
            };
            (ProfileKind::UserOauth, ProfileAuth::UserOauth(spec))
        }
        Some(other) => {
            return Err(invalid(
                path,
                format!(
                    "authentication.type `{}` is not supported: use `user_oauth` or `oidc_federation`",
                    cmek_core::text::escape_controls(other)
                ),
            ));
        }
        None => return Err(invalid(path, "authentication.type is missing".into())),
    };
    Ok(Profile {
        origin: ProfileOrigin { name: name.to_owned(), selected_by, kind, config: path.to_path_buf(), credentials },
        auth: spec,
        base_url: text(top, "base_url", path)?,
    })
}

/// `authentication.identity_token` (`{"source":"file","path":...}`), else the variables.
fn identity_token(
    auth: &Map<String, Value>,
    path: &Path,
    env: Env<'_>,
    home: Option<&Path>,
) -> Result<Option<IdentityToken>, AuthError> {
    let from_env = || {
        identity_token_from_env(
            non_empty(env, ENV_IDENTITY_TOKEN_FILE),
            ENV_IDENTITY_TOKEN_FILE,
            identity_token_value(env),
            home,
        )
    };
    let source = match auth.get("identity_token") {
        None | Some(Value::Null) => return Ok(from_env()),
        Some(Value::Object(source)) => source,
        Some(_) => return Err(invalid(path, "authentication.identity_token must be an object".into())),
    };
    match text(source, "source", path)?.as_deref() {
        Some("file") | None => {}
        Some(other) => {
            return Err(invalid(
                path,
                format!(
                    "authentication.identity_token.source `{}` is not supported: only `file` (a path the identity \
                     provider writes the token to) is",
                    cmek_core::text::escape_controls(other)
                ),
            ));
        }
    }
    Ok(match text(source, "path", path)? {
        Some(token_path) => Some(IdentityToken::File {
            path: expand_home(&token_path, home),
            from: format!("{} (authentication.identity_token.path)", path.display()),
        }),
        None => from_env(),
    })
}

/// A string field; empty means unset (to be filled from the environment).
fn text(obj: &Map<String, Value>, field: &str, path: &Path) -> Result<Option<String>, AuthError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(invalid(path, format!("`{field}` must be a string"))),
    }
}

fn invalid(path: &Path, why: String) -> AuthError {
    AuthError::ProfileInvalid { path: path.to_path_buf(), why }
}
