//! What the user asked for, from flags, environment, an answers file or the wizard: already parsed.

use std::time::Duration;

use crate::model::{AwsKeyRef, AwsRegion, AzureKeyName, AzureVaultRef, KmsAliasName, ProviderKind, WorkspaceRef};

/// The answers that drive a `setup` run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupAnswers {
    pub provider: ProviderKind,
    /// The workspace the key is for; `None` registers and validates only.
    pub workspace: Option<WorkspaceRef>,
    /// Must name the same workspace for the permanent attach to happen.
    pub confirm_attach: Option<WorkspaceRef>,
    pub display_name: Option<String>,
    pub aws: AwsAnswers,
    pub azure: AzureAnswers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsAnswers {
    /// An existing key to use; `None` finds the alias, or creates a key.
    pub key: Option<AwsKeyRef>,
    /// Where to look for the alias and create a key.
    pub region: AwsRegion,
    /// The alias given to a created key, and looked up when no key is named.
    pub alias: KmsAliasName,
}

/// The RSA sizes `cmek` creates (Anthropic needs at least 3072).
pub const AZURE_KEY_SIZES: [u32; 2] = [3072, 4096];
/// How long validation keeps retrying while a new role assignment propagates, unless told otherwise.
pub const DEFAULT_RBAC_WAIT: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureAnswers {
    /// The vault; `None` uses the only vault the credential can see (and asks when there are several).
    pub vault: Option<AzureVaultRef>,
    /// The key to use, created when it does not exist.
    pub key_name: AzureKeyName,
    /// RSA modulus size for a created key: one of [`AZURE_KEY_SIZES`].
    pub key_size: u32,
    /// Create an RSA-HSM key (Premium vaults only).
    pub hsm: bool,
    /// Approves turning the vault's public network access on (with a default-deny firewall that
    /// admits only Anthropic and the existing rules): a change of the vault's exposure.
    pub allow_public_access: bool,
    /// Must repeat the vault's name for the irreversible purge-protection switch to happen.
    pub confirm_purge_protection: Option<String>,
    /// The longest validation keeps retrying while a role assignment propagates.
    pub rbac_wait: Duration,
}

impl AzureAnswers {
    /// The default key name `cmek` creates and looks for.
    pub fn default_key_name() -> AzureKeyName {
        AzureKeyName::default_name()
    }
}

impl Default for AzureAnswers {
    fn default() -> Self {
        Self {
            vault: None,
            key_name: Self::default_key_name(),
            key_size: AZURE_KEY_SIZES[0],
            hsm: false,
            allow_public_access: false,
            confirm_purge_protection: None,
            rbac_wait: DEFAULT_RBAC_WAIT,
        }
    }
}
