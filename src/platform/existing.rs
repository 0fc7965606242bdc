//! Recognises an object that a create request would have produced, so that a create whose
//! answer was lost is not sent twice (creates are not idempotent on the Admin API).
//!
//! Pure comparisons only; the client does the listing. Whether two provider configurations name
//! the same key is the cloud's to say (`cmek_core::clouds::same_key`): the caller passes it in.

use super::types::{CreateExternalKey, CreateWorkspace, ExternalKey, ProviderConfig, Workspace};

/// How two provider configurations are compared (the cloud's rule).
pub type SameKey = dyn Fn(&ProviderConfig, &ProviderConfig) -> bool + Sync;

/// Whether `existing` is the external key configuration `requested` describes: the same key at
/// the provider (by `same_key`) and the same user-profile binding.
pub fn is_same_external_key(requested: &CreateExternalKey, existing: &ExternalKey, same_key: &SameKey) -> bool {
    same_key(&requested.provider_config, &existing.provider_config)
        && requested.user_profile_id == existing.user_profile_id
}

/// Whether `existing` is the workspace `requested` would have created: a live workspace with
/// exactly that name.
pub fn is_same_workspace(requested: &CreateWorkspace, existing: &Workspace) -> bool {
    existing.archived_at.is_none() && existing.name == requested.name
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn the_user_profile_binding_must_match_too() {
        let config: ProviderConfig =
            serde_json::from_value(serde_json::json!({"type": "aws", "kms_arn": ARN})).unwrap();
        let requested =
            CreateExternalKey { provider_config: config, display_name: None, geo: None, user_profile_id: None };
        let existing: ExternalKey = serde_json::from_value(serde_json::json!({
            "id": "ekey_1", "type": "external_key", "attachment": {"type": "unattached"},
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "display_name": null, "geo": "us", "provider_config": {"type": "aws", "kms_arn": ARN},
            "user_profile_id": "uprof_1"
        }))
        .unwrap();
        let same = |a: &ProviderConfig, b: &ProviderConfig| a == b;
        assert!(!is_same_external_key(&requested, &existing, &same));
        let bound = CreateExternalKey { user_profile_id: Some("uprof_1".into()), ..requested };
        assert!(is_same_external_key(&bound, &existing, &same));
        assert!(!is_same_external_key(&bound, &existing, &|_, _| false), "the cloud's rule decides the key");
    }
}
