//! Key tags: setting tags REPLACES the whole set, so read, merge, check Key Vault's limit of 15
//! per key version, then write the merged set.

use std::collections::BTreeMap;

use azure_security_keyvault_keys::models::UpdateKeyPropertiesParameters;

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::sdk_error::from_sdk;
use crate::retry;
use cmek_core::model::azure::{AzureKeyName, VaultUri};

/// Key Vault's tag limit per key version.
pub const MAX_TAGS_PER_KEY: usize = 15;

pub(crate) fn check_count(op: &'static str, count: usize) -> Result<(), AzureError> {
    if count > MAX_TAGS_PER_KEY {
        return Err(AzureError::new(
            AzureErrorKind::InvalidInput,
            op,
            format!("the key would carry {count} tags; Key Vault allows {MAX_TAGS_PER_KEY}: remove unused tags first"),
        ));
    }
    Ok(())
}

impl AzureProvider {
    /// Adds `add` to the key's current tags (same name: the new value wins) and writes the whole
    /// set; returns it. Refused without writing when the result would exceed 15 tags.
    pub async fn merge_key_tags(
        &self,
        vault: &VaultUri,
        name: &AzureKeyName,
        add: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, AzureError> {
        let op = "keyvault:keys/update";
        check_count(op, add.len())?;
        let current = self.inspect_key(vault, name).await?.ok_or_else(|| {
            AzureError::new(AzureErrorKind::NotFound, op, format!("key `{name}` does not exist in {vault}"))
        })?;
        let mut merged = current.tags;
        merged.extend(add.iter().map(|(k, v)| (k.clone(), v.clone())));
        check_count(op, merged.len())?;
        let parameters =
            UpdateKeyPropertiesParameters { tags: Some(merged.clone().into_iter().collect()), ..Default::default() };
        let client = self.key_client(op, vault)?;
        // The whole tag set is written: sending it again is harmless.
        let key = retry::idempotent(op, || async {
            let content = parameters.clone().try_into().map_err(|e| from_sdk(op, &e))?;
            let updated =
                client.update_key_properties(name.as_str(), content, None).await.map_err(|e| from_sdk(op, &e))?;
            updated.into_model().map_err(|e| from_sdk(op, &e))
        })
        .await?;
        Ok(key.tags.unwrap_or_default().into_iter().collect())
    }
}
