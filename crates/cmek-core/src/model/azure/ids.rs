//! Azure Key Vault domain values (vault URI, vault resource id, key name, tenant id) with
//! validating parsers. No I/O, no SDK types.

use std::fmt;

use crate::model::ParseError;

/// A Key Vault (or Managed HSM) data-plane URI: `https://<name>.vault.azure.net` or
/// `https://<name>.managedhsm.azure.net`, normalised to lower case without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VaultUri(String);

/// The host suffixes a registrable vault URI may end with.
const VAULT_SUFFIXES: [&str; 2] = [".vault.azure.net", ".managedhsm.azure.net"];

impl VaultUri {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        const WHAT: &str = "Key Vault URI";
        let form = "expected https://<vault name>.vault.azure.net (or .managedhsm.azure.net), as in the vault's \
                    `properties.vaultUri`";
        let trimmed = input.trim();
        let Some(rest) = trimmed.strip_prefix("https://") else {
            return Err(ParseError::new(WHAT, input, format!("it must start with https://; {form}")));
        };
        let host = rest.trim_end_matches('/').to_ascii_lowercase();
        if host.contains('/') || host.contains(':') || host.contains('?') {
            return Err(ParseError::new(WHAT, input, format!("it must have no path, port or query; {form}")));
        }
        let Some(name) = VAULT_SUFFIXES.iter().find_map(|s| host.strip_suffix(s)) else {
            return Err(ParseError::new(WHAT, input, format!("the host is not a Key Vault host; {form}")));
        };
        if !is_vault_name(name) {
            return Err(ParseError::new(
                WHAT,
                input,
                "the vault name must be 3-24 letters, digits or hyphens, start with a letter and not end with a hyphen",
            ));
        }
        Ok(Self(format!("https://{host}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The vault's name (the first DNS label).
    pub fn vault_name(&self) -> &str {
        let host = self.0.trim_start_matches("https://");
        host.split('.').next().unwrap_or(host)
    }

    /// Whether this is a Managed HSM rather than a vault.
    pub fn is_managed_hsm(&self) -> bool {
        self.0.ends_with(".managedhsm.azure.net")
    }
}

impl fmt::Display for VaultUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_vault_name(name: &str) -> bool {
    (3..=24).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && !name.ends_with('-')
        && !name.contains("--")
}

/// An ARM vault id: `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<v>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VaultResourceId {
    pub subscription: String,
    pub resource_group: String,
    pub vault: String,
}

impl VaultResourceId {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        const WHAT: &str = "Key Vault resource id";
        let form =
            "expected /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>";
        let parts: Vec<&str> = input.trim().trim_end_matches('/').split('/').collect();
        let shape_ok = parts.len() == 9
            && parts[0].is_empty()
            && parts[1].eq_ignore_ascii_case("subscriptions")
            && parts[3].eq_ignore_ascii_case("resourceGroups")
            && parts[5].eq_ignore_ascii_case("providers")
            && parts[6].eq_ignore_ascii_case("Microsoft.KeyVault")
            && parts[7].eq_ignore_ascii_case("vaults");
        if !shape_ok {
            return Err(ParseError::new(WHAT, input, form));
        }
        if uuid::Uuid::parse_str(parts[2]).is_err() {
            return Err(ParseError::new(WHAT, input, format!("the subscription must be a GUID; {form}")));
        }
        let group_ok = (1..=90).contains(&parts[4].len())
            && parts[4].chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
        if !group_ok || !is_vault_name(parts[8]) {
            return Err(ParseError::new(WHAT, input, format!("bad resource group or vault name; {form}")));
        }
        Ok(Self {
            subscription: parts[2].to_ascii_lowercase(),
            resource_group: parts[4].to_string(),
            vault: parts[8].to_string(),
        })
    }

    /// The scope of one key in this vault (where Anthropic's role belongs).
    pub fn key_scope(&self, key: &AzureKeyName) -> String {
        format!("{self}/keys/{key}")
    }
}

impl fmt::Display for VaultResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.KeyVault/vaults/{}",
            self.subscription, self.resource_group, self.vault
        )
    }
}

/// A Key Vault key name: 1-127 letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AzureKeyName(String);

impl AzureKeyName {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let ok = (1..=127).contains(&input.len()) && input.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(ParseError::new(
                "Key Vault key name",
                input,
                "use 1-127 letters, digits or hyphens, e.g. anthropic-cmek",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `anthropic-cmek`: the name `cmek` gives the key it creates and looks for.
    pub fn default_name() -> Self {
        Self("anthropic-cmek".to_string())
    }
}

impl fmt::Display for AzureKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An Entra tenant (directory) id: a GUID, normalised to lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

impl TenantId {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        match uuid::Uuid::parse_str(input.trim()) {
            Ok(u) if input.trim().len() == 36 => Ok(Self(u.hyphenated().to_string())),
            _ => Err(ParseError::new(
                "Entra tenant id",
                input,
                "expected a GUID such as 5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f (the vault's `properties.tenantId`)",
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::azure::RoleAssignmentFacts;

    #[test]
    fn vault_uri_normalises_and_refuses_lookalikes() {
        let uri = VaultUri::parse("https://CMEK-Sandbox.vault.azure.net/").unwrap();
        assert_eq!(uri.as_str(), "https://cmek-sandbox.vault.azure.net");
        assert_eq!(uri.vault_name(), "cmek-sandbox");
        assert!(!uri.is_managed_hsm());
        assert!(VaultUri::parse("https://hsm-one.managedhsm.azure.net").unwrap().is_managed_hsm());
        for bad in [
            "http://a-vault.vault.azure.net",
            "https://a-vault.vault.azure.net.evil.com",
            "https://a-vault.vault.azure.net/keys/x",
            "https://a-vault.vault.azure.net:8443",
            "https://ab.vault.azure.net",
            "https://1vault.vault.azure.net",
            "https://vault-.vault.azure.net",
            "a-vault.vault.azure.net",
            "",
        ] {
            assert!(VaultUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vault_resource_id_round_trips_and_names_the_key_scope() {
        let text = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-rg/providers/Microsoft.KeyVault/vaults/cmek-vault";
        let id = VaultResourceId::parse(text).unwrap();
        assert_eq!(id.to_string(), text);
        assert_eq!(id.vault, "cmek-vault");
        let key = AzureKeyName::parse("anthropic-cmek").unwrap();
        assert_eq!(id.key_scope(&key), format!("{text}/keys/anthropic-cmek"));
        let lower = text.to_ascii_lowercase();
        assert_eq!(VaultResourceId::parse(&lower).unwrap().resource_group, "cmek-rg");
        for bad in [
            "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/cmek-vault",
            "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg/providers/Microsoft.Storage/vaults/v1x",
            "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg",
            "",
        ] {
            assert!(VaultResourceId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_name_and_tenant_id() {
        assert!(AzureKeyName::parse("anthropic-cmek-1").is_ok());
        assert!(AzureKeyName::parse("bad_name").is_err());
        assert!(AzureKeyName::parse("").is_err());
        assert_eq!(
            TenantId::parse("5F2B6B2E-0C1D-4C7A-9A43-2A1B3C4D5E6F").unwrap().as_str(),
            "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f"
        );
        assert!(TenantId::parse("contoso.onmicrosoft.com").is_err());
        assert!(TenantId::parse("5f2b6b2e0c1d4c7a9a432a1b3c4d5e6f").is_err());
    }

    #[test]
    fn role_assignment_grants_matches_the_definition_guid() {
        let a = RoleAssignmentFacts {
            id: "x".into(),
            scope: "/s".into(),
            role_definition_id: "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/12338AF0-0e69-4776-bea7-57ae8d297424".into(),
            principal_id: "p".into(),
            principal_type: Some("ServicePrincipal".into()),
        };
        assert!(a.grants("12338af0-0e69-4776-bea7-57ae8d297424"));
        assert!(!a.grants("00000000-0e69-4776-bea7-57ae8d297424"));
    }
}
