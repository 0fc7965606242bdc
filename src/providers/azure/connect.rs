//! `AzureProvider`: the HTTP client, the credential chain and the settings, built once. Building
//! makes no network call: the first operation asks for a token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use azure_security_keyvault_keys::KeyClient;

use super::credential::{CredentialChain, EnvLookup};
use super::error::AzureError;
use super::settings::AzureSettings;
use super::transport::http_client;

/// A connection to Azure (ARM, Graph, Key Vault) for one signed-in identity.
#[derive(Debug, Clone)]
pub struct AzureProvider {
    pub(crate) settings: AzureSettings,
    pub(crate) http: reqwest::Client,
    pub(crate) credential: Arc<CredentialChain>,
    /// One Key Vault client per vault, shared by every call: a new client's first request goes
    /// without a token to learn the token's audience from the vault's challenge, a round trip
    /// each client makes once.
    pub(crate) key_clients: KeyClients,
}

/// The Key Vault clients made so far, by vault URI.
#[derive(Clone, Default)]
pub(crate) struct KeyClients(pub(crate) Arc<Mutex<HashMap<String, Arc<KeyClient>>>>);

impl std::fmt::Debug for KeyClients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let vaults: Vec<String> = self.0.lock().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        f.debug_tuple("KeyClients").field(&vaults).finish()
    }
}

impl AzureProvider {
    /// Builds the provider; `env` is how the credential chain reads the environment.
    pub fn connect(settings: &AzureSettings, env: EnvLookup<'_>) -> Result<Self, AzureError> {
        let http = http_client(settings, &[])?;
        let credential = Arc::new(CredentialChain::new(settings, &http, env));
        Ok(Self { settings: settings.clone(), http, credential, key_clients: KeyClients::default() })
    }

    /// The credential sources in the order they are tried.
    pub fn credential_sources(&self) -> Vec<&'static str> {
        self.credential.sources()
    }

    /// The credential source that produced the last token, once one has.
    pub fn credential_source(&self) -> Option<&'static str> {
        self.credential.chosen_source()
    }

    pub fn settings(&self) -> &AzureSettings {
        &self.settings
    }

    /// `<arm base><path>?api-version=<version>` (path starts with `/`).
    pub(crate) fn arm_url(&self, path: &str, api_version: &str) -> String {
        format!("{}{path}?api-version={api_version}", self.settings.endpoints.arm.trim_end_matches('/'))
    }

    pub(crate) fn graph_url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.endpoints.graph.trim_end_matches('/'))
    }
}
