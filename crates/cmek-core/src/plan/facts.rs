//! What inspection found, on the platform and in the cloud: plain data the planner decides on.

use chrono::{DateTime, Utc};

use crate::model::{
    AwsCallerIdentity, AwsKeyFacts, AzureCallerIdentity, AzureKeyFacts, AzureKeyName, AzureVaultFacts, CompartmentId,
    KmsKeyArn, OrgUuid, PolicyDenialFacts, RoleAssignmentFacts, ServicePrincipalFacts, VaultResourceId, VaultUri,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupFacts {
    pub org: OrgFacts,
    /// The target workspace, when one was asked for.
    pub workspace: Option<WorkspaceFacts>,
    /// External key configurations already registered with the organisation.
    pub registered: Vec<RegisteredKey>,
    /// What the chosen cloud holds.
    pub cloud: CloudFacts,
}

/// The facts of the one cloud a run works in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudFacts {
    Aws(Box<AwsFacts>),
    Azure(Box<AzureFacts>),
}

impl SetupFacts {
    pub fn aws(&self) -> Option<&AwsFacts> {
        match &self.cloud {
            CloudFacts::Aws(f) => Some(f),
            CloudFacts::Azure(_) => None,
        }
    }

    pub fn azure(&self) -> Option<&AzureFacts> {
        match &self.cloud {
            CloudFacts::Azure(f) => Some(f),
            CloudFacts::Aws(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub uuid: OrgUuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceFacts {
    pub id: String,
    pub name: String,
    pub compartment: CompartmentId,
    pub external_key_id: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    /// Created moments ago (within the hour when inspected, e.g. by the wizard just now), so it
    /// cannot hold data yet. The engine decides this: the planner has no clock.
    pub just_created: bool,
}

/// A registered external key configuration, reduced to what matching and planning need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredKey {
    pub id: String,
    pub display_name: Option<String>,
    pub attached: bool,
    /// `Some` for AWS configurations.
    pub kms_arn: Option<String>,
    /// `Some` for Azure configurations.
    pub azure: Option<RegisteredAzureKey>,
    /// Compartments of the workspaces that already use this configuration.
    pub attached_compartments: Vec<CompartmentId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFacts {
    pub caller: AwsCallerIdentity,
    /// The key named by `--key`, or found by alias; `None` means one will be created.
    pub key: Option<AwsKeyFacts>,
    /// When no key was named: whether the alias exists (it then points at `key`).
    pub alias_target: Option<KmsKeyArn>,
}

/// The provider config of a registered Azure key, verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredAzureKey {
    pub vault_uri: String,
    pub key_name: String,
    pub tenant_id: String,
}

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
