//! A wrap/unwrap round trip with random bytes on a key's current version: proof that the caller
//! can use the key as Anthropic will (RSA-OAEP-256).

use azure_security_keyvault_keys::models::{EncryptionAlgorithm, KeyOperationParameters};

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::sdk_error::from_sdk;
use crate::retry;
use cmek_core::model::azure::{AzureKeyName, VaultUri};

impl AzureProvider {
    /// Wraps 32 random bytes and unwraps them again; an error names what refused.
    pub async fn wrap_unwrap_probe(&self, vault: &VaultUri, name: &AzureKeyName) -> Result<(), AzureError> {
        let op = "keyvault:keys/wrapKey";
        let client = self.key_client(op, vault)?;
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let params = |value: Vec<u8>| KeyOperationParameters {
            algorithm: Some(EncryptionAlgorithm::RsaOaep256),
            value: Some(value),
            ..Default::default()
        };
        let wrapped = retry::idempotent(op, || async {
            let content = params(secret.to_vec()).try_into().map_err(|e| from_sdk(op, &e))?;
            let wrapped = client.wrap_key(name.as_str(), content, None).await.map_err(|e| from_sdk(op, &e))?;
            wrapped.into_model().map_err(|e| from_sdk(op, &e))
        })
        .await?;
        let missing =
            |what: &str| AzureError::new(AzureErrorKind::Other, op, format!("wrapKey answered without {what}"));
        let ciphertext = wrapped.result.ok_or_else(|| missing("a result"))?;
        let kid = wrapped.kid.ok_or_else(|| missing("a key id"))?;
        let version = kid.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string();
        let op = "keyvault:keys/unwrapKey";
        let plain = retry::idempotent(op, || async {
            let content = params(ciphertext.clone()).try_into().map_err(|e| from_sdk(op, &e))?;
            let unwrapped =
                client.unwrap_key(name.as_str(), &version, content, None).await.map_err(|e| from_sdk(op, &e))?;
            Ok(unwrapped.into_model().map_err(|e| from_sdk(op, &e))?.result.unwrap_or_default())
        })
        .await?;
        if plain != secret {
            return Err(AzureError::new(
                AzureErrorKind::Other,
                op,
                "unwrapKey returned different bytes than were wrapped",
            ));
        }
        Ok(())
    }
}
