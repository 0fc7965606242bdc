//! IAM policies of key rings and crypto keys, through the KMS client (Cloud KMS serves
//! `:getIamPolicy` / `:setIamPolicy` on its own resources). Read with requested policy version 3
//! (conditions kept); write with the etag that was read, so a concurrent change is refused as
//! `StaleEtag` (409 ABORTED) and the caller re-reads and re-applies.
//!
//! A project's IAM policy is not served by Cloud KMS (it is Resource Manager's
//! `projects.getIamPolicy`, which has no client here): grants at the project level are not read.

use google_cloud_iam_v1::model::GetPolicyOptions;

use super::GcpClient;
use super::convert::{policy_facts, to_policy};
use super::error::{GcpError, GcpErrorKind};
use crate::retry;
use cmek_core::model::gcp::GcpIamPolicy;

/// The policy version asked for: 3, so conditional bindings come back whole.
const POLICY_VERSION: i32 = 3;

/// The IAM permission of a call on `resource` (a key ring or a crypto key).
fn permission(resource: &str, get: bool) -> &'static str {
    match (resource.contains("/cryptoKeys/"), get) {
        (true, true) => "cloudkms.cryptoKeys.getIamPolicy",
        (true, false) => "cloudkms.cryptoKeys.setIamPolicy",
        (false, true) => "cloudkms.keyRings.getIamPolicy",
        (false, false) => "cloudkms.keyRings.setIamPolicy",
    }
}

impl GcpClient {
    /// The IAM policy of a key ring or crypto key (full resource name), version 3.
    pub async fn get_iam_policy(&self, resource: &str) -> Result<GcpIamPolicy, GcpError> {
        let op = permission(resource, true);
        let kms = self.kms(op).await?;
        retry::idempotent(op, || async {
            let request = kms
                .get_iam_policy()
                .set_resource(resource)
                .set_options(GetPolicyOptions::new().set_requested_policy_version(POLICY_VERSION));
            let policy = request.send().await.map_err(|e| self.sdk_error(op, resource, &e))?;
            Ok(policy_facts(&policy))
        })
        .await
    }

    /// Writes `policy` (bindings and etag as given; build it from a fresh read, e.g. with
    /// `GcpIamPolicy::with_member`) and returns the policy Cloud KMS stored. A stale etag fails
    /// with kind `StaleEtag`: read again, re-apply, write again. Domain-restricted sharing fails
    /// with kind `DomainRestricted`.
    pub async fn set_iam_policy(&self, resource: &str, policy: &GcpIamPolicy) -> Result<GcpIamPolicy, GcpError> {
        let op = permission(resource, false);
        let sent =
            to_policy(policy).map_err(|why| GcpError::new(GcpErrorKind::InvalidArgument, op, why).on(resource))?;
        let kms = self.kms(op).await?;
        // Idempotent: the etag makes a repeat after a lost answer fail as StaleEtag, never apply twice.
        retry::idempotent(op, || async {
            let request = kms.set_iam_policy().set_resource(resource).set_policy(sent.clone());
            let stored = request.send().await.map_err(|e| self.sdk_error(op, resource, &e))?;
            Ok(policy_facts(&stored))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_follow_the_resource() {
        assert_eq!(permission("projects/p/locations/l/keyRings/r", true), "cloudkms.keyRings.getIamPolicy");
        assert_eq!(
            permission("projects/p/locations/l/keyRings/r/cryptoKeys/k", false),
            "cloudkms.cryptoKeys.setIamPolicy"
        );
    }
}
