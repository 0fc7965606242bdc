//! `assume_role`: STS AssumeRole, for calling AWS as another principal (the sandbox's platform
//! emulator validates keys as a session of Anthropic's published role).
//!
//! The temporary credentials are handed back wrapped in `SecretString`s, never formatted.

use secrecy::SecretString;

use super::connect::AwsProvider;
use super::error::{AwsError, AwsErrorKind};
use super::settings::StaticCredentials;
use crate::retry;

impl AwsProvider {
    /// STS AssumeRole -> temporary credentials (access key, secret, session token) for a session
    /// named `session_name`, valid for STS's default hour.
    pub async fn assume_role(&self, role_arn: &str, session_name: &str) -> Result<StaticCredentials, AwsError> {
        const OP: &str = "sts:AssumeRole";
        let (sts, endpoint) = self.sts();
        let out = retry::idempotent(OP, || async {
            sts.assume_role()
                .role_arn(role_arn)
                .role_session_name(session_name)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &endpoint, e))
        })
        .await?;
        let creds = out.credentials().ok_or_else(|| {
            AwsError::new(AwsErrorKind::Other, OP, format!("STS returned no credentials for role `{role_arn}`"))
        })?;
        Ok(StaticCredentials {
            access_key_id: creds.access_key_id().to_string(),
            secret_access_key: SecretString::from(creds.secret_access_key().to_string()),
            session_token: Some(SecretString::from(creds.session_token().to_string())),
        })
    }
}
