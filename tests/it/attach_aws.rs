//! Validation and attach against a real KMS stand-in (moto, from `.venv`, one server per test):
//! write-once attach, delete refused while attached, and the validation sentences.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;

use cmek::providers::aws::{AwsProvider, AwsSettings, NewAwsKey};
use cmek_core::model::aws::AwsAccountId;
use cmek_core::model::{CompartmentId, OrgUuid};
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};
use cmek_sandbox::aws::AwsCredentials;
use cmek_sandbox::platform::test_api::{ADMIN_KEY, Api};
use cmek_sandbox::platform::{AwsBackend, PlatformSandboxConfig, seed};

use crate::moto;

const KEYS: &str = "/v1/organizations/external_keys";

fn credentials() -> AwsCredentials {
    AwsCredentials {
        access_key_id: "AKIDSANDBOXTEST".into(),
        secret_access_key: SecretString::from("sandbox-test-secret"),
        session_token: None,
    }
}

fn backend(endpoint: &str) -> AwsBackend {
    AwsBackend {
        endpoint_url: endpoint.to_string(),
        region_default: "us-east-2".into(),
        credentials: credentials(),
        anthropic: None,
    }
}

async fn sandbox_with(endpoint: &str) -> Api {
    let cfg = PlatformSandboxConfig {
        aws: Some(backend(endpoint)),
        ..PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY))
    };
    Api::start_with(cfg).await
}

async fn provider(moto: &moto::Moto) -> AwsProvider {
    AwsProvider::connect(&AwsSettings {
        region: Some("us-east-2".parse().unwrap()),
        profile: None,
        endpoint_url: Some(moto.endpoint().to_string()),
        static_credentials: Some(credentials().into()),
    })
    .await
    .unwrap()
}

fn grant(compartments: &[&str]) -> AnthropicGrant {
    let account: AwsAccountId = moto::MOTO_ACCOUNT.parse().unwrap();
    let mut g = AnthropicGrant::published(account, seed::ORG_ID.parse::<OrgUuid>().unwrap());
    g.compartments = compartments.iter().map(|c| c.parse::<CompartmentId>().unwrap()).collect();
    g
}

async fn create_key(aws: &AwsProvider, policy_json: String) -> String {
    let req = NewAwsKey { policy_json, description: "cmek sandbox test".into(), tags: Vec::new() };
    aws.create_key(&req, None).await.unwrap().arn.to_string()
}

async fn validate(api: &Api, key: &str) -> serde_json::Value {
    api.post(&format!("{KEYS}/{key}/validate"), json!({})).await.ok().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn attach_is_write_once_and_an_attached_key_cannot_be_deleted() {
    let moto = moto::Moto::start();
    let aws = provider(&moto).await;
    let arn = create_key(&aws, key_policy(&grant(&[seed::PRODUCTION.compartment_id])).to_json_pretty()).await;
    let api = sandbox_with(moto.endpoint()).await;
    let key = api.create_aws_key(&arn).await;
    assert_eq!(
        validate(&api, &key).await,
        json!({"type": "external_key_validation", "status": "success", "error": null})
    );

    let production = format!("/v1/organizations/workspaces/{}", seed::PRODUCTION.id);
    let attached = api.post(&production, json!({"external_key_id": key})).await.ok().clone();
    assert_eq!(attached["external_key_id"], key.as_str());
    assert_eq!(api.get(&format!("{KEYS}/{key}")).await.ok()["attachment"]["type"], "attached");
    // Sending the same key again changes nothing; another key is refused, and so is detaching.
    api.post(&production, json!({"external_key_id": key})).await.ok();
    let other = api.create_aws_key(&arn).await;
    let second = api.post(&production, json!({"external_key_id": other})).await;
    assert!(second.error(409, "conflict_error").contains("write-once"));
    assert_eq!(second.headers["x-should-retry"], "false");
    api.post(&production, json!({"external_key_id": null})).await.error(409, "conflict_error");

    let delete = api.delete(&format!("{KEYS}/{key}")).await;
    let message = delete.error(409, "conflict_error");
    assert!(message.contains(seed::PRODUCTION.id) && message.contains("production"), "{message}");
    let reconfigure =
        api.post(&format!("{KEYS}/{key}"), json!({"provider_config": {"type": "aws", "kms_arn": seed_arn()}})).await;
    assert!(reconfigure.error(409, "conflict_error").contains("provider_config"));
    api.post(&format!("{KEYS}/{key}"), json!({"display_name": "still editable"})).await.ok();

    // An archived workspace keeps its key: the key stays attached and undeletable.
    api.post(&format!("{production}/archive"), json!({})).await.ok();
    assert_eq!(api.get(&format!("{KEYS}/{key}")).await.ok()["attachment"]["type"], "attached");
    api.delete(&format!("{KEYS}/{key}")).await.error(409, "conflict_error");
    api.delete(&format!("{KEYS}/{other}")).await.ok();
}

fn seed_arn() -> String {
    format!("arn:aws:kms:us-east-2:{}:key/0000abcd-12ab-34cd-56ef-1234567890ab", moto::MOTO_ACCOUNT)
}

#[tokio::test(flavor = "multi_thread")]
async fn attach_validates_with_the_workspace_compartment() {
    let moto = moto::Moto::start();
    let aws = provider(&moto).await;
    let arn = create_key(&aws, key_policy(&grant(&[seed::PRODUCTION.compartment_id])).to_json_pretty()).await;
    let api = sandbox_with(moto.endpoint()).await;
    let key = api.create_aws_key(&arn).await;
    let staging = format!("/v1/organizations/workspaces/{}", seed::STAGING.id);
    let reply = api.post(&staging, json!({"external_key_id": key})).await;
    let message = reply.error(400, "invalid_request_error");
    let expected = format!(
        "AccessDenied: kms:Encrypt on {arn} with encryption context anthropic:org_uuid={}, anthropic:compartment_uuid={}.",
        seed::ORG_ID,
        seed::STAGING.compartment_id
    );
    assert!(message.starts_with(&expected), "{message}");
    assert_eq!(reply.json["error"]["details"]["error_code"], "external_key_validation_failed");
    assert_eq!(api.get(&staging).await.ok()["external_key_id"], json!(null));

    // Creating a workspace with the key: its fresh compartment is not in the policy either.
    let reply = api.post("/v1/organizations/workspaces", json!({"name": "new", "external_key_id": key})).await;
    assert!(reply.error(400, "invalid_request_error").starts_with("AccessDenied: kms:Encrypt"));
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_compartment_policy_fails_validate_but_attaches_to_its_workspace() {
    let moto = moto::Moto::start();
    let aws = provider(&moto).await;
    // Both conditions under plain StringEquals: the compartment key must then be present.
    let mut policy = key_policy(&grant(&[seed::PRODUCTION.compartment_id])).to_json_value();
    let condition = &mut policy["Statement"][1]["Condition"];
    let pinned = condition["StringEqualsIfExists"].take();
    condition.as_object_mut().unwrap().remove("StringEqualsIfExists");
    condition["StringEquals"].as_object_mut().unwrap().extend(pinned.as_object().unwrap().clone());
    let text = policy.to_string();
    assert!(text.contains(seed::PRODUCTION.compartment_id) && !text.contains("IfExists"), "{text}");
    let arn = create_key(&aws, text).await;
    let api = sandbox_with(moto.endpoint()).await;
    let key = api.create_aws_key(&arn).await;
    let result = validate(&api, &key).await;
    assert_eq!(result["status"], "failure");
    let error = result["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!(
            "AccessDenied: kms:Encrypt on {arn} with encryption context anthropic:org_uuid={}.",
            seed::ORG_ID
        )),
        "{error}"
    );
    let production = format!("/v1/organizations/workspaces/{}", seed::PRODUCTION.id);
    api.post(&production, json!({"external_key_id": key})).await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn over_permissive_and_incomplete_policies_are_refused() {
    let moto = moto::Moto::start();
    let aws = provider(&moto).await;
    let role = &cmek_core::identities::published().aws.role_arn;
    let root = format!("arn:aws:iam::{}:root", moto::MOTO_ACCOUNT);
    let no_org_condition = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountRootAdmin", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Wizard", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::915198916910:root"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"}
    ]});
    let no_describe = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountRootAdmin", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "Crypto", "Effect": "Allow", "Principal": {"AWS": role}, "Action": ["kms:Encrypt", "kms:Decrypt"],
         "Resource": "*", "Condition": {"StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": seed::ORG_ID}}}
    ]});
    let api = sandbox_with(moto.endpoint()).await;

    let arn = create_key(&aws, no_org_condition.to_string()).await;
    let result = validate(&api, &api.create_aws_key(&arn).await).await;
    let error = result["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!(
            "Over-permissive key policy: kms:Encrypt on {arn} was allowed with encryption context anthropic:org_uuid="
        )),
        "{error}"
    );
    assert!(
        error.contains("which is not your organization") && !error.contains(&format!("org_uuid={},", seed::ORG_ID)),
        "{error}"
    );

    let arn = create_key(&aws, no_describe.to_string()).await;
    let result = validate(&api, &api.create_aws_key(&arn).await).await;
    let error = result["error"].as_str().unwrap();
    assert!(error.starts_with(&format!("AccessDenied: kms:DescribeKey on {arn}. ")), "{error}");

    let missing = format!("arn:aws:kms:us-east-2:{}:key/0000abcd-12ab-34cd-56ef-1234567890ab", moto::MOTO_ACCOUNT);
    let result = validate(&api, &api.create_aws_key(&missing).await).await;
    assert!(
        result["error"].as_str().unwrap().starts_with(&format!("NotFoundException: {missing} was not found")),
        "{result}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_kms_that_does_not_answer_times_out() {
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let api = sandbox_with(&endpoint).await;
    api.sandbox.set_validation_timeout(Duration::from_millis(300));
    let key = api.create_aws_key(&seed_arn()).await;
    let result = validate(&api, &key).await;
    let error = result["error"].as_str().unwrap();
    assert!(error.starts_with("Timeout:") && error.contains("300 ms"), "{error}");
    let reply =
        api.post(&format!("/v1/organizations/workspaces/{}", seed::STAGING.id), json!({"external_key_id": key})).await;
    reply.error(400, "invalid_request_error");
    assert_eq!(reply.json["error"]["details"]["error_code"], "external_key_validation_timed_out");
    drop(silent);
}
