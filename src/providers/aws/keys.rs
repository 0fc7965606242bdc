//! Key lifecycle calls: DescribeKey, CreateKey (CMEK's fixed shape, tagged with cmek's marker),
//! CreateAlias, ScheduleKeyDeletion, and `find_key`. Creates look their object up before a retry,
//! so a lost answer never makes a second key.

use aws_sdk_kms::types::{KeySpec, KeyUsageType, OriginType, Tag};

use super::connect::AwsProvider;
use super::convert::key_description;
use super::error::{AwsError, AwsErrorKind};
use crate::retry;
use cmek_core::model::aws::{AwsKeyDescription, AwsKeyFacts, AwsKeyRef, KeyMarker, KmsAliasName, KmsKeyId};

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
        // A key id or key ARN needs no DescribeKey first: one round trip.
        match key {
            AwsKeyRef::Arn(arn) => {
                if let Some(key_id) = arn.key_id() {
                    return self.inspect_by_id(&arn.to_string(), key_id.as_str()).await;
                }
            }
            AwsKeyRef::Id(id) => return self.inspect_by_id(id.as_str(), id.as_str()).await,
            AwsKeyRef::Alias(_) => {}
        }
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
        let out = retry::idempotent(OP, || async {
            kms.client.describe_key().key_id(key).send().await.map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await?;
        let meta = out.key_metadata().ok_or_else(|| {
            AwsError::new(AwsErrorKind::Other, OP, format!("KMS returned no key metadata for `{key}`"))
        })?;
        key_description(meta, OP)
    }

    /// CreateKey with the only shape CMEK accepts: symmetric, ENCRYPT_DECRYPT, single-Region,
    /// KMS-generated material, and the given policy from the start (lockout check kept on).
    ///
    /// When `marker` is given its tags are added, and a transient failure is followed by a look
    /// for the key this very attempt may have made (same run, same alias) before any retry.
    pub async fn create_key(&self, req: &NewAwsKey, marker: Option<&KeyMarker>) -> Result<AwsKeyDescription, AwsError> {
        const OP: &str = "kms:CreateKey";
        let all_tags: Vec<(String, String)> =
            req.tags.iter().cloned().chain(marker.map(KeyMarker::tags).unwrap_or_default()).collect();
        let tags = all_tags
            .iter()
            .map(|(k, v)| {
                Tag::builder().tag_key(k).tag_value(v).build().map_err(|e| {
                    AwsError::new(AwsErrorKind::InvalidInput, OP, format!("tag `{k}` = `{v}` is not usable: {e}"))
                })
            })
            .collect::<Result<Vec<Tag>, AwsError>>()?;
        let kms = self.kms();
        let attempt = || async {
            kms.client
                .create_key()
                .key_spec(KeySpec::SymmetricDefault)
                .key_usage(KeyUsageType::EncryptDecrypt)
                .origin(OriginType::AwsKms)
                .multi_region(false)
                .policy(&req.policy_json)
                .bypass_policy_lockout_safety_check(false)
                .description(&req.description)
                .set_tags(if tags.is_empty() { None } else { Some(tags.clone()) })
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        };
        let lookup = || async {
            let Some(marker) = marker else { return Ok(None) };
            let found = self.find_marked_keys(&marker.alias).await?;
            Ok(found.into_iter().find(|k| KeyMarker::read(&k.tags).as_ref() == Some(marker)))
        };
        retry::created(
            OP,
            || async {
                let out = attempt().await?;
                let meta = out.key_metadata().ok_or_else(|| {
                    AwsError::new(AwsErrorKind::Other, OP, "KMS created a key but returned no key metadata")
                })?;
                key_description(meta, OP)
            },
            || async { lookup().await.map(|k| k.map(|k| k.description)) },
        )
        .await
    }

    /// CreateAlias `alias` -> `key` (in this provider's region). An alias that exists is
    /// `AlreadyExists` (re-pointing an alias is a separate, deliberate decision), unless it is the
    /// answer to a retry of this very call (it then already points at `key`).
    pub async fn create_alias(&self, alias: &KmsAliasName, key: &KmsKeyId) -> Result<(), AwsError> {
        const OP: &str = "kms:CreateAlias";
        let kms = self.kms();
        retry::created(
            OP,
            || async {
                kms.client
                    .create_alias()
                    .alias_name(alias.as_str())
                    .target_key_id(key.as_str())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
            },
            || async {
                match self.describe_key(alias.as_str()).await {
                    Ok(target) if &target.key_id == key => Ok(Some(())),
                    Ok(_) => Ok(None),
                    Err(e) if e.kind == AwsErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            },
        )
        .await
    }

    /// ScheduleKeyDeletion with `days` of waiting (7-30); a key already pending deletion is left
    /// as it is (`Ok(false)`).
    pub async fn schedule_key_deletion(&self, key: &str, days: i32) -> Result<bool, AwsError> {
        const OP: &str = "kms:ScheduleKeyDeletion";
        let kms = self.kms_for(key);
        let result = retry::idempotent(OP, || async {
            kms.client
                .schedule_key_deletion()
                .key_id(key)
                .pending_window_in_days(days)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.kind == AwsErrorKind::InvalidState && self.is_pending_deletion(key).await => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn is_pending_deletion(&self, key: &str) -> bool {
        self.describe_key(key).await.is_ok_and(|d| d.state == cmek_core::model::aws::AwsKeyState::PendingDeletion)
    }
}
