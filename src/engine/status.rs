//! `cmek status`'s I/O: the organisation and both listings at once (each followed to its last
//! page, in the largest pages the API allows), then, with `--validate`, every key validated, a
//! bounded number at a time. Every call goes through the client's retry policy. Deciding what
//! it means is `cmek_core::status`.

use std::collections::BTreeMap;

use chrono::Utc;
use futures::stream::{self, StreamExt};

use crate::error::Error;
use crate::platform::Client;
use crate::platform::pagination::Listed;
use crate::platform::types::{ExternalKey, Organization, ValidationStatus, Workspace};
use cmek_core::status::{Fresh, Validation, ValidationSource};

/// How many validations run at once: each makes Anthropic call the customer's KMS and may take
/// up to 30 s, so a few at a time, not 200.
pub const VALIDATIONS_AT_ONCE: usize = 8;

#[derive(Debug, Clone, Copy, Default)]
pub struct StatusRequest {
    /// Archived workspaces too.
    pub include_archived: bool,
    /// Validate every key now.
    pub validate: bool,
}

/// What the platform said.
#[derive(Debug)]
pub struct Gathered {
    /// `None` when only this read failed (the listings are what matters).
    pub organization: Option<Organization>,
    pub workspaces: Listed<Workspace>,
    pub keys: Listed<ExternalKey>,
    pub fresh: BTreeMap<String, Fresh>,
}

pub async fn gather(client: &Client, request: StatusRequest) -> Result<Gathered, Error> {
    let (organization, workspaces, keys) = tokio::join!(
        client.organization(),
        client.every_workspace(request.include_archived),
        client.every_external_key(),
    );
    let workspaces = workspaces.map_err(Error::from)?;
    let keys = keys.map_err(Error::from)?;
    let fresh = match request.validate {
        true => validate_all(client, key_ids(&workspaces.items, &keys.items)).await,
        false => BTreeMap::new(),
    };
    Ok(Gathered { organization: organization.ok(), workspaces, keys, fresh })
}

/// Every registered key, then any key a workspace names that the listing did not return.
fn key_ids(workspaces: &[Workspace], keys: &[ExternalKey]) -> Vec<String> {
    let mut ids: Vec<String> = keys.iter().map(|k| k.id.clone()).collect();
    for id in workspaces.iter().filter_map(|w| w.external_key_id.as_ref()) {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// Validates each key, `VALIDATIONS_AT_ONCE` at a time; a call that fails after its retries is
/// that key's `Err`, and the others go on.
pub async fn validate_all(client: &Client, ids: Vec<String>) -> BTreeMap<String, Fresh> {
    stream::iter(ids)
        .map(|id| async move {
            let result = match client.validate_external_key(&id).await {
                Ok(v) => Ok(Validation {
                    at: Utc::now(),
                    passed: v.status == ValidationStatus::Success,
                    error: v.error,
                    source: ValidationSource::Now,
                }),
                Err(e) => Err(e.to_string()),
            };
            (id, result)
        })
        .buffer_unordered(VALIDATIONS_AT_ONCE)
        .collect()
        .await
}
