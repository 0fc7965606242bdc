//! What inspection found in Google Cloud: the key asked for (by its resolved name), whether Cloud
//! KMS answered at all, the key ring and key with their IAM policies, the project's IAM policy,
//! the organisation-level guards it ran into, and who the credential is.

use crate::model::gcp::{GcpCallerIdentity, GcpIamPolicy, GcpKeyFacts, GcpKeyName, GcpKeyRingFacts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpFacts {
    pub caller: GcpCallerIdentity,
    /// The key the answers name (with the project resolved): what is created, granted and
    /// registered.
    pub key_name: GcpKeyName,
    /// `None`: Cloud KMS answered. `Some(error text)`: it refused with `SERVICE_DISABLED` (GCP-01),
    /// so nothing else could be read (the key ring and key are then `None` for that reason).
    pub api_disabled: Option<String>,
    /// The key's ring; `None`: it does not exist (created by the plan).
    pub key_ring: Option<GcpKeyRingFacts>,
    /// The key; `None`: it does not exist (created by the plan).
    pub key: Option<GcpKeyFacts>,
    /// The project's IAM policy, when it could be read: grants there reach the key too, but are
    /// only reported (the guide asks for bindings on the key).
    pub project_iam_policy: Option<GcpIamPolicy>,
    /// What inspection saw of a VPC Service Controls perimeter around Cloud KMS (a
    /// `SECURITY_POLICY_VIOLATED` refusal or a `vpcServiceControlsUniqueIdentifier`), verbatim (GCP-08).
    pub vpc_service_controls: Option<String>,
    /// What inspection saw of an IAM deny policy that may deny Anthropic's service account, verbatim.
    pub deny_policy: Option<String>,
    /// What inspection saw of domain-restricted sharing (`iam.allowedPolicyMemberDomains` or
    /// `iam.managed.allowedPolicyMembers` enforced, or "do not belong to a permitted customer"),
    /// verbatim (GCP-07).
    pub domain_restriction: Option<String>,
}
