//! The two API versions' error shapes: 2026-10-21 adds `details.error_code` (and `field`), the
//! 2023 ones keep the older bodies; and the structured 503s the flaky world's lost changes get.

use reqwest::Method;
use secrecy::SecretString;
use serde_json::json;

use super::{ADMIN_KEY, Api, send};
use crate::faults::Faults;
use crate::platform::{PlatformSandboxConfig, seed};

const WORKSPACES: &str = "/v1/organizations/workspaces";

#[tokio::test]
async fn errors_carry_codes_with_2026_10_21_only() {
    let api = Api::start().await;
    let body =
        json!({"name": "eu", "data_residency": {"allowed_inference_geos": ["us"], "default_inference_geo": "global"}});
    let new = api.post(WORKSPACES, body.clone()).await;
    new.error(400, "invalid_request_error");
    assert_eq!(
        new.json["error"]["details"],
        json!({"error_code": "workspace_policy_violation", "field": "data_residency.default_inference_geo"})
    );
    let old = api.call_as("2023-06-01", Method::POST, WORKSPACES, Some(body)).await;
    let message = old.error(400, "invalid_request_error");
    assert_eq!(message, new.json["error"]["message"], "the same sentence either way");
    assert_eq!(old.json["error"].as_object().unwrap().len(), 2, "no details before 2026-10-21: {}", old.json);
    // Errors that have no code have no details with either version.
    let missing = api.get(&format!("{WORKSPACES}/wrkspc_nope")).await;
    missing.error(404, "not_found_error");
    assert!(missing.json["error"].get("details").is_none());
}

#[tokio::test]
async fn a_lost_change_gets_a_structured_503_with_2026_10_21() {
    let faults = Faults { error_share: 0.5 };
    let api =
        Api::start_with(PlatformSandboxConfig { faults, ..PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY)) })
            .await;
    let mut incomplete = None;
    let mut unknown = false;
    for i in 0..40 {
        let reply = api.post(WORKSPACES, json!({"name": format!("ws-{i}")})).await;
        if reply.status == 503 {
            reply.error(503, "api_error");
            assert_eq!(reply.json["error"]["details"]["error_code"], "workspace_created_incomplete");
            incomplete = reply.json["error"]["details"]["workspace_id"].as_str().map(str::to_string);
        }
        assert!([200, 429, 500, 503, 529].contains(&reply.status), "{}", reply.json);
    }
    for i in 0..40 {
        let rename =
            api.post(&format!("{WORKSPACES}/{}", seed::STAGING.id), json!({"name": format!("staging-{i}")})).await;
        if rename.status == 503 {
            assert_eq!(rename.json["error"]["details"]["error_code"], "change_outcome_unknown");
            unknown = true;
        }
    }
    let id = incomplete.expect("a workspace create whose answer was lost");
    let stored = api.sandbox.state().workspaces.into_iter().any(|w| w.id == id);
    assert!(stored, "workspace_created_incomplete names a workspace that exists");
    assert!(unknown, "an update whose answer was lost");

    // The 2023 version never sees the new codes: busy answers only.
    for i in 0..20 {
        let reply =
            api.call_as("2023-06-01", Method::POST, WORKSPACES, Some(json!({"name": format!("old-{i}")}))).await;
        assert!([200, 429, 500, 529].contains(&reply.status), "{}", reply.json);
    }
    // Faults are for the Admin API: the token endpoint and the issuer are never struck.
    for _ in 0..10 {
        let jwks = send(api.raw(Method::GET, "/oidc/jwks")).await;
        assert_eq!(jwks.status, 200);
    }
}
