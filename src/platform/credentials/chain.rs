//! The credential chain, first match wins, in the SDKs' order:
//! 1. the flags (`--admin-key-file`, `--profile`; both is a usage error);
//! 2. `ANTHROPIC_ADMIN_KEY`, `ANTHROPIC_API_KEY` when it holds an admin key (a regular API key is
//!    skipped and never sent), then `ANTHROPIC_AUTH_TOKEN` (a bearer token as it is);
//! 3. `ANTHROPIC_PROFILE` (its errors are reported, not skipped);
//! 4. the federation variables (`ANTHROPIC_FEDERATION_RULE_ID` and the rest);
//! 5. the active profile (`<config dir>/active_config`, else `default`) when its config exists.
//!
//! Only finds: nothing is sent, and tokens are obtained later by the token source.

use std::path::Path;
use std::sync::Arc;

use secrecy::{ExposeSecret as _, SecretString};
use url::Url;

use super::clock::Clock;
use super::env::{
    ENV_ADMIN_KEY, ENV_API_KEY, ENV_AUTH_TOKEN, ENV_BASE_URL, ENV_FEDERATION_RULE_ID, ENV_IDENTITY_TOKEN_FILE,
    ENV_ORGANIZATION_ID, ENV_PROFILE, ENV_SCOPE, ENV_SERVICE_ACCOUNT_ID, ENV_WORKSPACE_ID, non_empty,
};
use super::error::AuthError;
use super::origin::{CredentialOrigin, ProfileSelector};
use super::profile::{self, ProfileAuth};
use super::secret_text::{is_header_safe, trimmed_secret};
use super::source::TokenSource;
use super::spec::{FederationSpec, UserOauthSpec, identity_token_from_env, identity_token_value};
use crate::platform::auth::{ADMIN_KEY_PREFIX, API_KEY_PREFIX, Credential, read_key_file};
use crate::platform::config::DEFAULT_BASE_URL;

/// The chain's order in one line, for the hint after a credential fails. It restates the module
/// documentation above, which `resolve` follows: change the three together.
pub fn lookup_order() -> String {
    format!(
        "--admin-key-file / --profile, {ENV_ADMIN_KEY}, an admin {ENV_API_KEY}, {ENV_AUTH_TOKEN}, {ENV_PROFILE}, \
         the federation variables ({ENV_FEDERATION_RULE_ID} and the rest), the active profile"
    )
}

/// Where to look. `env` looks a variable up (the CLI passes the process's; tests a map).
pub struct CredentialSources<'a> {
    pub admin_key_file: Option<&'a Path>,
    /// `--profile NAME`.
    pub profile: Option<&'a str>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

/// What the chain found, before any token is obtained.
pub struct Resolved {
    pub found: Found,
    pub origin: CredentialOrigin,
    /// The profile's `base_url` (used after `--base-url` and `ANTHROPIC_BASE_URL`).
    pub profile_base_url: Option<String>,
}

/// The credential found.
pub enum Found {
    /// A fixed secret: an admin key or `ANTHROPIC_AUTH_TOKEN`.
    Fixed(Credential),
    Federation(FederationSpec),
    UserOauth(UserOauthSpec),
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let found = match &self.found {
            Found::Fixed(credential) => format!("{credential:?}"),
            Found::Federation(_) => "Federation".to_owned(),
            Found::UserOauth(_) => "UserOauth".to_owned(),
        };
        f.debug_struct("Resolved").field("found", &found).field("origin", &self.origin).finish_non_exhaustive()
    }
}

impl Resolved {
    /// The credential to build a client with; OAuth sources get their token endpoint at
    /// `base_url` (refused unless https or loopback).
    pub fn credential(self, base_url: &Url, max_retries: u32, clock: Arc<dyn Clock>) -> Result<Credential, AuthError> {
        match self.found {
            Found::Fixed(credential) => Ok(credential),
            Found::Federation(spec) => {
                Ok(Credential::OAuth(TokenSource::federation(spec, base_url, max_retries, clock)?))
            }
            Found::UserOauth(spec) => {
                Ok(Credential::OAuth(TokenSource::user_oauth(spec, base_url, max_retries, clock)?))
            }
        }
    }
}

/// Where the base URL came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseUrlOrigin {
    /// `--base-url` (or `ANTHROPIC_BASE_URL`, which clap reads for it).
    Flag,
    Env,
    Profile,
    Default,
}

impl std::fmt::Display for BaseUrlOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BaseUrlOrigin::Flag => "--base-url",
            BaseUrlOrigin::Env => "$ANTHROPIC_BASE_URL",
            BaseUrlOrigin::Profile => "the profile's base_url",
            BaseUrlOrigin::Default => "the default",
        })
    }
}

/// The base URL: the flag, then `ANTHROPIC_BASE_URL`, then the profile's, then the default.
pub fn base_url(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    profile: Option<&str>,
) -> (String, BaseUrlOrigin) {
    let from_env = non_empty(env, ENV_BASE_URL);
    match flag.map(str::trim).filter(|s| !s.is_empty()) {
        // clap fills the flag from the variable too: say which it was when they agree.
        Some(url) if from_env.as_deref() == Some(url) => (url.to_owned(), BaseUrlOrigin::Env),
        Some(url) => (url.to_owned(), BaseUrlOrigin::Flag),
        None => match (from_env, profile.map(str::trim).filter(|s| !s.is_empty())) {
            (Some(url), _) => (url, BaseUrlOrigin::Env),
            (None, Some(url)) => (url.to_owned(), BaseUrlOrigin::Profile),
            (None, None) => (DEFAULT_BASE_URL.to_owned(), BaseUrlOrigin::Default),
        },
    }
}

/// Runs the chain.
pub fn resolve(sources: &CredentialSources) -> Result<Resolved, AuthError> {
    let env = sources.env;
    let fixed = |credential: Credential, origin: CredentialOrigin| {
        Ok(Resolved { found: Found::Fixed(credential), origin, profile_base_url: None })
    };
    // 1. Flags.
    match (sources.admin_key_file, sources.profile) {
        (Some(_), Some(_)) => return Err(AuthError::ConflictingFlags),
        (Some(path), None) => {
            let key = read_key_file(path)?;
            return admin_key(key, CredentialOrigin::KeyFile(path.to_path_buf()))
                .and_then(|c| fixed(c, CredentialOrigin::KeyFile(path.to_path_buf())));
        }
        (None, Some(name)) => return named_profile(name, ProfileSelector::Flag, env),
        (None, None) => {}
    }
    // 2. Keys and tokens in the environment.
    if let Some(value) = env(ENV_ADMIN_KEY) {
        let key = trimmed_secret(value).ok_or(AuthError::EnvEmpty { var: ENV_ADMIN_KEY })?;
        let origin = CredentialOrigin::Env(ENV_ADMIN_KEY);
        return admin_key(key, origin.clone()).and_then(|c| fixed(c, origin));
    }
    let mut skipped_api_key = false;
    if let Some(key) = env(ENV_API_KEY).and_then(trimmed_secret) {
        if key.expose_secret().starts_with(ADMIN_KEY_PREFIX) {
            let origin = CredentialOrigin::Env(ENV_API_KEY);
            return admin_key(key, origin.clone()).and_then(|c| fixed(c, origin));
        }
        // The SDKs' variable for inference keys: never sent to the Admin API.
        skipped_api_key = true;
    }
    if let Some(token) = env(ENV_AUTH_TOKEN).and_then(trimmed_secret) {
        let origin = CredentialOrigin::Env(ENV_AUTH_TOKEN);
        if !is_header_safe(token.expose_secret()) {
            return Err(AuthError::Malformed { origin: Box::new(origin) });
        }
        return fixed(Credential::AuthToken(token), origin);
    }
    // 3. The profile the environment names.
    if let Some(name) = env(ENV_PROFILE).filter(|n| !n.trim().is_empty()) {
        return named_profile(&name, ProfileSelector::Env, env);
    }
    // 4. The federation variables.
    if let Some(rule_id) = non_empty(env, ENV_FEDERATION_RULE_ID) {
        return federation_from_env(rule_id, env);
    }
    // 5. The active profile.
    let mut notes = Vec::new();
    match profile::config_dir(env) {
        Some(dir) => match profile::active(&dir)? {
            Ok((name, selector)) => return load_profile(&dir, &name, selector, env),
            Err(note) => notes.extend(note),
        },
        None => notes.push("no profile was looked for: neither ANTHROPIC_CONFIG_DIR nor HOME is set".to_owned()),
    }
    if skipped_api_key {
        return Err(AuthError::ApiKeyIsNotAnAdminKey);
    }
    Err(AuthError::Missing { notes })
}

fn named_profile(
    name: &str,
    selector: ProfileSelector,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, AuthError> {
    let from = selector.to_string();
    profile::check_name(name, &from)?;
    let Some(dir) = profile::config_dir(env) else {
        return Err(AuthError::NoConfigDir { name: name.to_owned(), from });
    };
    load_profile(&dir, name, selector, env)
}

fn load_profile(
    dir: &Path,
    name: &str,
    selector: ProfileSelector,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, AuthError> {
    let loaded = profile::load(dir, name, selector, env)?;
    let found = match loaded.auth {
        ProfileAuth::Federation(spec) => Found::Federation(spec),
        ProfileAuth::UserOauth(spec) => Found::UserOauth(spec),
    };
    Ok(Resolved { found, origin: CredentialOrigin::Profile(loaded.origin), profile_base_url: loaded.base_url })
}

/// Step 4: the variables, which must name the rule, the organisation and an identity token.
fn federation_from_env(rule_id: String, env: &dyn Fn(&str) -> Option<String>) -> Result<Resolved, AuthError> {
    let organization_id = non_empty(env, ENV_ORGANIZATION_ID);
    let identity_token = identity_token_from_env(
        non_empty(env, ENV_IDENTITY_TOKEN_FILE),
        ENV_IDENTITY_TOKEN_FILE,
        identity_token_value(env),
        profile::home(env).as_deref(),
    );
    let mut missing = Vec::new();
    if organization_id.is_none() {
        missing.push(ENV_ORGANIZATION_ID);
    }
    if identity_token.is_none() {
        missing.push(IDENTITY_TOKEN_VARS);
    }
    let (Some(organization_id), Some(identity_token)) = (organization_id, identity_token) else {
        return Err(AuthError::FederationIncomplete { from: format!("${ENV_FEDERATION_RULE_ID}"), missing });
    };
    let spec = FederationSpec {
        rule_id,
        organization_id,
        service_account_id: non_empty(env, ENV_SERVICE_ACCOUNT_ID),
        workspace_id: non_empty(env, ENV_WORKSPACE_ID),
        identity_token,
        scope: non_empty(env, ENV_SCOPE),
        cache: None,
    };
    let origin = CredentialOrigin::Federation(spec.origin());
    Ok(Resolved { found: Found::Federation(spec), origin, profile_base_url: None })
}

/// Checks an admin key before it can be sent: not a regular API key, a valid header value.
fn admin_key(key: SecretString, origin: CredentialOrigin) -> Result<Credential, AuthError> {
    if key.expose_secret().starts_with(API_KEY_PREFIX) {
        return Err(AuthError::RegularApiKey { origin: Box::new(origin) });
    }
    if !is_header_safe(key.expose_secret()) {
        return Err(AuthError::Malformed { origin: Box::new(origin) });
    }
    Ok(Credential::AdminKey(key))
}

/// The value without surrounding whitespace, as a secret; `None` when blank.
/// The two variables that can give the identity token (the file wins).
const IDENTITY_TOKEN_VARS: &str = "ANTHROPIC_IDENTITY_TOKEN_FILE (or ANTHROPIC_IDENTITY_TOKEN)";
