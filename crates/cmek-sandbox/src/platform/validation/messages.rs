//! Every sentence validation can fail with, in one place.
//!
//! The platform's `error` is free text that `doctor` maps to catalogue ids, so each sentence
//! starts with a stable cause (`AccessDenied:`, `DisabledException:`, ...) followed by the exact
//! call and values; a second sentence may explain. Change a prefix only together with doctor.

use std::collections::BTreeMap;
use std::time::Duration;

/// The encryption-context keys Anthropic sends, in the order messages list them.
pub const ORG_KEY: &str = "anthropic:org_uuid";
pub const COMPARTMENT_KEY: &str = "anthropic:compartment_uuid";

/// "anthropic:org_uuid=<uuid>, anthropic:compartment_uuid=<uuid>" (other context keys are left out).
pub fn context_text(context: &BTreeMap<String, String>) -> String {
    [ORG_KEY, COMPARTMENT_KEY]
        .iter()
        .filter_map(|k| context.get(*k).map(|v| format!("{k}={v}")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn call_text(action: &str, arn: &str, context: &BTreeMap<String, String>) -> String {
    let shown = context_text(context);
    if shown.is_empty() {
        format!("{action} on {arn}")
    } else {
        format!("{action} on {arn} with encryption context {shown}")
    }
}

/// The key policy (or an explicit Deny) refuses Anthropic's role a call it needs.
pub fn access_denied(action: &str, arn: &str, context: &BTreeMap<String, String>, why: &str) -> String {
    format!("AccessDenied: {}. {why}", call_text(action, arn, context))
}

/// A negative probe (wrong organisation) was allowed.
pub fn over_permissive_org(action: &str, arn: &str, context: &BTreeMap<String, String>, org: &str) -> String {
    format!(
        "Over-permissive key policy: {action} on {arn} was allowed with encryption context {}, which is not your \
         organization ({org}). The statement granting Anthropic's role must require \
         kms:EncryptionContext:anthropic:org_uuid to equal {org} (StringEquals).",
        context_text(context)
    )
}

/// A negative probe (wrong compartment) was allowed although the policy pins compartments.
pub fn over_permissive_compartment(action: &str, arn: &str, context: &BTreeMap<String, String>) -> String {
    format!(
        "Over-permissive key policy: {action} on {arn} was allowed with encryption context {}, which is not a \
         compartment of any workspace the policy names. The key policy pins compartments, but a statement allows \
         Anthropic's role other compartments too.",
        context_text(context)
    )
}

pub fn not_found(arn: &str) -> String {
    format!(
        "NotFoundException: {arn} was not found. Check the key ARN (account, region and key id) registered in the \
         external key."
    )
}

pub fn disabled(arn: &str) -> String {
    format!("DisabledException: {arn} is disabled. Enable it with `aws kms enable-key --key-id {arn}`.")
}

pub fn pending_deletion(arn: &str) -> String {
    format!(
        "KMSInvalidStateException: {arn} is pending deletion. Cancel it with `aws kms cancel-key-deletion --key-id \
         {arn}`, then enable the key."
    )
}

pub fn invalid_state(arn: &str, state: &str) -> String {
    format!("KMSInvalidStateException: {arn} is in state {state}, not Enabled.")
}

pub fn unsupported_spec(arn: &str, spec: &str, usage: &str) -> String {
    format!(
        "UnsupportedKey: {arn} has key spec {spec} and key usage {usage}; CMEK needs a symmetric key \
         (SYMMETRIC_DEFAULT) with key usage ENCRYPT_DECRYPT."
    )
}

pub fn unsupported_multi_region(arn: &str) -> String {
    format!("UnsupportedKey: {arn} is a multi-Region key; CMEK needs a single-Region key.")
}

pub fn unsupported_region(arn: &str, region: &str) -> String {
    format!(
        "UnsupportedKey: {arn} is in region {region}; CMEK is US-only, so the key must be in a US region (us-east-2 is recommended)."
    )
}

pub fn round_trip_mismatch(arn: &str) -> String {
    format!("DecryptMismatch: kms:Decrypt on {arn} returned other bytes than were encrypted.")
}

/// The policy text KMS returned is not a policy the evaluator can read.
pub fn unreadable_policy(arn: &str, reason: &str) -> String {
    format!("MalformedPolicyDocument: the key policy of {arn} could not be read: {reason}")
}

/// Any other failed KMS call, with AWS's own error code when there is one.
pub fn call_failed(code: &str, action: &str, arn: &str, detail: &str) -> String {
    format!("{code}: {action} on {arn} failed: {detail}")
}

/// Anthropic's validator could not become its published role (an enforcing backend's STS refused).
pub fn assume_role_failed(role_arn: &str, detail: &str) -> String {
    format!("AssumeRoleFailed: Anthropic's validator could not assume {role_arn}, so the key was not checked: {detail}")
}

pub fn timeout(arn: &str, limit: Duration) -> String {
    format!(
        "Timeout: the encrypt/decrypt round trip with {arn} did not finish within {}; the KMS did not answer in time.",
        human_duration(limit)
    )
}

pub fn no_aws_endpoint(arn: &str) -> String {
    format!(
        "NoAwsEndpoint: this sandbox has no AWS endpoint configured, so it cannot reach {arn}. Start the sandbox \
         with an AWS backend (moto or the built-in emulator) to validate AWS keys."
    )
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{} ms", d.as_millis()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const ORG: &str = "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";

    fn ctx(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn sentences_have_their_stable_forms() {
        let c = ctx(&[(ORG_KEY, ORG), (COMPARTMENT_KEY, "c0"), ("associatedData", "x")]);
        assert!(access_denied("kms:Encrypt", ARN, &c, "Why.").starts_with(&format!(
            "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid={ORG}, \
             anthropic:compartment_uuid=c0."
        )));
        assert!(
            access_denied("kms:DescribeKey", ARN, &ctx(&[]), "Why.")
                .starts_with(&format!("AccessDenied: kms:DescribeKey on {ARN}. "))
        );
        assert!(disabled(ARN).starts_with(&format!("DisabledException: {ARN} is disabled")));
        assert!(pending_deletion(ARN).starts_with(&format!("KMSInvalidStateException: {ARN} is pending deletion")));
        assert!(not_found(ARN).starts_with(&format!("NotFoundException: {ARN} was not found")));
        let wrong = ctx(&[(ORG_KEY, "wrong")]);
        assert!(over_permissive_org("kms:Encrypt", ARN, &wrong, ORG).starts_with(&format!(
            "Over-permissive key policy: kms:Encrypt on {ARN} was allowed with encryption context \
             anthropic:org_uuid=wrong, which is not your organization"
        )));
        assert!(timeout(ARN, Duration::from_secs(30)).contains("within 30 s"));
        assert!(timeout(ARN, Duration::from_millis(50)).contains("within 50 ms"));
        assert!(no_aws_endpoint(ARN).contains("no AWS endpoint"));
    }
}
