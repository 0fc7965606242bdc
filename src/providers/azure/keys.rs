//! Key Vault keys through the official `KeyClient`: read a key's current version, create a CMEK
//! key (RSA, ops exactly wrapKey + unwrapKey). Key Vault answers the first request with a 401
//! challenge, which the client handles. Every call runs under the one retry policy (the client's
//! own retries are off); a create looks the key up before a retry.

use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError};

use azure_security_keyvault_keys::models::{CreateKeyParameters, Key, KeyOperation, KeyType};
use azure_security_keyvault_keys::{KeyClient, KeyClientOptions};

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::sdk_error::from_sdk;
use super::transport::{client_options, http_client};
use crate::retry;
use cmek_core::model::azure::{AzureKeyFacts, AzureKeyName, VaultUri};

/// What `create_key` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAzureKey {
    /// RSA modulus bits: 3072 or 4096 (Anthropic needs at least 3072).
    pub size: u32,
    /// `RSA-HSM` (Premium vaults) instead of `RSA`.
    pub hsm: bool,
    pub tags: BTreeMap<String, String>,
}

impl AzureProvider {
    /// The `KeyClient` for `vault` (the sandbox's port suffix and loopback resolution applied),
    /// made on first use and shared after: it keeps the audience the vault's challenge named.
    pub(crate) fn key_client(&self, operation: &'static str, vault: &VaultUri) -> Result<Arc<KeyClient>, AzureError> {
        let mut clients = self.key_clients.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = clients.get(vault.as_str()) {
            return Ok(client.clone());
        }
        let client = Arc::new(self.new_key_client(operation, vault)?);
        clients.insert(vault.as_str().to_string(), client.clone());
        Ok(client)
    }

    fn new_key_client(&self, operation: &'static str, vault: &VaultUri) -> Result<KeyClient, AzureError> {
        let host = vault.as_str().trim_start_matches("https://").to_string();
        let http = if self.settings.resolve_to_loopback.is_some() {
            http_client(&self.settings, &[host])?
        } else {
            self.http.clone()
        };
        let url = format!("{}{}", vault.as_str(), self.settings.endpoints.vault_suffix);
        let options = KeyClientOptions { client_options: client_options(&self.settings, &http), ..Default::default() };
        KeyClient::new(&url, self.credential.clone(), Some(options)).map_err(|e| from_sdk(operation, &e))
    }

    /// The key's current version; `Ok(None)` when the vault has no such key.
    pub async fn inspect_key(
        &self,
        vault: &VaultUri,
        name: &AzureKeyName,
    ) -> Result<Option<AzureKeyFacts>, AzureError> {
        let op = "keyvault:keys/get";
        let client = self.key_client(op, vault)?;
        retry::idempotent(op, || async {
            match client.get_key(name.as_str(), None).await {
                Ok(response) => {
                    let key = response.into_model().map_err(|e| from_sdk(op, &e))?;
                    Ok(Some(self.portless(key_facts(name, &key))))
                }
                Err(e) => {
                    let err = from_sdk(op, &e);
                    if err.kind == AzureErrorKind::NotFound { Ok(None) } else { Err(err) }
                }
            }
        })
        .await
    }

    /// Whether a deleted key named `name` waits in the vault's soft-delete bin (creating a key of
    /// that name then fails until it is recovered or purged). `Ok(false)` when Key Vault answers
    /// 404; other refusals (no `keys/get` permission, soft delete off) are errors.
    pub async fn deleted_key_exists(&self, vault: &VaultUri, name: &AzureKeyName) -> Result<bool, AzureError> {
        let op = "keyvault:deletedkeys/get";
        let client = self.key_client(op, vault)?;
        deleted_answer(
            retry::idempotent(op, || async {
                client.get_deleted_key(name.as_str(), None).await.map(|_| ()).map_err(|e| from_sdk(op, &e))
            })
            .await,
        )
    }

    /// Creates a key (or a new version of it) for CMEK.
    pub async fn create_key(
        &self,
        vault: &VaultUri,
        name: &AzureKeyName,
        new: &NewAzureKey,
    ) -> Result<AzureKeyFacts, AzureError> {
        let op = "keyvault:keys/create";
        if !matches!(new.size, 3072 | 4096) {
            return Err(AzureError::new(
                AzureErrorKind::InvalidInput,
                op,
                format!("RSA key size {} is not accepted for CMEK: use 3072 or 4096", new.size),
            ));
        }
        super::tags::check_count(op, new.tags.len())?;
        let parameters = CreateKeyParameters {
            kty: Some(if new.hsm { KeyType::RsaHsm } else { KeyType::Rsa }),
            key_size: Some(new.size.try_into().unwrap_or(3072)),
            key_ops: Some(vec![KeyOperation::WrapKey, KeyOperation::UnwrapKey]),
            tags: Some(new.tags.clone().into_iter().collect()),
            ..Default::default()
        };
        let client = self.key_client(op, vault)?;
        // A create whose answer was lost made the key (or a new version): look before sending it
        // again, which would add one more version.
        retry::created(
            op,
            || async {
                let content = parameters.clone().try_into().map_err(|e| from_sdk(op, &e))?;
                let key = client.create_key(name.as_str(), content, None).await.map_err(|e| from_sdk(op, &e))?;
                Ok(self.portless(key_facts(name, &key.into_model().map_err(|e| from_sdk(op, &e))?)))
            },
            || self.inspect_key(vault, name),
        )
        .await
    }

    /// The key id as Azure would name it: without the sandbox's port suffix (`:8443`), which the
    /// emulator echoes back from the request but is no part of the vault's URI.
    fn portless(&self, mut facts: AzureKeyFacts) -> AzureKeyFacts {
        let suffix = &self.settings.endpoints.vault_suffix;
        if !suffix.is_empty() {
            facts.kid = facts.kid.map(|kid| strip_suffix(&kid, suffix));
        }
        facts
    }
}

/// `https://host<suffix>/keys/..` -> `https://host/keys/..` (only right after the host).
fn strip_suffix(kid: &str, suffix: &str) -> String {
    let Some(rest) = kid.strip_prefix("https://") else { return kid.to_string() };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].strip_suffix(suffix) {
        Some(host) => format!("https://{host}{}", &rest[host_end..]),
        None => kid.to_string(),
    }
}

/// A deleted-key look-up's answer: found, not found (404), or an error to pass on.
fn deleted_answer(answer: Result<(), AzureError>) -> Result<bool, AzureError> {
    match answer {
        Ok(()) => Ok(true),
        Err(e) if e.kind == AzureErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The SDK's key to facts.
pub(crate) fn key_facts(name: &AzureKeyName, key: &Key) -> AzureKeyFacts {
    let jwk = key.key.as_ref();
    let kid = jwk.and_then(|k| k.kid.clone());
    let version = kid.as_deref().and_then(|k| k.trim_end_matches('/').rsplit('/').next()).map(str::to_string);
    let attributes = key.attributes.as_ref();
    AzureKeyFacts {
        name: name.to_string(),
        version,
        kid,
        kty: jwk.and_then(|k| k.kty.as_ref()).map(|t| t.to_string()),
        key_size: jwk.and_then(|k| k.n.as_ref()).and_then(|n| u32::try_from(n.len().saturating_mul(8)).ok()),
        key_ops: jwk.and_then(|k| k.key_ops.clone()).unwrap_or_default(),
        enabled: attributes.and_then(|a| a.enabled),
        not_before: attributes.and_then(|a| a.not_before).map(|t| t.unix_timestamp()),
        expires: attributes.and_then(|a| a.expires).map(|t| t.unix_timestamp()),
        tags: key.tags.clone().unwrap_or_default().into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_port_is_dropped_from_key_ids() {
        let kid = "https://cmek-sandbox.vault.azure.net:8443/keys/k/0123";
        assert_eq!(strip_suffix(kid, ":8443"), "https://cmek-sandbox.vault.azure.net/keys/k/0123");
        assert_eq!(
            strip_suffix("https://v.vault.azure.net/keys/k:8443", ":8443"),
            "https://v.vault.azure.net/keys/k:8443"
        );
    }

    #[test]
    fn a_deleted_key_look_up_reads_404_as_absent_and_passes_other_errors_on() {
        assert_eq!(deleted_answer(Ok(())), Ok(true));
        let not_found = AzureError::new(AzureErrorKind::NotFound, "keyvault:deletedkeys/get", "KeyNotFound");
        assert_eq!(deleted_answer(Err(not_found)), Ok(false));
        let refused = AzureError::new(
            AzureErrorKind::Forbidden(super::super::ForbiddenBy::Rbac),
            "keyvault:deletedkeys/get",
            "ForbiddenByRbac",
        );
        assert!(deleted_answer(Err(refused)).is_err());
    }
}
