//! The AWS steps of a plan: create the key (with its policy and alias), or replace the policy of
//! an existing one with the merged policy.

use crate::model::aws::{AwsRegion, KmsAliasName, KmsKeyArn};
use crate::plan::{CloudStep, Reversibility};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::diff::PolicyDiff;
use crate::policy::aws::merge::MergeChange;

#[derive(Debug, Clone, PartialEq)]
pub enum AwsStep {
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
}

impl CloudStep for AwsStep {
    fn kind(&self) -> &'static str {
        match self {
            AwsStep::CreateKey { .. } => "create_key",
            AwsStep::UpdateKeyPolicy { .. } => "update_key_policy",
        }
    }

    fn title(&self) -> String {
        match self {
            AwsStep::CreateKey { region, alias, .. } => {
                format!(
                    "create a symmetric KMS key in {region} with the Anthropic key policy, alias {alias}, rotation on"
                )
            }
            AwsStep::UpdateKeyPolicy { key, .. } => format!("update the key policy of {key} (old policy backed up)"),
        }
    }

    fn reversibility(&self) -> Reversibility {
        match self {
            AwsStep::CreateKey { .. } => Reversibility::ScheduledDeletionOnly,
            AwsStep::UpdateKeyPolicy { .. } => Reversibility::Reversible,
        }
    }
}
