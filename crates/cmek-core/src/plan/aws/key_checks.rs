//! Checks on an existing KMS key's properties (state, type, Region, account), before any change.

use crate::model::aws::{AwsKeyFacts, AwsKeyState, AwsRegion};

use super::AwsFacts;
use crate::plan::{Check, Severity};

/// ANT-12: CMEK is served only from US Regions. Checked for the key a run would create too, so a
/// key is never made (it could not be deleted for 7 days) in a Region validation refuses.
pub fn region_check(region: &AwsRegion, observed: &str, asked_region: &AwsRegion) -> Check {
    if region.is_supported_for_cmek() {
        return Check::pass("ANT-12", Severity::High, format!("key Region {region} is supported (US)"));
    }
    let us = if asked_region.is_supported_for_cmek() {
        asked_region.to_string()
    } else {
        crate::identities::published().aws.default_region().to_string()
    };
    Check::fail("ANT-12", Severity::High, "key Region is supported (US)", observed)
        .with_fix(format!("use a US Region, e.g. --region {us} (CMEK keys are served only from the US)"))
}

pub fn key_checks(key: &AwsKeyFacts, aws: &AwsFacts, asked_region: &AwsRegion) -> Vec<Check> {
    let d = &key.description;
    let arn = &d.arn;
    let region = &d.region;
    let mut out = Vec::new();

    out.push(match &d.state {
        AwsKeyState::Enabled => Check::pass("AWS-01", Severity::Critical, "key is enabled"),
        AwsKeyState::PendingDeletion => Check::fail(
            "AWS-02",
            Severity::Critical,
            "key is not scheduled for deletion",
            format!(
                "{arn} is PendingDeletion{}",
                d.deletion_date.map(|t| format!(" (deleted on {})", t.format("%Y-%m-%d"))).unwrap_or_default()
            ),
        )
        .with_fix(format!(
            "aws kms cancel-key-deletion --key-id {arn} --region {region} && aws kms enable-key --key-id {arn} --region {region}"
        )),
        other => Check::fail("AWS-01", Severity::Critical, "key is enabled", format!("{arn} is {}", other.as_str()))
            .with_fix(format!("aws kms enable-key --key-id {arn} --region {region}")),
    });

    let right_type = d.spec == "SYMMETRIC_DEFAULT" && d.usage == "ENCRYPT_DECRYPT" && d.origin == "AWS_KMS";
    out.push(if right_type && d.manager == "CUSTOMER" {
        Check::pass("AWS-03", Severity::High, "key is a customer-managed symmetric ENCRYPT_DECRYPT key")
    } else {
        Check::fail(
            "AWS-03",
            Severity::High,
            "key is a customer-managed symmetric ENCRYPT_DECRYPT key",
            format!("{arn} has spec {}, usage {}, origin {}, manager {}", d.spec, d.usage, d.origin, d.manager),
        )
        .with_fix("create a new key: omit --key and cmek creates a correct one")
    });

    out.push(if d.multi_region || d.key_id.is_multi_region() {
        Check::fail("AWS-04", Severity::High, "key is single-Region", format!("{arn} is a multi-Region key"))
            .with_fix("create a single-Region key: omit --key and cmek creates a correct one")
    } else {
        Check::pass("AWS-04", Severity::High, "key is single-Region")
    });

    out.push(region_check(region, &format!("{arn} is in {region}"), asked_region));

    if d.account != aws.account {
        out.push(
            Check::warn(
                "GEN-01",
                Severity::High,
                "your AWS credentials are for the key's account",
                match &aws.caller {
                    Some(c) => {
                        format!("signed in to account {} ({}) but the key is in {}", aws.account, c.arn, d.account)
                    }
                    None => format!("signed in to account {} but the key is in {}", aws.account, d.account),
                },
            )
            .with_fix(format!("use credentials for account {} (--aws-profile)", d.account)),
        );
    }

    if key.rotation_enabled == Some(false) {
        out.push(
            Check::warn("AWS-17", Severity::Low, "automatic key rotation is on", format!("rotation is off for {arn}"))
                .with_fix(format!(
                    "aws kms enable-key-rotation --key-id {arn} --region {region} (transparent to Anthropic)"
                )),
        );
    }
    out
}
