//! The `wif-*` scenarios end to end: the variables `cmek sandbox` would print for each world,
//! exchanged at the platform's token endpoint as a CI job's client would, and what follows.

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use crate::platform::federation::seed as fed;
use crate::platform::seed::{ORG_ID, STAGING};
use crate::platform::test_api::{Reply, send, token_request, with_token};
use crate::{Sandbox, SandboxEndpoints, SandboxOptions, scenarios};

async fn sandbox(name: &str, state_file: Option<std::path::PathBuf>) -> Sandbox {
    Sandbox::start(SandboxOptions {
        state_file,
        ..SandboxOptions::new(scenarios::find(name).unwrap_or_else(|| panic!("no scenario {name}")))
    })
    .await
    .unwrap()
}

/// The exchange a client makes from the printed variables.
async fn exchange(e: &SandboxEndpoints, workspace: Option<&str>) -> Reply {
    let ci = &e.federation.ci;
    let mut body = json!({
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "assertion": ci.identity_token.expose_secret(),
        "federation_rule_id": ci.federation_rule_id,
        "organization_id": ci.organization_id,
    });
    for (name, value) in [("service_account_id", ci.service_account_id.as_deref()), ("workspace_id", workspace)] {
        if let Some(v) = value {
            body[name] = Value::from(v);
        }
    }
    token_request(&reqwest::Client::new(), &e.base_url, &body).await
}

async fn me(e: &SandboxEndpoints, token: &str) -> Reply {
    let url = format!("{}v1/organizations/me", e.base_url);
    send(with_token(reqwest::Client::new().request(Method::GET, url), token)).await
}

fn last_reason(s: &Sandbox) -> String {
    s.platform.auth_events().pop().and_then(|e| e.reason).unwrap_or_default()
}

#[tokio::test]
async fn the_default_world_exchanges_the_printed_token_for_an_admin_token() {
    let s = sandbox("default", None).await;
    let e = s.endpoints().unwrap();
    let ci = &e.federation.ci;
    assert!(ci.admin_key_exported);
    assert_eq!((ci.federation_rule_id.as_str(), ci.organization_id.as_str()), (fed::ADMIN_RULE_ID, ORG_ID));
    assert_eq!((ci.service_account_id.as_deref(), ci.workspace_id.as_deref()), (None, None));
    let token = exchange(&e, None).await.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(me(&e, &token).await.ok()["id"], ORG_ID);
    let login = e.federation.user_oauth.as_ref().unwrap();
    assert_eq!(me(&e, login.access_token.expose_secret()).await.ok()["id"], ORG_ID);
}

#[tokio::test]
async fn wif_expired_identity_token() {
    let s = sandbox("wif-expired-identity-token", None).await;
    let e = s.endpoints().unwrap();
    assert!(!e.federation.ci.admin_key_exported);
    assert_eq!(exchange(&e, None).await.error(401, "authentication_error"), "Authentication failed");
    assert!(last_reason(&s).contains("the JWT expired at"), "{}", last_reason(&s));
}

#[tokio::test]
async fn wif_rule_mismatch() {
    let s = sandbox("wif-rule-mismatch", None).await;
    let e = s.endpoints().unwrap();
    assert!(!e.federation.ci.admin_key_exported);
    exchange(&e, None).await.error(401, "authentication_error");
    let reason = last_reason(&s);
    assert!(reason.contains(super::wif::FORK_SUBJECT) && reason.contains(fed::SUBJECT_PREFIX), "{reason}");
}

#[tokio::test]
async fn wif_non_admin_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let first = sandbox("wif-non-admin", Some(state.clone())).await;
    first.shutdown().await.unwrap();
    // Restored from its file: the scenario's variables and the issuer's key come back.
    let s = sandbox("default", Some(state)).await;
    let e = s.endpoints().unwrap();
    assert_eq!(e.federation.ci.federation_rule_id, fed::DEVELOPER_RULE_ID);
    assert!(!e.federation.ci.admin_key_exported);
    let answer = exchange(&e, None).await.ok().clone();
    assert_eq!(answer["scope"], fed::DEVELOPER_SCOPE);
    let refused = me(&e, answer["access_token"].as_str().unwrap()).await;
    assert!(refused.error(403, "permission_error").contains("requires the org:admin scope"));
}

#[tokio::test]
async fn a_state_file_with_an_unusable_issuer_key_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    sandbox("default", Some(state.clone())).await.shutdown().await.unwrap();
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let key = saved.pointer_mut("/platform/federation/signing_key/pkcs8").expect("the saved issuer key");
    *key = Value::from("bm90IGEga2V5");
    std::fs::write(&state, serde_json::to_vec(&saved).unwrap()).unwrap();
    // Refused before any client is handed an empty identity token.
    let refused = Sandbox::start(SandboxOptions {
        state_file: Some(state),
        ..SandboxOptions::new(scenarios::find("default").unwrap())
    })
    .await
    .err()
    .expect("a sandbox whose issuer cannot sign");
    assert!(refused.to_string().contains("OIDC issuer key"), "{refused}");
}

#[tokio::test]
async fn wif_multi_workspace_rule() {
    let s = sandbox("wif-multi-workspace-rule", None).await;
    let e = s.endpoints().unwrap();
    assert_eq!(e.federation.ci.workspace_id, None);
    exchange(&e, None).await.error(401, "authentication_error");
    assert!(last_reason(&s).contains("enabled for 2 workspaces"), "{}", last_reason(&s));
    let token = exchange(&e, Some(STAGING.id)).await.ok()["access_token"].as_str().unwrap().to_string();
    me(&e, &token).await.ok();
}
