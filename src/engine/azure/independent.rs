//! The Azure steps that need nothing of each other's ([`CloudStep::independent`]): the consent,
//! the key's creation and its tags, which a run may have in flight together; and the read after a
//! key's create, which goes beside the steps after it.

use cmek_core::model::azure::{AzureKeyFacts, AzureKeyName, VaultUri};
use cmek_core::plan::CloudStep;
use cmek_core::plan::azure::AzureStep;
use serde_json::json;

use crate::engine::journal::Journal;
use crate::error::{Error, Result};
use crate::providers::azure::{AzureError, AzureProvider, NewAzureKey};

/// A key this run created. Key Vault has no create-if-absent: a run creating the same key at the
/// same moment adds a version, so the key is read again to say so; the read needs nothing the
/// later steps do (the role is assigned, and the key registered, by name), so it goes beside them.
pub(super) struct CreatedKey {
    pub vault_uri: VaultUri,
    pub name: AzureKeyName,
    pub kid: String,
}

/// What a step made that later steps use.
pub(super) enum Made {
    Nothing,
    ServicePrincipal(String),
    Key { kid: String, created: Option<CreatedKey> },
}

pub(super) type ReadAgain = std::result::Result<Option<AzureKeyFacts>, AzureError>;

/// Reads a created key again (nothing when no key was created).
pub(super) async fn read_again(azure: &AzureProvider, created: Option<CreatedKey>) -> Option<(CreatedKey, ReadAgain)> {
    let created = created?;
    let read = azure.inspect_key(&created.vault_uri, &created.name).await;
    Some((created, read))
}

/// The steps that need nothing of the session's but the provider and the journal
/// ([`CloudStep::independent`]), so several can be in flight together; what each made is kept
/// by the caller.
pub(super) async fn apply_independent(
    azure: &AzureProvider,
    journal: &Journal,
    step: &AzureStep,
) -> Result<(String, Made)> {
    match first_part(azure, journal, step).await? {
        FirstPart::Done(detail, made) => Ok((detail, made)),
        FirstPart::CreateNext => create_key(azure, journal, step).await,
    }
}

/// How far the first part of an independent step went.
pub(super) enum FirstPart {
    Done(String, Made),
    /// The key's look-up found nothing: the create is still to make.
    CreateNext,
}

/// An independent step up to what cannot be taken back: the consent and the tags whole; the
/// key's creation as far as its look-up.
pub(super) async fn first_part(azure: &AzureProvider, journal: &Journal, step: &AzureStep) -> Result<FirstPart> {
    match step {
        AzureStep::ConsentServicePrincipal { app_id, tenant_id } => {
            let sp = azure.create_service_principal(app_id).await.map_err(Error::from)?;
            let _ = journal.record(
                "service_principal_created",
                json!({ "app_id": app_id, "object_id": sp.object_id, "tenant_id": tenant_id }),
            );
            let detail =
                format!("service principal {} of Anthropic's app {app_id} is in tenant {tenant_id}", sp.object_id);
            Ok(FirstPart::Done(detail, Made::ServicePrincipal(sp.object_id)))
        }
        AzureStep::CreateKey { vault_uri, name, size, tags, .. } => {
            // Creating over an existing key would make a new version without the customer's tags:
            // look again (the key may have been unreadable, or made, since inspection).
            if let Some(existing) = azure.inspect_key(vault_uri, name).await.map_err(Error::from)? {
                // A concurrent run (or one that died after its create) made the very key this
                // step makes: same type, size, operations and tags. Use it; another version
                // would be a second key under one name.
                let same_ops = existing.key_ops.len() == 2
                    && ["wrapKey", "unwrapKey"].iter().all(|op| existing.key_ops.iter().any(|o| o == op));
                let same = same_ops
                    && existing.key_size.is_some_and(|s| s >= *size)
                    && existing.kty.as_deref().is_some_and(|k| k.starts_with("RSA"))
                    && tags.iter().all(|(k, v)| existing.tags.get(k) == Some(v));
                if same {
                    let kid = existing.kid.clone().unwrap_or_else(|| format!("{vault_uri}/keys/{name}"));
                    let _ = journal.record("azure_key_adopted", json!({ "kid": kid }));
                    let detail =
                        format!("{kid} was created meanwhile by another run with the same settings: used as is");
                    return Ok(FirstPart::Done(detail, Made::Key { kid, created: None }));
                }
                return Err(Error::remote(format!(
                    "key {name} exists in {vault_uri} ({}), but the plan was made without it; nothing was written",
                    existing.kid.as_deref().unwrap_or("current version")
                ))
                .with_hint("re-run the same command to plan against the existing key"));
            }
            Ok(FirstPart::CreateNext)
        }
        AzureStep::MergeKeyTags { vault_uri, name, add, .. } => {
            let merged = azure.merge_key_tags(vault_uri, name, add).await.map_err(Error::from)?;
            let _ = journal.record(
                "azure_key_tags_merged",
                json!({ "vault_uri": vault_uri.to_string(), "name": name.to_string(),
                        "added": add.keys().collect::<Vec<_>>(), "tags_now": merged.len() }),
            );
            let detail = format!(
                "key {name} tagged {}; it carries {} tags, none dropped",
                add.keys().map(|k| format!("{k}={}", add[k])).collect::<Vec<_>>().join(", "),
                merged.len()
            );
            Ok(FirstPart::Done(detail, Made::Nothing))
        }
        AzureStep::UpdateVaultNetwork { .. }
        | AzureStep::EnablePurgeProtection { .. }
        | AzureStep::AssignRole { .. } => {
            Err(Error::remote(format!("`{}` cannot run beside other steps; nothing was done", step.kind())))
        }
    }
}

/// Creates the key of a `CreateKey` step whose look-up found nothing.
pub(super) async fn create_key(azure: &AzureProvider, journal: &Journal, step: &AzureStep) -> Result<(String, Made)> {
    let AzureStep::CreateKey { vault_uri, name, size, hsm, tags } = step else {
        return Err(Error::remote(format!("`{}` is not a key's creation; nothing was done", step.kind())));
    };
    let new = NewAzureKey { size: *size, hsm: *hsm, tags: tags.clone() };
    let key = azure.create_key(vault_uri, name, &new).await.map_err(Error::from)?;
    let kid = key.kid.clone().unwrap_or_else(|| format!("{vault_uri}/keys/{name}"));
    let _ = journal.record(
        "azure_key_created",
        json!({ "kid": kid, "vault_uri": vault_uri.to_string(), "name": name.to_string(),
                "kty": key.kty, "size": key.key_size, "key_ops": key.key_ops, "tags": key.tags }),
    );
    let detail = format!("created {kid} ({} {}-bit, wrapKey and unwrapKey)", key.kty.as_deref().unwrap_or("RSA"), size);
    let created = CreatedKey { vault_uri: vault_uri.clone(), name: name.clone(), kid: kid.clone() };
    Ok((detail, Made::Key { kid, created: Some(created) }))
}
