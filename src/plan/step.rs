//! The actions a plan is made of, each with its state and whether it can be undone.

use crate::model::{AwsRegion, CompartmentId, KmsAliasName, KmsKeyArn};
use crate::policy::PolicyDocument;
use crate::policy::diff::PolicyDiff;
use crate::policy::merge::MergeChange;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create a symmetric single-Region key with the rendered policy, and its alias.
    CreateKey { region: AwsRegion, alias: KmsAliasName, description: String, policy: PolicyDocument, diff: PolicyDiff },
    /// Replace the key policy with the merged one (the old one is backed up first).
    UpdateKeyPolicy {
        key: KmsKeyArn,
        before: String,
        after: PolicyDocument,
        diff: PolicyDiff,
        changes: Vec<MergeChange>,
    },
    /// Register the key with the organisation (`None`: the key this run creates).
    RegisterKey { kms_arn: Option<KmsKeyArn>, region: AwsRegion, display_name: String, existing_id: Option<String> },
    /// Ask the platform to prove it can use the key (no workspace context).
    Validate,
    /// Attach the key to the workspace: PERMANENT.
    Attach { workspace_id: String, workspace_name: String, compartment: CompartmentId },
}

/// Whether an action can be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reversibility {
    /// Undone by an ordinary call (e.g. restore the backed-up policy, delete the registration).
    Reversible,
    /// Can be scheduled for deletion (7-30 days), never instantly removed.
    ScheduledDeletionOnly,
    /// Changes nothing.
    ReadOnly,
    /// Cannot be undone at all.
    Permanent,
}

impl Reversibility {
    /// How the plan shows it to a person.
    pub fn label(self) -> &'static str {
        match self {
            Reversibility::Reversible => "reversible",
            Reversibility::ScheduledDeletionOnly => "undo = schedule deletion, 7-30 days",
            Reversibility::ReadOnly => "read-only",
            Reversibility::Permanent => "cannot be undone",
        }
    }
}

impl Action {
    pub fn reversibility(&self) -> Reversibility {
        match self {
            Action::CreateKey { .. } => Reversibility::ScheduledDeletionOnly,
            Action::UpdateKeyPolicy { .. } | Action::RegisterKey { .. } => Reversibility::Reversible,
            Action::Validate => Reversibility::ReadOnly,
            Action::Attach { .. } => Reversibility::Permanent,
        }
    }

    /// A stable machine name for JSON output and the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::CreateKey { .. } => "create_key",
            Action::UpdateKeyPolicy { .. } => "update_key_policy",
            Action::RegisterKey { .. } => "register_key",
            Action::Validate => "validate",
            Action::Attach { .. } => "attach",
        }
    }

    /// One line saying what the action does, naming its values.
    pub fn title(&self) -> String {
        match self {
            Action::CreateKey { region, alias, .. } => {
                format!(
                    "create a symmetric KMS key in {region} with the Anthropic key policy, alias {alias}, rotation on"
                )
            }
            Action::UpdateKeyPolicy { key, .. } => format!("update the key policy of {key} (old policy backed up)"),
            Action::RegisterKey { kms_arn: Some(arn), .. } => format!("register {arn} with the organisation"),
            Action::RegisterKey { kms_arn: None, .. } => "register the new key with the organisation".to_string(),
            Action::Validate => "validate: the platform encrypts and decrypts with the key".to_string(),
            Action::Attach { workspace_name, workspace_id, .. } => {
                format!("attach the key to workspace {workspace_name} ({workspace_id}): PERMANENT")
            }
        }
    }
}

/// Where a step stands before the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    /// Will be done.
    Planned,
    /// Nothing to do; the reason says what is already right.
    AlreadyDone(String),
    /// Needs an explicit confirmation; the text says how to give it.
    Gated(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub action: Action,
    pub state: StepState,
}
