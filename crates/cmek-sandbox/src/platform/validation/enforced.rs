//! AWS validation against a backend that enforces key policies (the built-in emulator), made AS
//! Anthropic: the platform principal assumes the published role, and DescribeKey, the Encrypt +
//! Decrypt round trip and the negative probes are real calls by that session. Outcomes are the
//! backend's answers: AccessDeniedException becomes the `AccessDenied:` sentence, a negative probe
//! that gets through becomes the over-permissive sentence.
//!
//! Whether the compartment probes apply is decided, as in the local mode, by whether the policy
//! pins compartments; the policy is read with the customer's credentials (Anthropic's role may
//! not read it). When it cannot be read, the compartment probes are skipped: they only ever add
//! failures, so skipping them never fails a key wrongly.

use std::collections::BTreeMap;

use cmek_core::model::aws::KmsKeyArn;
use cmek_core::policy::aws::{PolicyDocument, anthropic};

use super::super::config::{AnthropicIdentity, AwsBackend};
use super::Target;
use super::access::Access;
use super::aws::{check_key, connect, from_aws, random_plaintext, wrong_compartment_context, wrong_org_context};
use super::kms_calls::KmsCalls;
use super::kms_failure::{KmsFailure, KmsFailureKind};
use super::messages;

/// The probe answer that shows the call got past authorisation: KMS checked the context only
/// when decrypting, after the policy allowed the request.
const PAST_AUTHORIZATION: &str = "InvalidCiphertextException";

pub async fn validate(
    backend: &AwsBackend,
    identity: &AnthropicIdentity,
    arn: &KmsKeyArn,
    kms_arn: &str,
    target: &Target,
) -> Result<(), String> {
    let no_context = BTreeMap::new();
    let platform = connect(backend, &arn.region, &identity.credentials, kms_arn)?;
    let session_credentials = platform
        .assume_role(&identity.role_arn, anthropic::VALIDATION_SESSION)
        .await
        .map_err(|e| messages::assume_role_failed(&identity.role_arn, &e.to_string()))?;
    let session = connect(backend, &arn.region, &session_credentials, kms_arn)?;

    let description = session.describe_key(kms_arn).await.map_err(|e| from_aws(&e, kms_arn, &no_context))?;
    check_key(&description, kms_arn)?;

    let context = target.context();
    let plaintext = random_plaintext();
    let ciphertext =
        session.encrypt(kms_arn, &plaintext, &context).await.map_err(|e| from_aws(&e, kms_arn, &context))?;
    let decrypted =
        session.decrypt(kms_arn, &ciphertext, &context).await.map_err(|e| from_aws(&e, kms_arn, &context))?;
    if decrypted != plaintext {
        return Err(messages::round_trip_mismatch(kms_arn));
    }

    let wrong_org = wrong_org_context(target, &context);
    let over_org = |action: &str| messages::over_permissive_org(action, kms_arn, &wrong_org, &target.org_id);
    probe_encrypt(&session, kms_arn, &wrong_org, over_org("kms:Encrypt")).await?;
    probe_decrypt(&session, kms_arn, &ciphertext, &wrong_org, over_org("kms:Decrypt")).await?;
    if pins_compartments(backend, arn, kms_arn).await {
        let wrong = wrong_compartment_context(target, &context);
        let over = |action: &str| messages::over_permissive_compartment(action, kms_arn, &wrong);
        probe_encrypt(&session, kms_arn, &wrong, over("kms:Encrypt")).await?;
        probe_decrypt(&session, kms_arn, &ciphertext, &wrong, over("kms:Decrypt")).await?;
    }
    Ok(())
}

/// Encrypt in a context Anthropic must not be allowed: denied is right, success is over-permissive.
async fn probe_encrypt(
    session: &KmsCalls,
    kms_arn: &str,
    context: &BTreeMap<String, String>,
    over_permissive: String,
) -> Result<(), String> {
    match session.encrypt(kms_arn, b"cmek-validation probe", context).await {
        Ok(_) => Err(over_permissive),
        Err(e) => denied_or_failed(&e, kms_arn, context),
    }
}

/// Decrypt the round trip's ciphertext in a context Anthropic must not be allowed: denied is right;
/// `InvalidCiphertextException` (the context did not match, checked after authorisation) or
/// success means the policy let the call through.
async fn probe_decrypt(
    session: &KmsCalls,
    kms_arn: &str,
    ciphertext: &[u8],
    context: &BTreeMap<String, String>,
    over_permissive: String,
) -> Result<(), String> {
    match session.decrypt(kms_arn, ciphertext, context).await {
        Ok(_) => Err(over_permissive),
        Err(e) if e.code.as_deref() == Some(PAST_AUTHORIZATION) => Err(over_permissive),
        Err(e) => denied_or_failed(&e, kms_arn, context),
    }
}

fn denied_or_failed(e: &KmsFailure, kms_arn: &str, context: &BTreeMap<String, String>) -> Result<(), String> {
    if e.kind == KmsFailureKind::AccessDenied { Ok(()) } else { Err(from_aws(e, kms_arn, context)) }
}

/// Whether the key policy (read with the customer's credentials) pins compartments; `false`
/// when it cannot be read or parsed.
async fn pins_compartments(backend: &AwsBackend, arn: &KmsKeyArn, kms_arn: &str) -> bool {
    let Ok(customer) = connect(backend, &arn.region, &backend.credentials, kms_arn) else {
        return false;
    };
    let Ok(text) = customer.get_key_policy(kms_arn).await else { return false };
    let Ok(policy) = PolicyDocument::parse(&text) else { return false };
    Access::new(&policy, kms_arn, arn.account.as_str()).pins_compartments()
}
