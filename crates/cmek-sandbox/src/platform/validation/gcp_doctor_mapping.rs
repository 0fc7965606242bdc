//! The sentences the sandbox's Google Cloud KMS validation produces, verbatim, are the ones doctor
//! maps to its GCP ids: the emulator and the diagnosis must not drift apart.

use std::time::Duration;

use cmek_core::doctor::gcp::validation_text::causes;

use super::gcp_messages as say;

const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

fn ids(text: &str) -> Vec<&'static str> {
    causes(text).into_iter().map(|c| c.id).collect()
}

#[test]
fn each_maps_to_its_gcp_id() {
    let disabled = "Cloud Key Management Service (KMS) API has not been used in project 418627350923 before or it \
                    is disabled. Enable it by visiting https://console.developers.google.com/apis/api/cloudkms.googleapis.com/overview?project=418627350923 then retry.";
    assert_eq!(ids(&say::service_disabled(KEY, disabled)), ["GCP-01"]);
    let vpc = "Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: ABC123";
    assert_eq!(ids(&say::vpc_service_controls(KEY, vpc)), ["GCP-08"]);
    let get = format!("Permission 'cloudkms.cryptoKeys.get' denied on resource '{KEY}' (or it may not exist).");
    assert_eq!(ids(&say::permission_denied(KEY, &get)), ["GCP-06"]);
    let encrypt = format!(
        "Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '{KEY}' (or it may not exist)."
    );
    assert_eq!(ids(&say::permission_denied(KEY, &encrypt)), ["GCP-06"]);
    assert_eq!(ids(&say::unsupported_location(KEY, "us")), ["GCP-02"]);
    assert_eq!(ids(&say::wrong_purpose(KEY, "ASYMMETRIC_DECRYPT", "RSA_DECRYPT_OAEP_3072_SHA256")), ["GCP-03"]);
    assert_eq!(ids(&say::unsupported_protection(KEY, "EXTERNAL")), ["GCP-03"]);
    let version = format!("{KEY}/cryptoKeyVersions/1");
    for state in ["DISABLED", "DESTROY_SCHEDULED", "DESTROYED"] {
        assert_eq!(ids(&say::primary_unusable(KEY, &version, state)), ["GCP-04"], "{state}");
    }
    let failed = format!("{version} is not enabled, current state is: DISABLED.");
    assert_eq!(ids(&say::call_failed("FAILED_PRECONDITION", "cloudkms.cryptoKeys.encrypt", KEY, &failed)), ["GCP-04"]);
    assert_eq!(ids(&say::org_label(KEY, "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d", None)), ["GCP-09"]);
    assert_eq!(ids(&say::not_found(KEY, &format!("CryptoKey {KEY} not found."))), ["ANT-13"]);
    assert_eq!(ids(&say::timeout(KEY, Duration::from_secs(30))), ["ANT-07"]);
}

#[test]
fn the_fixes_name_the_key_and_version_in_the_text() {
    let fix =
        |text: &str, id: &str| causes(text).into_iter().find(|c| c.id == id).and_then(|c| c.fix).unwrap_or_default();
    let version = format!("{KEY}/cryptoKeyVersions/1");
    let restore = fix(&say::primary_unusable(KEY, &version, "DESTROY_SCHEDULED"), "GCP-04");
    assert!(restore.contains("restore") && restore.contains("anthropic-cmek") && restore.contains('1'), "{restore}");
    let disabled =
        "Cloud Key Management Service (KMS) API has not been used in project 418627350923 before or it is disabled.";
    let enable = fix(&say::service_disabled(KEY, disabled), "GCP-01");
    assert!(enable.contains("cloudkms.googleapis.com") && enable.contains("cmek-sandbox"), "{enable}");
}
