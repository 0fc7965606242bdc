//! The token endpoint: the federation exchange (success, and each denial: a bare 401 whose reason
//! is only in the authentication events), its 400s and body limits, the user_oauth refresh with
//! rotation, and the sandbox's OIDC issuer (discovery, JWKS that verify its tokens).

use chrono::{Duration, Utc};
use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::{Api, send};
use crate::platform::federation::jwt::{PublicJwk, verify_rs256};
use crate::platform::federation::model::{AuthOutcome, SigningKey};
use crate::platform::federation::oidc::{self, Issuer};
use crate::platform::federation::seed as fed;
use crate::platform::seed;
use crate::platform::wire::federation::OrganizationRole;
use crate::platform::{AuthEvent, IdentityClaims};

use crate::platform::federation::grants::JWT_BEARER;

/// An hour's identity token: long enough that the rule's lifetime (3600 s) is not capped.
fn ci_claims() -> IdentityClaims {
    IdentityClaims::new(fed::CI_SUBJECT, fed::AUDIENCE, Duration::hours(1))
}

fn mint(api: &Api, claims: &IdentityClaims) -> String {
    api.sandbox.mint_identity_token(claims).unwrap().expose_secret().to_string()
}

fn exchange_body(assertion: &str) -> Value {
    json!({
        "grant_type": JWT_BEARER,
        "assertion": assertion,
        "federation_rule_id": fed::ADMIN_RULE_ID,
        "organization_id": seed::ORG_ID,
    })
}

fn last_event(api: &Api) -> AuthEvent {
    api.sandbox.auth_events().pop().expect("an authentication event")
}

#[tokio::test]
async fn an_identity_token_becomes_an_admin_token() {
    let api = Api::start().await;
    let reply = api.token(exchange_body(&mint(&api, &ci_claims()))).await;
    let answer = reply.ok();
    let token = answer["access_token"].as_str().unwrap().to_string();
    assert!(token.starts_with("sk-ant-oat01-"), "{token}");
    assert_eq!((answer["token_type"].as_str(), answer["scope"].as_str()), (Some("Bearer"), Some("org:admin")));
    assert_eq!(answer["expires_in"], 3600);
    assert!(answer.get("refresh_token").is_none(), "an exchange has no refresh token: {answer}");
    assert_eq!(reply.headers["cache-control"], "no-store");
    let event = last_event(&api);
    assert_eq!((event.outcome, event.reason), (AuthOutcome::Success, None));
    assert_eq!(event.subject.as_deref(), Some(fed::CI_SUBJECT));
    assert_eq!(event.service_account_id.as_deref(), Some(fed::ADMIN_SERVICE_ACCOUNT_ID));

    let me = api.call_with_token(&token, Method::GET, "/v1/organizations/me").await;
    assert_eq!(me.ok()["id"], seed::ORG_ID);
    // A rule for every workspace gives a token for the default one.
    let issued = api.sandbox.with_federation(|f| f.tokens.last().unwrap().workspace_id.clone());
    assert_eq!(issued.as_deref(), Some(seed::DEFAULT_WORKSPACE.id));

    // The service account may be named, and the rule's lifetime is the token's.
    api.sandbox.with_federation(|f| f.rule_mut(fed::ADMIN_RULE_ID).unwrap().token_lifetime_seconds = 600);
    let mut body = exchange_body(&mint(&api, &ci_claims()));
    body["service_account_id"] = json!(fed::ADMIN_SERVICE_ACCOUNT_ID);
    body["workspace_id"] = json!("");
    assert_eq!(api.token(body).await.ok()["expires_in"], 600);
    // ... but at most twice what is left of the assertion, and at least a minute.
    api.sandbox.with_federation(|f| f.rule_mut(fed::ADMIN_RULE_ID).unwrap().token_lifetime_seconds = 3600);
    let short = IdentityClaims::new(fed::CI_SUBJECT, fed::AUDIENCE, Duration::minutes(5));
    let capped = api.token(exchange_body(&mint(&api, &short))).await.ok()["expires_in"].as_i64().unwrap();
    assert!((590..=600).contains(&capped), "{capped}");
    let last_seconds = IdentityClaims::new(fed::CI_SUBJECT, fed::AUDIENCE, Duration::seconds(10));
    assert_eq!(api.token(exchange_body(&mint(&api, &last_seconds))).await.ok()["expires_in"], 60);
}

/// Each way an exchange is denied: 401 "Authentication failed" with nothing more, and the reason
/// in the authentication events.
#[tokio::test]
async fn every_denial_is_a_bare_401_and_its_reason_is_an_auth_event() {
    let api = Api::start().await;
    let other_key = SigningKey { kid: "other".into(), ..oidc::generate().unwrap() };
    let forged = Issuer::load(&other_key).unwrap().sign(api.sandbox.issuer_url(), &ci_claims()).unwrap();
    let wrong_iss = Issuer::load(&api.sandbox.with_federation(|f| f.signing_key.clone()))
        .unwrap()
        .sign("https://token.actions.githubusercontent.com", &ci_claims())
        .unwrap();
    let expired = IdentityClaims::issued(
        fed::CI_SUBJECT,
        fed::AUDIENCE,
        Utc::now() - Duration::minutes(20),
        Utc::now() - Duration::minutes(10),
    );
    let fork = IdentityClaims::new("repo:mallory/cmek-setup:ref:refs/heads/main", fed::AUDIENCE, Duration::minutes(5));
    let audience = IdentityClaims::new(fed::CI_SUBJECT, "sts.amazonaws.com", Duration::minutes(5));
    let too_long = IdentityClaims::new(fed::CI_SUBJECT, fed::AUDIENCE, Duration::days(2));
    let own = Issuer::load(&api.sandbox.with_federation(|f| f.signing_key.clone())).unwrap();
    let odd = |changes: Value| {
        let mut body =
            json!({"iss": api.sandbox.issuer_url(), "sub": fed::CI_SUBJECT, "aud": [fed::AUDIENCE, "other"]});
        body.as_object_mut().unwrap().extend(changes.as_object().unwrap().clone());
        own.sign_body(body.as_object().unwrap()).unwrap()
    };
    let now = Utc::now().timestamp();
    let good = mint(&api, &ci_claims());
    let with = |name: &str, value: Value| {
        let mut body = exchange_body(&good);
        body[name] = value;
        body
    };
    let cases: Vec<(Value, &str)> = vec![
        (with("organization_id", json!("00000000-0000-4000-8000-000000000000")), "is not organization"),
        (with("federation_rule_id", json!("fdrl_nope")), "federation rule `fdrl_nope` does not exist"),
        (with("service_account_id", json!(fed::DEVELOPER_SERVICE_ACCOUNT_ID)), "is not the service account of rule"),
        (with("workspace_id", json!("wrkspc_nope")), "is not an active workspace"),
        (exchange_body("not-a-jwt"), "is not a JWT"),
        (exchange_body(&forged), "kid `other` is not in the issuer's JWKS"),
        (exchange_body(&wrong_iss), "is not the rule's issuer"),
        (exchange_body(&mint(&api, &expired)), "the JWT expired at"),
        (exchange_body(&mint(&api, &fork)), "does not match rule fdrl_01SbxCmekCi7Pn2Ks's subject_prefix"),
        (exchange_body(&mint(&api, &audience)), "does not include the rule's audience `https://api.anthropic.com`"),
        (exchange_body(&mint(&api, &too_long)), "longer than issuer"),
        (exchange_body(&odd(json!({"exp": now + 60}))), "the JWT has no numeric iat"),
        (exchange_body(&odd(json!({"iat": now, "exp": "tomorrow"}))), "the JWT has no numeric exp"),
        (exchange_body(&odd(json!({"iat": -1e300, "exp": 1e300}))), "longer than issuer"),
        (exchange_body(&odd(json!({"iat": i64::MIN, "exp": i64::MAX, "nbf": i64::MAX}))), "not valid before"),
        (exchange_body(&odd(json!({"iat": now + 3600, "exp": now + 7200}))), "issued in the future"),
        (exchange_body(&odd(json!({"iat": now, "exp": now + 60, "sub": 7}))), "the JWT has no sub"),
    ];
    // An `aud` list naming the rule's audience passes.
    api.token(exchange_body(&odd(json!({"iat": now, "exp": now + 600})))).await.ok();
    for (body, reason) in cases {
        let reply = api.token(body).await;
        assert_eq!(reply.error(401, "authentication_error"), "Authentication failed", "{reason}");
        assert!(reply.json["error"].get("details").is_none());
        let event = last_event(&api);
        assert_eq!(event.outcome, AuthOutcome::Failure);
        let recorded = event.reason.unwrap_or_default();
        assert!(recorded.contains(reason), "expected `{reason}` in `{recorded}`");
    }

    // The rule's own conditions: exact claims, replayed jti, an org:admin rule whose service
    // account was demoted, an archived service account.
    api.sandbox.with_federation(|f| {
        let rule = f.rule_mut(fed::ADMIN_RULE_ID).unwrap();
        rule.rule_match.claims.get_or_insert_default().insert("environment".into(), "production".into());
    });
    let mut staged = ci_claims();
    staged.extra.insert("environment".into(), json!("staging"));
    api.token(exchange_body(&mint(&api, &staged))).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("claim `environment` is `staging`"));
    staged.extra.insert("environment".into(), json!("production"));
    staged.extra.insert("jti".into(), json!("run-42"));
    let once = mint(&api, &staged);
    api.token(exchange_body(&once)).await.ok();
    api.token(exchange_body(&once)).await.ok();
    api.sandbox.with_federation(|f| f.issuers[0].check_jti = true);
    api.token(exchange_body(&once)).await.ok();
    api.token(exchange_body(&once)).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("jti `run-42` was already used"));
    staged.extra.remove("jti");
    api.sandbox.with_federation(|f| f.service_accounts[0].organization_role = OrganizationRole::Developer);
    api.token(exchange_body(&mint(&api, &staged))).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("grants org:admin but its service account"));
    api.sandbox.with_federation(|f| f.service_accounts[0].organization_role = OrganizationRole::Admin);
    api.sandbox.with_federation(|f| f.service_accounts[0].archived_at = Some(Utc::now()));
    api.token(exchange_body(&mint(&api, &staged))).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("cmek-ci) is archived"));
}

#[tokio::test]
async fn a_rule_for_several_workspaces_needs_the_workspace() {
    let api = Api::start().await;
    api.sandbox.with_federation(|f| {
        let rule = f.rule_mut(fed::ADMIN_RULE_ID).unwrap();
        rule.applies_to_all_workspaces = false;
        rule.workspace_ids = vec![seed::PRODUCTION.id.into(), seed::STAGING.id.into()];
    });
    let token = mint(&api, &ci_claims());
    api.token(exchange_body(&token)).await.error(401, "authentication_error");
    let reason = last_event(&api).reason.unwrap();
    assert!(reason.contains("enabled for 2 workspaces") && reason.contains("ANTHROPIC_WORKSPACE_ID"), "{reason}");
    let mut body = exchange_body(&token);
    body["workspace_id"] = json!(seed::DEVELOPMENT.id);
    api.token(body.clone()).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("not enabled for workspace"));
    body["workspace_id"] = json!(seed::STAGING.id);
    api.token(body).await.ok();
    let issued = api.sandbox.with_federation(|f| f.tokens.last().unwrap().workspace_id.clone());
    assert_eq!(issued.as_deref(), Some(seed::STAGING.id));

    // One enabled workspace is chosen without asking; a rule that also covers the default
    // workspace falls back to it.
    api.sandbox.with_federation(|f| f.rule_mut(fed::ADMIN_RULE_ID).unwrap().workspace_ids.truncate(1));
    api.token(exchange_body(&token)).await.ok();
    let issued = api.sandbox.with_federation(|f| f.tokens.last().unwrap().workspace_id.clone());
    assert_eq!(issued.as_deref(), Some(seed::PRODUCTION.id));
    api.sandbox.with_federation(|f| {
        f.rule_mut(fed::ADMIN_RULE_ID).unwrap().workspace_ids.extend([seed::DEFAULT_WORKSPACE.id.to_string()])
    });
    api.token(exchange_body(&token)).await.ok();
    let issued = api.sandbox.with_federation(|f| f.tokens.last().unwrap().workspace_id.clone());
    assert_eq!(issued.as_deref(), Some(seed::DEFAULT_WORKSPACE.id));

    // The service account must be a member of the workspace (dev-bot is of development only).
    let mut developer = exchange_body(&token);
    developer["federation_rule_id"] = json!(fed::DEVELOPER_RULE_ID);
    developer["workspace_id"] = json!(seed::STAGING.id);
    api.token(developer.clone()).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("dev-bot) is not a member of workspace"));
    developer["workspace_id"] = json!(seed::DEVELOPMENT.id);
    api.token(developer).await.ok();
}

#[tokio::test]
async fn malformed_exchanges_are_400s_and_the_assertion_is_bounded() {
    let api = Api::start().await;
    let big = "a".repeat(16 * 1024 + 1);
    let reply = api.token(exchange_body(&big)).await;
    assert!(reply.error(400, "invalid_request_error").contains("at most 16384 bytes"));
    assert!(api.sandbox.auth_events().is_empty(), "a refused request is not an authentication attempt");
    let mut missing = exchange_body("x");
    missing.as_object_mut().unwrap().remove("federation_rule_id");
    assert!(api.token(missing).await.error(400, "invalid_request_error").contains("`federation_rule_id`"));
    let extra = json!({"grant_type": JWT_BEARER, "assertion": "x", "federation_rule_id": "r", "organization_id": "o", "scope": "org:admin"});
    assert!(api.token(extra).await.error(400, "invalid_request_error").contains("`scope`"));
    let other = api.token(json!({"grant_type": "client_credentials"})).await;
    assert!(other.error(400, "invalid_request_error").contains("unsupported grant_type `client_credentials`"));
    let url = api.url("/v1/oauth/token");
    let no_beta = send(api.raw(Method::POST, "/v1/oauth/token").json(&exchange_body("x"))).await;
    assert!(no_beta.error(400, "invalid_request_error").contains("oidc-federation-2026-04-01"));
    let refresh = json!({"grant_type": "refresh_token", "refresh_token": "x", "client_id": "y"});
    let both_betas =
        send(api.raw(Method::POST, "/v1/oauth/token").header("anthropic-beta", super::FEDERATION_BETAS).json(&refresh))
            .await;
    assert!(both_betas.error(400, "invalid_request_error").contains("only for jwt-bearer grants"));
    let form = send(
        reqwest::Client::new()
            .post(&url)
            .header("anthropic-beta", super::FEDERATION_BETAS)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=refresh_token"),
    )
    .await;
    assert!(form.error(400, "invalid_request_error").contains("must be JSON"));
    let huge = send(reqwest::Client::new().post(&url).json(&json!({"pad": "x".repeat(70 * 1024)}))).await;
    huge.error(413, "request_too_large");
    let wrong_method = send(api.raw(Method::GET, "/v1/oauth/token")).await;
    wrong_method.error(405, "invalid_request_error");
}

#[tokio::test]
async fn a_refresh_rotates_the_refresh_token() {
    let api = Api::start().await;
    let login = api.sandbox.federation_endpoints().unwrap().user_oauth.unwrap();
    let first = login.refresh_token.expose_secret().to_string();
    let body = |refresh: &str| json!({"grant_type": "refresh_token", "refresh_token": refresh, "client_id": fed::USER_CLIENT_ID});
    let answer = api.token(body(&first)).await.ok().clone();
    let second = answer["refresh_token"].as_str().unwrap().to_string();
    assert!(second.starts_with("sk-ant-ort01-") && second != first);
    assert_eq!((answer["scope"].as_str(), answer["expires_in"].as_i64()), (Some("org:admin"), Some(3600)));
    let access = answer["access_token"].as_str().unwrap();
    api.call_with_token(access, Method::GET, "/v1/organizations/me").await.ok();
    assert_eq!(last_event(&api).client_id.as_deref(), Some(fed::USER_CLIENT_ID));

    // The old refresh token stopped working; the new one works once, with the right client only.
    api.token(body(&first)).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("already rotated"));
    let wrong_client = json!({"grant_type": "refresh_token", "refresh_token": second, "client_id": "someone-else"});
    api.token(wrong_client).await.error(401, "authentication_error");
    assert!(last_event(&api).reason.unwrap().contains("client_id `someone-else`"));
    api.token(body(&second)).await.ok();
    let now = api.sandbox.federation_endpoints().unwrap().user_oauth.unwrap();
    assert_ne!(now.refresh_token.expose_secret(), second, "the endpoints show the current tokens");
}

#[tokio::test]
async fn the_issuer_publishes_keys_that_verify_its_tokens() {
    let api = Api::start().await;
    let issuer = api.sandbox.issuer_url().to_string();
    assert_eq!(issuer, format!("{}oidc", api.sandbox.base_url));
    let discovery: Value =
        reqwest::get(format!("{issuer}/.well-known/openid-configuration")).await.unwrap().json().await.unwrap();
    assert_eq!(discovery["issuer"], issuer.as_str());
    let jwks_uri = discovery["jwks_uri"].as_str().unwrap();
    let jwks: Value = reqwest::get(jwks_uri).await.unwrap().json().await.unwrap();
    let keys: Vec<PublicJwk> = jwks["keys"].as_array().unwrap().iter().filter_map(PublicJwk::from_json).collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
    let token = mint(&api, &ci_claims());
    let claims = verify_rs256(&token, &keys).unwrap();
    assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some(issuer.as_str()), Some(fed::CI_SUBJECT)));
    assert_eq!(claims["aud"], fed::AUDIENCE);
    // A token's signature covers its claims.
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_claims = base64_url(&json!({"iss": issuer, "sub": "repo:x/y:ref:main"}).to_string());
    parts[1] = &forged_claims;
    assert!(verify_rs256(&parts.join("."), &keys).is_err());
}

fn base64_url(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}
