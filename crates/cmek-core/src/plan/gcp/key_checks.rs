//! Checks on the key: purpose, algorithm and protection level (GCP-03) and rotation (GCP-11),
//! with its versions' checks (`versions.rs`). For a key this run creates, what it will be.

use crate::model::gcp::{GcpKeyFacts, GcpKeyName};
use crate::plan::{Check, Severity};

use super::answers::Protection;
use super::gcloud::{DAY, days, duration_secs, gcloud_key_flags, new_key_fix};
use super::steps::{ALGORITHM, PURPOSE, ROTATION_PERIOD_SECS};
use super::versions::{DEFAULT_DESTROY_SCHEDULED_SECS, destroy_window_check, older_versions_checks, primary_check};

/// Checks for an existing key.
pub(crate) fn existing_key_checks(key: &GcpKeyFacts, name: &GcpKeyName) -> Vec<Check> {
    let mut out = vec![purpose_check(key, name), protection_check(key, name), primary_check(key, name)];
    out.extend(older_versions_checks(key, name));
    out.push(destroy_window_check(key.destroy_scheduled_duration.as_deref(), name));
    out.push(rotation_check(key, name));
    out
}

/// Checks for the key this run creates (what it is created with).
pub(crate) fn new_key_checks(name: &GcpKeyName, protection: Protection) -> Vec<Check> {
    let level = match protection {
        Protection::Hsm => format!("the new key {} is HSM-protected (recommended)", name.key),
        Protection::Software => {
            format!("the new key {} is SOFTWARE-protected (accepted; HSM is recommended)", name.key)
        }
    };
    vec![
        Check::pass("GCP-03", Severity::High, format!("the new key {} is {PURPOSE} with {ALGORITHM}", name.key)),
        Check::pass("GCP-03", Severity::High, level),
        Check::pass(
            "GCP-04",
            Severity::Info,
            format!(
                "a destroyed version of the new key stays recoverable for {} days (Cloud KMS's default)",
                DEFAULT_DESTROY_SCHEDULED_SECS / DAY
            ),
        ),
        Check::pass(
            "GCP-11",
            Severity::Low,
            format!(
                "the new key {} rotates automatically every {} days ({}s)",
                name.key,
                ROTATION_PERIOD_SECS / DAY,
                ROTATION_PERIOD_SECS
            ),
        ),
    ]
}

fn purpose_check(key: &GcpKeyFacts, name: &GcpKeyName) -> Check {
    let title = format!("key {} is {PURPOSE} with {ALGORITHM}", name.key);
    let mut wrong = Vec::new();
    if key.purpose != PURPOSE {
        wrong.push(format!("its purpose is {}", key.purpose));
    }
    if let Some(algorithm) = key.algorithm.as_deref().filter(|a| *a != ALGORITHM) {
        wrong.push(format!("its algorithm is {algorithm}"));
    }
    if wrong.is_empty() {
        return Check::pass("GCP-03", Severity::High, title);
    }
    Check::fail(
        "GCP-03",
        Severity::High,
        title,
        format!("key {}: {}; a key's purpose cannot be changed", name.key, wrong.join(", ")),
    )
    .with_fix(new_key_fix(name))
}

fn protection_check(key: &GcpKeyFacts, name: &GcpKeyName) -> Check {
    let level = key.protection_level.as_deref();
    match level {
        Some("HSM") => {
            Check::pass("GCP-03", Severity::High, format!("key {} is HSM-protected (recommended)", name.key))
        }
        Some("SOFTWARE") => Check::pass(
            "GCP-03",
            Severity::High,
            format!("key {} is SOFTWARE-protected (accepted; HSM is recommended for new keys)", name.key),
        ),
        Some(external @ ("EXTERNAL" | "EXTERNAL_VPC")) => Check::fail(
            "GCP-03",
            Severity::High,
            format!("key {}'s protection level is HSM or SOFTWARE", name.key),
            format!(
                "key {} is {external}: its material lives in an external key manager, which Anthropic does not \
                 support; a key's protection level cannot be changed",
                name.key
            ),
        )
        .with_fix(new_key_fix(name)),
        other => Check::warn(
            "GCP-03",
            Severity::Medium,
            format!("key {}'s protection level is HSM or SOFTWARE", name.key),
            format!(
                "key {} reports protection level {}: Anthropic documents HSM (recommended) and SOFTWARE",
                name.key,
                other.unwrap_or("(none reported)")
            ),
        )
        .with_fix(format!(
            "check it: gcloud kms keys describe {} --format='value(versionTemplate.protectionLevel)'; if validation \
             fails, {}",
            gcloud_key_flags(name),
            new_key_fix(name)
        )),
    }
}

fn rotation_check(key: &GcpKeyFacts, name: &GcpKeyName) -> Check {
    match key.rotation_period.as_deref() {
        Some(period) => {
            let every = duration_secs(period).map(days).unwrap_or_else(|| period.to_string());
            Check::pass("GCP-11", Severity::Low, format!("key {} rotates automatically (every {every})", name.key))
        }
        None => Check::warn(
            "GCP-11",
            Severity::Low,
            format!("key {} rotates automatically", name.key),
            format!("key {} has no rotation period: its primary version never changes", name.key),
        )
        .with_fix(format!(
            "gcloud kms keys update {} --rotation-period 90d --next-rotation-time <a time, e.g. 90 days from now, in \
             RFC 3339> (rotation is transparent to Anthropic)",
            gcloud_key_flags(name)
        )),
    }
}
