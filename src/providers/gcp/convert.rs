//! SDK values -> `model` facts, and the one model value sent back (an IAM policy). Enum values
//! become Google's names (`ENCRYPT_DECRYPT`, `HSM`, `ENABLED`) whichever form the wire used; an
//! unknown one keeps its name or number. Text from the service is sanitised.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cmek_core::model::gcp::{GcpBinding, GcpIamPolicy, GcpKeyFacts, GcpKeyRingFacts, GcpVersionFacts, VersionState};
use cmek_core::text::escape_controls;
use google_cloud_iam_v1::model::{Binding, Policy};
use google_cloud_kms_v1::model::{CryptoKey, CryptoKeyVersion, KeyRing};

fn clean(text: &str) -> String {
    escape_controls(text).into_owned()
}

/// An enum's name, else its number; `None` for the `*_UNSPECIFIED` value (or 0).
fn enum_name(name: Option<&str>, value: Option<i32>) -> Option<String> {
    match (name, value) {
        (_, Some(0)) => None,
        (Some(n), _) if n.ends_with("_UNSPECIFIED") => None,
        (Some(n), _) => Some(clean(n)),
        (None, Some(v)) => Some(v.to_string()),
        (None, None) => None,
    }
}

pub(crate) fn key_ring_facts(ring: &KeyRing, iam_policy: Option<GcpIamPolicy>) -> GcpKeyRingFacts {
    GcpKeyRingFacts { name: clean(&ring.name), iam_policy }
}

/// A key as `cryptoKeys.get` (or list) describes it; `versions` and `iam_policy` come from their
/// own calls.
pub(crate) fn key_facts(
    key: &CryptoKey,
    versions: Vec<GcpVersionFacts>,
    iam_policy: Option<GcpIamPolicy>,
) -> GcpKeyFacts {
    let template = key.version_template.as_ref();
    GcpKeyFacts {
        name: clean(&key.name),
        purpose: enum_name(key.purpose.name(), key.purpose.value()).unwrap_or_else(|| "UNSPECIFIED".to_string()),
        protection_level: template.and_then(|t| enum_name(t.protection_level.name(), t.protection_level.value())),
        algorithm: template.and_then(|t| enum_name(t.algorithm.name(), t.algorithm.value())),
        primary: key.primary.as_ref().map(version_facts),
        versions,
        labels: key.labels.iter().map(|(k, v)| (clean(k), clean(v))).collect::<BTreeMap<_, _>>(),
        rotation_period: key.rotation_period().map(|d| String::from(**d)),
        next_rotation_time: key.next_rotation_time.map(String::from),
        destroy_scheduled_duration: key.destroy_scheduled_duration.map(String::from),
        iam_policy,
    }
}

pub(crate) fn version_facts(version: &CryptoKeyVersion) -> GcpVersionFacts {
    let state_name = enum_name(version.state.name(), version.state.value())
        .unwrap_or_else(|| "CRYPTO_KEY_VERSION_STATE_UNSPECIFIED".into());
    GcpVersionFacts {
        name: clean(&version.name),
        state: VersionState::parse(&state_name),
        state_name,
        destroy_time: version.destroy_time.map(String::from),
    }
}

pub(crate) fn policy_facts(policy: &Policy) -> GcpIamPolicy {
    GcpIamPolicy {
        version: policy.version,
        etag: STANDARD.encode(&policy.etag),
        bindings: policy
            .bindings
            .iter()
            .map(|b| GcpBinding {
                role: clean(&b.role),
                members: b.members.iter().map(|m| clean(m)).collect(),
                condition: b.condition.as_ref().and_then(|c| serde_json::to_value(c).ok()),
            })
            .collect(),
    }
}

/// The policy to send to setIamPolicy: bindings, conditions and the etag exactly as given.
pub(crate) fn to_policy(policy: &GcpIamPolicy) -> Result<Policy, String> {
    let etag = STANDARD.decode(&policy.etag).map_err(|e| format!("the policy's etag is not base64 ({e})"))?;
    let bindings = policy
        .bindings
        .iter()
        .map(|b| {
            let mut binding = Binding::new().set_role(&b.role).set_members(&b.members);
            if let Some(condition) = &b.condition {
                binding.condition =
                    Some(serde_json::from_value(condition.clone()).map_err(|e| {
                        format!("the condition of a `{}` binding is not a CEL expression ({e})", b.role)
                    })?);
            }
            Ok(binding)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut out = Policy::new().set_version(policy.version).set_bindings(bindings);
    out.etag = etag.into();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_round_trips_with_its_condition_and_etag() {
        let policy = GcpIamPolicy {
            version: 3,
            etag: "BwYk1a2b3c4=".into(),
            bindings: vec![
                GcpBinding {
                    role: "roles/cloudkms.viewer".into(),
                    members: vec!["user:a@example.com".into()],
                    condition: None,
                },
                GcpBinding {
                    role: "roles/cloudkms.cryptoKeyEncrypterDecrypter".into(),
                    members: vec!["group:g@example.com".into()],
                    condition: Some(
                        serde_json::json!({"expression": "request.time < timestamp('2030-01-01T00:00:00Z')", "title": "until 2030"}),
                    ),
                },
            ],
        };
        let sdk = to_policy(&policy).unwrap();
        assert_eq!(policy_facts(&sdk), policy);
        assert!(to_policy(&GcpIamPolicy { etag: "not base64!".into(), ..policy }).is_err());
    }

    #[test]
    fn unspecified_enums_are_none_and_unknown_ones_keep_their_number() {
        assert_eq!(enum_name(Some("PROTECTION_LEVEL_UNSPECIFIED"), Some(0)), None);
        assert_eq!(enum_name(Some("HSM"), Some(2)), Some("HSM".into()));
        assert_eq!(enum_name(None, Some(42)), Some("42".into()));
    }
}
