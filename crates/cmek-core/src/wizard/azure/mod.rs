//! The wizard's Azure Key Vault part: the identity and vaults Welcome shows, and the Key screen
//! (the vault, and the key's name in it).

mod key_screen;
#[cfg(test)]
mod tests;

pub use key_screen::{AzureKeyFocus, AzureKeyScreen, answers_for, check_key_name, vaults};

use crate::model::azure::AzureCallerIdentity;
use crate::wizard::cloud::CloudOverview;

/// Who is signed in to Azure and the Key Vaults that identity can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureOverview {
    pub caller: AzureCallerIdentity,
    /// The credential source that signed in (e.g. "Azure CLI (az login)").
    pub credential_source: Option<String>,
    /// Never empty: an identity that sees no vault is reported as unusable instead.
    pub vaults: Vec<VaultSummary>,
}

impl CloudOverview for AzureOverview {
    fn summary(&self) -> String {
        format!(
            "tenant {}{}, {} Key Vault{} in reach",
            self.caller.tenant_id,
            self.credential_source.as_deref().map(|s| format!(" via {s}")).unwrap_or_default(),
            self.vaults.len(),
            if self.vaults.len() == 1 { "" } else { "s" }
        )
    }
}

/// A Key Vault to offer on the Key screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultSummary {
    pub name: String,
    /// `properties.vaultUri`.
    pub uri: String,
    /// The ARM resource id.
    pub id: String,
    pub location: String,
    pub tenant_id: String,
}
