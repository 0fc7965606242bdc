//! Key lifecycle calls: DescribeKey, CreateKey (CMEK's fixed shape), CreateAlias, and `find_key`.

use aws_sdk_kms::types::{KeySpec, KeyUsageType, OriginType, Tag};

use super::connect::AwsProvider;
use super::convert::key_description;
use super::error::{AwsError, AwsErrorKind};
use cmek_core::model::aws::{AwsKeyDescription, AwsKeyFacts, AwsKeyRef, KmsAliasName, KmsKeyId};

/// What `create_key` needs; everything else about a CMEK key is fixed (see `create_key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAwsKey {
    /// The full key policy, set at creation so the key is never reachable with the default policy.
    pub policy_json: String,
    pub description: String,
    pub tags: Vec<(String, String)>,
}

impl AwsProvider {
    /// Inspects the key `key` names; `Ok(None)` when KMS says it does not exist.
    pub async fn find_key(&self, key: &AwsKeyRef) -> Result<Option<AwsKeyFacts>, AwsError> {
        match self.describe_key(&key.as_kms_key_id()).await {
            Ok(description) => self.inspect_described(description).await.map(Some),
            Err(e) if e.kind == AwsErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// DescribeKey; `key` is a key id, key ARN, alias name or alias ARN.
    pub async fn describe_key(&self, key: &str) -> Result<AwsKeyDescription, AwsError> {
        const OP: &str = "kms:DescribeKey";
        let kms = self.kms_for(key);
        let out =
            kms.client.describe_key().key_id(key).send().await.map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))?;
        let meta = out.key_metadata().ok_or_else(|| {
            AwsError::new(AwsErrorKind::Other, OP, format!("KMS returned no key metadata for `{key}`"))
        })?;
        key_description(meta, OP)
    }

    /// CreateKey with the only shape CMEK accepts: symmetric, ENCRYPT_DECRYPT, single-Region,
    /// KMS-generated material, and the given policy from the start (lockout check kept on).
    pub async fn create_key(&self, req: &NewAwsKey) -> Result<AwsKeyDescription, AwsError> {
        const OP: &str = "kms:CreateKey";
        let tags = req
            .tags
            .iter()
            .map(|(k, v)| {
                Tag::builder().tag_key(k).tag_value(v).build().map_err(|e| {
                    AwsError::new(AwsErrorKind::InvalidInput, OP, format!("tag `{k}` = `{v}` is not usable: {e}"))
                })
            })
            .collect::<Result<Vec<Tag>, AwsError>>()?;
        let kms = self.kms();
        let out = kms
            .client
            .create_key()
            .key_spec(KeySpec::SymmetricDefault)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .origin(OriginType::AwsKms)
            .multi_region(false)
            .policy(&req.policy_json)
            .bypass_policy_lockout_safety_check(false)
            .description(&req.description)
            .set_tags(if tags.is_empty() { None } else { Some(tags) })
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))?;
        let meta = out
            .key_metadata()
            .ok_or_else(|| AwsError::new(AwsErrorKind::Other, OP, "KMS created a key but returned no key metadata"))?;
        key_description(meta, OP)
    }

    /// CreateAlias `alias` -> `key` (in this provider's region). An existing alias is
    /// `AlreadyExists`: re-pointing an alias is a separate, deliberate decision.
    pub async fn create_alias(&self, alias: &KmsAliasName, key: &KmsKeyId) -> Result<(), AwsError> {
        const OP: &str = "kms:CreateAlias";
        let kms = self.kms();
        kms.client
            .create_alias()
            .alias_name(alias.as_str())
            .target_key_id(key.as_str())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))?;
        Ok(())
    }
}
