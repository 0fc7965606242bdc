//! EnableKeyRotation: yearly automatic rotation of the key material, transparent to Anthropic
//! (the key id and ARN stay the same; old material still decrypts).

use super::connect::AwsProvider;
use super::error::AwsError;
use crate::retry;

impl AwsProvider {
    pub async fn enable_key_rotation(&self, key: &str) -> Result<(), AwsError> {
        const OP: &str = "kms:EnableKeyRotation";
        let kms = self.kms_for(key);
        retry::idempotent(OP, || async {
            kms.client
                .enable_key_rotation()
                .key_id(key)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await?;
        Ok(())
    }
}
