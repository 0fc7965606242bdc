//! What the user asked for, from flags, environment or (later) the wizard: already parsed.

use crate::model::{AwsKeyRef, AwsRegion, KmsAliasName, ProviderKind, WorkspaceRef};

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
