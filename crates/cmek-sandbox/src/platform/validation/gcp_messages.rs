//! Every sentence Google Cloud KMS validation can fail with, in one place.
//!
//! One line each, naming the key (`projects/P/locations/L/keyRings/R/cryptoKeys/K`). Each starts
//! with Google's own status or ErrorInfo reason (`SERVICE_DISABLED:`, `SECURITY_POLICY_VIOLATED:`,
//! `PERMISSION_DENIED:`, `NOT_FOUND:`, `FAILED_PRECONDITION:`) followed by Google's message, or
//! with a stable cause for what validation itself checks (`UnsupportedLocation:`,
//! `WrongPurpose:`, `UnsupportedProtectionLevel:`, `PrimaryVersionUnusable:`, `OrgLabelMissing:`,
//! `RoundTripMismatch:`, `Timeout:`), because `doctor` maps them to GCP ids: change a prefix only
//! with it.

use std::time::Duration;

use cmek_core::identities;

/// The parts of a key name, for the gcloud commands the sentences suggest.
struct Parts<'a> {
    project: &'a str,
    location: &'a str,
    ring: &'a str,
    key: &'a str,
}

fn parts(key_name: &str) -> Parts<'_> {
    let p: Vec<&str> = key_name.split('/').collect();
    let at = |i: usize| p.get(i).copied().unwrap_or("?");
    Parts { project: at(1), location: at(3), ring: at(5), key: at(7) }
}

fn gcloud_key_flags(key_name: &str) -> String {
    let p = parts(key_name);
    format!("--keyring {} --location {} --project {}", p.ring, p.location, p.project)
}

fn service_account() -> String {
    identities::published().gcp.service_account.clone()
}

/// Google's messages can span lines; a sentence is one line.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

fn ends_with_stop(text: &str) -> String {
    let t = one_line(text);
    if t.ends_with('.') { t } else { format!("{t}.") }
}

pub fn no_gcp_endpoint(key_name: &str) -> String {
    format!("NotSupported: this sandbox has no Google Cloud KMS endpoint to validate {key_name} against.")
}

pub fn timeout(key_name: &str, limit: Duration) -> String {
    format!(
        "Timeout: validation timed out: the encrypt/decrypt round trip with {key_name} did not finish within {} s; \
         Cloud KMS did not answer in time.",
        limit.as_secs_f64()
    )
}

pub fn bad_key_name(key_name: &str) -> String {
    format!(
        "InvalidKeyName: {key_name} is not a Cloud KMS key name; expected \
         projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>."
    )
}

/// The Cloud KMS API is off in the key's project (ErrorInfo reason SERVICE_DISABLED).
pub fn service_disabled(key_name: &str, google: &str) -> String {
    format!(
        "SERVICE_DISABLED: {} The Cloud KMS API is disabled in project {}, which holds {key_name}: `gcloud services \
         enable cloudkms.googleapis.com --project {}`.",
        ends_with_stop(google),
        parts(key_name).project,
        parts(key_name).project
    )
}

/// A VPC Service Controls perimeter refused Anthropic (ErrorInfo reason SECURITY_POLICY_VIOLATED).
pub fn vpc_service_controls(key_name: &str, google: &str) -> String {
    format!(
        "SECURITY_POLICY_VIOLATED: {} A VPC Service Controls perimeter around project {} refuses Anthropic's service \
         account {} calling cloudkms.googleapis.com for {key_name}: add an ingress rule (or access level) admitting it.",
        ends_with_stop(google),
        parts(key_name).project,
        service_account()
    )
}

/// IAM refused Anthropic a permission (no binding, or an IAM deny policy).
pub fn permission_denied(key_name: &str, google: &str) -> String {
    let sa = service_account();
    format!(
        "PERMISSION_DENIED: {} Anthropic's service account {sa} needs roles/cloudkms.cryptoKeyEncrypterDecrypter and \
         roles/cloudkms.viewer on the key itself: `gcloud kms keys add-iam-policy-binding {} {} --member {sa} --role \
         roles/cloudkms.cryptoKeyEncrypterDecrypter` (and the same with roles/cloudkms.viewer); if both are granted, \
         an IAM deny policy refuses them.",
        ends_with_stop(google),
        parts(key_name).key,
        gcloud_key_flags(key_name)
    )
}

pub fn not_found(key_name: &str, google: &str) -> String {
    format!("NOT_FOUND: {} Check provider_config.key_name ({key_name}).", ends_with_stop(google))
}

/// Any other refusal or failure, with Google's status (or a local cause) and message.
pub fn call_failed(cause: &str, operation: &str, key_name: &str, message: &str) -> String {
    format!("{cause}: {operation} on {key_name} failed: {}", ends_with_stop(message))
}

pub fn unsupported_location(key_name: &str, location: &str) -> String {
    let supported = identities::published().regions.gcp.join(", ");
    format!(
        "UnsupportedLocation: {key_name} is in location '{location}'; Anthropic supports key rings in a single US \
         region (such as {supported}), not multi-regions (us, nam*), global or regions outside the US: create a key \
         ring in a supported region and a new key there."
    )
}

pub fn wrong_purpose(key_name: &str, purpose: &str, algorithm: &str) -> String {
    format!(
        "WrongPurpose: {key_name} has purpose {purpose} (algorithm {algorithm}), which is not supported: Anthropic \
         needs purpose ENCRYPT_DECRYPT (GOOGLE_SYMMETRIC_ENCRYPTION); a key's purpose cannot change, create a new key."
    )
}

pub fn unsupported_protection(key_name: &str, level: &str) -> String {
    format!(
        "UnsupportedProtectionLevel: {key_name} has protection level {level}; Anthropic supports HSM (recommended) \
         and SOFTWARE keys, not EXTERNAL or EXTERNAL_VPC: create a new key."
    )
}

pub fn no_primary(key_name: &str) -> String {
    format!(
        "PrimaryVersionUnusable: {key_name} has no primary version: create one with `gcloud kms keys versions create \
         --key {} {} --primary`.",
        parts(key_name).key,
        gcloud_key_flags(key_name)
    )
}

/// The primary version is not ENABLED (`state` is Google's name for it), in Google's own words
/// ("... is not enabled, current state is: DISABLED."), which doctor reads.
pub fn primary_unusable(key_name: &str, version: &str, state: &str) -> String {
    let n = version.rsplit('/').next().unwrap_or(version);
    let flags = format!("--key {} {}", parts(key_name).key, gcloud_key_flags(key_name));
    let fix = match state {
        "DISABLED" => format!("enable it: `gcloud kms keys versions enable {n} {flags}`"),
        "DESTROY_SCHEDULED" => format!(
            "restore it before its destroy time, then enable it: `gcloud kms keys versions restore {n} {flags}` and \
             `gcloud kms keys versions enable {n} {flags}`"
        ),
        "DESTROYED" => format!(
            "a destroyed version cannot come back (data encrypted with it is lost): create a new primary with `gcloud \
             kms keys versions create {flags} --primary`"
        ),
        _ => format!(
            "wait until it is ENABLED, or make an ENABLED version primary (`gcloud kms keys set-primary-version {flags} --version <n>`)"
        ),
    };
    format!(
        "PrimaryVersionUnusable: {version} is not enabled, current state is: {state}. It is the primary version of {key_name}: {fix}."
    )
}

pub fn org_label(key_name: &str, org_id: &str, found: Option<&str>) -> String {
    let label = format!("anthropic-org-{org_id}");
    let seen = match found {
        Some(value) => format!("it is {label}={value}"),
        None => "it has no such label".to_string(),
    };
    format!(
        "OrgLabelMissing: {key_name} must carry the label {label}=true ({seen}): `gcloud kms keys update {} {} \
         --update-labels={label}=true`.",
        parts(key_name).key,
        gcloud_key_flags(key_name)
    )
}

pub fn round_trip_mismatch(key_name: &str) -> String {
    format!("RoundTripMismatch: decrypting what {key_name} encrypted returned different bytes.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

    #[test]
    fn sentences_start_with_their_cause_and_carry_the_fix() {
        let s = service_disabled(
            KEY,
            "Cloud Key Management Service (KMS) API has not been used in project 1 before or it is disabled.",
        );
        assert!(s.starts_with("SERVICE_DISABLED: Cloud Key Management Service (KMS) API has not been used"), "{s}");
        assert!(s.contains("gcloud services enable cloudkms.googleapis.com --project cmek-sandbox"), "{s}");
        let p = permission_denied(
            KEY,
            "Permission 'cloudkms.cryptoKeys.get' denied on resource 'x' (or it may not exist).",
        );
        assert!(p.starts_with("PERMISSION_DENIED: Permission 'cloudkms.cryptoKeys.get' denied"), "{p}");
        assert!(p.contains("--keyring anthropic-cmek --location us-central1 --project cmek-sandbox"), "{p}");
        let d = primary_unusable(KEY, &format!("{KEY}/cryptoKeyVersions/1"), "DESTROY_SCHEDULED");
        assert!(d.contains("gcloud kms keys versions restore 1 --key anthropic-cmek"), "{d}");
        assert!(org_label(KEY, "o1", None).contains("--update-labels=anthropic-org-o1=true"));
        assert!(unsupported_location(KEY, "us").starts_with("UnsupportedLocation:"));
        assert!(!timeout(KEY, Duration::from_secs(30)).contains('\n'));
        assert!(!one_line("a\r\nb").contains('\n'));
    }
}
