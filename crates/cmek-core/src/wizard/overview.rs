//! What the wizard's first screens show and choose from: the organisation, its workspaces, the
//! clouds' identities and what they can reach. The engine fills it (`engine::wizard_api`).

use chrono::{DateTime, Utc};

use crate::model::{
    AwsCallerIdentity, AwsKeyState, AzureCallerIdentity, KmsAliasName, KmsKeyArn, OrgUuid, ProviderKind,
};

/// What the welcome screen shows and the workspace and key screens choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub org_name: String,
    pub org_uuid: OrgUuid,
    /// Active workspaces, in creation order.
    pub workspaces: Vec<WorkspaceSummary>,
    /// `Err`: why no AWS identity was found (shown, not fatal: the user may fix it and retry).
    pub aws_identity: std::result::Result<AwsCallerIdentity, String>,
    /// `Err`: why Azure cannot be used (no credentials, or no vault in reach), with the next step.
    pub azure: std::result::Result<AzureOverview, String>,
    /// Providers that exist but cannot be chosen yet, with the reason.
    pub other_providers: Vec<(ProviderKind, String)>,
}

/// Who is signed in to Azure and the Key Vaults that identity can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureOverview {
    pub caller: AzureCallerIdentity,
    /// The credential source that signed in (e.g. "Azure CLI (az login)").
    pub credential_source: Option<String>,
    /// Never empty: an identity that sees no vault is reported as an `Err` instead.
    pub vaults: Vec<VaultSummary>,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub external_key_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An existing key the user may pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCandidate {
    pub arn: KmsKeyArn,
    pub alias: Option<KmsAliasName>,
    pub state: AwsKeyState,
    /// One line on what was found (e.g. "named by alias/anthropic-cmek; already registered").
    pub note: String,
}
