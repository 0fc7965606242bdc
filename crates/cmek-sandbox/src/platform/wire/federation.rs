//! Workload Identity Federation on the wire (credentials-wif.md): the token endpoint's answer and
//! the federation administration objects (issuers `fdis_`, rules `fdrl_`, service accounts `svac_`).
//!
//! Owned by the emulator like the rest of `wire`, written from the official Python SDK's models
//! (`types/beta/organization/federation/`, `beta_service_account.py`), which win over the spec
//! where they are more precise. The stored records are these same types, so what the
//! administration endpoints serve is what the exchange enforces; fields the API fills at read
//! time (`issuer_name`, `service_account_name`, `workspace_name`) are stored empty.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The answer of `POST /v1/oauth/token`. No `Debug`: it carries the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
    pub scope: String,
    /// Only for the `refresh_token` grant (a federation exchange has none: exchange again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// Where an issuer's signing keys are found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JwksSource {
    /// `{issuer_url}/.well-known/openid-configuration` -> `jwks_uri`.
    Discovery,
    ExplicitUrl {
        url: String,
    },
    /// JWKs given with the issuer (`{"kty":"RSA","kid","n","e"}`).
    Inline {
        keys: Vec<serde_json::Value>,
    },
}

/// A trusted OIDC issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationIssuer {
    /// `fdis_...`.
    pub id: String,
    /// `federation_issuer`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub name: String,
    pub issuer_url: String,
    pub jwks: JwksSource,
    /// Refuse an assertion whose `jti` was seen before (assertions without one pass).
    pub check_jti: bool,
    /// The longest `exp - iat` accepted (1..=176400); assertions must carry both.
    pub max_jwt_lifetime_seconds: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// What an assertion must show for a rule to apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMatch {
    /// `sub` equal to this, or starting with it when it ends with `*`.
    #[serde(default)]
    pub subject_prefix: Option<String>,
    /// One of the assertion's `aud` values.
    #[serde(default)]
    pub audience: Option<String>,
    /// Claims that must be these exact strings.
    #[serde(default)]
    pub claims: Option<BTreeMap<String, String>>,
    /// A CEL expression over `claims` (not evaluated by the sandbox: a rule with one refuses).
    #[serde(default)]
    pub condition: Option<String>,
}

/// Who a rule's tokens act as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleTarget {
    ServiceAccount {
        service_account_id: String,
        /// Filled at read time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service_account_name: Option<String>,
    },
}

/// A federation rule: which assertions of which issuer become tokens of which service account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationRule {
    /// `fdrl_...`.
    pub id: String,
    /// `federation_rule`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub issuer_id: String,
    /// Filled at read time.
    #[serde(default)]
    pub issuer_name: Option<String>,
    #[serde(rename = "match")]
    pub rule_match: RuleMatch,
    /// Space-separated scopes the tokens carry (`org:admin` for the Admin API;
    /// `workspace:developer`, `workspace:inference`).
    pub oauth_scope: String,
    pub target: RuleTarget,
    /// Enabled for every workspace, present and future; `workspace_ids` is then ignored.
    pub applies_to_all_workspaces: bool,
    /// The workspaces the rule is enabled for (`/{id}/workspaces`).
    pub workspace_ids: Vec<String>,
    /// The legacy single-workspace binding (the sandbox's rules never have one).
    #[serde(default)]
    pub workspace_id: Option<String>,
    /// Not yet supported by the API: always null.
    #[serde(default)]
    pub attributes: Option<BTreeMap<String, String>>,
    /// 60..=86400, 3600 by default; a token lives at most `max(60, min(this, 2 × the
    /// assertion's remaining validity))`.
    pub token_lifetime_seconds: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

impl FederationRule {
    pub fn service_account_id(&self) -> &str {
        match &self.target {
            RuleTarget::ServiceAccount { service_account_id, .. } => service_account_id,
        }
    }
}

/// A workspace a rule is enabled for (`/v1/organizations/federation_rules/{id}/workspaces`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleWorkspace {
    /// `federation_rule_workspace`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub federation_rule_id: String,
    pub workspace_id: String,
    pub workspace_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganizationRole {
    Admin,
    Developer,
}

impl OrganizationRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganizationRole::Admin => "admin",
            OrganizationRole::Developer => "developer",
        }
    }
}

/// A service account: the principal a federation rule's tokens act as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccount {
    /// `svac_...`.
    pub id: String,
    /// `service_account`.
    #[serde(rename = "type")]
    pub object_type: String,
    /// A unique slug.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Only an admin's rules may grant `org:admin` (a demoted one's are refused at exchange).
    pub organization_role: OrganizationRole,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub archived_at: Option<DateTime<Utc>>,
}

/// A service account's membership of a workspace. Every service account is implicitly a member
/// of the default workspace; a rule's token for another workspace needs an explicit one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccountWorkspaceMember {
    /// `service_account_workspace_member`.
    #[serde(rename = "type")]
    pub object_type: String,
    pub service_account_id: String,
    pub workspace_id: String,
    /// `workspace_user`, `workspace_developer`, `workspace_admin`, ...
    pub workspace_role: String,
}
