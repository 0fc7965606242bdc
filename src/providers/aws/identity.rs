//! `whoami`: STS GetCallerIdentity, the identity every other call runs as.

use super::connect::AwsProvider;
use super::error::{AwsError, AwsErrorKind};
use crate::retry;
use cmek_core::model::aws::{AwsAccountId, AwsCallerIdentity};

impl AwsProvider {
    /// Who the resolved credentials belong to. Needs no permission, so a failure here is about
    /// credentials or the network, never about IAM.
    pub async fn whoami(&self) -> Result<AwsCallerIdentity, AwsError> {
        const OP: &str = "sts:GetCallerIdentity";
        let (sts, endpoint) = self.sts();
        let out = retry::idempotent(OP, || async {
            sts.get_caller_identity().send().await.map_err(|e| AwsError::from_sdk(OP, &endpoint, e))
        })
        .await?;
        let missing = |what: &str| AwsError::new(AwsErrorKind::Other, OP, format!("STS returned no {what}"));
        let account_text = out.account().ok_or_else(|| missing("account"))?;
        let account: AwsAccountId = account_text.parse().map_err(|e| {
            AwsError::new(AwsErrorKind::Other, OP, format!("STS returned an unexpected account `{account_text}`: {e}"))
        })?;
        Ok(AwsCallerIdentity {
            account,
            arn: out.arn().ok_or_else(|| missing("ARN"))?.to_string(),
            user_id: out.user_id().ok_or_else(|| missing("user id"))?.to_string(),
        })
    }
}
