//! The names the credential chain reads: environment variables shared with the official SDKs,
//! the `ant` CLI and Claude Code, `cmek`'s own `ANTHROPIC_ADMIN_KEY`, and the two flags.
//!
//! Only names and the one lookup rule live here; nothing reads the process environment (the
//! caller passes a lookup function, so tests are deterministic).

/// `cmek`'s own variable for an admin key.
pub const ENV_ADMIN_KEY: &str = "ANTHROPIC_ADMIN_KEY";
/// The SDKs' key variable: used only when it holds an admin key (never sent otherwise).
pub const ENV_API_KEY: &str = "ANTHROPIC_API_KEY";
/// A bearer token, sent as it is.
pub const ENV_AUTH_TOKEN: &str = "ANTHROPIC_AUTH_TOKEN";
/// The profile to use (its errors are reported, not skipped).
pub const ENV_PROFILE: &str = "ANTHROPIC_PROFILE";
/// Where profiles live, instead of `~/.config/anthropic`.
pub const ENV_CONFIG_DIR: &str = "ANTHROPIC_CONFIG_DIR";
/// The Admin API's base URL.
pub const ENV_BASE_URL: &str = "ANTHROPIC_BASE_URL";
/// Workload Identity Federation: the rule (`fdrl_...`).
pub const ENV_FEDERATION_RULE_ID: &str = "ANTHROPIC_FEDERATION_RULE_ID";
/// Workload Identity Federation: the organisation UUID.
pub const ENV_ORGANIZATION_ID: &str = "ANTHROPIC_ORGANIZATION_ID";
/// Workload Identity Federation: the service account (`svac_...`), optional.
pub const ENV_SERVICE_ACCOUNT_ID: &str = "ANTHROPIC_SERVICE_ACCOUNT_ID";
/// Workload Identity Federation: a file holding the identity token (JWT), re-read at every
/// exchange; wins over [`ENV_IDENTITY_TOKEN`].
pub const ENV_IDENTITY_TOKEN_FILE: &str = "ANTHROPIC_IDENTITY_TOKEN_FILE";
/// Workload Identity Federation: the identity token itself.
pub const ENV_IDENTITY_TOKEN: &str = "ANTHROPIC_IDENTITY_TOKEN";
/// The workspace a token is for (empty means unset).
pub const ENV_WORKSPACE_ID: &str = "ANTHROPIC_WORKSPACE_ID";
/// The scope asked for: kept for display, never sent.
pub const ENV_SCOPE: &str = "ANTHROPIC_SCOPE";
/// Used to find `~/.config/anthropic` when `ANTHROPIC_CONFIG_DIR` is not set.
pub const ENV_HOME: &str = "HOME";

/// The command-line flag naming a file that holds an admin key.
pub const FLAG_ADMIN_KEY_FILE: &str = "--admin-key-file";
/// The command-line flag naming a profile.
pub const FLAG_PROFILE: &str = "--profile";

/// Looks a variable up.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The variable's value without surrounding whitespace, or `None` when it is unset or blank: the
/// SDKs take an empty variable as unset, and so does `cmek` for theirs.
pub fn non_empty(env: Env<'_>, name: &str) -> Option<String> {
    env(name).map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
}
