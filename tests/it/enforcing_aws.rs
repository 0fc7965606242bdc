//! Validation and attach against the built-in AWS emulator, which enforces key policies: the
//! validator assumes Anthropic's published role and every outcome is the emulator's answer to
//! that session (platform-api.md, section 8).

use secrecy::SecretString;
use serde_json::{Value, json};

use cmek::providers::aws::{AwsProvider, AwsSettings, NewAwsKey};
use cmek_core::identities;
use cmek_core::model::aws::{AwsAccountId, AwsKeyState};
use cmek_core::model::{CompartmentId, OrgUuid};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};
use cmek_sandbox::aws::{self, AwsEmulatorConfig, CUSTOMER_ACCOUNT, RunningAws};
use cmek_sandbox::platform::test_api::{ADMIN_KEY, Api};
use cmek_sandbox::platform::{AnthropicIdentity, AwsBackend, PlatformSandboxConfig, seed};

const KEYS: &str = "/v1/organizations/external_keys";

struct World {
    aws: RunningAws,
    api: Api,
    customer: AwsProvider,
}

impl World {
    async fn start() -> World {
        let aws = aws::start(AwsEmulatorConfig::new()).await.unwrap();
        let endpoint = aws.endpoint.as_str().trim_end_matches('/').to_string();
        let backend = AwsBackend {
            endpoint_url: endpoint.clone(),
            region_default: "us-east-2".into(),
            credentials: aws.customer().credentials,
            anthropic: Some(AnthropicIdentity {
                credentials: aws.anthropic_platform().credentials,
                role_arn: identities::published().aws.role_arn.clone(),
            }),
        };
        let cfg =
            PlatformSandboxConfig { aws: Some(backend), ..PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY)) };
        let api = Api::start_with(cfg).await;
        let customer = AwsProvider::connect(&AwsSettings {
            region: Some("us-east-2".parse().unwrap()),
            profile: None,
            endpoint_url: Some(endpoint),
            static_credentials: Some(aws.customer().credentials.into()),
        })
        .await
        .unwrap();
        World { aws, api, customer }
    }

    /// Creates a key with `policy` in the emulator and registers it; returns (ARN, external key id).
    async fn key(&self, policy: String) -> (String, String) {
        let req = NewAwsKey { policy_json: policy, description: "enforcing test".into(), tags: Vec::new() };
        let arn = self.customer.create_key(&req, None).await.unwrap().arn.to_string();
        let id = self.api.create_aws_key(&arn).await;
        (arn, id)
    }

    async fn validate(&self, key: &str) -> Value {
        self.api.post(&format!("{KEYS}/{key}/validate"), json!({})).await.ok().clone()
    }

    async fn attach(&self, workspace: &str, key: &str) -> cmek_sandbox::platform::test_api::Reply {
        self.api.post(&format!("/v1/organizations/workspaces/{workspace}"), json!({"external_key_id": key})).await
    }
}

fn grant(compartments: &[&str]) -> AnthropicGrant {
    let account: AwsAccountId = CUSTOMER_ACCOUNT.parse().unwrap();
    let mut g = AnthropicGrant::published(account, seed::ORG_ID.parse::<OrgUuid>().unwrap());
    g.compartments = compartments.iter().map(|c| c.parse::<CompartmentId>().unwrap()).collect();
    g
}

fn error_of(result: &Value) -> &str {
    assert_eq!(result["status"], "failure", "{result}");
    result["error"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correct_key_validates_and_attaches_only_to_its_workspace() {
    let w = World::start().await;
    let (arn, key) = w.key(key_policy(&grant(&[seed::PRODUCTION.compartment_id])).to_json_pretty()).await;
    assert_eq!(w.validate(&key).await, json!({"type": "external_key_validation", "status": "success", "error": null}));
    let attached = w.attach(seed::PRODUCTION.id, &key).await;
    assert_eq!(attached.ok()["external_key_id"], key.as_str());
    let message = w.attach(seed::STAGING.id, &key).await.error(400, "invalid_request_error");
    let expected = format!(
        "AccessDenied: kms:Encrypt on {arn} with encryption context anthropic:org_uuid={}, anthropic:compartment_uuid={}. \
         AWS refused the call: User: arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation \
         is not authorized to perform: kms:Encrypt",
        seed::ORG_ID,
        seed::STAGING.compartment_id
    );
    assert!(message.starts_with(&expected), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_without_anthropics_grant_fails_with_access_denied() {
    let w = World::start().await;
    let root_only = PolicyDocument::new(vec![cmek_core::policy::aws::render::account_root_admin(&grant(&[]).account)]);
    let (arn, key) = w.key(root_only.to_json_pretty()).await;
    let result = w.validate(&key).await;
    let error = error_of(&result);
    assert!(
        error.starts_with(&format!(
            "AccessDenied: kms:DescribeKey on {arn}. AWS refused the call: User: \
             arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation is not authorized to \
             perform: kms:DescribeKey on resource: {arn} because no resource-based policy allows the kms:DescribeKey action"
        )),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_wizard_policy_is_over_permissive() {
    let w = World::start().await;
    let console = cmek_core::policy::aws::test_fixtures::fixture_text("console-wizard.json");
    let (arn, key) = w.key(console.to_string()).await;
    let result = w.validate(&key).await;
    let error = error_of(&result);
    assert!(
        error.starts_with(&format!(
            "Over-permissive key policy: kms:Encrypt on {arn} was allowed with encryption context anthropic:org_uuid="
        )),
        "{error}"
    );
    assert!(error.contains(&format!("which is not your organization ({})", seed::ORG_ID)), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disabled_or_deleted_key_fails_with_its_state() {
    let w = World::start().await;
    let seeded = |state| {
        let mut key = aws::SeedKey::customer(key_policy(&grant(&[])).to_json_pretty());
        key.state = state;
        w.aws.seed_key(key).unwrap().to_string()
    };
    let disabled_arn = seeded(AwsKeyState::Disabled);
    let pending_arn = seeded(AwsKeyState::PendingDeletion);
    let disabled = w.api.create_aws_key(&disabled_arn).await;
    let pending = w.api.create_aws_key(&pending_arn).await;
    let error = error_of(&w.validate(&disabled).await).to_string();
    assert!(error.starts_with(&format!("DisabledException: {disabled_arn} is disabled")), "{error}");
    let error = error_of(&w.validate(&pending).await).to_string();
    assert!(error.starts_with(&format!("KMSInvalidStateException: {pending_arn} is pending deletion")), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_string_equals_on_the_compartment_fails_validate_but_attaches() {
    let w = World::start().await;
    let mut policy = key_policy(&grant(&[seed::PRODUCTION.compartment_id])).to_json_value();
    let condition = &mut policy["Statement"][1]["Condition"];
    let pinned = condition["StringEqualsIfExists"].take();
    condition.as_object_mut().unwrap().remove("StringEqualsIfExists");
    condition["StringEquals"].as_object_mut().unwrap().extend(pinned.as_object().unwrap().clone());
    let (arn, key) = w.key(policy.to_string()).await;
    let result = w.validate(&key).await;
    let error = error_of(&result);
    assert!(
        error.starts_with(&format!(
            "AccessDenied: kms:Encrypt on {arn} with encryption context anthropic:org_uuid={}.",
            seed::ORG_ID
        )),
        "{error}"
    );
    w.attach(seed::PRODUCTION.id, &key).await.ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grant_to_every_compartment_is_caught_by_the_compartment_probe() {
    let w = World::start().await;
    let mut policy = key_policy(&grant(&[seed::PRODUCTION.compartment_id])).to_json_value();
    policy["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "AnyCompartment", "Effect": "Allow",
        "Principal": {"AWS": identities::published().aws.role_arn},
        "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": seed::ORG_ID}}
    }));
    let (arn, key) = w.key(policy.to_string()).await;
    let message = w.attach(seed::PRODUCTION.id, &key).await.error(400, "invalid_request_error");
    assert!(
        message.starts_with(&format!(
            "Over-permissive key policy: kms:Encrypt on {arn} was allowed with encryption context"
        )),
        "{message}"
    );
    assert!(message.contains("which is not a compartment of any workspace the policy names"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resource_control_policy_without_a_carve_out_denies_anthropic() {
    let w = World::start().await;
    let (arn, key) = w.key(key_policy(&grant(&[])).to_json_pretty()).await;
    let fixture = |name| PolicyDocument::parse(cmek_core::policy::aws::test_fixtures::fixture_text(name)).unwrap();
    w.aws.set_rcps(vec![fixture("rcp-org-perimeter.json")]);
    let result = w.validate(&key).await;
    let error = error_of(&result);
    assert!(error.starts_with(&format!("AccessDenied: kms:DescribeKey on {arn}.")), "{error}");
    assert!(error.contains("with an explicit deny in a resource control policy"), "{error}");
    w.aws.set_rcps(vec![fixture("rcp-org-perimeter-with-carve-out.json")]);
    assert_eq!(w.validate(&key).await["status"], "success");
}
