//! Where a credential came from: the flag, the variable, the profile and its files, or the
//! federation settings. Safe to print, journal and put in JSON: it names sources and ids, never
//! a secret.

use std::fmt;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::env::{ENV_IDENTITY_TOKEN, ENV_PROFILE, FLAG_ADMIN_KEY_FILE, FLAG_PROFILE};

/// Which source of the chain gave the credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialOrigin {
    /// `--admin-key-file PATH`.
    KeyFile(PathBuf),
    /// `ANTHROPIC_ADMIN_KEY`, `ANTHROPIC_API_KEY` or `ANTHROPIC_AUTH_TOKEN`.
    Env(&'static str),
    /// A profile under the config directory.
    Profile(ProfileOrigin),
    /// The federation variables (`ANTHROPIC_FEDERATION_RULE_ID`, ...).
    Federation(FederationOrigin),
    /// The built-in sandbox's admin key.
    Sandbox,
}

/// A profile, how it was chosen and its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileOrigin {
    pub name: String,
    pub selected_by: ProfileSelector,
    pub kind: ProfileKind,
    /// `configs/<name>.json`.
    pub config: PathBuf,
    /// `credentials/<name>.json` (or the config's `credentials_path`).
    pub credentials: PathBuf,
}

/// How the profile was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileSelector {
    /// `--profile NAME`.
    Flag,
    /// `ANTHROPIC_PROFILE`.
    Env,
    /// The name in `<config dir>/active_config`.
    ActiveConfig(PathBuf),
    /// No selection: the profile named `default`.
    Default,
}

/// The two kinds of profile (`authentication.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    /// `user_oauth`: a person's `ant auth login`.
    UserOauth,
    /// `oidc_federation`: Workload Identity Federation.
    OidcFederation,
}

/// The federation settings used (ids only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationOrigin {
    pub rule_id: String,
    pub organization_id: String,
    pub service_account_id: Option<String>,
    pub workspace_id: Option<String>,
    pub identity_token: IdentityTokenOrigin,
}

/// Where the identity token (the JWT) is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityTokenOrigin {
    /// A file, re-read at every exchange; `from` names what gave the path.
    File { path: PathBuf, from: String },
    /// `ANTHROPIC_IDENTITY_TOKEN`.
    Env,
}

impl ProfileKind {
    /// The `authentication.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::UserOauth => "user_oauth",
            ProfileKind::OidcFederation => "oidc_federation",
        }
    }
}

impl fmt::Display for ProfileSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileSelector::Flag => f.write_str(FLAG_PROFILE),
            ProfileSelector::Env => write!(f, "${ENV_PROFILE}"),
            ProfileSelector::ActiveConfig(path) => write!(f, "{}", path.display()),
            ProfileSelector::Default => f.write_str("the default profile"),
        }
    }
}

impl fmt::Display for IdentityTokenOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityTokenOrigin::File { path, from } => write!(f, "the file {} (from {from})", path.display()),
            IdentityTokenOrigin::Env => write!(f, "${ENV_IDENTITY_TOKEN}"),
        }
    }
}

impl fmt::Display for CredentialOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialOrigin::KeyFile(path) => write!(f, "{FLAG_ADMIN_KEY_FILE} {}", path.display()),
            CredentialOrigin::Env(var) => write!(f, "${var}"),
            CredentialOrigin::Profile(p) => write!(
                f,
                "profile `{}` ({}, chosen by {}; {})",
                cmek_core::text::escape_controls(&p.name),
                p.kind.as_str(),
                p.selected_by,
                p.config.display()
            ),
            CredentialOrigin::Federation(fed) => write!(
                f,
                "Workload Identity Federation (rule {}, organisation {}, identity token from {})",
                fed.rule_id, fed.organization_id, fed.identity_token
            ),
            CredentialOrigin::Sandbox => f.write_str("the sandbox"),
        }
    }
}

impl CredentialOrigin {
    /// The origin as JSON (for `auth status`, the setup report and the journal).
    pub fn to_json(&self) -> Value {
        match self {
            CredentialOrigin::KeyFile(path) => {
                json!({"type": "flag", "flag": FLAG_ADMIN_KEY_FILE, "path": path.display().to_string()})
            }
            CredentialOrigin::Env(var) => json!({"type": "env", "variable": var}),
            CredentialOrigin::Profile(p) => json!({
                "type": "profile",
                "profile": p.name,
                "profile_type": p.kind.as_str(),
                "selected_by": selector_json(&p.selected_by),
                "config": p.config.display().to_string(),
                "credentials": p.credentials.display().to_string(),
            }),
            CredentialOrigin::Federation(fed) => json!({
                "type": "federation",
                "federation_rule_id": fed.rule_id,
                "organization_id": fed.organization_id,
                "service_account_id": fed.service_account_id,
                "workspace_id": fed.workspace_id,
                "identity_token": match &fed.identity_token {
                    IdentityTokenOrigin::File { path, from } =>
                        json!({"type": "file", "path": path.display().to_string(), "from": from}),
                    IdentityTokenOrigin::Env => json!({"type": "env", "variable": ENV_IDENTITY_TOKEN}),
                },
            }),
            CredentialOrigin::Sandbox => json!({"type": "sandbox"}),
        }
    }
}

fn selector_json(selector: &ProfileSelector) -> Value {
    match selector {
        ProfileSelector::Flag => json!({"type": "flag", "flag": FLAG_PROFILE}),
        ProfileSelector::Env => json!({"type": "env", "variable": ENV_PROFILE}),
        ProfileSelector::ActiveConfig(path) => json!({"type": "active_config", "path": path.display().to_string()}),
        ProfileSelector::Default => json!({"type": "default"}),
    }
}
