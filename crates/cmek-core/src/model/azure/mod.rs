//! Azure Key Vault values: identifiers with validating parsers, what inspection found, and the
//! registered configuration's fields.

mod config;
mod facts;
mod ids;
mod vault_ref;

pub use config::AzureKeyConfig;
pub use facts::{
    AzureCallerIdentity, AzureKeyFacts, AzureVaultFacts, DeletedVaultFacts, PolicyDenialFacts, RoleAssignmentFacts,
    ServicePrincipalFacts,
};
pub use ids::{AzureKeyName, TenantId, VaultResourceId, VaultUri};
pub use vault_ref::AzureVaultRef;
