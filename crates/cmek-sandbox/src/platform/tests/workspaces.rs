//! Workspaces: create, update, archive, and the attach rules that refuse before any KMS call.

use serde_json::json;

use super::{AWS_ARN, Api};
use crate::platform::seed;

const WORKSPACES: &str = "/v1/organizations/workspaces";

fn ws(id: &str) -> String {
    format!("{WORKSPACES}/{id}")
}

#[tokio::test]
async fn seeded_workspaces_have_their_fixed_values() {
    let api = Api::start().await;
    let production = api.get(&ws(seed::PRODUCTION.id)).await.ok().clone();
    assert_eq!(production["name"], "production");
    assert_eq!(production["type"], "workspace");
    assert_eq!(production["compartment_id"], seed::PRODUCTION.compartment_id);
    assert_eq!(production["display_color"], seed::PRODUCTION.display_color);
    assert_eq!(
        production["data_residency"],
        json!({"workspace_geo": "us", "default_inference_geo": "global", "allowed_inference_geos": "unrestricted"})
    );
    assert_eq!((production["external_key_id"].clone(), production["archived_at"].clone()), (json!(null), json!(null)));
    let typed: crate::platform::wire::Workspace = serde_json::from_value(production).unwrap();
    assert_eq!(typed, api.sandbox.workspaces[0]);
    api.get(&ws("wrkspc_unknown")).await.error(404, "not_found_error");
}

#[tokio::test]
async fn create_update_and_archive() {
    let api = Api::start().await;
    let created = api.post(WORKSPACES, json!({"name": "analytics", "tags": {"team": "data"}})).await.ok().clone();
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("wrkspc_"));
    assert_ne!(created["compartment_id"], seed::PRODUCTION.compartment_id);
    created["compartment_id"].as_str().unwrap().parse::<cmek_core::model::CompartmentId>().unwrap();
    assert_eq!(created["tags"], json!({"team": "data"}));

    let updated = api
        .post(
            &ws(&id),
            json!({"name": "analytics-2", "display_color": "#112233", "tags": {"team": null, "env": "dev"}}),
        )
        .await
        .ok()
        .clone();
    assert_eq!((updated["name"].as_str(), updated["display_color"].as_str()), (Some("analytics-2"), Some("#112233")));
    assert_eq!(updated["tags"], json!({"env": "dev"}));
    assert_eq!(updated["compartment_id"], created["compartment_id"], "the compartment never changes");

    let archived = api.post(&format!("{}/archive", ws(&id)), json!({})).await.ok().clone();
    assert!(archived["archived_at"].is_string());
    let again = api.post(&format!("{}/archive", ws(&id)), json!({})).await;
    assert!(again.error(400, "invalid_request_error").contains("already archived"));
    let rename = api.post(&ws(&id), json!({"name": "zombie"})).await;
    assert!(rename.error(400, "invalid_request_error").contains("archived"));
    let default = api.post(&format!("{}/archive", ws(seed::DEFAULT_WORKSPACE.id)), json!({})).await;
    assert!(default.error(400, "invalid_request_error").contains("default workspace"));
}

#[tokio::test]
async fn active_names_are_unique() {
    let api = Api::start().await;
    let reply = api.post(WORKSPACES, json!({"name": "production"})).await;
    assert!(reply.error(409, "conflict_error").contains(seed::PRODUCTION.id));
    assert_eq!(reply.headers["x-should-retry"], "false");
    let reply = api.post(&ws(seed::STAGING.id), json!({"name": "production"})).await;
    reply.error(409, "conflict_error");
    // Renaming a workspace to its own name is fine; an archived name is free again.
    api.post(&ws(seed::PRODUCTION.id), json!({"name": "production"})).await.ok();
    api.post(&format!("{}/archive", ws(seed::DEVELOPMENT.id)), json!({})).await.ok();
    api.post(WORKSPACES, json!({"name": "development"})).await.ok();
    let long = api.post(WORKSPACES, json!({"name": "x".repeat(41)})).await;
    assert!(long.error(400, "invalid_request_error").contains("1 to 40"));
}

#[tokio::test]
async fn archived_workspace_cannot_take_a_key() {
    let api = Api::start().await;
    let key = api.create_aws_key(AWS_ARN).await;
    api.post(&format!("{}/archive", ws(seed::STAGING.id)), json!({})).await.ok();
    let reply = api.post(&ws(seed::STAGING.id), json!({"external_key_id": key})).await;
    assert!(reply.error(400, "invalid_request_error").contains("archived"));
}

#[tokio::test]
async fn attach_rules_refuse_before_validation() {
    let api = Api::start().await;
    let unknown = api.post(&ws(seed::PRODUCTION.id), json!({"external_key_id": "ekey_missing"})).await;
    assert!(unknown.error(400, "invalid_request_error").contains("`external_key_id` `ekey_missing`"));

    let profile = seed::USER_PROFILE_IDS[0];
    let bound = api
        .post(
            "/v1/organizations/external_keys",
            json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN}, "user_profile_id": profile}),
        )
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mismatch = api.post(&ws(seed::PRODUCTION.id), json!({"external_key_id": bound})).await;
    assert!(mismatch.error(400, "invalid_request_error").contains(profile));
    assert_eq!(mismatch.json["error"]["details"]["error_code"], "key_profile_mismatch");

    api.sandbox.set_cmek_enabled(false);
    let unbound = api.create_aws_key_while_enabled().await;
    let refused = api.post(&ws(seed::PRODUCTION.id), json!({"external_key_id": unbound})).await;
    assert!(refused.error(400, "invalid_request_error").contains("CMEK is not enabled"));
    assert_eq!(refused.json["error"]["details"]["error_code"], "cmek_not_approved");
}

#[tokio::test]
async fn failed_validation_leaves_the_workspace_unattached() {
    let api = Api::start().await;
    let key = api.create_aws_key(AWS_ARN).await;
    let reply = api.post(&ws(seed::PRODUCTION.id), json!({"external_key_id": key, "name": "renamed"})).await;
    let message = reply.error(400, "invalid_request_error");
    assert!(message.starts_with("NoAwsEndpoint:") && message.contains(seed::PRODUCTION.compartment_id), "{message}");
    assert_eq!(reply.json["error"]["details"]["error_code"], "external_key_validation_failed");
    let production = api.get(&ws(seed::PRODUCTION.id)).await.ok().clone();
    assert_eq!((production["external_key_id"].clone(), production["name"].clone()), (json!(null), json!("production")));
    let key_now = api.get(&format!("/v1/organizations/external_keys/{key}")).await;
    assert_eq!(key_now.ok()["attachment"]["type"], "unattached");

    let create = api.post(WORKSPACES, json!({"name": "encrypted", "external_key_id": key})).await;
    create.error(400, "invalid_request_error");
    let names: Vec<String> = api.get(WORKSPACES).await.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!names.contains(&"encrypted".to_string()), "a refused create left a workspace: {names:?}");
}

#[tokio::test]
async fn user_profiles_are_set_once_and_never_on_the_default_workspace() {
    let api = Api::start().await;
    let [a, b] = seed::USER_PROFILE_IDS;
    let created = api.post(WORKSPACES, json!({"name": "customer-a", "user_profile_id": a})).await.ok().clone();
    let id = created["id"].as_str().unwrap().to_string();
    api.post(&ws(&id), json!({"user_profile_id": a})).await.ok();
    let replace = api.post(&ws(&id), json!({"user_profile_id": b})).await;
    assert!(replace.error(400, "invalid_request_error").contains("cannot be replaced"));
    let default = api.post(&ws(seed::DEFAULT_WORKSPACE.id), json!({"user_profile_id": a})).await;
    assert!(default.error(400, "invalid_request_error").contains("default workspace"));
    let unknown = api.post(WORKSPACES, json!({"name": "ghost", "user_profile_id": "uprof_ghost"})).await;
    unknown.error(400, "invalid_request_error");
}

impl Api {
    /// Creates a key even though the test turned CMEK off, then turns it off again.
    async fn create_aws_key_while_enabled(&self) -> String {
        self.sandbox.set_cmek_enabled(true);
        let id = self.create_aws_key(AWS_ARN).await;
        self.sandbox.set_cmek_enabled(false);
        id
    }
}
