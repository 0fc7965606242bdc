//! What the user asked for in Azure Key Vault: the vault, the key, a new key's size and type, and
//! the consents for the vault's network and its irreversible purge protection.

use std::time::Duration;

use crate::model::ProviderKind;
use crate::model::azure::{AzureKeyName, AzureVaultRef};
use crate::plan::CloudAnswers;
use crate::run::CloudOutcome;
use crate::shell::quoted;

/// The RSA sizes `cmek` creates (Anthropic needs at least 3072).
pub const AZURE_KEY_SIZES: [u32; 2] = [3072, 4096];
/// How long validation keeps retrying while a new role assignment propagates, unless told otherwise.
pub const DEFAULT_RBAC_WAIT: Duration = Duration::from_secs(600);

/// The consent id of turning the vault's public network access on (AZ-03's approval).
pub const ALLOW_PUBLIC_ACCESS: &str = "azure-allow-public-access";
/// The consent id of turning purge protection on (typed: the vault's name).
pub const CONFIRM_PURGE_PROTECTION: &str = "confirm-purge-protection";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureAnswers {
    /// The vault; `None` uses the only vault the credential can see (and asks when there are several).
    pub vault: Option<AzureVaultRef>,
    /// The key to use, created when it does not exist.
    pub key_name: AzureKeyName,
    /// RSA modulus size for a created key: one of [`AZURE_KEY_SIZES`].
    pub key_size: u32,
    /// Create an RSA-HSM key (Premium vaults only).
    pub hsm: bool,
    /// Approves turning the vault's public network access on (with a default-deny firewall that
    /// admits only Anthropic and the existing rules): a change of the vault's exposure.
    pub allow_public_access: bool,
    /// Must repeat the vault's name for the irreversible purge-protection switch to happen.
    pub confirm_purge_protection: Option<String>,
    /// The longest validation keeps retrying while a role assignment propagates.
    pub rbac_wait: Duration,
}

impl AzureAnswers {
    /// The default key name `cmek` creates and looks for.
    pub fn default_key_name() -> AzureKeyName {
        AzureKeyName::default_name()
    }
}

impl Default for AzureAnswers {
    fn default() -> Self {
        Self {
            vault: None,
            key_name: Self::default_key_name(),
            key_size: AZURE_KEY_SIZES[0],
            hsm: false,
            allow_public_access: false,
            confirm_purge_protection: None,
            rbac_wait: DEFAULT_RBAC_WAIT,
        }
    }
}

impl CloudAnswers for AzureAnswers {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn for_workspace(&self, suffix: &str) -> Result<Box<dyn CloudAnswers>, String> {
        let key_name = AzureKeyName::parse(&format!("{}-{suffix}", self.key_name)).map_err(|e| e.to_string())?;
        Ok(Box::new(AzureAnswers { key_name, ..self.clone() }))
    }

    fn inspecting(&self) -> String {
        format!(
            "the Key Vault {} (vault, Anthropic's access, the key)",
            self.vault.as_ref().map(|v| v.vault_name().to_string()).unwrap_or_default()
        )
    }

    fn key_choice(&self) -> String {
        let vault = self.vault.as_ref().map_or("the only vault in reach", |v| v.vault_name());
        format!("{} in Key Vault {vault} (created when missing)", self.key_name)
    }

    fn flags(&self, _outcome: Option<&dyn CloudOutcome>) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(vault) = &self.vault {
            // The name is what a person types; the resource id would be just as exact but unreadable.
            parts.push(format!("--azure-vault {}", quoted(vault.vault_name())));
        }
        if self.key_name != Self::default_key_name() {
            parts.push(format!("--azure-key {}", quoted(self.key_name.as_str())));
        }
        if self.key_size != AZURE_KEY_SIZES[0] {
            parts.push(format!("--azure-key-size {}", self.key_size));
        }
        if self.hsm {
            parts.push("--azure-hsm".into());
        }
        if self.allow_public_access {
            parts.push("--azure-allow-public-access".into());
        }
        if self.rbac_wait != DEFAULT_RBAC_WAIT {
            parts.push(format!("--azure-rbac-wait {}s", self.rbac_wait.as_secs()));
        }
        if let Some(vault) = &self.confirm_purge_protection {
            parts.push(format!("--confirm-purge-protection {}", quoted(vault)));
        }
        parts
    }

    fn consent(&mut self, id: &str, typed: &str) {
        match id {
            ALLOW_PUBLIC_ACCESS => self.allow_public_access = true,
            CONFIRM_PURGE_PROTECTION => self.confirm_purge_protection = Some(typed.trim().to_string()),
            _ => {}
        }
    }

    fn journal(&self) -> Vec<(&'static str, serde_json::Value)> {
        Vec::new()
    }
}
