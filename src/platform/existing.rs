//! Recognises an object that a create request would have produced, so that a create whose
//! answer was lost is not sent twice (creates are not idempotent on the Admin API).
//!
//! Pure comparisons only; the client does the listing.

use super::types::{CreateExternalKey, CreateWorkspace, ExternalKey, ProviderConfig, Workspace};

/// Whether `existing` is the external key configuration `requested` describes: the same key at
/// the provider and the same user-profile binding.
pub fn is_same_external_key(requested: &CreateExternalKey, existing: &ExternalKey) -> bool {
    names_same_key(&requested.provider_config, &existing.provider_config)
        && requested.user_profile_id == existing.user_profile_id
}

/// Whether two provider configurations name the same key. Fields the platform may fill in
/// when they were not sent (the AWS region) only count when both sides have them; host names
/// and ids that are case-insensitive (Azure vault URI, tenant and client ids) compare so.
pub fn names_same_key(requested: &ProviderConfig, existing: &ProviderConfig) -> bool {
    match (requested, existing) {
        (ProviderConfig::Aws(want), ProviderConfig::Aws(have)) => {
            want.kms_arn == have.kms_arn
                && match (&want.region, &have.region) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                }
        }
        (ProviderConfig::Gcp(want), ProviderConfig::Gcp(have)) => want.key_name == have.key_name,
        (ProviderConfig::Azure(want), ProviderConfig::Azure(have)) => {
            same_vault_uri(&want.vault_uri, &have.vault_uri)
                && want.key_name == have.key_name
                && want.tenant_id.eq_ignore_ascii_case(&have.tenant_id)
                && match (&want.client_id, &have.client_id) {
                    (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
                    (None, None) => true,
                    _ => false,
                }
        }
        _ => false,
    }
}

fn same_vault_uri(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// Whether `existing` is the workspace `requested` would have created: a live workspace with
/// exactly that name.
pub fn is_same_workspace(requested: &CreateWorkspace, existing: &Workspace) -> bool {
    existing.archived_at.is_none() && existing.name == requested.name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::types::{AwsKeyConfig, AzureKeyConfig, GcpKeyConfig};

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn aws(arn: &str, region: Option<&str>) -> ProviderConfig {
        ProviderConfig::Aws(AwsKeyConfig { kms_arn: arn.into(), region: region.map(str::to_owned) })
    }

    fn azure(uri: &str, tenant: &str, client: Option<&str>) -> ProviderConfig {
        ProviderConfig::Azure(AzureKeyConfig {
            vault_uri: uri.into(),
            key_name: "cmek".into(),
            tenant_id: tenant.into(),
            client_id: client.map(str::to_owned),
        })
    }

    #[test]
    fn aws_keys_match_on_the_arn_and_a_region_only_when_both_have_one() {
        assert!(names_same_key(&aws(ARN, None), &aws(ARN, Some("us-east-2"))));
        assert!(names_same_key(&aws(ARN, Some("us-east-2")), &aws(ARN, Some("us-east-2"))));
        assert!(!names_same_key(&aws(ARN, Some("us-west-2")), &aws(ARN, Some("us-east-2"))));
        assert!(!names_same_key(&aws(ARN, None), &aws(&ARN.replace("1234abcd", "9999abcd"), None)));
    }

    #[test]
    fn different_providers_never_match() {
        let gcp = ProviderConfig::Gcp(GcpKeyConfig { key_name: ARN.into() });
        assert!(!names_same_key(&aws(ARN, None), &gcp));
        assert!(names_same_key(&gcp, &gcp.clone()));
    }

    #[test]
    fn azure_keys_compare_hosts_and_ids_case_insensitively() {
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let want = azure("https://vault.vault.azure.net", tenant, None);
        assert!(names_same_key(&want, &azure("https://Vault.vault.azure.net/", &tenant.to_uppercase(), None)));
        assert!(!names_same_key(&want, &azure("https://other.vault.azure.net", tenant, None)));
        assert!(!names_same_key(&want, &azure("https://vault.vault.azure.net", tenant, Some("app"))));
    }

    #[test]
    fn the_user_profile_binding_must_match_too() {
        let requested =
            CreateExternalKey { provider_config: aws(ARN, None), display_name: None, geo: None, user_profile_id: None };
        let existing: ExternalKey = serde_json::from_value(serde_json::json!({
            "id": "ekey_1", "type": "external_key", "attachment": {"type": "unattached"},
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "display_name": null, "geo": "us", "provider_config": {"type": "aws", "kms_arn": ARN},
            "user_profile_id": "uprof_1"
        }))
        .unwrap();
        assert!(!is_same_external_key(&requested, &existing));
        let bound = CreateExternalKey { user_profile_id: Some("uprof_1".into()), ..requested };
        assert!(is_same_external_key(&bound, &existing));
    }
}
