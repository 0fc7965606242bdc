//! The AWS validation steps (platform-api.md, section 8), in the order Anthropic's calls meet them:
//! DescribeKey, GetKeyPolicy, access for DescribeKey, key state and shape, access for Encrypt and
//! Decrypt in the target's context, the negative probes, then a real Encrypt + Decrypt round trip.
//!
//! This is the mode for a backend that enforces nothing (moto): key state and cryptography come
//! from the backend (real calls); who may call is decided by evaluating the key policy for
//! Anthropic's role (`access`), because the backend's credentials are not Anthropic's. A backend
//! that enforces policies (the built-in emulator) is validated by `enforced` instead, as
//! Anthropic's own session. Every failure is a sentence from `messages`.

use std::collections::BTreeMap;

use rand::RngCore;

use crate::aws::AwsCredentials;
use cmek_core::model::aws::{AwsKeyDescription, AwsKeyState, AwsRegion, KmsKeyArn};
use cmek_core::policy::aws::PolicyDocument;

use super::super::config::AwsBackend;
use super::super::ids;
use super::Target;
use super::access::Access;
use super::enforced;
use super::kms_calls::KmsCalls;
use super::kms_failure::{KmsFailure, KmsFailureKind};
use super::messages::{self, COMPARTMENT_KEY, ORG_KEY};

/// Context key Anthropic adds to its negative probes; CloudTrail shows it as
/// `requestParameters.encryptionContext.associatedData`.
const PROBE_MARKER_KEY: &str = "associatedData";
/// base64 of `cmek-validation`.
const PROBE_MARKER_VALUE: &str = "Y21lay12YWxpZGF0aW9u";

pub async fn validate(backend: &AwsBackend, kms_arn: &str, target: &Target) -> Result<(), String> {
    let arn = parse_arn(kms_arn)?;
    if let Some(anthropic) = &backend.anthropic {
        return enforced::validate(backend, anthropic, &arn, kms_arn, target).await;
    }
    let no_context = BTreeMap::new();
    let provider = connect(backend, &arn.region, &backend.credentials, kms_arn)?;
    let description = provider.describe_key(kms_arn).await.map_err(|e| from_aws(&e, kms_arn, &no_context))?;
    let policy_text = provider.get_key_policy(kms_arn).await.map_err(|e| from_aws(&e, kms_arn, &no_context))?;
    let policy =
        PolicyDocument::parse(&policy_text).map_err(|e| messages::unreadable_policy(kms_arn, &e.to_string()))?;
    let access = Access::new(&policy, kms_arn, arn.account.as_str());

    access.require("kms:DescribeKey", &no_context)?;
    check_key(&description, kms_arn)?;

    let context = target.context();
    access.require("kms:Encrypt", &context)?;
    access.require("kms:Decrypt", &context)?;
    negative_probes(&access, target, &context)?;

    let plaintext = random_plaintext();
    let ciphertext =
        provider.encrypt(kms_arn, &plaintext, &context).await.map_err(|e| from_aws(&e, kms_arn, &context))?;
    let decrypted =
        provider.decrypt(kms_arn, &ciphertext, &context).await.map_err(|e| from_aws(&e, kms_arn, &context))?;
    if decrypted != plaintext {
        return Err(messages::round_trip_mismatch(kms_arn));
    }
    Ok(())
}

/// Enabled, symmetric ENCRYPT_DECRYPT, single-Region, in a US region.
pub(super) fn check_key(key: &AwsKeyDescription, arn: &str) -> Result<(), String> {
    match &key.state {
        AwsKeyState::Enabled => {}
        AwsKeyState::Disabled => return Err(messages::disabled(arn)),
        AwsKeyState::PendingDeletion | AwsKeyState::PendingReplicaDeletion => {
            return Err(messages::pending_deletion(arn));
        }
        other => return Err(messages::invalid_state(arn, other.as_str())),
    }
    if key.spec != "SYMMETRIC_DEFAULT" || key.usage != "ENCRYPT_DECRYPT" {
        return Err(messages::unsupported_spec(arn, &key.spec, &key.usage));
    }
    if key.multi_region {
        return Err(messages::unsupported_multi_region(arn));
    }
    if !key.region.is_supported_for_cmek() {
        return Err(messages::unsupported_region(arn, key.region.as_str()));
    }
    Ok(())
}

/// Encrypt and Decrypt with a wrong organisation, and (when the policy pins compartments) with a
/// wrong compartment, must be denied: these are the four AccessDenied events in CloudTrail.
fn negative_probes(access: &Access<'_>, target: &Target, context: &BTreeMap<String, String>) -> Result<(), String> {
    let wrong_org = wrong_org_context(target, context);
    for action in ["kms:Encrypt", "kms:Decrypt"] {
        access.refuse_wrong_org(action, &wrong_org, &target.org_id)?;
    }
    if access.pins_compartments() {
        let wrong_compartment = wrong_compartment_context(target, context);
        for action in ["kms:Encrypt", "kms:Decrypt"] {
            access.refuse_wrong_compartment(action, &wrong_compartment)?;
        }
    }
    Ok(())
}

/// The target's context with another organisation, marked as a probe.
pub(super) fn wrong_org_context(target: &Target, context: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut wrong = context.clone();
    wrong.insert(ORG_KEY.to_string(), ids::other_uuid(&target.org_id));
    wrong.insert(PROBE_MARKER_KEY.to_string(), PROBE_MARKER_VALUE.to_string());
    wrong
}

/// The target's context with another compartment, marked as a probe.
pub(super) fn wrong_compartment_context(
    target: &Target,
    context: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut wrong = context.clone();
    let right = target.compartment_id.clone().unwrap_or_default();
    wrong.insert(COMPARTMENT_KEY.to_string(), ids::other_uuid(&right));
    wrong.insert(PROBE_MARKER_KEY.to_string(), PROBE_MARKER_VALUE.to_string());
    wrong
}

/// 32 random bytes: what the round trip encrypts.
pub(super) fn random_plaintext() -> [u8; 32] {
    let mut plaintext = [0u8; 32];
    rand::rng().fill_bytes(&mut plaintext);
    plaintext
}

pub(super) fn parse_arn(kms_arn: &str) -> Result<KmsKeyArn, String> {
    kms_arn.parse().map_err(|e| format!("UnsupportedKey: {kms_arn} is not a KMS key ARN ({e})."))
}

/// The backend's KMS (and STS) in the key's region, called with `credentials`.
pub(super) fn connect(
    backend: &AwsBackend,
    region: &AwsRegion,
    credentials: &AwsCredentials,
    kms_arn: &str,
) -> Result<KmsCalls, String> {
    KmsCalls::new(&backend.endpoint_url, region, credentials).map_err(|e| from_aws(&e, kms_arn, &BTreeMap::new()))
}

/// A failed backend call, as the sentence Anthropic's validation would report.
pub(super) fn from_aws(e: &KmsFailure, arn: &str, context: &BTreeMap<String, String>) -> String {
    let code = e.code.as_deref();
    match e.kind {
        KmsFailureKind::NotFound => messages::not_found(arn),
        KmsFailureKind::Disabled => messages::disabled(arn),
        KmsFailureKind::InvalidState if e.message.to_ascii_lowercase().contains("pending deletion") => {
            messages::pending_deletion(arn)
        }
        KmsFailureKind::AccessDenied => {
            messages::access_denied(e.operation, arn, context, &format!("AWS refused the call: {}", e.message))
        }
        KmsFailureKind::Network => messages::call_failed("KMSUnreachable", e.operation, arn, &e.to_string()),
        _ => messages::call_failed(code.unwrap_or("KMSError"), e.operation, arn, &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn key() -> AwsKeyDescription {
        AwsKeyDescription::sample()
    }

    #[test]
    fn key_shape_and_state() {
        assert!(check_key(&key(), ARN).is_ok());
        let e = check_key(&AwsKeyDescription { state: AwsKeyState::Disabled, ..key() }, ARN).unwrap_err();
        assert!(e.starts_with("DisabledException:"), "{e}");
        let e = check_key(&AwsKeyDescription { state: AwsKeyState::PendingDeletion, ..key() }, ARN).unwrap_err();
        assert!(e.starts_with("KMSInvalidStateException:") && e.contains("pending deletion"), "{e}");
        let e = check_key(&AwsKeyDescription { spec: "RSA_2048".into(), ..key() }, ARN).unwrap_err();
        assert!(e.starts_with("UnsupportedKey:") && e.contains("RSA_2048"), "{e}");
        let e = check_key(&AwsKeyDescription { multi_region: true, ..key() }, ARN).unwrap_err();
        assert!(e.contains("multi-Region"), "{e}");
        let e = check_key(&AwsKeyDescription { region: "eu-west-1".parse().unwrap(), ..key() }, ARN).unwrap_err();
        assert!(e.contains("eu-west-1"), "{e}");
    }

    #[test]
    fn backend_errors_become_sentences() {
        let e = KmsFailure {
            kind: KmsFailureKind::NotFound,
            operation: "kms:DescribeKey",
            code: Some("NotFoundException".into()),
            message: "Key not found".into(),
            request_id: None,
        };
        assert!(from_aws(&e, ARN, &BTreeMap::new()).starts_with(&format!("NotFoundException: {ARN} was not found")));
        let e = KmsFailure { kind: KmsFailureKind::Network, code: None, ..e };
        assert!(from_aws(&e, ARN, &BTreeMap::new()).starts_with("KMSUnreachable: kms:DescribeKey on"));
    }
}
