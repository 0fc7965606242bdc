//! Facts + answers -> the ordered actions of a `setup` run, with the checks that justify them.
//!
//! Pure: no I/O, no clock, no SDK types. The engine gathers the facts and applies the plan; the
//! front ends show it. Re-running on the facts a successful run left behind yields a plan whose
//! changing steps are all `AlreadyDone`.

mod answers;
pub mod azure;
mod build;
mod checks;
mod existing_grant;
mod facts;
pub(crate) mod key_checks;
pub(crate) mod policy_checks;
mod probes;
mod step;

pub use answers::{AZURE_KEY_SIZES, AwsAnswers, AzureAnswers, DEFAULT_RBAC_WAIT, SetupAnswers};
pub use build::build;
pub use checks::{Check, CheckStatus, Severity};
pub use facts::{
    AwsFacts, AzureFacts, CloudFacts, OrgFacts, RegisteredAzureKey, RegisteredKey, SetupFacts, WorkspaceFacts,
};
pub use step::{Action, KeyTarget, Reversibility, Step, StepState};
// Shared with `doctor::aws_policy`, so doctor's findings and setup's predictions never disagree.
pub use existing_grant::{ExistingGrant, read as read_existing_grant};
pub use policy_checks::policy_checks;

use crate::model::ProviderKind;
use crate::policy::render::AnthropicGrant;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub checks: Vec<Check>,
    /// AWS: what the key policy grants Anthropic after the run.
    pub grant: Option<AnthropicGrant>,
}

impl Plan {
    /// A failed blocking check: the run must stop before changing anything.
    pub fn blocking_failures(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| c.is_blocking_failure()).collect()
    }

    /// Whether applying would change anything in the cloud or on the platform.
    pub fn changes_anything(&self) -> bool {
        self.steps.iter().any(|s| s.state == StepState::Planned && s.action.reversibility() != Reversibility::ReadOnly)
    }

    pub fn step(&self, kind: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.action.kind() == kind)
    }
}

/// Inputs that can never lead to a safe run; nothing has been changed when these are returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "provider `{0}` is not supported yet; this version of cmek sets up AWS KMS and Azure Key Vault keys \
         (--provider aws or --provider azure)"
    )]
    ProviderNotSupported(ProviderKind),
    #[error("--confirm-attach {given} was given without --workspace; name the workspace to attach to with --workspace")]
    ConfirmWithoutWorkspace { given: String },
    #[error(
        "--confirm-attach {given} does not repeat the workspace {workspace}; attaching is permanent, so the \
         confirmation must name the same workspace (its id or exact name)"
    )]
    ConfirmMismatch { given: String, workspace: String },
    #[error("workspace {workspace} is archived and cannot take a key; choose an active workspace")]
    WorkspaceArchived { workspace: String },
    #[error(
        "KMS key {key} was not found in {region} (or you may not describe it); check --key and --region, \
         or omit --key to create a key"
    )]
    KeyNotFound { key: String, region: String },
    #[error(
        "--confirm-purge-protection {given} does not name the vault {vault}; turning purge protection on is \
         irreversible, so the confirmation must repeat the vault's name (--confirm-purge-protection {vault})"
    )]
    PurgeConfirmMismatch { given: String, vault: String },
}
#[cfg(test)]
mod tests;
/// The sandbox's seeded vault with nothing done yet, as Azure facts (for other modules' tests).
#[cfg(any(test, feature = "test-fixtures"))]
pub use azure::fixtures::sandbox as azure_sandbox_facts;
