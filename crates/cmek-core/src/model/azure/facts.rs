//! What the Azure provider reports about a vault, a key, role assignments, Azure Policy and the
//! signed-in identity: plain data, no SDK types.

use std::collections::BTreeMap;

use super::VaultResourceId;

/// What ARM says about a vault, plus whether a diagnostic setting routes `AuditEvent`.
/// `None` means the service did not say (null or absent), which is itself a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AzureVaultFacts {
    /// The ARM resource id, verbatim.
    pub id: String,
    pub name: String,
    /// `properties.vaultUri`, verbatim (what to register after normalising).
    pub uri: String,
    /// `properties.tenantId` (can differ from the signed-in tenant).
    pub tenant_id: String,
    pub location: String,
    /// `standard` or `premium`.
    pub sku: String,
    pub rbac_authorization: Option<bool>,
    pub purge_protection: Option<bool>,
    pub soft_delete: Option<bool>,
    /// `Enabled` or `Disabled`.
    pub public_network_access: Option<String>,
    /// `Allow` or `Deny`.
    pub network_default_action: Option<String>,
    /// `AzureServices` or `None`: which traffic bypasses the firewall.
    pub network_bypass: Option<String>,
    /// Addresses or CIDR ranges, verbatim.
    pub ip_rules: Vec<String>,
    /// `None`: the diagnostic settings could not be read.
    pub audit_event_routed: Option<bool>,
}

/// A vault in the subscription's soft-delete bin (ARM `deletedVaults`): recoverable, keys and
/// all, until `scheduled_purge_date` (AZ-12). Dates are ARM's RFC 3339 text, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeletedVaultFacts {
    pub name: String,
    /// `properties.vaultId`: the id the vault had (and gets back on recovery).
    pub vault_id: String,
    pub location: String,
    pub deletion_date: Option<String>,
    pub scheduled_purge_date: Option<String>,
    pub purge_protection: Option<bool>,
}

impl DeletedVaultFacts {
    /// The resource group the vault was in (from `vault_id`), where `az keyvault recover` looks.
    pub fn resource_group(&self) -> Option<String> {
        VaultResourceId::parse(&self.vault_id).ok().map(|id| id.resource_group)
    }

    /// `az keyvault recover --name X --resource-group RG`: what brings it back, keys and roles' scope included.
    pub fn recover_command(&self) -> String {
        let rg = self.resource_group().unwrap_or_else(|| "<resource group>".into());
        format!("az keyvault recover --name {} --resource-group {rg}", self.name)
    }

    /// `vault X was deleted on D and can be recovered until P` (dates as ARM gave them).
    pub fn describe(&self) -> String {
        let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "(date not given)".into());
        format!(
            "vault {} was deleted on {} and can be recovered until {}",
            self.name,
            date(&self.deletion_date),
            date(&self.scheduled_purge_date)
        )
    }
}

/// What the Key Vault data plane says about the current version of a key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AzureKeyFacts {
    pub name: String,
    pub version: Option<String>,
    /// The full key id URL (`https://<vault>/keys/<name>/<version>`).
    pub kid: Option<String>,
    /// `RSA`, `RSA-HSM`, `EC`, ...
    pub kty: Option<String>,
    /// Modulus size in bits (RSA only).
    pub key_size: Option<u32>,
    pub key_ops: Vec<String>,
    pub enabled: Option<bool>,
    /// Unix seconds.
    pub not_before: Option<i64>,
    /// Unix seconds.
    pub expires: Option<i64>,
    pub tags: BTreeMap<String, String>,
}

/// One ARM role assignment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoleAssignmentFacts {
    pub id: String,
    pub scope: String,
    /// The full role definition id (`/subscriptions/<s>/providers/Microsoft.Authorization/roleDefinitions/<guid>`).
    pub role_definition_id: String,
    pub principal_id: String,
    pub principal_type: Option<String>,
}

impl RoleAssignmentFacts {
    /// Whether this assignment grants `role_guid` (the last segment of the definition id).
    pub fn grants(&self, role_guid: &str) -> bool {
        self.role_definition_id.rsplit('/').next().is_some_and(|g| g.eq_ignore_ascii_case(role_guid))
    }
}

/// An Azure Policy assignment that refuses public network access on a vault: effective there
/// (assigned at or above it, not in its notScopes, not exempted), enforced, with effect Deny.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyDenialFacts {
    /// `<scope>/providers/Microsoft.Authorization/policyAssignments/<name>`: what an exemption names.
    pub assignment_id: String,
    /// The assignment's display name (its name when it has none).
    pub display_name: String,
    /// Where it is assigned (the subscription, a resource group, the vault).
    pub scope: String,
    /// The policy definition that denies (for an initiative, the member's).
    pub definition_id: String,
    /// For an initiative: the member's `policyDefinitionReferenceId` (an exemption can name it).
    pub definition_reference_id: Option<String>,
}

/// A Microsoft Graph service principal in the customer's tenant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServicePrincipalFacts {
    /// The object id (what role assignments name).
    pub object_id: String,
    pub app_id: String,
    pub display_name: Option<String>,
}

/// Who the Azure credential signed in as (from an access token's claims).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AzureCallerIdentity {
    /// `tid`.
    pub tenant_id: String,
    /// `oid`.
    pub object_id: Option<String>,
    /// `appid` or `azp`.
    pub app_id: Option<String>,
}
