//! Domain types shared by every layer, each with a validating parser.
//!
//! Parsing here is the single place where user input becomes trusted values: a value that
//! parsed is well-formed, so later layers never re-check it. No I/O, no SDK types.

mod aws;
mod aws_key;
mod azure;
mod azure_vault_ref;
mod error;
mod platform_ids;
mod provider;
mod uuid_ids;

pub use aws::{AwsAccountId, AwsKeyRef, AwsRegion, KmsAliasName, KmsKeyArn, KmsKeyId, KmsResource};
pub use aws_key::{AwsCallerIdentity, AwsKeyDescription, AwsKeyFacts, AwsKeyState};
pub use azure::{
    AzureCallerIdentity, AzureKeyFacts, AzureKeyName, AzureVaultFacts, DeletedVaultFacts, PolicyDenialFacts,
    RoleAssignmentFacts, ServicePrincipalFacts, TenantId, VaultResourceId, VaultUri,
};
pub use azure_vault_ref::AzureVaultRef;
pub use error::ParseError;
pub use platform_ids::{ExternalKeyId, WorkspaceId, WorkspaceRef};
pub use provider::ProviderKind;
pub use uuid_ids::{CompartmentId, OrgUuid};
