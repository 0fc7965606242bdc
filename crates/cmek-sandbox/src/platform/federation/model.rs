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
    /// `jti`s already exchanged, for issuers with `check_jti`, until their assertions expire.
    /// (Saved as `seen_assertions`; an older file's bare `seen_jtis` list is dropped.)
    #[serde(default)]
    pub seen_assertions: Vec<SeenJti>,
    /// Newest last.
    pub auth_events: Vec<AuthEvent>,
    pub ci: CiVariables,
}

/// A `jti` already exchanged, remembered only while its assertion could still be presented: once
/// it has expired, the assertion is refused for its `exp` whatever its `jti`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenJti {
    pub jti: String,
    pub expires_at: DateTime<Utc>,
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

    /// Whether an assertion with `jti` was exchanged before and has not expired.
    pub fn jti_seen(&self, jti: &str, now: DateTime<Utc>) -> bool {
        self.seen_assertions.iter().any(|s| s.jti == jti && s.expires_at > now)
    }

    /// Remembers `seen`, forgetting the `jti`s of assertions that have expired (so the list holds
    /// only what a replay could still use, however long the sandbox runs).
    pub fn remember_jti(&mut self, seen: SeenJti, now: DateTime<Utc>) {
        self.seen_assertions.retain(|s| s.expires_at > now);
        self.seen_assertions.push(seen);
    }

    pub fn record(&mut self, event: AuthEvent) {
        if self.auth_events.len() >= MAX_EVENTS {
            self.auth_events.remove(0);
        }
        self.auth_events.push(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jti_is_remembered_until_its_assertion_expires_and_then_forgotten() {
        let now = Utc::now();
        let mut f = super::super::seed::federation(now).unwrap();
        let seen =
            |jti: &str, minutes: i64| SeenJti { jti: jti.into(), expires_at: now + chrono::Duration::minutes(minutes) };
        f.remember_jti(seen("run-1", 10), now);
        f.remember_jti(seen("run-2", 60), now);
        assert!(f.jti_seen("run-1", now) && f.jti_seen("run-2", now));
        assert!(!f.jti_seen("run-3", now));

        // Twenty minutes on, run-1's assertion has expired: a replay is refused for its exp, so
        // the jti is no longer needed, and the next exchange drops it from the saved state.
        let later = now + chrono::Duration::minutes(20);
        assert!(!f.jti_seen("run-1", later) && f.jti_seen("run-2", later));
        f.remember_jti(seen("run-3", 90), later);
        let kept: Vec<&str> = f.seen_assertions.iter().map(|s| s.jti.as_str()).collect();
        assert_eq!(kept, ["run-2", "run-3"]);
    }

    #[test]
    fn an_older_state_file_with_bare_jtis_still_loads() {
        let mut saved = serde_json::to_value(super::super::seed::federation(Utc::now()).unwrap()).unwrap();
        let map = saved.as_object_mut().unwrap();
        map.remove("seen_assertions");
        map.insert("seen_jtis".into(), serde_json::json!(["run-42"]));
        let f: FederationState = serde_json::from_value(saved).unwrap();
        assert!(f.seen_assertions.is_empty());
    }
}
