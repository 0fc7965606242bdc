//! The federation data the organisation keeps, saved with the rest of its state: the sandbox's
//! own OIDC signing key, issuers, rules (with the workspaces each is enabled for), service
//! accounts, user_oauth logins, the access tokens issued, the Console's authentication events, and
//! the variables `cmek sandbox` prints for a CI job.
//!
//! Plain data under the store's lock. Secrets are `Secret`s: saved (the state file holds the
//! sandbox's throwaway secrets by design), never printed, compared in constant time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::platform::wire::federation::{
    FederationIssuer, FederationRule, ServiceAccount, ServiceAccountWorkspaceMember,
};
use crate::secret::Secret;

/// How many authentication events are kept (the oldest go first).
const MAX_EVENTS: usize = 1000;
/// Expired tokens are forgotten this long after they expire.
const FORGET_AFTER: chrono::Duration = chrono::Duration::days(1);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederationState {
    /// The sandbox's own issuer's RSA key.
    pub signing_key: SigningKey,
    pub issuers: Vec<FederationIssuer>,
    pub rules: Vec<FederationRule>,
    pub service_accounts: Vec<ServiceAccount>,
    /// Explicit workspace memberships of the service accounts.
    pub memberships: Vec<ServiceAccountWorkspaceMember>,
    pub logins: Vec<UserLogin>,
    pub tokens: Vec<IssuedToken>,
    /// `jti`s already exchanged, for issuers with `check_jti`.
    pub seen_jtis: Vec<String>,
    /// Newest last.
    pub auth_events: Vec<AuthEvent>,
    pub ci: CiVariables,
}

/// An RSA private key (PKCS#8 DER, base64) and the `kid` its JWK is published under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKey {
    pub kid: String,
    pub pkcs8: Secret,
}

/// An `ant auth login`: its current refresh token (rotated at every refresh) and the latest
/// access token issued to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLogin {
    pub account_email: String,
    pub client_id: String,
    pub scope: String,
    pub workspace_id: Option<String>,
    pub refresh_token: Secret,
    pub access_token: Secret,
    pub expires_at: DateTime<Utc>,
}

/// Who an access token acts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Principal {
    /// From a federation exchange.
    ServiceAccount { service_account_id: String, federation_rule_id: String },
    /// From a user_oauth login.
    User { account_email: String },
}

/// An access token (`sk-ant-oat01-...`) the token endpoint issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub token: Secret,
    /// Space-separated.
    pub scope: String,
    pub expires_at: DateTime<Utc>,
    pub principal: Principal,
    pub workspace_id: Option<String>,
}

/// Whether the space-separated `scope` lists `wanted`.
pub fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split_ascii_whitespace().any(|s| s == wanted)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthOutcome {
    Success,
    Failure,
}

/// One attempt at the token endpoint, as the Console's authentication events show it: a denial's
/// reason is only here, never in the 401.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthEvent {
    pub at: DateTime<Utc>,
    pub grant_type: String,
    pub outcome: AuthOutcome,
    pub reason: Option<String>,
    pub federation_rule_id: Option<String>,
    pub service_account_id: Option<String>,
    /// The assertion's `sub`, once read.
    pub subject: Option<String>,
    pub client_id: Option<String>,
}

/// What a CI system gives a job in this world, printed by `cmek sandbox` (the scenarios change it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiVariables {
    /// `ANTHROPIC_FEDERATION_RULE_ID`.
    pub federation_rule_id: String,
    /// `ANTHROPIC_SERVICE_ACCOUNT_ID`, when printed.
    pub service_account_id: Option<String>,
    /// `ANTHROPIC_WORKSPACE_ID`, when printed.
    pub workspace_id: Option<String>,
    /// The identity token's `sub` and `aud`.
    pub subject: String,
    pub audience: String,
    /// When positive, the printed identity token expired this many seconds ago; otherwise it is
    /// valid for a day from when it is printed.
    pub expired_seconds_ago: i64,
    /// Whether `ANTHROPIC_ADMIN_KEY` is printed too. The `wif-*` scenarios leave it out so that
    /// `cmek` authenticates with the federation variables (an admin key comes first in the chain).
    pub admin_key_exported: bool,
}

impl FederationState {
    pub fn rule(&self, id: &str) -> Option<&FederationRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn rule_mut(&mut self, id: &str) -> Option<&mut FederationRule> {
        self.rules.iter_mut().find(|r| r.id == id)
    }

    /// Whether the service account may act in the workspace (the default one always).
    pub fn is_member(&self, service_account_id: &str, workspace_id: &str, default_workspace_id: &str) -> bool {
        workspace_id == default_workspace_id
            || self
                .memberships
                .iter()
                .any(|m| m.service_account_id == service_account_id && m.workspace_id == workspace_id)
    }

    pub fn issuer(&self, id: &str) -> Option<&FederationIssuer> {
        self.issuers.iter().find(|i| i.id == id)
    }

    pub fn service_account(&self, id: &str) -> Option<&ServiceAccount> {
        self.service_accounts.iter().find(|a| a.id == id)
    }

    /// The issued token `presented`, compared in constant time against each.
    pub fn access_token(&self, presented: &str) -> Option<&IssuedToken> {
        self.tokens.iter().find(|t| t.token.matches(presented))
    }

    /// Keeps `token`, forgetting tokens long expired.
    pub fn keep_token(&mut self, token: IssuedToken, now: DateTime<Utc>) {
        self.tokens.retain(|t| t.expires_at + FORGET_AFTER > now);
        self.tokens.push(token);
    }

    pub fn record(&mut self, event: AuthEvent) {
        if self.auth_events.len() >= MAX_EVENTS {
            self.auth_events.remove(0);
        }
        self.auth_events.push(event);
    }
}
