//! The Azure provider: the only code using `azure_core`, `azure_identity` and
//! `azure_security_keyvault_keys`, and the only code calling ARM and Microsoft Graph. SDK types
//! never leave this folder: operations return `model` facts and [`AzureError`].
//!
//! Map: `settings` (where and how), `credential` (the chain), `transport` (the HTTP client),
//! `connect` ([`AzureProvider`]), `rest` (ARM/Graph JSON), `error` + `sdk_error`, `claims`
//! (whoami), `vaults` (ARM vaults, diagnostic settings), `deleted_vaults` (the vault soft-delete bin), `network` (vault network and purge protection), `graph` (consent), `keys` + `tags`
//! (Key Vault data plane), `roles` (role assignments), `policy` + `policy_rule`
//! (Azure Policy Deny assignments on public access), `probe` (wrap/unwrap round trip).

mod claims;
mod connect;
mod credential;
mod deleted_vaults;
mod error;
mod graph;
mod keys;
mod network;
mod policy;
mod policy_rule;
mod probe;
mod rest;
mod retry_policy;
mod roles;
mod sdk_error;
mod settings;
mod tags;
mod transport;
mod vaults;

pub use connect::AzureProvider;
pub use credential::{CredentialChain, EnvLookup};
pub use error::{AzureError, AzureErrorKind, ForbiddenBy};
pub use keys::NewAzureKey;
pub use network::{VaultNetworkChange, VaultSnapshot};
pub use settings::{ARM_SCOPE, AzureEndpoints, AzureSettings, GRAPH_SCOPE, StaticClientSecret, VAULT_SCOPE};
pub use tags::MAX_TAGS_PER_KEY;
