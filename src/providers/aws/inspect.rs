//! `inspect_key`: DescribeKey plus the key policy, the key's aliases, its rotation status and tags.
//! A key named by its id or ARN is read in one round trip (all five at once); one named by an
//! alias needs DescribeKey first, as the other calls do not take aliases.

use aws_sdk_kms::types::AliasListEntry;

use super::connect::AwsProvider;
use super::error::{AwsError, AwsErrorKind};
use super::marked_keys::RegionKeys;
use crate::retry;
use cmek_core::model::aws::{AwsKeyDescription, AwsKeyFacts, KmsAliasName};

impl AwsProvider {
    /// Everything CMEK checks about one key; `key` is a key id, key ARN, alias name or alias ARN.
    pub async fn inspect_key(&self, key: &str) -> Result<AwsKeyFacts, AwsError> {
        let description = self.describe_key(key).await?;
        self.inspect_described(description).await
    }

    /// The key `key` names (id or ARN) in one round trip: DescribeKey and the rest together.
    /// `Ok(None)` when KMS says it does not exist.
    pub(super) async fn inspect_by_id(&self, key: &str, key_id: &str) -> Result<Option<AwsKeyFacts>, AwsError> {
        self.read_together(key, self.aliases_of(key, key_id)).await
    }

    /// The key `alias` names, found in `listed` (every alias of its region), read in one round
    /// trip: DescribeKey, the policy, rotation and tags together, its aliases from the listing.
    /// `Ok(None)` when the listing has no such alias (or KMS no longer has its key).
    pub async fn inspect_listed_alias(
        &self,
        alias: &KmsAliasName,
        listed: &RegionKeys,
    ) -> Result<Option<AwsKeyFacts>, AwsError> {
        let target = listed
            .aliases
            .iter()
            .find(|entry| entry.alias_name() == Some(alias.as_str()))
            .and_then(|entry| entry.target_key_id());
        let Some(key_id) = target else { return Ok(None) };
        self.read_together(key_id, async { Ok(aliases_among(&listed.aliases, key_id)) }).await
    }

    /// DescribeKey, the policy, rotation and tags of `key` (id or ARN) in flight together, with
    /// its aliases from `aliases`; `Ok(None)` when KMS says the key does not exist.
    async fn read_together(
        &self,
        key: &str,
        aliases: impl Future<Output = Result<Vec<KmsAliasName>, AwsError>>,
    ) -> Result<Option<AwsKeyFacts>, AwsError> {
        let (description, policy, aliases, rotation_enabled, tags) = tokio::join!(
            self.describe_key(key),
            self.get_key_policy(key),
            aliases,
            self.rotation_enabled(key),
            self.key_tags(key),
        );
        let description = match description {
            Ok(d) => d,
            Err(e) if e.kind == AwsErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(AwsKeyFacts {
            description,
            policy: policy?,
            aliases: aliases?,
            rotation_enabled: rotation_enabled?,
            tags: tags?.unwrap_or_default(),
        }))
    }

    /// The rest of `inspect_key`, for a key already described. Later calls use the key ARN, so
    /// they reach the key's own region and never depend on an alias.
    pub(super) async fn inspect_described(&self, description: AwsKeyDescription) -> Result<AwsKeyFacts, AwsError> {
        let arn = description.arn.to_string();
        // Each needs only the key's ARN: one round trip for all four, not four in a row.
        let (policy, aliases, rotation_enabled, tags) = tokio::try_join!(
            self.get_key_policy(&arn),
            self.aliases_of(&arn, description.key_id.as_str()),
            self.rotation_enabled(&arn),
            self.key_tags(&arn),
        )?;
        Ok(AwsKeyFacts { description, policy, aliases, rotation_enabled, tags: tags.unwrap_or_default() })
    }

    /// ListAliases for one key (all pages), sorted. `alias/aws/...` names belong to AWS managed
    /// keys, which CMEK rejects on their `KeyManager` anyway; they are left out of the list.
    async fn aliases_of(&self, arn: &str, key_id: &str) -> Result<Vec<KmsAliasName>, AwsError> {
        let entries = self.alias_entries(arn, Some(key_id)).await?;
        // Defensive: some implementations ignore the KeyId filter, so entries without a target
        // are kept (they were asked for this key).
        let mut aliases: Vec<KmsAliasName> = entries
            .iter()
            .filter(|entry| entry.target_key_id().is_none_or(|t| t == key_id))
            .filter_map(|entry| entry.alias_name())
            .filter_map(|name| name.parse().ok())
            .collect();
        aliases.sort();
        aliases.dedup();
        Ok(aliases)
    }

    /// ListAliases (all pages) in the region of `arn_or_region_key`: for one key, or every alias.
    pub(super) async fn alias_entries(
        &self,
        arn_or_region_key: &str,
        key_id: Option<&str>,
    ) -> Result<Vec<AliasListEntry>, AwsError> {
        const OP: &str = "kms:ListAliases";
        let kms = self.kms_for(arn_or_region_key);
        retry::idempotent(OP, || async {
            kms.client
                .list_aliases()
                .set_key_id(key_id.map(str::to_string))
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await
    }

    /// GetKeyRotationStatus, `None` when it cannot be read: denied (doctor may run with read-only
    /// rights), or not applicable in the key's state or kind. Other failures are errors.
    async fn rotation_enabled(&self, arn: &str) -> Result<Option<bool>, AwsError> {
        const OP: &str = "kms:GetKeyRotationStatus";
        let kms = self.kms_for(arn);
        let result = retry::idempotent(OP, || async {
            kms.client
                .get_key_rotation_status()
                .key_id(arn)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await;
        match result {
            Ok(out) => Ok(Some(out.key_rotation_enabled())),
            Err(err) => {
                let unreadable = matches!(err.kind, AwsErrorKind::AccessDenied | AwsErrorKind::InvalidState)
                    || err.code.as_deref() == Some("UnsupportedOperationException");
                if unreadable { Ok(None) } else { Err(err) }
            }
        }
    }
}

/// The aliases in `listed` (a whole region's) that point at `key_id`, sorted.
fn aliases_among(listed: &[AliasListEntry], key_id: &str) -> Vec<KmsAliasName> {
    let mut aliases: Vec<KmsAliasName> = listed
        .iter()
        .filter(|entry| entry.target_key_id() == Some(key_id))
        .filter_map(|entry| entry.alias_name())
        .filter_map(|name| name.parse().ok())
        .collect();
    aliases.sort();
    aliases.dedup();
    aliases
}
