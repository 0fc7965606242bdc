//! The validator's Key Vault calls (get the key, wrapKey + unwrapKey) as Anthropic's app, through
//! the official `KeyClient` signed in by the official `ClientSecretCredential` with the app's
//! client secret in the registered tenant, over TLS to the Azure emulator (its CA trusted, the
//! Azure host names resolved to its loopback port).
//!
//! There is no credential chain: the only identity these calls can be made as is Anthropic's
//! app, so a success is always Anthropic's. Nothing is read from this process's environment.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::Secret;
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use azure_security_keyvault_keys::models::{EncryptionAlgorithm, Key, KeyOperationParameters};
use azure_security_keyvault_keys::{KeyClient, KeyClientOptions};
use secrecy::ExposeSecret;

use super::super::config::AzureBackend;
use super::key_vault_failure::{KeyVaultFailure, KeyVaultFailureKind, from_sdk};
use cmek_core::model::azure::{AzureKeyFacts, AzureKeyName, VaultUri};

const GET: &str = "keyvault:keys/get";
const WRAP: &str = "keyvault:keys/wrapKey";
const UNWRAP: &str = "keyvault:keys/unwrapKey";
/// The operation name set-up failures (CA, HTTP client, credential) are reported under.
const SETTINGS: &str = "azure:settings";

/// A `KeyClient` for one vault, as Anthropic's app in one tenant.
pub struct KeyVaultCalls {
    client: KeyClient,
}

impl KeyVaultCalls {
    /// Builds the client; makes no call (the first call signs in after Key Vault's 401 challenge).
    pub fn new(backend: &AzureBackend, tenant: &str, vault: &VaultUri) -> Result<Self, KeyVaultFailure> {
        let vault_host = vault.as_str().trim_start_matches("https://").trim_end_matches('/').to_string();
        let http = http_client(backend, &vault_host)?;
        let options = || {
            let mut cloud = CustomConfiguration::default();
            cloud.authority_host = backend.authority.clone();
            ClientOptions {
                transport: Some(Transport::new(Arc::new(http.clone()))),
                cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
                ..Default::default()
            }
        };
        let credential = ClientSecretCredential::new(
            tenant,
            backend.anthropic_client_id.clone(),
            Secret::new(backend.anthropic_client_secret.expose_secret().to_string()),
            Some(ClientSecretCredentialOptions { client_options: options() }),
        )
        .map_err(|e| from_sdk(SETTINGS, &e))?;
        let url = format!("{}{}", vault.as_str(), backend.vault_suffix);
        let key_options = KeyClientOptions { client_options: options(), ..Default::default() };
        let client = KeyClient::new(&url, credential, Some(key_options)).map_err(|e| from_sdk(GET, &e))?;
        Ok(Self { client })
    }

    /// The key's current version; `Ok(None)` when the vault has no such key.
    pub async fn get_key(&self, name: &AzureKeyName) -> Result<Option<AzureKeyFacts>, KeyVaultFailure> {
        match self.client.get_key(name.as_str(), None).await {
            Ok(response) => {
                let key = response.into_model().map_err(|e| from_sdk(GET, &e))?;
                Ok(Some(key_facts(name, &key)))
            }
            Err(e) => {
                let failure = from_sdk(GET, &e);
                if failure.kind == KeyVaultFailureKind::NotFound { Ok(None) } else { Err(failure) }
            }
        }
    }

    /// Wraps 32 random bytes with the key's current version (RSA-OAEP-256) and unwraps them again.
    pub async fn wrap_unwrap_probe(&self, name: &AzureKeyName) -> Result<(), KeyVaultFailure> {
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let params = |value: Vec<u8>| KeyOperationParameters {
            algorithm: Some(EncryptionAlgorithm::RsaOaep256),
            value: Some(value),
            ..Default::default()
        };
        let content = params(secret.to_vec()).try_into().map_err(|e| from_sdk(WRAP, &e))?;
        let wrapped = self.client.wrap_key(name.as_str(), content, None).await.map_err(|e| from_sdk(WRAP, &e))?;
        let wrapped = wrapped.into_model().map_err(|e| from_sdk(WRAP, &e))?;
        let missing = |what: &str| {
            KeyVaultFailure::new(KeyVaultFailureKind::Other, WRAP, format!("wrapKey answered without {what}"))
        };
        let ciphertext = wrapped.result.ok_or_else(|| missing("a result"))?;
        let kid = wrapped.kid.ok_or_else(|| missing("a key id"))?;
        let version = kid.trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string();
        let content = params(ciphertext).try_into().map_err(|e| from_sdk(UNWRAP, &e))?;
        let unwrapped =
            self.client.unwrap_key(name.as_str(), &version, content, None).await.map_err(|e| from_sdk(UNWRAP, &e))?;
        let plain = unwrapped.into_model().map_err(|e| from_sdk(UNWRAP, &e))?.result.unwrap_or_default();
        if plain != secret {
            return Err(KeyVaultFailure::new(
                KeyVaultFailureKind::Other,
                UNWRAP,
                "unwrapKey returned different bytes than were wrapped",
            ));
        }
        Ok(())
    }
}

/// Trusts the emulator's CA (only) and resolves the authority and vault hosts
/// to the emulator's loopback port.
fn http_client(backend: &AzureBackend, vault_host: &str) -> Result<reqwest::Client, KeyVaultFailure> {
    let ca = reqwest::Certificate::from_pem(backend.ca_pem.as_bytes()).map_err(|e| {
        KeyVaultFailure::new(KeyVaultFailureKind::Other, SETTINGS, format!("the extra CA is not PEM: {e}"))
    })?;
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        // The emulator's CA only: the system's roots are never needed, so never loaded.
        .tls_certs_only([ca])
        // No proxy: a shell's HTTPS_PROXY (the sandbox's own, even) must not capture loopback calls.
        .no_proxy()
        .default_headers(crate::traffic::internal_headers());
    let addr = SocketAddr::from(([127, 0, 0, 1], backend.loopback_port));
    let authority_host = url::Url::parse(&backend.authority).ok().and_then(|u| u.host_str().map(str::to_string));
    for host in authority_host.iter().map(String::as_str).chain([vault_host]) {
        builder = builder.resolve(host, addr);
    }
    builder.build().map_err(|e| {
        KeyVaultFailure::new(KeyVaultFailureKind::Other, SETTINGS, format!("cannot build the HTTP client: {e}"))
    })
}

/// The SDK's key as the domain's facts (the key id as the emulator echoes it; validation does not
/// use it).
fn key_facts(name: &AzureKeyName, key: &Key) -> AzureKeyFacts {
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
