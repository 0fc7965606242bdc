//! `providers::aws::AwsProvider` against a real AWS wire protocol: one conformance suite, two
//! back ends (moto, and the sandbox's own KMS/STS emulator).
//!
//! The test bodies take a [`Backend`] (settings + the account it answers as); `on_moto` and
//! `on_sandbox` below run every body on a fresh backend each. Where moto and real AWS differ
//! (moto models no key state), a body asserts AWS's behaviour only when `Backend::faithful` says
//! the backend models it. Raw SDK calls appear only for test set-up the product never does
//! (disabling a key).

use std::collections::BTreeMap;

use cmek::providers::aws::{AwsErrorKind, AwsProvider, AwsSettings, NewAwsKey, StaticCredentials};
use cmek_core::model::aws::{AwsAccountId, AwsKeyRef, AwsKeyState, AwsRegion, KmsAliasName, KmsKeyArn};
use cmek_sandbox::aws::{AwsEmulatorConfig, CUSTOMER_ACCOUNT, RunningAws};
use secrecy::{ExposeSecret, SecretString};

use crate::moto::{MOTO_ACCOUNT, Moto, free_port};

/// An AWS-compatible endpoint the bodies run against.
pub struct Backend {
    pub settings: AwsSettings,
    /// The account `GetCallerIdentity` reports, and which owns created keys.
    pub account: AwsAccountId,
    /// A role the backend's credentials may assume.
    pub assumable_role: String,
    /// The backend behaves as real AWS where moto does not (key state enforced on Encrypt).
    pub faithful: bool,
}

impl Backend {
    fn region(&self) -> AwsRegion {
        self.settings.region.clone().expect("backends pin their region")
    }

    async fn provider(&self) -> AwsProvider {
        AwsProvider::connect(&self.settings).await.expect("connect to the backend")
    }

    fn in_region(&self, region: &str) -> AwsSettings {
        AwsSettings { region: Some(region.parse().unwrap()), ..self.settings.clone() }
    }
}

fn test_credentials() -> StaticCredentials {
    StaticCredentials {
        access_key_id: "testing".into(),
        secret_access_key: SecretString::from("testing"),
        session_token: None,
    }
}

fn moto_backend(moto: &Moto) -> Backend {
    Backend {
        settings: AwsSettings {
            region: Some("us-east-2".parse().unwrap()),
            profile: None,
            endpoint_url: Some(moto.endpoint().to_string()),
            static_credentials: Some(test_credentials()),
        },
        account: MOTO_ACCOUNT.parse().unwrap(),
        // moto's STS hands out credentials for any role ARN.
        assumable_role: format!("arn:aws:iam::{MOTO_ACCOUNT}:role/cmek-test"),
        faithful: false,
    }
}

fn sandbox_backend(aws: &RunningAws) -> Backend {
    Backend {
        settings: AwsSettings {
            region: Some("us-east-2".parse().unwrap()),
            profile: None,
            endpoint_url: Some(aws.endpoint.as_str().trim_end_matches('/').to_string()),
            static_credentials: Some(aws.customer().credentials.into()),
        },
        account: CUSTOMER_ACCOUNT.parse().unwrap(),
        // Seeded in the customer's account; the emulator lets a role's own account assume it.
        assumable_role: format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/cmek-operator"),
        faithful: true,
    }
}

pub async fn start_sandbox() -> RunningAws {
    cmek_sandbox::aws::start(AwsEmulatorConfig::new()).await.expect("start the AWS emulator")
}

/// A policy shaped like the one `policy::render::key_policy` produces for `account`.
fn rendered_looking_policy(account: &AwsAccountId) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "Version": "2012-10-17",
        "Id": "anthropic-cmek",
        "Statement": [
            {
                "Sid": "AccountRootAdmin",
                "Effect": "Allow",
                "Principal": {"AWS": account.root_arn()},
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "AllowAnthropicCMEKCrypto",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::915198916910:role/anthropic-cmek-client-us"},
                "Action": ["kms:Encrypt", "kms:Decrypt"],
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:EncryptionContext:anthropic:org_uuid": ["6f2a1c9e-0d3b-4f7a-9a51-2c8e4b7d1f30"]
                }}
            },
            {
                "Sid": "AllowAnthropicCMEKDescribe",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::915198916910:role/anthropic-cmek-client-us"},
                "Action": "kms:DescribeKey",
                "Resource": "*"
            }
        ]
    }))
    .unwrap()
}

/// An alias no earlier test (on a shared backend) can have taken.
fn fresh_alias() -> KmsAliasName {
    format!("alias/cmek-test-{}", uuid::Uuid::new_v4()).parse().unwrap()
}

fn context(org: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("anthropic:org_uuid".to_string(), org.to_string())])
}

/// Creates a CMEK-shaped key with an alias; returns the key's facts as `find_key` sees them.
async fn create_key_with_alias(
    p: &AwsProvider,
    b: &Backend,
) -> (cmek_core::model::aws::AwsKeyDescription, KmsAliasName) {
    let created = p
        .create_key(
            &NewAwsKey {
                policy_json: rendered_looking_policy(&b.account),
                description: "cmek integration test".into(),
                tags: vec![("purpose".into(), "cmek-test".into())],
            },
            None,
        )
        .await
        .unwrap();
    let alias = fresh_alias();
    p.create_alias(&alias, &created.key_id).await.unwrap();
    (created, alias)
}

/// Test-only: disables a key through the raw SDK (the product never disables keys).
pub async fn disable_key_raw(settings: &AwsSettings, key_id: &str) {
    let creds = settings.static_credentials.as_ref().expect("backends use static credentials");
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(settings.region.as_ref().unwrap().to_string()))
        .credentials_provider(aws_credential_types::Credentials::new(
            creds.access_key_id.clone(),
            creds.secret_access_key.expose_secret().to_string(),
            None,
            None,
            "test",
        ));
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let kms = aws_sdk_kms::Client::new(&loader.load().await);
    kms.disable_key().key_id(key_id).send().await.unwrap();
}

// ---- bodies: each takes a backend, so any AWS stand-in can run them ----

pub async fn whoami_reports_the_account(b: &Backend) {
    let me = b.provider().await.whoami().await.unwrap();
    assert_eq!(me.account, b.account);
    assert!(me.arn.starts_with("arn:aws:"), "{}", me.arn);
    assert!(!me.user_id.is_empty());
}

pub async fn created_key_is_found_by_alias_id_and_arn(b: &Backend) {
    let p = b.provider().await;
    let (created, alias) = create_key_with_alias(&p, b).await;
    assert_eq!(created.account, b.account);
    assert_eq!(created.region, b.region());
    for by in
        [AwsKeyRef::Alias(alias.clone()), AwsKeyRef::Id(created.key_id.clone()), AwsKeyRef::Arn(created.arn.clone())]
    {
        let found = p.find_key(&by).await.unwrap().unwrap_or_else(|| panic!("{by} not found"));
        assert_eq!(found.description.key_id, created.key_id, "found by {by}");
        assert_eq!(found.description.arn, created.arn, "found by {by}");
    }
    let missing = AwsKeyRef::Alias(fresh_alias());
    assert_eq!(p.find_key(&missing).await.unwrap(), None);
}

pub async fn inspect_reports_the_cmek_shape_policy_and_alias(b: &Backend) {
    let p = b.provider().await;
    let (created, alias) = create_key_with_alias(&p, b).await;
    let facts = p.inspect_key(alias.as_str()).await.unwrap();
    let d = &facts.description;
    assert_eq!(d.key_id, created.key_id);
    assert_eq!(d.state, AwsKeyState::Enabled);
    assert_eq!(d.spec, "SYMMETRIC_DEFAULT");
    assert_eq!(d.usage, "ENCRYPT_DECRYPT");
    assert_eq!(d.origin, "AWS_KMS");
    assert!(!d.multi_region);
    assert_eq!(d.manager, "CUSTOMER");
    assert_eq!(d.description, "cmek integration test");
    assert!(d.creation_date.is_some());
    assert_eq!(facts.policy, rendered_looking_policy(&b.account));
    assert_eq!(facts.aliases, vec![alias]);
    assert_eq!(facts.rotation_enabled, Some(false));
}

pub async fn put_key_policy_replaces_the_policy(b: &Backend) {
    let p = b.provider().await;
    let (created, _) = create_key_with_alias(&p, b).await;
    let arn = created.arn.to_string();
    let mut doc: serde_json::Value = serde_json::from_str(&rendered_looking_policy(&b.account)).unwrap();
    doc["Statement"].as_array_mut().unwrap().push(serde_json::json!({
        "Sid": "CustomerAuditors",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:role/auditor", b.account)},
        "Action": ["kms:DescribeKey", "kms:GetKeyPolicy"],
        "Resource": "*"
    }));
    let new_policy = serde_json::to_string_pretty(&doc).unwrap();
    p.put_key_policy(&arn, &new_policy).await.unwrap();
    assert_eq!(p.get_key_policy(&arn).await.unwrap(), new_policy);
    assert_eq!(p.get_key_policy(created.key_id.as_str()).await.unwrap(), new_policy);
}

pub async fn encrypt_decrypt_round_trip_needs_the_same_context(b: &Backend) {
    let p = b.provider().await;
    let (created, alias) = create_key_with_alias(&p, b).await;
    let org = context("6f2a1c9e-0d3b-4f7a-9a51-2c8e4b7d1f30");
    let ciphertext = p.encrypt(alias.as_str(), b"cmek probe", &org).await.unwrap();
    assert_ne!(ciphertext, b"cmek probe");
    let plaintext = p.decrypt(created.arn.to_string().as_str(), &ciphertext, &org).await.unwrap();
    assert_eq!(plaintext, b"cmek probe");

    let other = context("00000000-0000-4000-8000-000000000000");
    let e = p.decrypt(created.key_id.as_str(), &ciphertext, &other).await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::InvalidInput, "{e}");
    assert_eq!(e.operation, "kms:Decrypt");
    assert_eq!(e.code.as_deref(), Some("InvalidCiphertextException"), "{e}");
}

pub async fn disabled_key_is_reported_disabled(b: &Backend) {
    let p = b.provider().await;
    let (created, alias) = create_key_with_alias(&p, b).await;
    disable_key_raw(&b.settings, created.key_id.as_str()).await;
    let facts = p.find_key(&AwsKeyRef::Alias(alias.clone())).await.unwrap().unwrap();
    assert_eq!(facts.description.state, AwsKeyState::Disabled);
    // Inspection must keep working on a disabled key: that is when doctor is needed most.
    assert_eq!(facts.aliases, vec![alias.clone()]);
    assert_eq!(facts.policy, rendered_looking_policy(&b.account));
    if b.faithful {
        // Real KMS refuses Encrypt on a disabled key with DisabledException; moto 5.2 encrypts
        // anyway, so only a backend that models key state is held to it.
        let e = p.encrypt(alias.as_str(), b"x", &context("6f2a1c9e-0d3b-4f7a-9a51-2c8e4b7d1f30")).await.unwrap_err();
        assert_eq!(e.kind, AwsErrorKind::Disabled, "{e}");
        assert_eq!(e.code.as_deref(), Some("DisabledException"), "{e}");
    }
}

pub async fn key_arn_in_another_region_is_looked_up_there(b: &Backend) {
    let home = b.provider().await;
    let (created, _) = create_key_with_alias(&home, b).await;
    let elsewhere = AwsProvider::connect(&b.in_region("us-west-2")).await.unwrap();
    assert_eq!(elsewhere.region().as_str(), "us-west-2");
    // KMS is regional: the bare id is unknown in us-west-2, the ARN leads to us-east-2.
    assert_eq!(elsewhere.find_key(&AwsKeyRef::Id(created.key_id.clone())).await.unwrap(), None);
    let found = elsewhere.find_key(&AwsKeyRef::Arn(created.arn.clone())).await.unwrap().unwrap();
    assert_eq!(found.description.region, b.region());
}

pub async fn errors_carry_kind_code_and_request_id(b: &Backend) {
    let p = b.provider().await;
    let missing: KmsKeyArn =
        format!("arn:aws:kms:{}:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab", b.region(), b.account).parse().unwrap();
    let e = p.describe_key(&missing.to_string()).await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::NotFound, "{e}");
    assert_eq!(e.code.as_deref(), Some("NotFoundException"));
    assert!(e.request_id.is_some(), "{e:?}");
    assert!(e.to_string().contains("kms:DescribeKey"), "{e}");

    let (created, alias) = create_key_with_alias(&p, b).await;
    let e = p.create_alias(&alias, &created.key_id).await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::AlreadyExists, "{e}");
}

pub async fn assumed_role_credentials_work_and_name_the_session(b: &Backend) {
    let p = b.provider().await;
    let creds = p.assume_role(&b.assumable_role, "cmek-conformance").await.unwrap();
    assert!(creds.access_key_id.starts_with("ASIA"), "{}", creds.access_key_id);
    assert!(creds.session_token.is_some());
    let session =
        AwsProvider::connect(&AwsSettings { static_credentials: Some(creds), ..b.settings.clone() }).await.unwrap();
    let me = session.whoami().await.unwrap();
    assert_eq!(me.account, b.account);
    let role_name = b.assumable_role.rsplit('/').next().unwrap();
    assert_eq!(me.arn, format!("arn:aws:sts::{}:assumed-role/{role_name}/cmek-conformance", b.account));
    assert!(me.user_id.ends_with(":cmek-conformance"), "{}", me.user_id);
}

mod on_moto {
    use super::*;

    /// One `#[tokio::test]` per body, each on its own fresh moto.
    macro_rules! on_moto {
        ($($body:ident),* $(,)?) => {$(
            #[tokio::test]
            async fn $body() {
                let moto = Moto::start();
                super::$body(&moto_backend(&moto)).await;
            }
        )*};
    }

    on_moto!(
        whoami_reports_the_account,
        created_key_is_found_by_alias_id_and_arn,
        inspect_reports_the_cmek_shape_policy_and_alias,
        put_key_policy_replaces_the_policy,
        encrypt_decrypt_round_trip_needs_the_same_context,
        disabled_key_is_reported_disabled,
        key_arn_in_another_region_is_looked_up_there,
        errors_carry_kind_code_and_request_id,
        assumed_role_credentials_work_and_name_the_session,
    );
}

mod on_sandbox {
    use super::*;

    /// One `#[tokio::test]` per body, each on its own fresh emulator.
    macro_rules! on_sandbox {
        ($($body:ident),* $(,)?) => {$(
            #[tokio::test]
            async fn $body() {
                let aws = start_sandbox().await;
                super::$body(&sandbox_backend(&aws)).await;
            }
        )*};
    }

    on_sandbox!(
        whoami_reports_the_account,
        created_key_is_found_by_alias_id_and_arn,
        inspect_reports_the_cmek_shape_policy_and_alias,
        put_key_policy_replaces_the_policy,
        encrypt_decrypt_round_trip_needs_the_same_context,
        disabled_key_is_reported_disabled,
        key_arn_in_another_region_is_looked_up_there,
        errors_carry_kind_code_and_request_id,
        assumed_role_credentials_work_and_name_the_session,
    );
}

#[tokio::test]
async fn unreachable_endpoint_is_a_network_error_naming_it() {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let settings = AwsSettings {
        region: Some("us-east-2".parse().unwrap()),
        profile: None,
        endpoint_url: Some(endpoint.clone()),
        static_credentials: Some(test_credentials()),
    };
    let p = AwsProvider::connect(&settings).await.unwrap();
    let e = p.whoami().await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::Network, "{e}");
    assert_eq!(e.code, None);
    assert!(e.message.contains(&endpoint), "{e}");
    let e = p.describe_key("alias/anthropic-cmek").await.unwrap_err();
    assert_eq!(e.kind, AwsErrorKind::Network, "{e}");
    assert!(e.to_string().starts_with("kms:DescribeKey failed: could not reach"), "{e}");
}
