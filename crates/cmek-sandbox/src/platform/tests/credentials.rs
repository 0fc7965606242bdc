//! Who may call the Admin API: the admin key either way, OAuth tokens only with their beta and
//! while valid, and the admin endpoints only with `org:admin` held by an admin. Also the
//! federation administration endpoints, which take OAuth tokens only.

use chrono::{Duration, Utc};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::json;

use super::{ADMIN_KEY, Api, send};
use crate::platform::IdentityClaims;
use crate::platform::federation::model::{IssuedToken, Principal};
use crate::platform::federation::seed as fed;
use crate::platform::seed;
use crate::secret::Secret;

const ME: &str = "/v1/organizations/me";

async fn exchanged(api: &Api, rule: &str) -> String {
    let claims = IdentityClaims::new(fed::CI_SUBJECT, fed::AUDIENCE, Duration::minutes(5));
    let assertion = api.sandbox.mint_identity_token(&claims).unwrap();
    let body = json!({
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "assertion": assertion.expose_secret(),
        "federation_rule_id": rule,
        "organization_id": seed::ORG_ID,
    });
    api.token(body).await.ok()["access_token"].as_str().unwrap().to_string()
}

fn user_token(api: &Api) -> String {
    api.sandbox.federation_endpoints().unwrap().user_oauth.unwrap().access_token.expose_secret().to_string()
}

#[tokio::test]
async fn the_admin_key_as_bearer_with_either_version() {
    let api = Api::start().await;
    for version in ["2023-06-01", "2026-10-21"] {
        let reply = send(api.raw(Method::GET, ME).bearer_auth(ADMIN_KEY).header("anthropic-version", version)).await;
        assert_eq!(reply.ok()["id"], seed::ORG_ID);
    }
}

#[tokio::test]
async fn an_oauth_token_needs_the_beta_header() {
    let api = Api::start().await;
    let token = user_token(&api);
    let bare = send(api.raw(Method::GET, ME).bearer_auth(&token).header("anthropic-version", "2026-10-21")).await;
    let message = bare.error(401, "authentication_error");
    assert!(message.contains("OAuth authentication is currently not supported"), "{message}");
    assert!(message.contains("anthropic-beta: oauth-2025-04-20") && !message.contains(&token), "{message}");
    assert_eq!(api.call_with_token(&token, Method::GET, ME).await.ok()["id"], seed::ORG_ID);
    // As x-api-key an OAuth token is just a wrong key.
    let as_key =
        send(api.raw(Method::GET, ME).header("x-api-key", &token).header("anthropic-version", "2023-06-01")).await;
    assert_eq!(as_key.error(401, "authentication_error"), "invalid x-api-key");
    let unknown = api.call_with_token("sk-ant-oat01-guessed", Method::GET, ME).await;
    assert!(unknown.error(401, "authentication_error").contains("invalid OAuth access token"));
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let api = Api::start().await;
    let expired = api.sandbox.reissue_user_oauth_tokens(Duration::seconds(-5)).unwrap();
    assert!(expired.expires_at < Utc::now().timestamp());
    let reply = api.call_with_token(expired.access_token.expose_secret(), Method::GET, ME).await;
    assert!(reply.error(401, "authentication_error").contains("OAuth token has expired"));
    let fresh = api.sandbox.reissue_user_oauth_tokens(Duration::hours(1)).unwrap();
    api.call_with_token(fresh.access_token.expose_secret(), Method::GET, ME).await.ok();
}

#[tokio::test]
async fn admin_endpoints_need_org_admin_held_by_an_admin() {
    let api = Api::start().await;
    let admin = exchanged(&api, fed::ADMIN_RULE_ID).await;
    api.call_with_token(&admin, Method::GET, "/v1/organizations/workspaces").await.ok();

    // The developer rule's tokens have no org:admin.
    let developer = exchanged(&api, fed::DEVELOPER_RULE_ID).await;
    let reply = api.call_with_token(&developer, Method::GET, "/v1/organizations/workspaces").await;
    let message = reply.error(403, "permission_error");
    assert!(message.starts_with("GET /v1/organizations/workspaces requires the org:admin scope"), "{message}");
    assert!(message.contains("`workspace:developer`") && message.contains("dev-bot"), "{message}");

    // org:admin on a developer service account is not enough either.
    let scoped_developer = "sk-ant-oat01-developer-with-org-admin";
    api.sandbox.with_federation(|f| {
        f.tokens.push(IssuedToken {
            token: Secret::new(scoped_developer.into()),
            scope: "org:admin".into(),
            expires_at: Utc::now() + Duration::hours(1),
            principal: Principal::ServiceAccount {
                service_account_id: fed::DEVELOPER_SERVICE_ACCOUNT_ID.into(),
                federation_rule_id: fed::DEVELOPER_RULE_ID.into(),
            },
            workspace_id: None,
        })
    });
    let reply = api.call_with_token(scoped_developer, Method::POST, "/v1/organizations/workspaces").await;
    let message = reply.error(403, "permission_error");
    assert!(
        message.contains("requires the org:admin scope held by an admin") && message.contains("developer"),
        "{message}"
    );

    // A service account demoted after its token was issued loses the Admin API at once.
    api.sandbox.with_federation(|f| {
        let account = f.service_accounts.iter_mut().find(|a| a.id == fed::ADMIN_SERVICE_ACCOUNT_ID).unwrap();
        account.organization_role = crate::platform::wire::federation::OrganizationRole::Developer;
    });
    api.call_with_token(&admin, Method::GET, ME).await.error(403, "permission_error");
}

#[tokio::test]
async fn federation_administration_takes_oauth_tokens_only() {
    let api = Api::start().await;
    let refused = api.get("/v1/organizations/federation_rules").await;
    assert!(refused.error(403, "permission_error").contains("admin keys are refused"));
    let token = user_token(&api);
    let get = |path: String| {
        let token = token.clone();
        let api = &api;
        async move { api.call_with_token(&token, Method::GET, &path).await }
    };
    let rules = get("/v1/organizations/federation_rules?limit=1".into()).await.ok().clone();
    assert_eq!(rules["data"][0]["id"], fed::DEVELOPER_RULE_ID, "newest first");
    let next = rules["next_page"].as_str().unwrap().to_string();
    let rest = get(format!("/v1/organizations/federation_rules?limit=1&page={next}")).await.ok().clone();
    assert_eq!((rest["data"][0]["id"].as_str(), rest["next_page"].as_str()), (Some(fed::ADMIN_RULE_ID), None));
    let rule = get(format!("/v1/organizations/federation_rules/{}", fed::ADMIN_RULE_ID)).await.ok().clone();
    assert_eq!(rule["match"]["subject_prefix"], fed::SUBJECT_PREFIX);
    assert_eq!(
        rule["target"],
        json!({"type": "service_account", "service_account_id": fed::ADMIN_SERVICE_ACCOUNT_ID, "service_account_name": "cmek-ci"})
    );
    assert_eq!((rule["issuer_name"].as_str(), rule["workspace_ids"].clone()), (Some(fed::ISSUER_NAME), json!([])));
    let filtered = get("/v1/organizations/federation_rules?issuer_id=fdis_other".into()).await.ok().clone();
    assert_eq!(filtered["data"], json!([]));
    let workspaces = get(format!("/v1/organizations/federation_rules/{}/workspaces", fed::ADMIN_RULE_ID)).await;
    assert_eq!(workspaces.ok()["data"], json!([]));
    let issuer = get(format!("/v1/organizations/federation_issuers/{}", fed::ISSUER_ID)).await.ok().clone();
    assert_eq!(
        (issuer["issuer_url"].as_str(), issuer["jwks"]["type"].as_str()),
        (Some(api.sandbox.issuer_url()), Some("discovery"))
    );
    let accounts = get("/v1/organizations/service_accounts".into()).await.ok().clone();
    let roles: Vec<(&str, &str)> = accounts["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["organization_role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("dev-bot", "developer"), ("cmek-ci", "admin")]);
    get("/v1/organizations/service_accounts/svac_nope".into()).await.error(404, "not_found_error");
}
