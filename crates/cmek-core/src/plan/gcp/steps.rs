//! The Google Cloud steps of a plan: create the key ring, create the key, merge the organisation
//! label into an existing key's labels, and grant Anthropic's service account its two roles on the
//! key. Each is one call (or one read-then-write), so a run that dies between two of them leaves
//! something the next run's inspection recognises and plans around.

use std::collections::BTreeMap;

use crate::model::gcp::{GcpIamPolicy, GcpKeyName};
use crate::plan::{CloudStep, Reversibility};
use crate::policy::diff::PolicyDiff;

use super::answers::Protection;

/// The purpose of the key `cmek` creates (what Anthropic needs).
pub const PURPOSE: &str = "ENCRYPT_DECRYPT";
/// The algorithm of the key `cmek` creates (the only one of `ENCRYPT_DECRYPT` keys in Cloud KMS).
pub const ALGORITHM: &str = "GOOGLE_SYMMETRIC_ENCRYPTION";
/// The rotation period of the key `cmek` creates: 90 days, sent as `"7776000s"`. Rotation is
/// transparent to Anthropic (decryption finds the version that encrypted).
pub const ROTATION_PERIOD_SECS: u64 = 90 * 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GcpStep {
    /// `keyRings.create` of `key.key_ring` under `key.location_name()`: PERMANENT (Cloud KMS
    /// never deletes a key ring).
    CreateKeyRing { key: GcpKeyName },
    /// `cryptoKeys.create` of `key.key` in its ring: purpose [`PURPOSE`], version template
    /// ([`ALGORITHM`], `protection`), `rotationPeriod` `"{rotation_period_secs}s"` with
    /// `nextRotationTime` = the time of the call + the period (the planner has no clock; Cloud KMS
    /// needs both), and `labels`. PERMANENT: a key can never be deleted, only its versions
    /// destroyed.
    CreateKey { key: GcpKeyName, protection: Protection, rotation_period_secs: u64, labels: BTreeMap<String, String> },
    /// `cryptoKeys.patch` with `updateMask=labels`, which REPLACES the whole map: `labels` is the
    /// full merged map as planned (every label the key had, plus `add`); `kept` counts the
    /// customer's labels kept. A careful engine re-reads the labels just before and writes
    /// `labels::merge_labels(&fresh, add)` so a label added meanwhile is kept too.
    MergeLabels { key: GcpKeyName, add: BTreeMap<String, String>, labels: BTreeMap<String, String>, kept: usize },
    /// Read-modify-write of the key's IAM policy (see [`IamGrant`]).
    GrantAnthropic(IamGrant),
}

/// Anthropic's service account gets `roles` on the key, by read-modify-write of the key's IAM
/// policy guarded by its etag: never a binding, member or condition dropped.
///
/// The engine: when `before` is `Some`, `setIamPolicy` with `after` (it carries the etag read at
/// inspection). When `before` is `None` (a key this run creates, or a policy that could not be
/// read), or when the write is refused as stale (409 `ABORTED`), read the policy again
/// (`getIamPolicy`, `options.requestedPolicyVersion=3`) and write [`IamGrant::desired`] of what
/// was read, with that etag; `None` from it means the roles are already there. A few attempts
/// suffice: each one starts from what is there now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamGrant {
    pub key: GcpKeyName,
    /// `serviceAccount:<Anthropic's published service account>`.
    pub member: String,
    /// Both roles Anthropic needs (already granted ones are left as they are).
    pub roles: Vec<String>,
    /// The key's policy as inspection read it (etag included); `None`: see above.
    pub before: Option<GcpIamPolicy>,
    /// `before` (or an empty policy) with the member added: what is written when the etag holds.
    pub after: GcpIamPolicy,
    /// `before` against `after`, as `GcpIamPolicy::render` prints them: the plan's document diff.
    pub diff: PolicyDiff,
}

impl IamGrant {
    /// `current` with the member holding each role unconditionally (every other binding,
    /// member and condition kept, `current`'s etag kept for the write); `None` when it already
    /// does, so there is nothing to write.
    pub fn desired(&self, current: &GcpIamPolicy) -> Option<GcpIamPolicy> {
        let roles: Vec<&str> = self.roles.iter().map(String::as_str).collect();
        if current.missing(&roles, &self.member).is_empty() {
            return None;
        }
        Some(current.with_member(&roles, &self.member))
    }

    /// The roles this grant adds, as planned.
    pub fn adds(&self) -> Vec<&str> {
        let roles: Vec<&str> = self.roles.iter().map(String::as_str).collect();
        match &self.before {
            Some(before) => before.missing(&roles, &self.member),
            None => roles,
        }
    }
}

/// A duration as Cloud KMS's JSON writes it: `"7776000s"`.
pub fn duration_text(secs: u64) -> String {
    format!("{secs}s")
}

impl CloudStep for GcpStep {
    fn kind(&self) -> &'static str {
        match self {
            GcpStep::CreateKeyRing { .. } => "create_key_ring",
            GcpStep::CreateKey { .. } => "create_key",
            GcpStep::MergeLabels { .. } => "merge_labels",
            GcpStep::GrantAnthropic(_) => "grant_anthropic",
        }
    }

    /// The grant needs only the key: it runs beside the registration.
    fn runs_alongside(&self) -> bool {
        matches!(self, GcpStep::GrantAnthropic(_))
    }

    fn title(&self) -> String {
        match self {
            GcpStep::CreateKeyRing { key } => format!(
                "create key ring {} in {} (project {}): key rings cannot be deleted",
                key.key_ring, key.location, key.project
            ),
            GcpStep::CreateKey { key, protection, rotation_period_secs, .. } => format!(
                "create {} key {} in key ring {} ({PURPOSE}, {ALGORITHM}, rotated every {} days) with the \
                 organisation label: keys cannot be deleted (only their versions can be destroyed)",
                protection.api_name(),
                key.key,
                key.key_ring,
                rotation_period_secs / (24 * 60 * 60)
            ),
            GcpStep::MergeLabels { key, add, kept, .. } => format!(
                "label key {} with {} (keeping its {kept} other label{})",
                key.key,
                add.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "),
                if *kept == 1 { "" } else { "s" }
            ),
            GcpStep::GrantAnthropic(grant) => {
                let adds = grant.adds();
                let roles = if adds.is_empty() { grant.roles.join(" and ") } else { adds.join(" and ") };
                format!(
                    "grant {roles} on key {} to {} (the key's IAM policy, read-modify-write)",
                    grant.key.key, grant.member
                )
            }
        }
    }

    fn reversibility(&self) -> Reversibility {
        match self {
            GcpStep::CreateKeyRing { .. } | GcpStep::CreateKey { .. } => Reversibility::Permanent,
            GcpStep::MergeLabels { .. } | GcpStep::GrantAnthropic(_) => Reversibility::Reversible,
        }
    }
}
