//! What inspection found in Azure: the signed-in identity, the vault, the key, Anthropic's
//! service principal and its roles, and Azure Policy's denials.

use crate::model::azure::{
    AzureCallerIdentity, AzureKeyFacts, AzureKeyName, AzureVaultFacts, PolicyDenialFacts, RoleAssignmentFacts,
    ServicePrincipalFacts, VaultResourceId, VaultUri,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureFacts {
    pub caller: AzureCallerIdentity,
    /// The vault, as ARM describes it.
    pub vault: AzureVaultFacts,
    pub vault_id: VaultResourceId,
    /// `vault.uri`, normalised: what is registered. `None` when ARM reported a URI that is not a
    /// Key Vault URI (AZ-14).
    pub vault_uri: Option<VaultUri>,
    /// The key asked for (or the default name).
    pub key_name: AzureKeyName,
    /// Its current version; `None`: it does not exist and will be created.
    pub key: Option<AzureKeyFacts>,
    /// Whether a deleted key of that name waits in the vault's soft-delete bin (AZ-12);
    /// `None`: could not be listed.
    pub key_soft_deleted: Option<bool>,
    /// Anthropic's service principal in the signed-in tenant; `None`: not consented yet.
    pub service_principal: Option<ServicePrincipalFacts>,
    /// Role assignments of that service principal at the vault's scope, above it or on its keys.
    pub role_assignments: Vec<RoleAssignmentFacts>,
    /// Enforced Azure Policy Deny assignments on public network access effective at the vault and
    /// not exempted for it (AZ-16); `None`: they could not be read (`policy_unread` says why).
    pub policy_denials: Option<Vec<PolicyDenialFacts>>,
    /// Why `policy_denials` is `None`.
    pub policy_unread: Option<String>,
    /// When the facts were gathered (Unix seconds): the planner has no clock, key expiry needs one.
    pub now: i64,
}
