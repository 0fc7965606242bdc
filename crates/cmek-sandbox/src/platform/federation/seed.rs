//! The federation every sandbox starts with: the sandbox's own OIDC issuer, an admin service
//! account `cmek-ci` (a member of production, staging and development) with a rule for the
//! `acme/cmek-setup` repository's CI, a developer service account `dev-bot` (a member of
//! development) with a rule for the same repository, and Ada's `ant auth login`.
//!
//! Ids and names are constants so documentation, scenarios and tests can name them; the signing
//! key and the tokens are random (made when the world is created, then saved with it).
//!
//! The rules' audience is `https://api.anthropic.com`, what a workflow asks its CI provider for
//! when the token is meant for Anthropic, rather than the sandbox's loopback URL: it does not
//! change with the port, so a saved world keeps accepting the tokens printed for it.

use chrono::{DateTime, Utc};

use super::model::{CiVariables, FederationState, IssuedToken, Principal, UserLogin};
use super::oidc;
use crate::platform::ids;
use crate::platform::seed::{DEVELOPMENT, PRODUCTION, STAGING, seeded_at};
use crate::platform::wire::federation::{
    FederationIssuer, FederationRule, JwksSource, OrganizationRole, RuleMatch, RuleTarget, ServiceAccount,
    ServiceAccountWorkspaceMember,
};
use crate::secret::Secret;

pub const ISSUER_ID: &str = "fdis_01SbxSandboxCi6Tq3Wd";
pub const ISSUER_NAME: &str = "sandbox-ci";
/// The longest identity token the issuer accepts (`exp - iat`): a day, so the token `cmek
/// sandbox` prints lasts a working day.
pub const MAX_JWT_LIFETIME_SECONDS: i64 = 86_400;

pub const ADMIN_SERVICE_ACCOUNT_ID: &str = "svac_01SbxCmekCi4Hx8Rv";
pub const ADMIN_SERVICE_ACCOUNT_NAME: &str = "cmek-ci";
pub const ADMIN_RULE_ID: &str = "fdrl_01SbxCmekCi7Pn2Ks";
pub const ADMIN_RULE_NAME: &str = "cmek-setup-ci";

pub const DEVELOPER_SERVICE_ACCOUNT_ID: &str = "svac_01SbxDevBot2Lm9Qe";
pub const DEVELOPER_SERVICE_ACCOUNT_NAME: &str = "dev-bot";
pub const DEVELOPER_RULE_ID: &str = "fdrl_01SbxDevBot5Wc3Jt";
pub const DEVELOPER_RULE_NAME: &str = "cmek-setup-dev-bot";

/// Both rules match this repository's workflows.
pub const SUBJECT_PREFIX: &str = "repo:acme/cmek-setup:*";
/// The subject of the identity token `cmek sandbox` prints (a run on `main`).
pub const CI_SUBJECT: &str = "repo:acme/cmek-setup:ref:refs/heads/main";
pub const AUDIENCE: &str = "https://api.anthropic.com";

/// The scope the Admin API needs.
pub use crate::platform::auth::ADMIN_SCOPE;
/// The developer rule's scope: no `org:admin`, so its tokens cannot use the Admin API.
pub const DEVELOPER_SCOPE: &str = "workspace:developer";
pub const TOKEN_LIFETIME_SECONDS: i64 = 3600;

/// The user_oauth login (`ant auth login --scope org:admin`).
pub const USER_EMAIL: &str = "ada@example.com";
pub const USER_CLIENT_ID: &str = "cmek-sandbox-cli";
/// How long a user_oauth access token lives.
pub const USER_TOKEN_LIFETIME_SECONDS: i64 = 3600;

/// The seeded federation, its tokens issued at `now`.
pub fn federation(now: DateTime<Utc>) -> Result<FederationState, String> {
    let login = UserLogin {
        account_email: USER_EMAIL.to_string(),
        client_id: USER_CLIENT_ID.to_string(),
        scope: ADMIN_SCOPE.to_string(),
        workspace_id: None,
        refresh_token: Secret::new(ids::refresh_token()),
        access_token: Secret::new(ids::access_token()),
        expires_at: now + chrono::Duration::seconds(USER_TOKEN_LIFETIME_SECONDS),
    };
    let token = user_token(&login);
    Ok(FederationState {
        signing_key: oidc::generate()?,
        issuers: vec![issuer()],
        rules: vec![
            rule(ADMIN_RULE_ID, ADMIN_RULE_NAME, ADMIN_SCOPE, ADMIN_SERVICE_ACCOUNT_ID),
            rule(DEVELOPER_RULE_ID, DEVELOPER_RULE_NAME, DEVELOPER_SCOPE, DEVELOPER_SERVICE_ACCOUNT_ID),
        ],
        service_accounts: vec![
            service_account(ADMIN_SERVICE_ACCOUNT_ID, ADMIN_SERVICE_ACCOUNT_NAME, OrganizationRole::Admin),
            service_account(DEVELOPER_SERVICE_ACCOUNT_ID, DEVELOPER_SERVICE_ACCOUNT_NAME, OrganizationRole::Developer),
        ],
        memberships: [PRODUCTION, STAGING, DEVELOPMENT]
            .iter()
            .map(|w| member(ADMIN_SERVICE_ACCOUNT_ID, w.id, "workspace_admin"))
            .chain([member(DEVELOPER_SERVICE_ACCOUNT_ID, DEVELOPMENT.id, "workspace_developer")])
            .collect(),
        logins: vec![login],
        tokens: vec![token],
        seen_assertions: Vec::new(),
        auth_events: Vec::new(),
        ci: CiVariables {
            federation_rule_id: ADMIN_RULE_ID.to_string(),
            service_account_id: None,
            workspace_id: None,
            subject: CI_SUBJECT.to_string(),
            audience: AUDIENCE.to_string(),
            expired_seconds_ago: 0,
            admin_key_exported: true,
        },
    })
}

/// The access token a login holds, as an issued token.
pub fn user_token(login: &UserLogin) -> IssuedToken {
    IssuedToken {
        token: login.access_token.clone(),
        scope: login.scope.clone(),
        expires_at: login.expires_at,
        principal: Principal::User { account_email: login.account_email.clone() },
        workspace_id: login.workspace_id.clone(),
    }
}

/// The sandbox's own issuer; its URL is set when the platform starts (it has the port).
fn issuer() -> FederationIssuer {
    FederationIssuer {
        id: ISSUER_ID.to_string(),
        object_type: "federation_issuer".to_string(),
        name: ISSUER_NAME.to_string(),
        issuer_url: String::new(),
        jwks: JwksSource::Discovery,
        check_jti: false,
        max_jwt_lifetime_seconds: MAX_JWT_LIFETIME_SECONDS,
        created_at: seeded_at(),
        updated_at: seeded_at(),
        archived_at: None,
    }
}

fn rule(id: &str, name: &str, scope: &str, service_account_id: &str) -> FederationRule {
    FederationRule {
        id: id.to_string(),
        object_type: "federation_rule".to_string(),
        name: name.to_string(),
        description: None,
        issuer_id: ISSUER_ID.to_string(),
        issuer_name: None,
        rule_match: RuleMatch {
            subject_prefix: Some(SUBJECT_PREFIX.to_string()),
            audience: Some(AUDIENCE.to_string()),
            claims: None,
            condition: None,
        },
        oauth_scope: scope.to_string(),
        target: RuleTarget::ServiceAccount {
            service_account_id: service_account_id.to_string(),
            service_account_name: None,
        },
        applies_to_all_workspaces: true,
        workspace_ids: Vec::new(),
        workspace_id: None,
        attributes: None,
        token_lifetime_seconds: TOKEN_LIFETIME_SECONDS,
        created_at: seeded_at(),
        updated_at: seeded_at(),
        archived_at: None,
    }
}

fn member(service_account_id: &str, workspace_id: &str, role: &str) -> ServiceAccountWorkspaceMember {
    ServiceAccountWorkspaceMember {
        object_type: "service_account_workspace_member".to_string(),
        service_account_id: service_account_id.to_string(),
        workspace_id: workspace_id.to_string(),
        workspace_role: role.to_string(),
    }
}

fn service_account(id: &str, name: &str, role: OrganizationRole) -> ServiceAccount {
    ServiceAccount {
        id: id.to_string(),
        object_type: "service_account".to_string(),
        name: name.to_string(),
        description: None,
        organization_role: role,
        created_at: seeded_at(),
        updated_at: seeded_at(),
        archived_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_is_consistent() {
        let f = federation(Utc::now()).unwrap();
        for r in &f.rules {
            assert!(r.id.starts_with("fdrl_"));
            assert!(f.issuer(&r.issuer_id).is_some());
            assert!(f.service_account(r.service_account_id()).unwrap().id.starts_with("svac_"));
        }
        assert!(f.is_member(ADMIN_SERVICE_ACCOUNT_ID, STAGING.id, "wrkspc_default"));
        assert!(!f.is_member(DEVELOPER_SERVICE_ACCOUNT_ID, STAGING.id, "wrkspc_default"));
        assert!(f.is_member(DEVELOPER_SERVICE_ACCOUNT_ID, "wrkspc_default", "wrkspc_default"));
        assert!(ISSUER_ID.starts_with("fdis_"));
        let admin = f.service_account(ADMIN_SERVICE_ACCOUNT_ID).unwrap();
        assert_eq!((admin.name.as_str(), admin.organization_role), ("cmek-ci", OrganizationRole::Admin));
        assert!(CI_SUBJECT.starts_with(SUBJECT_PREFIX.trim_end_matches('*')));
        let login = &f.logins[0];
        assert!(login.access_token.expose().starts_with("sk-ant-oat01-"));
        assert!(login.refresh_token.expose().starts_with("sk-ant-ort01-"));
        assert!(
            f.access_token(login.access_token.expose())
                .is_some_and(|t| crate::platform::federation::model::has_scope(&t.scope, ADMIN_SCOPE))
        );
    }
}
