//! Encrypt and Decrypt with an encryption context: how validation proves a grant works.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_kms::primitives::Blob;

use super::connect::AwsProvider;
use super::error::{AwsError, AwsErrorKind};
use crate::retry;

impl AwsProvider {
    /// Encrypts `plaintext` under `key` with `context` (KMS authenticates the context; policy
    /// conditions on `kms:EncryptionContext:*` see it). Returns the ciphertext blob.
    pub async fn encrypt(
        &self,
        key: &str,
        plaintext: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Vec<u8>, AwsError> {
        const OP: &str = "kms:Encrypt";
        let kms = self.kms_for(key);
        let out = retry::idempotent(OP, || async {
            kms.client
                .encrypt()
                .key_id(key)
                .plaintext(Blob::new(plaintext))
                .set_encryption_context(sdk_context(context))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await?;
        out.ciphertext_blob().map(|b| b.as_ref().to_vec()).ok_or_else(|| {
            AwsError::new(AwsErrorKind::Other, OP, format!("KMS returned no ciphertext for key `{key}`"))
        })
    }

    /// Decrypts with `key` named explicitly (so a ciphertext of another key is refused rather than
    /// silently decrypted with it) and the same `context` used to encrypt.
    pub async fn decrypt(
        &self,
        key: &str,
        ciphertext: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Vec<u8>, AwsError> {
        const OP: &str = "kms:Decrypt";
        let kms = self.kms_for(key);
        let out = retry::idempotent(OP, || async {
            kms.client
                .decrypt()
                .key_id(key)
                .ciphertext_blob(Blob::new(ciphertext))
                .set_encryption_context(sdk_context(context))
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await?;
        out.plaintext()
            .map(|b| b.as_ref().to_vec())
            .ok_or_else(|| AwsError::new(AwsErrorKind::Other, OP, format!("KMS returned no plaintext for key `{key}`")))
    }
}

/// An empty context is sent as no context at all, which is what KMS means by it.
fn sdk_context(context: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    if context.is_empty() { None } else { Some(context.iter().map(|(k, v)| (k.clone(), v.clone())).collect()) }
}
