//! The emulator's data, serde for `--state`: the customer tenant and its principals, Graph
//! service principals, vaults with their keys, role assignments and the RBAC propagation delay.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Everything the Azure emulator knows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureState {
    /// The customer's tenant (the only directory with resources).
    pub tenant_id: String,
    pub subscription_id: String,
    pub subscription_name: String,
    /// Principals that can obtain tokens (the customer's, Anthropic's app).
    pub principals: Vec<Principal>,
    /// Graph service principals in the customer tenant (Anthropic's appears on consent).
    pub service_principals: Vec<ServicePrincipal>,
    /// The customer's other directories (no subscriptions, no vaults here): a multi-tenant app
    /// consented in one gets tokens issued by it, which this world's vaults refuse (AKV10032).
    #[serde(default)]
    pub other_tenants: Vec<OtherTenant>,
    pub vaults: Vec<Vault>,
    /// Soft-deleted vaults (ARM `deletedVaults`), recoverable with their keys until the purge date.
    #[serde(default)]
    pub deleted_vaults: Vec<DeletedVault>,
    pub role_assignments: Vec<RoleAssignment>,
    /// Azure Policy assignments (at the subscription, a resource group or a vault).
    #[serde(default)]
    pub policy_assignments: Vec<PolicyAssignment>,
    /// Azure Policy exemptions: an assignment that does not apply at and below a scope.
    #[serde(default)]
    pub policy_exemptions: Vec<PolicyExemption>,
    /// Custom initiatives (`policySetDefinitions`, ARM's wire JSON with its `id`): built-in
    /// definitions grouped under one assignment, as landing zones assign them.
    #[serde(default)]
    pub policy_set_definitions: Vec<serde_json::Value>,
    /// How long a new role assignment takes to become effective on the data plane (seeded:
    /// [`super::DEFAULT_PROPAGATION_DELAY`]).
    pub propagation_delay_ms: u64,
    /// The key signing access tokens (HS256).
    pub token_key: Secret,
}

/// Who a token can be issued to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Principal {
    pub display_name: String,
    /// The home tenant (for a multi-tenant app, the publisher's).
    pub tenant_id: String,
    /// The client (application) id.
    pub app_id: String,
    /// The object id in the home tenant.
    pub object_id: String,
    /// The client secret (None: no client-credentials flow).
    pub secret: Option<Secret>,
    /// Whether the managed-identity endpoint issues tokens for it.
    pub managed_identity: bool,
    /// A multi-tenant app gets tokens in other tenants only where its service principal exists.
    pub multi_tenant: bool,
    /// Entra directory roles held in its home tenant (e.g. `Application Administrator`).
    pub directory_roles: Vec<String>,
    /// The address its calls are deemed to come from (what the vault firewall sees).
    pub source_ip: std::net::IpAddr,
}

/// A Graph `servicePrincipal` object in the customer tenant.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
}

/// A directory of the customer's other than the one holding the resources.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtherTenant {
    pub tenant_id: String,
    pub display_name: String,
    /// Service principals (consented apps) in that directory.
    pub service_principals: Vec<ServicePrincipal>,
}

/// An ARM vault (`Microsoft.KeyVault/vaults`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vault {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub tenant_id: String,
    /// `standard` or `premium`.
    pub sku: String,
    /// None or false: the access-policy model.
    pub enable_rbac_authorization: Option<bool>,
    pub enable_purge_protection: Option<bool>,
    pub enable_soft_delete: bool,
    /// `Enabled` or `Disabled`.
    pub public_network_access: String,
    pub network_acls: NetworkAcls,
    /// Used only when RBAC is off.
    pub access_policies: Vec<AccessPolicy>,
    pub diagnostic_settings: Vec<serde_json::Value>,
    pub keys: Vec<Key>,
    /// The soft-delete bin: deleted keys, recoverable until their purge date.
    #[serde(default)]
    pub deleted_keys: Vec<DeletedKey>,
}

/// A key in the soft-delete bin, with all its versions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedKey {
    pub key: Key,
    /// Unix seconds.
    pub deleted_date: i64,
    pub scheduled_purge_date: i64,
}

/// A vault in the subscription's soft-delete bin, whole (keys, settings), as recovery restores it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedVault {
    pub vault: Vault,
    /// Unix seconds.
    pub deletion_date: i64,
    pub scheduled_purge_date: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAcls {
    /// `Allow` or `Deny`.
    pub default_action: String,
    /// `AzureServices` or `None` (does not cover Anthropic either way).
    pub bypass: String,
    /// Addresses or CIDR ranges.
    pub ip_rules: Vec<String>,
}

/// An access policy entry (the model used when RBAC is off): key permissions of one object id.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicy {
    pub tenant_id: String,
    pub object_id: String,
    /// Key Vault permission names: `get`, `list`, `create`, `update`, `wrapKey`, `unwrapKey`, `all`.
    pub key_permissions: Vec<String>,
}

/// A key and its versions (the last is current).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    pub name: String,
    pub versions: Vec<KeyVersion>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyVersion {
    pub version: String,
    /// `RSA` or `RSA-HSM`.
    pub kty: String,
    pub key_size: u32,
    pub key_ops: Vec<String>,
    pub enabled: bool,
    /// Unix seconds.
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub tags: BTreeMap<String, String>,
    /// PKCS#8 DER, base64url.
    pub private_key: Secret,
}

/// An ARM role assignment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    /// The assignment's name (a GUID).
    pub name: String,
    /// The resource id it applies to (and everything below it).
    pub scope: String,
    /// The role definition's GUID.
    pub role_definition_id: String,
    pub principal_id: String,
    pub principal_type: String,
    /// Unix milliseconds.
    pub created_ms: i64,
}

/// An Azure Policy assignment (`Microsoft.Authorization/policyAssignments`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyAssignment {
    pub name: String,
    /// The resource id it is assigned at (it applies there and below).
    pub scope: String,
    pub display_name: String,
    /// `/providers/Microsoft.Authorization/policyDefinitions/<guid>` for a built-in.
    pub policy_definition_id: String,
    /// `{"effect": {"value": "Deny"}}`: the wire shape of assignment parameters.
    pub parameters: serde_json::Value,
    /// Scopes below `scope` it does not apply to.
    pub not_scopes: Vec<String>,
    /// `Default` or `DoNotEnforce` (effects are not enforced, compliance is still evaluated).
    pub enforcement_mode: String,
}

/// An Azure Policy exemption (`Microsoft.Authorization/policyExemptions`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyExemption {
    pub name: String,
    /// The resource id it is created at (it applies there and below).
    pub scope: String,
    pub policy_assignment_id: String,
    /// `Waiver` or `Mitigated`.
    pub exemption_category: String,
    pub description: Option<String>,
    /// RFC 3339; past it the exemption no longer applies.
    pub expires_on: Option<String>,
    /// For an initiative's assignment: the members it exempts (empty: all of them).
    #[serde(default)]
    pub policy_definition_reference_ids: Vec<String>,
}

impl PolicyAssignment {
    pub fn id(&self) -> String {
        format!("{}/providers/Microsoft.Authorization/policyAssignments/{}", self.scope, self.name)
    }
}

impl PolicyExemption {
    pub fn id(&self) -> String {
        format!("{}/providers/Microsoft.Authorization/policyExemptions/{}", self.scope, self.name)
    }
}

impl AzureState {
    pub fn vault(&self, name: &str) -> Option<&Vault> {
        self.vaults.iter().find(|v| v.name.eq_ignore_ascii_case(name))
    }

    pub fn vault_mut(&mut self, name: &str) -> Option<&mut Vault> {
        self.vaults.iter_mut().find(|v| v.name.eq_ignore_ascii_case(name))
    }

    /// `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<v>`.
    pub fn vault_id(&self, vault: &Vault) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.KeyVault/vaults/{}",
            self.subscription_id, vault.resource_group, vault.name
        )
    }

    pub fn deleted_vault(&self, name: &str) -> Option<&DeletedVault> {
        self.deleted_vaults.iter().find(|d| d.vault.name.eq_ignore_ascii_case(name))
    }

    pub fn principal_by_app(&self, app_id: &str) -> Option<&Principal> {
        self.principals.iter().find(|p| p.app_id.eq_ignore_ascii_case(app_id))
    }

    pub fn service_principal_by_app(&self, app_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals.iter().find(|p| p.app_id.eq_ignore_ascii_case(app_id))
    }

    pub fn other_tenant(&self, tenant_id: &str) -> Option<&OtherTenant> {
        self.other_tenants.iter().find(|t| t.tenant_id.eq_ignore_ascii_case(tenant_id))
    }
}

impl Vault {
    pub fn key(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.name.eq_ignore_ascii_case(name))
    }

    pub fn key_mut(&mut self, name: &str) -> Option<&mut Key> {
        self.keys.iter_mut().find(|k| k.name.eq_ignore_ascii_case(name))
    }

    pub fn deleted_key(&self, name: &str) -> Option<&DeletedKey> {
        self.deleted_keys.iter().find(|k| k.key.name.eq_ignore_ascii_case(name))
    }

    pub fn rbac(&self) -> bool {
        self.enable_rbac_authorization == Some(true)
    }
}

impl Key {
    /// The current version, or a given one.
    pub fn version(&self, version: Option<&str>) -> Option<&KeyVersion> {
        match version {
            None | Some("") => self.versions.last(),
            Some(v) => self.versions.iter().find(|k| k.version.eq_ignore_ascii_case(v)),
        }
    }

    pub fn version_mut(&mut self, version: Option<&str>) -> Option<&mut KeyVersion> {
        match version {
            None | Some("") => self.versions.last_mut(),
            Some(v) => self.versions.iter_mut().find(|k| k.version.eq_ignore_ascii_case(v)),
        }
    }
}
