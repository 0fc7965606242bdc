//! External keys: create, retrieve, update, delete, validate without a backend, CMEK off.

use serde_json::json;

use super::{AWS_ARN, Api};

const KEYS: &str = "/v1/organizations/external_keys";

#[tokio::test]
async fn create_retrieve_update_delete() {
    let api = Api::start().await;
    let created = api
        .post(
            KEYS,
            json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN, "role_arn": "arn:aws:iam::1:role/old"},
                   "display_name": "primary"}),
        )
        .await
        .ok()
        .clone();
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("ekey_") && id[5..].bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
    assert_eq!(created["type"], "external_key");
    assert_eq!(created["attachment"], json!({"type": "unattached"}));
    assert_eq!(created["geo"], "us");
    assert_eq!(created["user_profile_id"], json!(null));
    assert_eq!(created["provider_config"], json!({"type": "aws", "kms_arn": AWS_ARN, "region": "us-east-2"}));
    let typed: crate::platform::wire::ExternalKey = serde_json::from_value(created.clone()).unwrap();
    assert_eq!(typed.display_name.as_deref(), Some("primary"));

    assert_eq!(api.get(&format!("{KEYS}/{id}")).await.ok(), &created);
    let updated = api.post(&format!("{KEYS}/{id}"), json!({"display_name": "renamed"})).await.ok().clone();
    assert_eq!(updated["display_name"], "renamed");
    assert_eq!(updated["provider_config"], created["provider_config"]);
    let cleared = api.post(&format!("{KEYS}/{id}"), json!({"display_name": null})).await.ok().clone();
    assert_eq!(cleared["display_name"], json!(null));
    let other = "arn:aws:kms:us-west-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab";
    let moved = api.post(&format!("{KEYS}/{id}"), json!({"provider_config": {"type": "aws", "kms_arn": other}})).await;
    assert_eq!(moved.ok()["provider_config"]["region"], "us-west-2", "unattached keys may be reconfigured");

    let deleted = api.delete(&format!("{KEYS}/{id}")).await;
    assert_eq!(deleted.ok(), &json!({"id": id, "type": "external_key_deleted"}));
    let gone = api.get(&format!("{KEYS}/{id}")).await;
    assert!(gone.error(404, "not_found_error").contains(id));
    api.delete(&format!("{KEYS}/{id}")).await.error(404, "not_found_error");
}

#[tokio::test]
async fn provider_configs_are_checked_like_the_platform() {
    let api = Api::start().await;
    let alias = "arn:aws:kms:us-east-2:111122223333:alias/anthropic-cmek";
    for (config, needle) in [
        (json!({"type": "aws", "kms_arn": alias}), "alias ARN"),
        (json!({"type": "aws", "kms_arn": "arn:aws:kms:us-east-2:111122223333:key/nope"}), "provider_config.kms_arn"),
        (json!({"type": "aws"}), "`provider_config.kms_arn`: Field required"),
        (
            json!({"type": "gcp", "key_name": "projects/p/locations/us/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"}),
            "key version",
        ),
        (
            json!({"type": "azure", "vault_uri": "https://x.example.com", "key_name": "k", "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47"}),
            "vault_uri",
        ),
        (
            json!({"type": "azure", "vault_uri": "https://vault1.vault.azure.net", "key_name": "k", "tenant_id": "tenant"}),
            "tenant_id",
        ),
    ] {
        let reply = api.post(KEYS, json!({"provider_config": config})).await;
        let message = reply.error(400, "invalid_request_error");
        assert!(message.contains(needle), "{config}: {message}");
    }
    let reply = api.post(KEYS, json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN}, "geo": "eu"})).await;
    assert!(reply.error(400, "invalid_request_error").contains("`geo` `eu`"));
    let reply =
        api.post(KEYS, json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN}, "display_name": ""})).await;
    assert!(reply.error(400, "invalid_request_error").contains("display_name"));
    let reply = api.post(KEYS, json!({"display_name": "x"})).await;
    assert!(reply.error(400, "invalid_request_error").contains("`provider_config`: Field required"));
    let reply = api
        .post(KEYS, json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN}, "user_profile_id": "uprof_nobody"}))
        .await;
    reply.error(400, "invalid_request_error");
    assert_eq!(reply.json["error"]["details"]["error_code"], "user_profile_not_found");
    assert_eq!(api.get(KEYS).await.ok()["data"], json!([]), "nothing was created by refused requests");
}

#[tokio::test]
async fn validation_is_always_200_and_honest_about_what_it_cannot_do() {
    let api = Api::start().await;
    let aws = api.create_aws_key(AWS_ARN).await;
    let reply = api.post(&format!("{KEYS}/{aws}/validate"), json!({})).await;
    let body = reply.ok();
    assert_eq!((body["type"].as_str(), body["status"].as_str()), (Some("external_key_validation"), Some("failure")));
    let error = body["error"].as_str().unwrap();
    assert!(
        error.starts_with("NoAwsEndpoint:") && error.contains("no AWS endpoint") && error.contains(AWS_ARN),
        "{error}"
    );

    let gcp = api
        .post(KEYS, json!({"provider_config": {"type": "gcp", "key_name": "projects/p1/locations/us-east5/keyRings/r/cryptoKeys/k"}}))
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // No body at all is accepted too.
    let reply = api.call(reqwest::Method::POST, &format!("{KEYS}/{gcp}/validate"), None).await;
    let error = reply.ok()["error"].as_str().unwrap().to_string();
    assert!(error.starts_with("NotSupported:") && error.contains("no Google Cloud KMS endpoint"), "{error}");
    api.post(&format!("{KEYS}/ekey_missing/validate"), json!({})).await.error(404, "not_found_error");
}

#[tokio::test]
async fn cmek_disabled_refuses_external_keys_cmek_not_approved_or_403_before_2026() {
    let api = Api::start().await;
    api.sandbox.set_cmek_enabled(false);
    let reply = api.post(KEYS, json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN}})).await;
    assert!(reply.error(400, "invalid_request_error").contains("CMEK is not enabled for organization"));
    assert_eq!(reply.json["error"]["details"]["error_code"], "cmek_not_approved");
    let listed = api.get(KEYS).await;
    assert!(listed.error(400, "invalid_request_error").contains("CMEK is not enabled"), "every external-key call");
    // The 2023 version keeps the older answer: a 403 with no details.
    let old = api.call_as("2023-06-01", reqwest::Method::GET, KEYS, None).await;
    assert!(old.error(403, "permission_error").contains("CMEK is not enabled for organization"));
    assert!(old.json["error"].get("details").is_none(), "{}", old.json);
    api.sandbox.set_cmek_enabled(true);
    api.create_aws_key(AWS_ARN).await;
}
