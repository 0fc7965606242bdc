//! `AzureVaultRef`: how a user names a vault (`--azure-vault`): by name, data-plane URI or ARM id.

use std::fmt;
use std::str::FromStr;

use super::{VaultResourceId, VaultUri};
use crate::model::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureVaultRef {
    /// `cmek-vault`: found among the vaults the credential can list.
    Name(String),
    /// `https://cmek-vault.vault.azure.net`.
    Uri(VaultUri),
    /// `/subscriptions/.../vaults/cmek-vault`.
    ResourceId(VaultResourceId),
}

impl AzureVaultRef {
    /// The vault's name, whichever way it was given.
    pub fn vault_name(&self) -> &str {
        match self {
            AzureVaultRef::Name(n) => n,
            AzureVaultRef::Uri(u) => u.vault_name(),
            AzureVaultRef::ResourceId(id) => &id.vault,
        }
    }

    /// Whether `name` (a vault name, compared case-insensitively as Azure does) is the one meant.
    pub fn matches_name(&self, name: &str) -> bool {
        self.vault_name().eq_ignore_ascii_case(name)
    }
}

impl FromStr for AzureVaultRef {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let text = input.trim();
        if text.starts_with('/') {
            return VaultResourceId::parse(text).map(AzureVaultRef::ResourceId);
        }
        if text.contains("://") {
            return VaultUri::parse(text).map(AzureVaultRef::Uri);
        }
        let ok = (3..=24).contains(&text.len())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && text.starts_with(|c: char| c.is_ascii_alphabetic())
            && !text.ends_with('-');
        if ok {
            Ok(AzureVaultRef::Name(text.to_ascii_lowercase()))
        } else {
            Err(ParseError::new(
                "Key Vault",
                input,
                "name the vault by its name (3-24 letters, digits or hyphens), its URI \
                 (https://<name>.vault.azure.net) or its ARM resource id (/subscriptions/.../vaults/<name>)",
            ))
        }
    }
}

impl fmt::Display for AzureVaultRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AzureVaultRef::Name(n) => f.write_str(n),
            AzureVaultRef::Uri(u) => write!(f, "{u}"),
            AzureVaultRef::ResourceId(id) => write!(f, "{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_parses_and_names_the_vault() {
        let by_name: AzureVaultRef = "CMEK-Vault".parse().unwrap();
        assert_eq!(by_name, AzureVaultRef::Name("cmek-vault".into()));
        let by_uri: AzureVaultRef = "https://cmek-vault.vault.azure.net/".parse().unwrap();
        assert_eq!(by_uri.vault_name(), "cmek-vault");
        let by_id: AzureVaultRef =
            "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/cmek-vault"
                .parse()
                .unwrap();
        assert!(by_id.matches_name("CMEK-VAULT"));
        for bad in ["", "ab", "1vault", "vault_name", "http://x.vault.azure.net", "/subscriptions/x"] {
            assert!(bad.parse::<AzureVaultRef>().is_err(), "{bad}");
        }
    }
}
