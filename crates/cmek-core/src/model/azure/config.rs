//! The fields of an Azure `provider_config`: the vault URI, the key's name, the vault's tenant and
//! an optional client id.

use super::VaultUri;
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureKeyConfig {
    pub vault_uri: String,
    pub key_name: String,
    pub tenant_id: String,
    pub client_id: Option<String>,
}

impl AzureKeyConfig {
    /// The fields of an Azure configuration; `None` for another provider's or one missing a field.
    pub fn read(config: &ProviderConfig) -> Option<Self> {
        if !config.is(ProviderKind::Azure) {
            return None;
        }
        Some(Self {
            vault_uri: config.text("vault_uri")?.to_string(),
            key_name: config.text("key_name")?.to_string(),
            tenant_id: config.text("tenant_id")?.to_string(),
            client_id: config.text("client_id").map(str::to_string),
        })
    }

    pub fn to_config(&self) -> ProviderConfig {
        ProviderConfig::new(ProviderKind::Azure)
            .with("vault_uri", Some(&self.vault_uri))
            .with("key_name", Some(&self.key_name))
            .with("tenant_id", Some(&self.tenant_id))
            .with("client_id", self.client_id.as_ref())
    }

    /// `vault/key` (the tenant and app are in the fields); a vault URI that does not parse is
    /// shown as it is.
    pub fn coordinates(&self) -> KeyCoordinates {
        let vault =
            VaultUri::parse(&self.vault_uri).map(|u| u.vault_name().to_string()).unwrap_or(self.vault_uri.clone());
        let mut fields = vec![
            ("vault", vault.clone()),
            ("key", self.key_name.clone()),
            ("tenant_id", self.tenant_id.clone()),
            ("vault_uri", self.vault_uri.clone()),
        ];
        if let Some(client) = &self.client_id {
            fields.push(("client_id", client.clone()));
        }
        KeyCoordinates { summary: format!("{vault}/{}", self.key_name), fields }
    }

    /// Whether two configurations name the same key: the vault URI's host and the tenant and client
    /// ids compare case-insensitively (a trailing slash does not count), the key's name exactly.
    pub fn same_key(&self, other: &Self) -> bool {
        let uri = |u: &str| u.trim_end_matches('/').to_ascii_lowercase();
        uri(&self.vault_uri) == uri(&other.vault_uri)
            && self.key_name == other.key_name
            && self.tenant_id.eq_ignore_ascii_case(&other.tenant_id)
            && match (&self.client_id, &other.client_id) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                _ => false,
            }
    }
}
