//! The AWS steps of a plan, each one call (or one look-then-call) so that a run that dies between
//! two of them leaves something the next run recognises: create the key (tagged with cmek's
//! marker), point the alias at it, turn rotation on, replace the policy of an existing key, and
//! retire duplicate keys a dead or concurrent run left behind.

use crate::model::OrgUuid;
use crate::model::aws::{AwsRegion, KmsAliasName, KmsKeyArn};
use crate::plan::{CloudStep, Reversibility};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::diff::PolicyDiff;
use crate::policy::aws::merge::MergeChange;
use crate::policy::aws::render::AnthropicGrant;

/// How many days a duplicate key waits before KMS deletes it: the longest KMS allows, so a
/// mistake can be undone (`aws kms cancel-key-deletion`) for a month.
pub const DUPLICATE_DELETION_DAYS: i32 = 30;

#[derive(Debug, Clone, PartialEq)]
pub enum AwsStep {
    /// Create a symmetric single-Region key with the rendered policy, tagged with cmek's marker
    /// (organisation, alias, run) so a run that dies before the alias leaves a findable key.
    CreateKey {
        region: AwsRegion,
        alias: KmsAliasName,
        organization: OrgUuid,
        description: String,
        policy: PolicyDocument,
        diff: PolicyDiff,
    },
    /// Point `alias` at `key` (the key this run created when `None`). When another run's alias
    /// got there first, this run adopts that key (merging `grant` into its policy) and retires
    /// the key it created.
    CreateAlias { alias: KmsAliasName, key: Option<KmsKeyArn>, grant: AnthropicGrant },
    /// Turn on yearly automatic rotation (the key this run works on when `None`).
    EnableRotation { key: Option<KmsKeyArn> },
    /// Replace the key policy with the merged one (the old one is backed up first).
    UpdateKeyPolicy {
        key: KmsKeyArn,
        before: String,
        after: PolicyDocument,
        diff: PolicyDiff,
        changes: Vec<MergeChange>,
    },
    /// Schedule the deletion of keys cmek made for this alias that lost to the key in use (never
    /// registered, never aliased; checked again just before), with the longest waiting period.
    RetireDuplicates { alias: KmsAliasName, keys: Vec<KmsKeyArn> },
}

impl CloudStep for AwsStep {
    fn kind(&self) -> &'static str {
        match self {
            AwsStep::CreateKey { .. } => "create_key",
            AwsStep::CreateAlias { .. } => "create_alias",
            AwsStep::EnableRotation { .. } => "enable_key_rotation",
            AwsStep::UpdateKeyPolicy { .. } => "update_key_policy",
            AwsStep::RetireDuplicates { .. } => "retire_duplicate_keys",
        }
    }

    /// The alias and rotation need only the key: they run together, and beside the registration.
    fn runs_alongside(&self) -> bool {
        matches!(self, AwsStep::CreateAlias { .. } | AwsStep::EnableRotation { .. })
    }

    fn title(&self) -> String {
        match self {
            AwsStep::CreateKey { region, .. } => {
                format!("create a symmetric KMS key in {region} with the Anthropic key policy")
            }
            AwsStep::CreateAlias { alias, key: Some(key), .. } => format!("point {alias} at {key}"),
            AwsStep::CreateAlias { alias, key: None, .. } => format!("point {alias} at the new key"),
            AwsStep::EnableRotation { key: Some(key) } => format!("turn on automatic rotation of {key}"),
            AwsStep::EnableRotation { key: None } => "turn on automatic rotation of the key".to_string(),
            AwsStep::UpdateKeyPolicy { key, .. } => format!("update the key policy of {key} (old policy backed up)"),
            AwsStep::RetireDuplicates { alias, keys } => format!(
                "schedule the deletion (in {DUPLICATE_DELETION_DAYS} days) of {} duplicate key{} made for {alias}: {}",
                keys.len(),
                if keys.len() == 1 { "" } else { "s" },
                keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
        }
    }

    fn reversibility(&self) -> Reversibility {
        match self {
            AwsStep::CreateKey { .. } => Reversibility::ScheduledDeletionOnly,
            AwsStep::CreateAlias { .. } | AwsStep::EnableRotation { .. } | AwsStep::UpdateKeyPolicy { .. } => {
                Reversibility::Reversible
            }
            // Cancellable for the whole waiting period.
            AwsStep::RetireDuplicates { .. } => Reversibility::Reversible,
        }
    }
}
