//! Registering the key with the organisation, once. The platform has no uniqueness rule for a
//! key's configurations, so two runs that list at the same moment can both create one: after
//! creating, a run lists again (`settle`, alongside the validation, or right after creating when
//! the attach is the validation) and keeps the configuration
//! every run agrees on (attached, else the oldest, else the smallest id); if that is not its own,
//! it deletes its own (unattached) and uses the other, and says so. Duplicates an earlier race
//! left are deleted by a planned step.

use cmek_core::model::ProviderConfig;
use cmek_core::run::events::Event;
use serde_json::json;

use super::Services;
use super::cloud::StepContext;
use super::journal::Journal;
use crate::error::Error;
use crate::platform::types::{Attachment, CreateExternalKey, ExternalKey};

/// A registration this run made, not yet compared with the other runs': the list that settles
/// a race is read alongside the validation (or beside the cloud steps still running with the
/// registration), so it costs no round trip of its own where something else is in flight.
pub(super) struct Unsettled {
    body: CreateExternalKey,
    pub created: ExternalKey,
}

/// Registers `config` (or finds it registered); the race with other runs is settled by [`settle`].
pub(super) async fn create(
    services: &Services,
    journal: &Journal,
    config: ProviderConfig,
    display_name: &str,
) -> Result<(Unsettled, String), Error> {
    let platform = &services.platform;
    let body = CreateExternalKey {
        provider_config: config.clone(),
        display_name: Some(display_name.to_string()),
        geo: Some("us".into()),
        user_profile_id: None,
    };
    // Lists before any retry and reuses an identical registration.
    let created = platform.create_external_key(&body, &cmek_core::clouds::same_key).await.map_err(Error::from)?;
    let _ = journal.record("key_registered", json!({ "external_key_id": created.id, "provider_config": config }));
    let detail = format!("registered as {}", created.id);
    Ok((Unsettled { body, created }, detail))
}

/// Lists the key's registrations and keeps the one every run agrees on. `Some((kept, sentence))`
/// when that is another run's: this run's own was deleted (if no workspace uses it) and the
/// sentence, also a notice, says so. `None`: this run's registration is the one.
pub(super) async fn settle(
    ctx: &mut StepContext<'_>,
    unsettled: &Unsettled,
) -> Result<Option<(String, String)>, Error> {
    let platform = &ctx.services.platform;
    let created = &unsettled.created;
    let all = platform.registrations_of(&unsettled.body, &cmek_core::clouds::same_key).await.map_err(|e| {
        Error::from(e).context(format!(
            "{} is registered, but the key's registrations could not be listed to settle a race with another run",
            created.id
        ))
    })?;
    match all.first() {
        Some(kept) if kept.id != created.id => {
            let removed = remove_if_unused(platform, created).await?;
            let text = format!(
                "another run registered the same key as {}{}; this run uses {}",
                kept.id,
                if removed {
                    format!(" at the same moment: this run's {} was deleted", created.id)
                } else {
                    String::new()
                },
                kept.id
            );
            let _ = ctx.journal.record(
                "registration_race_lost",
                json!({ "kept": kept.id, "own": created.id, "own_deleted": removed }),
            );
            ctx.sink.emit(Event::Notice { text: text.clone() });
            Ok(Some((kept.id.clone(), text)))
        }
        _ => Ok(None),
    }
}

/// Withdraws a registration made for a key the run no longer uses (the cloud steps running beside
/// the registration adopted another run's key): deleted unless a workspace uses it.
pub(super) async fn withdraw(services: &Services, journal: &Journal, unsettled: &Unsettled) -> Result<bool, Error> {
    let removed = remove_if_unused(&services.platform, &unsettled.created).await?;
    let _ = journal
        .record("registration_withdrawn", json!({ "external_key_id": unsettled.created.id, "deleted": removed }));
    Ok(removed)
}

/// Deletes the duplicate registrations `ids` (skipping any that got attached or is gone since).
pub(super) async fn remove_duplicates(ctx: &mut StepContext<'_>, keep: &str, ids: &[String]) -> Result<String, Error> {
    let platform = &ctx.services.platform;
    let mut removed = Vec::new();
    for id in ids {
        match platform.get_external_key(id).await {
            Ok(k) if remove_if_unused(platform, &k).await? => removed.push(id.clone()),
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(Error::from(e)),
        }
    }
    let _ = ctx.journal.record("duplicate_registrations_removed", json!({ "kept": keep, "removed": removed }));
    Ok(match removed.as_slice() {
        [] => format!("no duplicate registration left to delete; {keep} is the one in use"),
        _ => format!("deleted {} (duplicates of {keep})", removed.join(", ")),
    })
}

/// Deletes `k` unless a workspace uses it; true when it is gone.
async fn remove_if_unused(platform: &crate::platform::Client, k: &ExternalKey) -> Result<bool, Error> {
    if matches!(k.attachment, Attachment::Attached) {
        return Ok(false);
    }
    match platform.delete_external_key(&k.id).await {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() => Ok(true),
        // Attached meanwhile: it is in use, so it stays.
        Err(e) if e.is_conflict() || e.status() == Some(400) => Ok(false),
        Err(e) => Err(Error::from(e)),
    }
}
