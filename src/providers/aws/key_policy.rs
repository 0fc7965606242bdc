//! The key policy: GetKeyPolicy and PutKeyPolicy, always the policy named `default`.
//!
//! PutKeyPolicy replaces the whole policy; merging and backing up is the caller's job (policy/,
//! engine/). The lockout safety check is never bypassed.

use super::connect::AwsProvider;
use super::error::{AwsError, AwsErrorKind};
use crate::retry;

/// The only key policy name KMS supports.
const POLICY_NAME: &str = "default";

impl AwsProvider {
    /// The key policy, verbatim JSON as KMS returns it.
    pub async fn get_key_policy(&self, key: &str) -> Result<String, AwsError> {
        const OP: &str = "kms:GetKeyPolicy";
        let kms = self.kms_for(key);
        let out = retry::idempotent(OP, || async {
            kms.client
                .get_key_policy()
                .key_id(key)
                .policy_name(POLICY_NAME)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await?;
        out.policy()
            .map(str::to_string)
            .ok_or_else(|| AwsError::new(AwsErrorKind::Other, OP, format!("KMS returned no policy for key `{key}`")))
    }

    /// Replaces the key policy with `policy_json`.
    pub async fn put_key_policy(&self, key: &str, policy_json: &str) -> Result<(), AwsError> {
        const OP: &str = "kms:PutKeyPolicy";
        let kms = self.kms_for(key);
        retry::idempotent(OP, || async {
            kms.client
                .put_key_policy()
                .key_id(key)
                .policy_name(POLICY_NAME)
                .policy(policy_json)
                .bypass_policy_lockout_safety_check(false)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await?;
        Ok(())
    }
}
