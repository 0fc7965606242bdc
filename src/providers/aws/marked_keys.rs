//! Finding the keys cmek made for an alias that no alias points at: a run that died between
//! CreateKey and CreateAlias, or a concurrent run between the two. KMS cannot search by tag, so
//! this lists the region's keys and aliases and reads the tags of the keys without an alias only
//! (customer keys almost always have one, AWS managed keys always do), a few at a time.

use std::collections::HashSet;

use aws_sdk_kms::types::{AliasListEntry, KeyListEntry};
use futures::stream::{self, StreamExt};

use super::connect::AwsProvider;
use super::error::{AwsError, AwsErrorKind};
use crate::retry;
use cmek_core::model::aws::{AwsAccountId, AwsKeyFacts, KeyMarker, KmsAliasName};

/// A region's keys and aliases, as listed (opaque outside the provider: SDK types stay here).
#[derive(Debug, Clone, Default)]
pub struct RegionKeys {
    pub(super) key_ids: Vec<String>,
    pub(super) aliases: Vec<AliasListEntry>,
    /// The account the listings belong to (the caller's), read from their ARNs.
    account: Option<AwsAccountId>,
}

impl RegionKeys {
    /// The caller's account, named by any alias or key ARN the listings hold. AWS lists its
    /// predefined aliases in every account and Region, so only a bare emulator leaves it `None`.
    pub fn account(&self) -> Option<&AwsAccountId> {
        self.account.as_ref()
    }
}

/// Tag reads in flight at once: well under KMS's request quotas.
const CONCURRENT_READS: usize = 8;

impl AwsProvider {
    /// Every key id in this provider's region (ListKeys, all pages).
    pub async fn list_key_ids(&self) -> Result<Vec<String>, AwsError> {
        Ok(self.list_keys().await?.iter().filter_map(|k| k.key_id().map(str::to_string)).collect())
    }

    /// ListKeys, all pages.
    async fn list_keys(&self) -> Result<Vec<KeyListEntry>, AwsError> {
        const OP: &str = "kms:ListKeys";
        let kms = self.kms();
        retry::idempotent(OP, || async {
            kms.client
                .list_keys()
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))
        })
        .await
    }

    /// A key's tags (ListResourceTags, all pages); `None` when they may not be read.
    pub async fn key_tags(&self, key: &str) -> Result<Option<Vec<(String, String)>>, AwsError> {
        const OP: &str = "kms:ListResourceTags";
        let kms = self.kms_for(key);
        let result: Result<Vec<(String, String)>, AwsError> = retry::idempotent(OP, || async {
            let mut tags = Vec::new();
            let mut marker: Option<String> = None;
            loop {
                let out = kms
                    .client
                    .list_resource_tags()
                    .key_id(key)
                    .set_marker(marker.clone())
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk(OP, &kms.endpoint, e))?;
                tags.extend(out.tags().iter().map(|t| (t.tag_key().to_string(), t.tag_value().to_string())));
                marker = out.next_marker().map(str::to_string).filter(|_| out.truncated());
                if marker.is_none() {
                    return Ok(tags);
                }
            }
        })
        .await;
        match result {
            Ok(tags) => Ok(Some(tags)),
            Err(e) if matches!(e.kind, AwsErrorKind::AccessDenied | AwsErrorKind::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The keys in this region that cmek made for `alias` (any organisation, any run) and that
    /// no alias points at, inspected like any key.
    pub async fn find_marked_keys(&self, alias: &KmsAliasName) -> Result<Vec<AwsKeyFacts>, AwsError> {
        let listed = self.region_keys().await?;
        self.marked_among(&listed, alias).await
    }

    /// Every key and alias of this region (ListKeys and ListAliases together, all pages).
    pub async fn region_keys(&self) -> Result<RegionKeys, AwsError> {
        // Any name that is not an ARN stays in this provider's region.
        let (keys, aliases) = tokio::try_join!(self.list_keys(), self.alias_entries("alias/", None))?;
        let account = aliases
            .iter()
            .filter_map(|a| a.alias_arn())
            .chain(keys.iter().filter_map(|k| k.key_arn()))
            .find_map(AwsAccountId::of_arn);
        let key_ids = keys.iter().filter_map(|k| k.key_id().map(str::to_string)).collect();
        Ok(RegionKeys { key_ids, aliases, account })
    }

    /// Among `listed`, the keys cmek made for `alias` that no alias points at, inspected.
    pub async fn marked_among(&self, listed: &RegionKeys, alias: &KmsAliasName) -> Result<Vec<AwsKeyFacts>, AwsError> {
        let aliased: HashSet<&str> = listed.aliases.iter().filter_map(|a| a.target_key_id()).collect();
        let unaliased: Vec<String> = listed.key_ids.iter().filter(|k| !aliased.contains(k.as_str())).cloned().collect();
        let marked: Vec<Result<Option<String>, AwsError>> = stream::iter(unaliased)
            .map(|key| async move {
                let tags = self.key_tags(&key).await?.unwrap_or_default();
                Ok(KeyMarker::read(&tags).filter(|m| &m.alias == alias).map(|_| key))
            })
            .buffer_unordered(CONCURRENT_READS)
            .collect()
            .await;
        let mut found = Vec::new();
        for key in marked {
            let Some(key) = key? else { continue };
            match self.describe_key(&key).await {
                Ok(description) => found.push(self.inspect_described(description).await?),
                // Deleted since it was listed.
                Err(e) if e.kind == AwsErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(found)
    }
}
