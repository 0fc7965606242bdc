//! What a running platform offers tests and the sandbox for OAuth and federation: the issuer URL,
//! identity tokens minted by the sandbox's issuer, the authentication events, direct access to the
//! federation data (for scenarios and tests), fresh user_oauth tokens, and everything a client
//! needs as `FederationSandboxEndpoints`.

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use super::endpoints::{CiExports, FederationSandboxEndpoints, UserOauthEndpoints, mint};
use super::model::{AuthEvent, CiVariables, FederationState, UserLogin};
use super::oidc::{ISSUER_PATH, IdentityClaims};
use super::seed;
use crate::SandboxError;
use crate::platform::RunningPlatform;
use crate::platform::ids;
use crate::platform::state::lock;
use crate::secret::Secret;

/// How long the identity token `cmek sandbox` prints is valid (a working day).
const CI_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::days(1);
/// How long an expired CI token had lived.
const EXPIRED_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::minutes(5);

/// `{base_url}oidc`, the sandbox's issuer.
pub(crate) fn issuer_url(base_url: &url::Url) -> String {
    format!("{base_url}{ISSUER_PATH}")
}

/// Points the sandbox's own issuer at this listener (the port changes between runs).
pub(crate) fn rebase_own_issuer(federation: &mut FederationState, issuer_url: &str) {
    for issuer in federation.issuers.iter_mut().filter(|i| i.id == seed::ISSUER_ID) {
        issuer.issuer_url = issuer_url.to_string();
    }
}

/// The federation as saved: the sandbox's own issuer without its URL, which follows the
/// listener (`rebase_own_issuer` sets it again at start), so a saved state does not name a port.
pub(crate) fn portable(federation: &FederationState) -> FederationState {
    let mut saved = federation.clone();
    rebase_own_issuer(&mut saved, "");
    saved
}

impl RunningPlatform {
    /// The sandbox's own OIDC issuer (`{base_url}oidc`).
    pub fn issuer_url(&self) -> &str {
        &self.issuer_url
    }

    /// An identity token signed by the sandbox's issuer for `claims`, as a CI provider would give
    /// a job; exchange it at `POST /v1/oauth/token`.
    pub fn mint_identity_token(&self, claims: &IdentityClaims) -> Result<SecretString, SandboxError> {
        let key = lock(&self.store).federation.signing_key.clone();
        mint(&key, &self.issuer_url, claims)
    }

    /// The Console's authentication events, oldest first: every exchange and refresh, with the
    /// reason of each denial.
    pub fn auth_events(&self) -> Vec<AuthEvent> {
        lock(&self.store).federation.auth_events.clone()
    }

    /// Reads or changes the federation data (rules, service accounts, tokens, the CI variables),
    /// bypassing the API's checks on purpose: for scenarios and tests.
    pub fn with_federation<R>(&self, change: impl FnOnce(&mut FederationState) -> R) -> R {
        change(&mut lock(&self.store).federation)
    }

    /// Gives Ada's login a new access token (valid for `expires_in`, which may be negative for
    /// one already expired) and a new refresh token, as a fresh `ant auth login` would.
    pub fn reissue_user_oauth_tokens(&self, expires_in: chrono::Duration) -> Option<UserOauthEndpoints> {
        let mut store = lock(&self.store);
        let now = Utc::now();
        let f = &mut store.federation;
        let login = f.logins.first_mut()?;
        login.access_token = Secret::new(ids::access_token());
        login.refresh_token = Secret::new(ids::refresh_token());
        login.expires_at = now.checked_add_signed(expires_in).unwrap_or(now);
        let token = seed::user_token(login);
        let exported = user_oauth(login);
        f.keep_token(token, now);
        Some(exported)
    }

    /// What a client needs for OAuth and federation, with a freshly minted CI identity token.
    /// Fails (rather than export an empty token a client would only refuse later) when the
    /// issuer's key cannot sign.
    pub fn federation_endpoints(&self) -> Result<FederationSandboxEndpoints, SandboxError> {
        let store = lock(&self.store);
        let f = &store.federation;
        let identity_token = mint(&f.signing_key, &self.issuer_url, &ci_claims(&f.ci, Utc::now()))?;
        Ok(FederationSandboxEndpoints {
            organization_id: store.org.id.clone(),
            organization_name: store.org.name.clone(),
            issuer_url: self.issuer_url.clone(),
            audience: seed::AUDIENCE.to_string(),
            admin_rule_id: seed::ADMIN_RULE_ID.to_string(),
            admin_service_account_id: seed::ADMIN_SERVICE_ACCOUNT_ID.to_string(),
            developer_rule_id: seed::DEVELOPER_RULE_ID.to_string(),
            developer_service_account_id: seed::DEVELOPER_SERVICE_ACCOUNT_ID.to_string(),
            ci: CiExports {
                federation_rule_id: f.ci.federation_rule_id.clone(),
                organization_id: store.org.id.clone(),
                target_service_account_id: f
                    .rule(&f.ci.federation_rule_id)
                    .map(|r| r.service_account_id().to_string())
                    .unwrap_or_default(),
                service_account_id: f.ci.service_account_id.clone(),
                workspace_id: f.ci.workspace_id.clone(),
                identity_token,
                admin_key_exported: f.ci.admin_key_exported,
            },
            user_oauth: f.logins.first().map(user_oauth),
            signing_key: SecretString::from(f.signing_key.pkcs8.expose()),
            signing_key_id: f.signing_key.kid.clone(),
        })
    }
}

/// The claims of the CI job's identity token: valid for a day, or expired a while ago.
fn ci_claims(ci: &CiVariables, now: DateTime<Utc>) -> IdentityClaims {
    if ci.expired_seconds_ago > 0 {
        let expired = now - chrono::Duration::seconds(ci.expired_seconds_ago);
        IdentityClaims::issued(&ci.subject, &ci.audience, expired - EXPIRED_TOKEN_LIFETIME, expired)
    } else {
        IdentityClaims::issued(&ci.subject, &ci.audience, now, now + CI_TOKEN_LIFETIME)
    }
}

fn user_oauth(login: &UserLogin) -> UserOauthEndpoints {
    UserOauthEndpoints {
        account_email: login.account_email.clone(),
        client_id: login.client_id.clone(),
        scope: login.scope.clone(),
        workspace_id: login.workspace_id.clone(),
        access_token: SecretString::from(login.access_token.expose()),
        refresh_token: SecretString::from(login.refresh_token.expose()),
        expires_at: login.expires_at.timestamp(),
    }
}
