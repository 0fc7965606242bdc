//! ARM's soft-deleted vaults (`deletedVaults`): where a vault named for a run, or registered on
//! the platform, is when it no longer lists (AZ-12: recoverable until its purge date).

use serde_json::Value;

use super::AzureProvider;
use super::error::AzureError;
use super::rest::query_value;
use super::settings::ARM_SCOPE;
use super::vaults::VAULTS_API;
use cmek_core::model::azure::DeletedVaultFacts;

impl AzureProvider {
    /// Every soft-deleted vault in the subscription (needs `Microsoft.KeyVault/deletedVaults/read`).
    pub async fn deleted_vaults(&self) -> Result<Vec<DeletedVaultFacts>, AzureError> {
        let subscription = self.subscription().await?;
        let path = format!("/subscriptions/{}/providers/Microsoft.KeyVault/deletedVaults", query_value(&subscription));
        let url = self.arm_url(&path, VAULTS_API);
        let listed = self.get_all_pages("arm:deletedVaults/list", &url, ARM_SCOPE).await?;
        Ok(listed.iter().map(deleted_vault_facts).collect())
    }
}

/// ARM's `Microsoft.KeyVault/deletedVaults` JSON to facts; absent values stay `None`.
fn deleted_vault_facts(v: &Value) -> DeletedVaultFacts {
    let p = &v["properties"];
    let text = |x: &Value| x.as_str().map(str::to_string);
    DeletedVaultFacts {
        name: text(&v["name"]).unwrap_or_default(),
        vault_id: text(&p["vaultId"]).unwrap_or_default(),
        location: text(&p["location"]).unwrap_or_default(),
        deletion_date: text(&p["deletionDate"]),
        scheduled_purge_date: text(&p["scheduledPurgeDate"]),
        purge_protection: p["purgeProtectionEnabled"].as_bool(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_azures_wire_shape() {
        let facts = deleted_vault_facts(&json!({
            "id": "/subscriptions/s/providers/Microsoft.KeyVault/locations/eastus2/deletedVaults/kv1",
            "name": "kv1",
            "type": "Microsoft.KeyVault/deletedVaults",
            "properties": {
                "vaultId": "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1",
                "location": "eastus2",
                "deletionDate": "2026-11-01T10:00:00Z",
                "scheduledPurgeDate": "2027-01-30T10:00:00Z",
                "tags": {},
                "purgeProtectionEnabled": true
            }
        }));
        assert_eq!(facts.name, "kv1");
        assert_eq!(facts.resource_group().as_deref(), Some("rg1"));
        assert_eq!(facts.scheduled_purge_date.as_deref(), Some("2027-01-30T10:00:00Z"));
        assert_eq!(facts.purge_protection, Some(true));
        assert_eq!(deleted_vault_facts(&json!({})).deletion_date, None);
    }
}
