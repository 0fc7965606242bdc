//! The sandbox's AWS KMS/STS emulator where it is faithful and moto is not: key policies enforced
//! for the caller (Anthropic's role session across accounts included), Resource Control Policies,
//! malformed policies and the lockout check, key state, real authenticated encryption, AssumeRole,
//! injected faults, and state that survives a restart. Each test starts its own emulator.

use std::collections::BTreeMap;

use aws_sdk_kms::primitives::Blob;
use cmek::providers::aws::{AwsError, AwsErrorKind, AwsProvider, AwsSettings, NewAwsKey, StaticCredentials};
use cmek_core::model::OrgUuid;
use cmek_core::model::aws::{AwsAccountId, AwsKeyState};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};
use cmek_sandbox::aws::{AwsEmulatorConfig, CUSTOMER_ACCOUNT, Faults, RunningAws, SeedKey, start};
use secrecy::{ExposeSecret, SecretString};

pub const ORG: &str = "6f2a1c9e-0d3b-4f7a-9a51-2c8e4b7d1f30";
pub const OTHER_ORG: &str = "00000000-0000-4000-8000-000000000000";
pub const ROLE: &str = "arn:aws:iam::915198916910:role/anthropic-cmek-client-us";
const REGION: &str = "us-east-2";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/policies/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub async fn emulator() -> RunningAws {
    start(AwsEmulatorConfig::new()).await.expect("start the AWS emulator")
}

pub fn settings(aws: &RunningAws, credentials: impl Into<StaticCredentials>) -> AwsSettings {
    AwsSettings {
        region: Some(REGION.parse().unwrap()),
        profile: None,
        endpoint_url: Some(aws.endpoint.as_str().trim_end_matches('/').to_string()),
        static_credentials: Some(credentials.into()),
    }
}

pub async fn provider(aws: &RunningAws, credentials: impl Into<StaticCredentials>) -> AwsProvider {
    AwsProvider::connect(&settings(aws, credentials)).await.unwrap()
}

pub async fn customer(aws: &RunningAws) -> AwsProvider {
    provider(aws, aws.customer().credentials).await
}

/// A session of Anthropic's published role, as Anthropic's platform gets one.
pub async fn anthropic_session(aws: &RunningAws) -> AwsProvider {
    let platform = provider(aws, aws.anthropic_platform().credentials).await;
    let session = platform.assume_role(ROLE, "cmek-validation").await.unwrap();
    provider(aws, session).await
}

/// The raw SDK client, for calls the product never makes (disable, schedule deletion, ...).
pub async fn raw_kms(aws: &RunningAws, credentials: &StaticCredentials) -> aws_sdk_kms::Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(aws.endpoint.as_str().trim_end_matches('/'))
        .credentials_provider(aws_credential_types::Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.expose_secret().to_string(),
            credentials.session_token.as_ref().map(|t| t.expose_secret().to_string()),
            None,
            "test",
        ))
        .load()
        .await;
    aws_sdk_kms::Client::new(&config)
}

pub fn grant() -> AnthropicGrant {
    let account: AwsAccountId = CUSTOMER_ACCOUNT.parse().unwrap();
    AnthropicGrant::published(account, ORG.parse::<OrgUuid>().unwrap())
}

pub fn correct_policy() -> String {
    key_policy(&grant()).to_json_pretty()
}

pub fn ctx(org: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("anthropic:org_uuid".to_string(), org.to_string())])
}

pub async fn create_key(p: &AwsProvider, policy_json: String) -> String {
    let req = NewAwsKey { policy_json, description: "cmek emulator test".into(), tags: Vec::new() };
    p.create_key(&req, None).await.unwrap().arn.to_string()
}

fn expect_code(result: Result<impl std::fmt::Debug, AwsError>, code: &str) -> AwsError {
    let e = result.expect_err(&format!("expected {code}"));
    assert_eq!(e.code.as_deref(), Some(code), "{e}");
    e
}

// ---- enforcement ----

#[tokio::test]
async fn a_key_without_anthropic_statements_refuses_the_anthropic_session() {
    let aws = emulator().await;
    let arn = create_key(&customer(&aws).await, fixture("aws-default.json")).await;
    let anthropic = anthropic_session(&aws).await;
    let e = expect_code(anthropic.describe_key(&arn).await, "AccessDeniedException");
    assert_eq!(e.kind, AwsErrorKind::AccessDenied);
    assert_eq!(
        e.message,
        format!(
            "User: arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation is not \
             authorized to perform: kms:DescribeKey on resource: {arn} because no resource-based policy allows the \
             kms:DescribeKey action"
        )
    );
    expect_code(anthropic.encrypt(&arn, b"x", &ctx(ORG)).await, "AccessDeniedException");
    // The customer itself is allowed through the account-root grant.
    customer(&aws).await.encrypt(&arn, b"x", &ctx(ORG)).await.unwrap();
}

#[tokio::test]
async fn the_anthropic_statements_allow_the_right_organisation_only() {
    let aws = emulator().await;
    let arn = create_key(&customer(&aws).await, correct_policy()).await;
    let anthropic = anthropic_session(&aws).await;
    assert_eq!(anthropic.describe_key(&arn).await.unwrap().arn.to_string(), arn);
    let ciphertext = anthropic.encrypt(&arn, b"data key", &ctx(ORG)).await.unwrap();
    assert_eq!(anthropic.decrypt(&arn, &ciphertext, &ctx(ORG)).await.unwrap(), b"data key");
    expect_code(anthropic.encrypt(&arn, b"x", &ctx(OTHER_ORG)).await, "AccessDeniedException");
    expect_code(anthropic.encrypt(&arn, b"x", &BTreeMap::new()).await, "AccessDeniedException");
    // Decrypting with another organisation is refused before the context is even compared.
    expect_code(anthropic.decrypt(&arn, &ciphertext, &ctx(OTHER_ORG)).await, "AccessDeniedException");
}

#[tokio::test]
async fn the_console_wizard_policy_lets_a_wrong_organisation_through() {
    let aws = emulator().await;
    let arn = create_key(&customer(&aws).await, fixture("console-wizard.json")).await;
    let anthropic = anthropic_session(&aws).await;
    let ciphertext = anthropic.encrypt(&arn, b"anyone's", &ctx(OTHER_ORG)).await.unwrap();
    assert_eq!(anthropic.decrypt(&arn, &ciphertext, &ctx(OTHER_ORG)).await.unwrap(), b"anyone's");
}

#[tokio::test]
async fn a_source_ip_condition_sees_anthropics_egress() {
    let aws = emulator().await;
    let arn = create_key(&customer(&aws).await, fixture("explicit-deny-source-ip.json")).await;
    let anthropic = anthropic_session(&aws).await;
    let e = anthropic.encrypt(&arn, b"x", &ctx("8c2d1e4f-0a9b-4c3d-8e7f-123456789abc")).await.unwrap_err();
    assert_eq!(e.code.as_deref(), Some("AccessDeniedException"), "{e}");
    assert!(e.message.ends_with("with an explicit deny in a resource-based policy"), "{e}");
}

// ---- cross-account ----

#[tokio::test]
async fn the_anthropic_session_works_only_in_its_own_account_and_only_as_granted() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let customer_key = create_key(&me, correct_policy()).await;
    let anthropic = anthropic_session(&aws).await;
    let raw = raw_kms(&aws, &anthropic_session_credentials(&aws).await).await;
    // CreateKey and ListKeys act in the caller's own account, never in the customer's.
    let own = raw.create_key().send().await.unwrap();
    let own_arn = own.key_metadata().unwrap().arn().unwrap().to_string();
    assert!(own_arn.starts_with("arn:aws:kms:us-east-2:915198916910:key/"), "{own_arn}");
    let listed = raw.list_keys().send().await.unwrap();
    let listed: Vec<&str> = listed.keys().iter().filter_map(|k| k.key_arn()).collect();
    assert_eq!(listed, [own_arn.as_str()]);
    let customer_keys = raw_kms(&aws, &aws.customer().credentials.into()).await.list_keys().send().await.unwrap();
    assert!(customer_keys.keys().iter().all(|k| k.key_arn() != Some(own_arn.as_str())));
    // A bare key id names a key of the caller's own account.
    let bare_id = customer_key.rsplit('/').next().unwrap();
    expect_code(anthropic.describe_key(bare_id).await, "NotFoundException");
    // GetKeyPolicy is not a cross-account operation: refused without a grant, and even with one.
    let e = expect_code(anthropic.get_key_policy(&customer_key).await, "AccessDeniedException");
    assert!(e.message.contains("kms:GetKeyPolicy cannot be used on a KMS key in another AWS account"), "{e}");
    let mut doc: serde_json::Value = serde_json::from_str(&correct_policy()).unwrap();
    doc["Statement"].as_array_mut().unwrap().push(serde_json::json!({
        "Sid": "LetAnthropicRead", "Effect": "Allow", "Principal": {"AWS": ROLE},
        "Action": ["kms:GetKeyPolicy", "kms:GetKeyRotationStatus"], "Resource": "*"
    }));
    me.put_key_policy(&customer_key, &doc.to_string()).await.unwrap();
    expect_code(anthropic.get_key_policy(&customer_key).await, "AccessDeniedException");
    // GetKeyRotationStatus is cross-account: the grant makes it work.
    let status = raw.get_key_rotation_status().key_id(&customer_key).send().await.unwrap();
    assert!(!status.key_rotation_enabled());
    let e = raw.disable_key().key_id(&customer_key).send().await.unwrap_err();
    assert_eq!(aws_sdk_kms::error::ProvideErrorMetadata::code(&e), Some("AccessDeniedException"));
}

async fn anthropic_session_credentials(aws: &RunningAws) -> StaticCredentials {
    provider(aws, aws.anthropic_platform().credentials).await.assume_role(ROLE, "raw").await.unwrap()
}

// ---- resource control policies ----

#[tokio::test]
async fn an_org_perimeter_rcp_denies_anthropic_unless_it_carves_out_the_role() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let arn = create_key(&me, correct_policy()).await;
    let anthropic = anthropic_session(&aws).await;
    anthropic.encrypt(&arn, b"x", &ctx(ORG)).await.unwrap();

    aws.set_rcps(vec![PolicyDocument::parse(&fixture("rcp-org-perimeter.json")).unwrap()]);
    let e = expect_code(anthropic.encrypt(&arn, b"x", &ctx(ORG)).await, "AccessDeniedException");
    assert!(e.message.ends_with("with an explicit deny in a resource control policy"), "{e}");
    me.encrypt(&arn, b"x", &ctx(ORG)).await.unwrap();

    aws.set_rcps(vec![PolicyDocument::parse(&fixture("rcp-org-perimeter-with-carve-out.json")).unwrap()]);
    anthropic.encrypt(&arn, b"x", &ctx(ORG)).await.unwrap();
    aws.set_rcps(Vec::new());
}

#[tokio::test]
async fn rcps_given_at_start_apply_from_the_first_call() {
    let rcp = PolicyDocument::parse(&fixture("rcp-org-perimeter.json")).unwrap();
    let aws = start(AwsEmulatorConfig { rcps: vec![rcp], ..AwsEmulatorConfig::new() }).await.unwrap();
    let arn = create_key(&customer(&aws).await, correct_policy()).await;
    expect_code(anthropic_session(&aws).await.describe_key(&arn).await, "AccessDeniedException");
}

// ---- malformed policies and the lockout check ----

#[tokio::test]
async fn malformed_policies_are_refused_on_create_and_put() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let root = r#"{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#;
    let policy = |statement: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{root},{statement}]}}"#);
    let cases: Vec<(String, &str)> = vec![
        ("{\"Version\": \"2012-10-17\", \"Statement\": [".to_string(), "Syntax errors in policy."),
        (policy(r#"{"Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*"}"#), "Invalid effect"),
        (
            policy(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/admins"},"Action":"kms:*","Resource":"*"}"#,
            ),
            "Policy contains a statement with one or more invalid principals.",
        ),
        (
            policy(r#"{"Effect":"Allow","Principal":{"AWS":"anthropic"},"Action":"kms:*","Resource":"*"}"#),
            "Policy contains a statement with one or more invalid principals.",
        ),
        (
            policy(
                r#"{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEqualsAnyCase":{"a":"b"}}}"#,
            ),
            "Invalid Condition type : StringEqualsAnyCase.",
        ),
    ];
    let arn = create_key(&me, correct_policy()).await;
    for (text, message) in &cases {
        let text = text.as_str();
        let req = NewAwsKey { policy_json: text.to_string(), description: String::new(), tags: Vec::new() };
        let e = expect_code(me.create_key(&req, None).await, "MalformedPolicyDocumentException");
        assert_eq!(e.kind, AwsErrorKind::MalformedPolicy);
        assert!(e.message.starts_with(message), "{text}: {e}");
        let e = expect_code(me.put_key_policy(&arn, text).await, "MalformedPolicyDocumentException");
        assert!(e.message.starts_with(message), "{text}: {e}");
    }
    assert_eq!(me.get_key_policy(&arn).await.unwrap(), correct_policy(), "refused policies change nothing");
}

#[tokio::test]
async fn the_lockout_check_keeps_the_caller_able_to_manage_the_key() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let arn = create_key(&me, correct_policy()).await;
    let anthropic_only = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*"}
    ]})
    .to_string();
    let e = expect_code(me.put_key_policy(&arn, &anthropic_only).await, "MalformedPolicyDocumentException");
    assert_eq!(e.message, "The new key policy will not allow you to update the key policy in the future.");
    let req = NewAwsKey { policy_json: anthropic_only.clone(), description: String::new(), tags: Vec::new() };
    expect_code(me.create_key(&req, None).await, "MalformedPolicyDocumentException");

    // With the safety check bypassed the customer locks itself out, as AWS would let it.
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    raw.put_key_policy()
        .key_id(&arn)
        .policy(&anthropic_only)
        .bypass_policy_lockout_safety_check(true)
        .send()
        .await
        .unwrap();
    expect_code(me.put_key_policy(&arn, &correct_policy()).await, "AccessDeniedException");
}

#[tokio::test]
async fn a_key_created_without_a_policy_gets_the_default_one() {
    let aws = emulator().await;
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    let created = raw.create_key().send().await.unwrap();
    let key_id = created.key_metadata().unwrap().key_id().to_string();
    let policy = customer(&aws).await.get_key_policy(&key_id).await.unwrap();
    let doc = PolicyDocument::parse(&policy).unwrap();
    assert_eq!(doc.id.as_deref(), Some("key-default-1"));
    assert_eq!(doc.statements()[0].sid.as_deref(), Some("Enable IAM User Permissions"));
    assert!(policy.contains("arn:aws:iam::111122223333:root"), "{policy}");
}

// ---- key state ----

#[tokio::test]
async fn key_state_is_enforced_through_disable_deletion_and_cancel() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let arn = create_key(&me, correct_policy()).await;
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    let ciphertext = me.encrypt(&arn, b"before", &ctx(ORG)).await.unwrap();

    raw.disable_key().key_id(&arn).send().await.unwrap();
    let e = expect_code(me.encrypt(&arn, b"x", &ctx(ORG)).await, "DisabledException");
    assert_eq!((e.kind, e.message.as_str()), (AwsErrorKind::Disabled, format!("{arn} is disabled.").as_str()));
    expect_code(me.decrypt(&arn, &ciphertext, &ctx(ORG)).await, "DisabledException");

    let e = raw.schedule_key_deletion().key_id(&arn).pending_window_in_days(6).send().await.unwrap_err();
    assert_eq!(aws_sdk_kms::error::ProvideErrorMetadata::code(&e), Some("ValidationException"));
    let scheduled = raw.schedule_key_deletion().key_id(&arn).pending_window_in_days(7).send().await.unwrap();
    let in_days = (scheduled.deletion_date().unwrap().secs() - chrono::Utc::now().timestamp()) as f64 / 86_400.0;
    assert!((6.9..=7.1).contains(&in_days), "{in_days}");
    assert_eq!(me.describe_key(&arn).await.unwrap().state, AwsKeyState::PendingDeletion);
    let e = expect_code(me.encrypt(&arn, b"x", &ctx(ORG)).await, "KMSInvalidStateException");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (AwsErrorKind::InvalidState, format!("{arn} is pending deletion.").as_str())
    );
    let e = raw.enable_key().key_id(&arn).send().await.unwrap_err();
    assert_eq!(aws_sdk_kms::error::ProvideErrorMetadata::code(&e), Some("KMSInvalidStateException"));

    raw.cancel_key_deletion().key_id(&arn).send().await.unwrap();
    assert_eq!(me.describe_key(&arn).await.unwrap().state, AwsKeyState::Disabled);
    let e = raw.cancel_key_deletion().key_id(&arn).send().await.unwrap_err();
    assert_eq!(aws_sdk_kms::error::ProvideErrorMetadata::code(&e), Some("KMSInvalidStateException"));
    raw.enable_key().key_id(&arn).send().await.unwrap();
    assert_eq!(me.decrypt(&arn, &ciphertext, &ctx(ORG)).await.unwrap(), b"before");
}

// ---- cryptography ----

#[tokio::test]
async fn ciphertext_is_bound_to_its_context_and_its_key() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let arn = create_key(&me, correct_policy()).await;
    let other = create_key(&me, correct_policy()).await;
    let two_pairs = BTreeMap::from([("b".to_string(), "2".to_string()), ("a".to_string(), "1".to_string())]);
    let ciphertext = me.encrypt(&arn, b"secret", &two_pairs).await.unwrap();
    assert!(!ciphertext.windows(6).any(|w| w == b"secret"), "the plaintext must not show in the ciphertext");
    assert_eq!(me.decrypt(&arn, &ciphertext, &two_pairs).await.unwrap(), b"secret");

    let mut one_changed = two_pairs.clone();
    one_changed.insert("a".into(), "x".into());
    expect_code(me.decrypt(&arn, &ciphertext, &one_changed).await, "InvalidCiphertextException");
    expect_code(me.decrypt(&arn, &ciphertext, &BTreeMap::new()).await, "InvalidCiphertextException");
    let e = expect_code(me.decrypt(&other, &ciphertext, &two_pairs).await, "IncorrectKeyException");
    assert_eq!(e.kind, AwsErrorKind::InvalidInput);
    let mut tampered = ciphertext.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x80;
    expect_code(me.decrypt(&arn, &tampered, &two_pairs).await, "InvalidCiphertextException");
    expect_code(me.decrypt(&arn, b"not a ciphertext at all", &two_pairs).await, "InvalidCiphertextException");

    // Without a KeyId the ciphertext names its key.
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    let out = raw
        .decrypt()
        .ciphertext_blob(Blob::new(ciphertext.clone()))
        .set_encryption_context(Some(two_pairs.clone().into_iter().collect()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.key_id(), Some(arn.as_str()));
    assert_eq!(out.plaintext().unwrap().as_ref(), b"secret");

    let e = raw.encrypt().key_id(&arn).plaintext(Blob::new(vec![0u8; 4097])).send().await.unwrap_err();
    assert_eq!(aws_sdk_kms::error::ProvideErrorMetadata::code(&e), Some("ValidationException"));
}

#[tokio::test]
async fn rotated_keys_still_decrypt_older_ciphertext_and_data_keys_round_trip() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let arn = create_key(&me, correct_policy()).await;
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    let old = me.encrypt(&arn, b"old", &ctx(ORG)).await.unwrap();
    raw.enable_key_rotation().key_id(&arn).send().await.unwrap();
    let status = raw.get_key_rotation_status().key_id(&arn).send().await.unwrap();
    assert!(status.key_rotation_enabled());
    assert_eq!(status.rotation_period_in_days(), Some(365));
    raw.rotate_key_on_demand().key_id(&arn).send().await.unwrap();
    let new = me.encrypt(&arn, b"new", &ctx(ORG)).await.unwrap();
    assert_eq!(me.decrypt(&arn, &old, &ctx(ORG)).await.unwrap(), b"old");
    assert_eq!(me.decrypt(&arn, &new, &ctx(ORG)).await.unwrap(), b"new");

    let data_key = raw
        .generate_data_key()
        .key_id(&arn)
        .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
        .encryption_context("anthropic:org_uuid", ORG)
        .send()
        .await
        .unwrap();
    let plaintext = data_key.plaintext().unwrap().as_ref().to_vec();
    assert_eq!(plaintext.len(), 32);
    let blob = data_key.ciphertext_blob().unwrap().as_ref().to_vec();
    assert_eq!(me.decrypt(&arn, &blob, &ctx(ORG)).await.unwrap(), plaintext);
}

// ---- identities and signatures ----

#[tokio::test]
async fn sessions_know_who_they_are_and_strangers_are_refused() {
    let aws = emulator().await;
    let anthropic = anthropic_session(&aws).await;
    let me = anthropic.whoami().await.unwrap();
    assert_eq!(me.account.as_str(), "915198916910");
    assert_eq!(me.arn, "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation");
    assert!(me.user_id.starts_with("AROA") && me.user_id.ends_with(":cmek-validation"), "{}", me.user_id);
    // The customer is not trusted by Anthropic's role.
    let e = expect_code(customer(&aws).await.assume_role(ROLE, "nope").await, "AccessDenied");
    assert_eq!(e.kind, AwsErrorKind::AccessDenied);

    let customer_creds: StaticCredentials = aws.customer().credentials.into();
    let wrong_secret =
        StaticCredentials { secret_access_key: SecretString::from("not-the-secret"), ..customer_creds.clone() };
    let p = provider(&aws, wrong_secret).await;
    let e = expect_code(p.whoami().await, "SignatureDoesNotMatch");
    assert_eq!(e.kind, AwsErrorKind::Credentials);
    expect_code(p.describe_key("alias/anything").await, "InvalidSignatureException");

    let unknown = StaticCredentials { access_key_id: "AKIAUNKNOWNUNKNOWN00".into(), ..customer_creds.clone() };
    let p = provider(&aws, unknown).await;
    expect_code(p.whoami().await, "InvalidClientTokenId");
    expect_code(p.describe_key("alias/anything").await, "UnrecognizedClientException");

    // Temporary credentials need their session token.
    let mut session = anthropic_session_credentials(&aws).await;
    session.session_token = None;
    expect_code(provider(&aws, session).await.describe_key("alias/anything").await, "UnrecognizedClientException");
}

// ---- faults, seeding and state ----

#[tokio::test]
async fn with_injected_faults_a_full_provider_flow_still_succeeds() {
    let faults = Faults { error_share: 0.3 };
    let aws = start(AwsEmulatorConfig { faults, ..AwsEmulatorConfig::new() }).await.unwrap();
    // Without retries the faults show: ThrottlingException or KMSInternalException.
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(aws.endpoint.as_str().trim_end_matches('/'))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .credentials_provider(aws_credential_types::Credentials::new(
            aws.customer().credentials.access_key_id,
            aws.customer().credentials.secret_access_key.expose_secret().to_string(),
            None,
            None,
            "test",
        ))
        .load()
        .await;
    let no_retries = aws_sdk_kms::Client::new(&config);
    let mut codes = Vec::new();
    for limit in 1..=10 {
        if let Err(e) = no_retries.list_keys().limit(limit).send().await {
            codes.push(aws_sdk_kms::error::ProvideErrorMetadata::code(&e).unwrap_or_default().to_string());
        }
    }
    assert_eq!(codes, ["ThrottlingException", "KMSInternalException", "ThrottlingException"]);

    // The product's provider retries, so everything it does succeeds.
    let me = customer(&aws).await;
    assert_eq!(me.whoami().await.unwrap().account.as_str(), CUSTOMER_ACCOUNT);
    let arn = create_key(&me, correct_policy()).await;
    let alias = "alias/faulty".parse().unwrap();
    let key_id = me.describe_key(&arn).await.unwrap().key_id;
    me.create_alias(&alias, &key_id).await.unwrap();
    let facts = me.inspect_key("alias/faulty").await.unwrap();
    assert_eq!(facts.aliases, vec![alias]);
    me.put_key_policy(&arn, &correct_policy()).await.unwrap();
    let anthropic = anthropic_session(&aws).await;
    let ciphertext = anthropic.encrypt(&arn, b"x", &ctx(ORG)).await.unwrap();
    assert_eq!(anthropic.decrypt(&arn, &ciphertext, &ctx(ORG)).await.unwrap(), b"x");
}

#[tokio::test]
async fn an_error_share_above_one_half_is_refused() {
    let faults = Faults { error_share: 0.6 };
    let e = start(AwsEmulatorConfig { faults, ..AwsEmulatorConfig::new() }).await.unwrap_err();
    assert!(e.to_string().contains("0.6"), "{e}");
}

#[tokio::test]
async fn seeded_keys_bypass_the_checks_on_purpose() {
    let aws = emulator().await;
    let mut seed = SeedKey::customer("{ \"Statement\": \"broken");
    seed.alias = Some("alias/broken".parse().unwrap());
    seed.state = AwsKeyState::Disabled;
    let arn = aws.seed_key(seed).unwrap().to_string();
    let me = customer(&aws).await;
    // A policy that does not parse allows nobody anything, the customer included.
    expect_code(me.describe_key("alias/broken").await, "AccessDeniedException");
    let e = aws.seed_key(SeedKey { alias: Some("alias/broken".parse().unwrap()), ..SeedKey::customer("{}") });
    assert!(e.unwrap_err().to_string().contains("already exists"));
    let good = aws.seed_key(SeedKey::customer(correct_policy())).unwrap().to_string();
    anthropic_session(&aws).await.encrypt(&good, b"x", &ctx(ORG)).await.unwrap();
    assert_ne!(arn, good);
}

#[tokio::test]
async fn the_state_survives_a_restart_with_keys_aliases_and_credentials() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let arn = create_key(&me, correct_policy()).await;
    let key_id = me.describe_key(&arn).await.unwrap().key_id;
    me.create_alias(&"alias/kept".parse().unwrap(), &key_id).await.unwrap();
    let ciphertext = me.encrypt("alias/kept", b"kept", &ctx(ORG)).await.unwrap();
    let credentials = aws.customer().credentials;
    let saved = serde_json::to_string(&aws.state()).unwrap();
    assert!(!format!("{:?}", aws.state()).contains(credentials.secret_access_key.expose_secret()));
    aws.shutdown().await.unwrap();

    let state = serde_json::from_str(&saved).unwrap();
    let again = start(AwsEmulatorConfig { state, ..AwsEmulatorConfig::new() }).await.unwrap();
    assert_eq!(again.customer().credentials.access_key_id, credentials.access_key_id);
    let me = provider(&again, credentials).await;
    assert_eq!(me.decrypt("alias/kept", &ciphertext, &ctx(ORG)).await.unwrap(), b"kept");
    assert_eq!(me.get_key_policy(&arn).await.unwrap(), correct_policy());
}

#[tokio::test]
async fn multi_region_keys_get_mrk_ids() {
    let aws = emulator().await;
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    let created = raw.create_key().multi_region(true).send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    assert!(meta.key_id().starts_with("mrk-"), "{}", meta.key_id());
    assert_eq!(meta.multi_region(), Some(true));
    let described = customer(&aws).await.describe_key(meta.key_id()).await.unwrap();
    assert!(described.multi_region);
}

#[tokio::test]
async fn list_operations_paginate() {
    let aws = emulator().await;
    let me = customer(&aws).await;
    let raw = raw_kms(&aws, &aws.customer().credentials.into()).await;
    let mut arns = Vec::new();
    for n in 0..3 {
        let arn = create_key(&me, correct_policy()).await;
        let key_id = me.describe_key(&arn).await.unwrap().key_id;
        me.create_alias(&format!("alias/page-{n}").parse().unwrap(), &key_id).await.unwrap();
        arns.push(arn);
    }
    let first = raw.list_keys().limit(2).send().await.unwrap();
    assert!(first.truncated());
    let keys: Vec<String> = raw
        .list_keys()
        .limit(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .iter()
        .filter_map(|k| k.key_arn().map(str::to_string))
        .collect();
    assert_eq!(keys, arns);
    let aliases =
        raw.list_aliases().limit(1).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await.unwrap();
    let (predefined, own): (Vec<_>, Vec<_>) =
        aliases.iter().partition(|a| a.alias_name().is_some_and(|n| n.starts_with("alias/aws/")));
    assert_eq!(own.len(), 3);
    // As AWS does: its predefined aliases are listed in every account and Region, with the
    // account in their ARN and no target until a service uses one.
    assert!(predefined.iter().any(|a| a.alias_name() == Some("alias/aws/s3")), "{predefined:?}");
    assert!(
        predefined.iter().all(|a| a.target_key_id().is_none()
            && a.alias_arn().is_some_and(|arn| arn.contains(":111122223333:alias/aws/"))),
        "{predefined:?}"
    );
    let e = raw.list_keys().marker("bogus").send().await.unwrap_err();
    assert_eq!(aws_sdk_kms::error::ProvideErrorMetadata::code(&e), Some("InvalidMarkerException"));
}
