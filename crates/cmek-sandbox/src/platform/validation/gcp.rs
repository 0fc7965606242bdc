//! The Google Cloud KMS validation steps (platform-api.md, section 8), as Anthropic's published
//! service account: read the key (cloudkms.cryptoKeys.get: roles/cloudkms.viewer), check its
//! location, purpose, protection level, primary version and organisation label, then an encrypt
//! + decrypt round trip of fresh random bytes with the encryption context as AAD.
//!
//! Who may call is decided by the emulator, not here: the API enabled, VPC Service Controls, IAM
//! deny and allow policies (inherited from the key ring and project, as Google does). Each
//! refusal becomes one sentence from `gcp_messages`; the calls are `cloud_kms_calls`.

use serde_json::Value;

use super::super::config::GcpBackend;
use super::Target;
use super::cloud_kms_calls::{CloudKmsCalls, CloudKmsFailure};
use super::gcp_messages as say;
use super::messages::context_text;
use crate::gcp::names::CryptoKeyName;

pub async fn validate(backend: &GcpBackend, key_name: &str, target: &Target) -> Result<(), String> {
    let name = CryptoKeyName::parse(key_name).ok_or_else(|| say::bad_key_name(key_name))?;
    let calls = CloudKmsCalls::new(backend).map_err(|e| refused(key_name, &e))?;
    let key = calls.get_key(key_name).await.map_err(|e| refused(key_name, &e))?;
    check_key(&key, key_name, &name.ring.parent.location, &target.org_id)?;
    let mut probe = [0u8; 32];
    rand::fill(&mut probe);
    let aad = context_text(&target.context());
    let ciphertext = calls.encrypt(key_name, &probe, aad.as_bytes()).await.map_err(|e| refused(key_name, &e))?;
    let plaintext = calls.decrypt(key_name, &ciphertext, aad.as_bytes()).await.map_err(|e| refused(key_name, &e))?;
    if plaintext != probe {
        return Err(say::round_trip_mismatch(key_name));
    }
    Ok(())
}

/// A single US region (`us-*`): not `us`, `global`, `nam*` or anywhere outside the US.
fn supported_location(location: &str) -> bool {
    location.starts_with("us-")
}

/// Location, purpose, protection level, primary version state, organisation label: in that order.
pub(super) fn check_key(key: &Value, key_name: &str, location: &str, org_id: &str) -> Result<(), String> {
    if !supported_location(location) {
        return Err(say::unsupported_location(key_name, location));
    }
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let purpose = text(&key["purpose"]);
    if purpose != "ENCRYPT_DECRYPT" {
        return Err(say::wrong_purpose(key_name, &purpose, &text(&key["versionTemplate"]["algorithm"])));
    }
    let level = text(&key["versionTemplate"]["protectionLevel"]);
    if matches!(level.as_str(), "EXTERNAL" | "EXTERNAL_VPC") {
        return Err(say::unsupported_protection(key_name, &level));
    }
    let primary = &key["primary"];
    if !primary.is_object() {
        return Err(say::no_primary(key_name));
    }
    let state = text(&primary["state"]);
    if state != "ENABLED" {
        return Err(say::primary_unusable(key_name, &text(&primary["name"]), &state));
    }
    let label = format!("anthropic-org-{org_id}");
    match key["labels"][label.as_str()].as_str() {
        Some("true") => Ok(()),
        other => Err(say::org_label(key_name, org_id, other)),
    }
}

/// A refused or failed call, as the sentence Anthropic's validation reports.
fn refused(key_name: &str, e: &CloudKmsFailure) -> String {
    match (e.reason.as_deref(), e.status.as_deref()) {
        (Some("SERVICE_DISABLED"), _) => say::service_disabled(key_name, &e.message),
        (Some("SECURITY_POLICY_VIOLATED"), _) => say::vpc_service_controls(key_name, &e.message),
        (_, Some("PERMISSION_DENIED")) => say::permission_denied(key_name, &e.message),
        (_, Some("NOT_FOUND")) => say::not_found(key_name, &e.message),
        (_, Some(status)) => say::call_failed(status, e.operation, key_name, &e.message),
        (_, None) => say::call_failed("CloudKmsUnreachable", e.operation, key_name, &e.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";
    const ORG: &str = "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";

    fn key() -> Value {
        json!({
            "name": KEY,
            "purpose": "ENCRYPT_DECRYPT",
            "versionTemplate": {"protectionLevel": "HSM", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"},
            "primary": {"name": format!("{KEY}/cryptoKeyVersions/1"), "state": "ENABLED"},
            "labels": {format!("anthropic-org-{ORG}"): "true", "team": "payments"},
        })
    }

    fn check(k: &Value, location: &str) -> Result<(), String> {
        check_key(k, KEY, location, ORG)
    }

    #[test]
    fn each_problem_has_its_sentence() {
        assert_eq!(check(&key(), "us-central1"), Ok(()));
        assert_eq!(check(&key(), "us-east5"), Ok(()));
        for bad in ["us", "global", "nam4", "europe-west1"] {
            assert!(check(&key(), bad).unwrap_err().starts_with("UnsupportedLocation:"), "{bad}");
        }
        let mut k = key();
        k["purpose"] = json!("ASYMMETRIC_DECRYPT");
        assert!(check(&k, "us-central1").unwrap_err().starts_with("WrongPurpose:"));
        let mut k = key();
        k["versionTemplate"]["protectionLevel"] = json!("EXTERNAL");
        assert!(check(&k, "us-central1").unwrap_err().starts_with("UnsupportedProtectionLevel:"));
        let mut k = key();
        k["primary"]["state"] = json!("DISABLED");
        let e = check(&k, "us-central1").unwrap_err();
        assert!(e.starts_with("PrimaryVersionUnusable:") && e.contains("current state is: DISABLED"), "{e}");
        let mut k = key();
        k.as_object_mut().unwrap().remove("primary");
        assert!(check(&k, "us-central1").unwrap_err().starts_with("PrimaryVersionUnusable:"));
        let mut k = key();
        k["labels"] = json!({"team": "payments"});
        assert!(check(&k, "us-central1").unwrap_err().starts_with("OrgLabelMissing:"));
    }

    #[test]
    fn refusals_keep_googles_cause_first() {
        let failure = |status: &str, reason: &str| CloudKmsFailure {
            operation: "cloudkms.cryptoKeys.get",
            http: Some(403),
            status: Some(status.into()),
            reason: Some(reason.into()),
            message: "m".into(),
        };
        assert!(refused(KEY, &failure("PERMISSION_DENIED", "SERVICE_DISABLED")).starts_with("SERVICE_DISABLED: m."));
        assert!(
            refused(KEY, &failure("PERMISSION_DENIED", "SECURITY_POLICY_VIOLATED"))
                .starts_with("SECURITY_POLICY_VIOLATED:")
        );
        assert!(refused(KEY, &failure("PERMISSION_DENIED", "IAM_PERMISSION_DENIED")).starts_with("PERMISSION_DENIED:"));
        assert!(refused(KEY, &failure("NOT_FOUND", "NOT_FOUND")).starts_with("NOT_FOUND:"));
        assert!(refused(KEY, &failure("FAILED_PRECONDITION", "x")).starts_with("FAILED_PRECONDITION: cloudkms"));
    }
}
