//! Google Cloud facts shaped like the sandbox's default world (project `cmek-sandbox`, key ring
//! and key `anthropic-cmek` in us-central1, the API on, nothing created yet), and the existing
//! keys the planner's tests and other modules' start from.

use std::collections::BTreeMap;

use crate::model::OrgUuid;
use crate::model::gcp::{
    ENCRYPTER_DECRYPTER_ROLE, GcpBinding, GcpCallerIdentity, GcpIamPolicy, GcpKeyFacts, GcpKeyName, GcpKeyRingFacts,
    GcpVersionFacts, VIEWER_ROLE, VersionState,
};
use crate::plan::gcp::{GcpAnswers, GcpFacts};

pub const PROJECT: &str = "cmek-sandbox";
pub const LOCATION: &str = "us-central1";
pub const KEY_RING_NAME: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek";
pub const KEY_NAME: &str =
    "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";
/// The sandbox's organisation (`cmek-sandbox`'s seed, `wizard::test_data::ORG_ID`).
pub const ORG: &str = "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";
pub const ORG_NAME: &str = "Sandbox Organisation";
/// Its label on the key: 50 characters, lower case.
pub const ORG_LABEL: &str = "anthropic-org-5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";
/// Anthropic's published service account, in IAM member form.
pub const ANTHROPIC: &str =
    "serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com";
/// Who runs cmek in the sandbox.
pub const CALLER: &str = "user:admin@example.com";
pub const ETAG: &str = "BwYk1a2b3c4=";
/// 2026-12-22T09:00:00Z: when a version scheduled for destruction in these facts is gone.
pub const DESTROY_TIME: &str = "2026-12-22T09:00:00Z";

pub fn org() -> OrgUuid {
    ORG.parse().expect("the fixture's organisation uuid parses")
}

pub fn key_name() -> GcpKeyName {
    GcpAnswers::default_key(PROJECT).expect("the sandbox's project id parses")
}

pub fn caller() -> GcpCallerIdentity {
    GcpCallerIdentity {
        principal: Some(CALLER.into()),
        source: "gcloud application-default login".into(),
        project: Some(PROJECT.into()),
    }
}

/// The sandbox's default world: the API is on, no key ring, no key, no grant anywhere.
pub fn sandbox() -> GcpFacts {
    GcpFacts {
        caller: caller(),
        key_name: key_name(),
        api_disabled: None,
        key_ring: None,
        key: None,
        project_iam_policy: Some(project_policy()),
        vpc_service_controls: None,
        deny_policy: None,
        domain_restriction: None,
    }
}

/// The project's policy: the customer's owner and KMS admin, nothing for Anthropic.
pub fn project_policy() -> GcpIamPolicy {
    GcpIamPolicy {
        version: 1,
        etag: "BwYproject0=".into(),
        bindings: vec![
            binding("roles/owner", &[CALLER]),
            binding("roles/cloudkms.admin", &["group:kms-admins@example.com"]),
        ],
    }
}

pub fn binding(role: &str, members: &[&str]) -> GcpBinding {
    GcpBinding { role: role.into(), members: members.iter().map(|m| m.to_string()).collect(), condition: None }
}

/// A key ring that exists, with `bindings` in its policy.
pub fn key_ring(bindings: Vec<GcpBinding>) -> GcpKeyRingFacts {
    GcpKeyRingFacts {
        name: KEY_RING_NAME.into(),
        iam_policy: Some(GcpIamPolicy { version: 1, etag: "BwYring000=".into(), bindings }),
    }
}

pub fn version(n: u32, state: VersionState) -> GcpVersionFacts {
    let state_name = match state {
        VersionState::Enabled => "ENABLED",
        VersionState::Disabled => "DISABLED",
        VersionState::DestroyScheduled => "DESTROY_SCHEDULED",
        VersionState::Destroyed => "DESTROYED",
        VersionState::PendingGeneration => "PENDING_GENERATION",
        VersionState::Other => "IMPORT_FAILED",
    };
    GcpVersionFacts {
        name: format!("{KEY_NAME}/cryptoKeyVersions/{n}"),
        state,
        state_name: state_name.into(),
        destroy_time: (state == VersionState::DestroyScheduled).then(|| DESTROY_TIME.to_string()),
    }
}

/// The customer's own bindings on their key: an encrypter for their app, a conditional viewer.
pub fn customer_policy() -> GcpIamPolicy {
    GcpIamPolicy {
        version: 3,
        etag: ETAG.into(),
        bindings: vec![
            binding(ENCRYPTER_DECRYPTER_ROLE, &["serviceAccount:app@cmek-sandbox.iam.gserviceaccount.com"]),
            GcpBinding {
                role: VIEWER_ROLE.into(),
                members: vec!["group:kms-readers@example.com".into()],
                condition: Some(serde_json::json!({
                    "title": "office hours",
                    "expression": "request.time.getHours('Europe/London') < 18"
                })),
            },
        ],
    }
}

/// A customer's existing key: HSM, one enabled version, rotated, their labels and bindings,
/// nothing for Anthropic yet.
pub fn existing_key() -> GcpKeyFacts {
    GcpKeyFacts {
        name: KEY_NAME.into(),
        purpose: "ENCRYPT_DECRYPT".into(),
        protection_level: Some("HSM".into()),
        algorithm: Some("GOOGLE_SYMMETRIC_ENCRYPTION".into()),
        primary: Some(version(1, VersionState::Enabled)),
        versions: vec![version(1, VersionState::Enabled)],
        labels: BTreeMap::from([("cost-center".into(), "4711".into()), ("team".into(), "payments".into())]),
        rotation_period: Some("7776000s".into()),
        next_rotation_time: Some("2027-02-20T09:00:00Z".into()),
        destroy_scheduled_duration: Some("2592000s".into()),
        iam_policy: Some(customer_policy()),
    }
}

/// What a successful run leaves on the key: the label and both bindings.
pub fn good_key() -> GcpKeyFacts {
    let mut key = existing_key();
    key.labels.insert(ORG_LABEL.into(), "true".into());
    key.iam_policy = key.iam_policy.map(|p| p.with_member(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], ANTHROPIC));
    key
}

/// The sandbox with `key` in an existing key ring (no grant on the ring).
pub fn with_key(key: GcpKeyFacts) -> GcpFacts {
    GcpFacts { key_ring: Some(key_ring(Vec::new())), key: Some(key), ..sandbox() }
}

/// What a successful run leaves: the key ring, the labelled key, Anthropic's two bindings on it.
pub fn converged() -> GcpFacts {
    with_key(good_key())
}
