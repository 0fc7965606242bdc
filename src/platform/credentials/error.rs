//! Why no usable credential was found or obtained. Every message names the source (flag,
//! variable, file, profile, rule) and says what to do; none carries a secret, and none quotes a
//! secret file's content (a JSON parser's message can: those are replaced by our own words).

use std::path::PathBuf;

use super::env::{
    ENV_ADMIN_KEY, ENV_API_KEY, ENV_FEDERATION_RULE_ID, ENV_IDENTITY_TOKEN_FILE, ENV_ORGANIZATION_ID, ENV_WORKSPACE_ID,
    FLAG_ADMIN_KEY_FILE, FLAG_PROFILE,
};
use super::origin::CredentialOrigin;
use crate::platform::auth::{ADMIN_KEY_PREFIX, API_KEY_PREFIX, MAX_KEY_FILE_BYTES};

/// How to get a token that may call the Admin API.
pub const GET_ADMIN_SCOPE: &str = "run `ant auth login --scope org:admin`, or use a federation rule whose \
                                   oauth_scope includes `org:admin` and whose target is an admin service account";

/// Why the credential chain, or obtaining a token, failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{}", missing(notes))]
    Missing { notes: Vec<String> },
    #[error(
        "`{ENV_API_KEY}` is set but does not hold an Admin API key (it does not start with `{ADMIN_KEY_PREFIX}`), \
         so it is never sent; the Admin API needs an admin key or an OAuth token with scope `org:admin`: set \
         `{ENV_ADMIN_KEY}`, pass `{FLAG_ADMIN_KEY_FILE} PATH` or `{FLAG_PROFILE} NAME`, or sign in with \
         `ant auth login --scope org:admin`"
    )]
    ApiKeyIsNotAnAdminKey,
    #[error(
        "the key from {origin} is a regular API key (`{API_KEY_PREFIX}...`), which the Admin API refuses; \
         create an Admin API key (`{ADMIN_KEY_PREFIX}...`) in the Claude Console and use that"
    )]
    RegularApiKey { origin: Box<CredentialOrigin> },
    #[error("cannot read the admin key file {}: {source}; check the path given to `{FLAG_ADMIN_KEY_FILE}`", path.display())]
    KeyFileUnreadable { path: PathBuf, source: std::io::Error },
    #[error("the admin key file {} is larger than {MAX_KEY_FILE_BYTES} bytes, so it is not a key file; check the path given to `{FLAG_ADMIN_KEY_FILE}`", path.display())]
    KeyFileTooLarge { path: PathBuf },
    #[error("the admin key file {} is empty: put the admin key (`{ADMIN_KEY_PREFIX}...`) in it", path.display())]
    KeyFileEmpty { path: PathBuf },
    #[error("`{var}` is set but empty: set it to the admin key or unset it")]
    EnvEmpty { var: &'static str },
    #[error(
        "the credential from {origin} contains whitespace or characters that cannot be sent in an \
         HTTP header; it must be a single line of printable ASCII"
    )]
    Malformed { origin: Box<CredentialOrigin> },
    #[error("`{FLAG_ADMIN_KEY_FILE}` and `{FLAG_PROFILE}` both choose the Admin API credential; pass only one of them")]
    ConflictingFlags,
    #[error(
        "the {what} {} can be read or written by group or others (mode {mode:04o}), and it holds a secret: run \
         `chmod 600 {}` and try again", path.display(), shell_path(path)
    )]
    TooOpen { what: &'static str, path: PathBuf, mode: u32 },
    #[error(
        "the {what} {} is a symbolic link; a file holding a secret must be the file itself: replace the link \
         with the file it points to, then run `chmod 600 {}`", path.display(), shell_path(path)
    )]
    Symlink { what: &'static str, path: PathBuf },
    #[error(
        "the profile config {} is writable by group or others (mode {mode:04o}), so someone else could point \
         `cmek` at another credential or endpoint: run `chmod go-w {}` and try again", path.display(), shell_path(path)
    )]
    ConfigWritable { path: PathBuf, mode: u32 },
    #[error(
        "profile name `{name}` (from {from}) is not valid: {why}; a profile name is not empty, has no spaces \
         around it, does not start with `.` and contains no `/`, `\\` or NUL"
    )]
    ProfileName { name: String, from: String, why: &'static str },
    #[error(
        "cannot find the Anthropic config directory for profile `{name}` (from {from}): set \
         `ANTHROPIC_CONFIG_DIR`, or `HOME` (profiles live in ~/.config/anthropic)"
    )]
    NoConfigDir { name: String, from: String },
    #[error(
        "profile `{name}` (from {from}) does not exist: {} was not found; create it with `ant auth login \
         --profile {name} --scope org:admin`, or check the name", path.display()
    )]
    ProfileMissing { name: String, from: String, path: PathBuf },
    #[error("cannot read {}: {why}", path.display())]
    FileUnreadable { path: PathBuf, why: String },
    #[error("the profile config {} is not valid: {why}", path.display())]
    ProfileInvalid { path: PathBuf, why: String },
    #[error("the credentials file {} is not valid: {why}; sign in again with `ant auth login{}`", path.display(), profile_flag(profile))]
    CredentialsInvalid { path: PathBuf, profile: String, why: String },
    #[error(
        "profile `{profile}` signs in as a user (user_oauth), but its credentials file {} does not exist: run \
         `ant auth login --profile {profile} --scope org:admin`", path.display()
    )]
    CredentialsMissing { profile: String, path: PathBuf },
    #[error(
        "Workload Identity Federation is configured by {from}, but {} {} not set: set {}",
        missing.join(" and "), if missing.len() == 1 { "is" } else { "are" }, missing.join(", ")
    )]
    FederationIncomplete { from: String, missing: Vec<&'static str> },
    #[error("cannot use the identity token from {from}: {why}")]
    IdentityToken { from: String, why: String },
    #[error(
        "refusing to send credentials to the token endpoint {url}: it must be https (plain http only to \
         localhost, 127.0.0.1 or ::1); check `--base-url` / `ANTHROPIC_BASE_URL` / the profile's base_url"
    )]
    InsecureTokenEndpoint { url: String },
    #[error("{}", denied(rule_id, organization_id, service_account_id.as_deref(), workspace_id.as_deref(), request_id.as_deref()))]
    ExchangeDenied {
        rule_id: String,
        organization_id: String,
        service_account_id: Option<String>,
        workspace_id: Option<String>,
        request_id: Option<String>,
    },
    #[error(
        "the {what} was refused: HTTP {status} {kind}: {message} (request-id: {}); `cmek auth status` shows \
         which credential and settings were used",
        request_id.as_deref().unwrap_or("none")
    )]
    TokenRefused { what: &'static str, status: u16, kind: String, message: String, request_id: Option<String> },
    #[error("the {what} failed: {message}; check the network and the base URL, then re-run")]
    TokenEndpointFailed { what: &'static str, message: String },
    #[error(
        "the answer to the {what} is not usable: {why}; check that the base URL is the Claude Platform's \
         (`cmek auth status` shows it)"
    )]
    TokenAnswer { what: &'static str, why: String },
    #[error(
        "the access token of profile `{profile}` ({}) {when}, and the profile has no client_id to refresh it \
         with: run `ant auth login --profile {profile} --scope org:admin` (or any `ant` command that refreshes it)",
        path.display()
    )]
    TokenExpired { profile: String, path: PathBuf, when: String },
    #[error(
        "the refresh token of profile `{profile}` ({}) was refused (HTTP {status}, request-id: {}): sign in \
         again with `ant auth login --profile {profile} --scope org:admin`",
        path.display(), request_id.as_deref().unwrap_or("none")
    )]
    RefreshRefused { profile: String, path: PathBuf, status: u16, request_id: Option<String> },
    #[error(
        "the access token of profile `{profile}` ({}) has expired and the file holds no refresh_token: sign in \
         again with `ant auth login --profile {profile} --scope org:admin`", path.display()
    )]
    NoRefreshToken { profile: String, path: PathBuf },
}

impl AuthError {
    /// A mistake on the command line (exit 2), rather than a credential that does not work (exit 3).
    pub fn is_usage(&self) -> bool {
        matches!(self, AuthError::ConflictingFlags)
            || matches!(self, AuthError::ProfileName { from, .. } if from == FLAG_PROFILE)
    }

    /// The token endpoint did not answer (exit 4, as any platform that does not answer), rather
    /// than refusing the credential.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, AuthError::TokenEndpointFailed { .. })
    }
}

fn missing(notes: &[String]) -> String {
    let mut text = format!(
        "no Claude Platform credential found: pass `{FLAG_ADMIN_KEY_FILE} PATH` or `{FLAG_PROFILE} NAME`, set \
         `{ENV_ADMIN_KEY}` (an admin key starts with `{ADMIN_KEY_PREFIX}`; create one in the Claude Console), sign \
         in with `ant auth login --scope org:admin`, or set `{ENV_FEDERATION_RULE_ID}`, `{ENV_ORGANIZATION_ID}` and \
         `{ENV_IDENTITY_TOKEN_FILE}` for Workload Identity Federation"
    );
    for note in notes {
        text.push_str("; ");
        text.push_str(note);
    }
    text
}

fn denied(rule: &str, org: &str, account: Option<&str>, workspace: Option<&str>, request_id: Option<&str>) -> String {
    format!(
        "the federation token exchange was denied (HTTP 401 Authentication failed, request-id: {}) for rule {rule}, \
         organisation {org}, service account {}, workspace {}; the platform gives the reason only in the Claude \
         Console's authentication events (look there for this request), typically the issuer, subject, audience \
         or the rule's match; a rule enabled for several workspaces needs `{ENV_WORKSPACE_ID}`",
        request_id.unwrap_or("none"),
        account.unwrap_or("none given (the rule's target)"),
        workspace.unwrap_or("none given"),
    )
}

fn profile_flag(profile: &str) -> String {
    if profile.is_empty() { " --scope org:admin".to_owned() } else { format!(" --profile {profile} --scope org:admin") }
}

/// A path as it can be pasted into a shell.
fn shell_path(path: &std::path::Path) -> String {
    cmek_core::shell::quoted(&path.display().to_string())
}
