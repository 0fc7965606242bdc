//! The attach step of a run: settle this run's registration, attach it, and make sense of what
//! the platform answered (`attach`). When the plan lets the attach be the run's validation (the
//! platform validates the key for the workspace before it attaches it), a refusal that says an
//! access grant has not taken effect yet is retried under the propagation waiter, as the
//! `Validate` step's would be, and the answer is the run's validation result.

use std::sync::Mutex;

use serde_json::json;

use cmek_core::doctor::validation_text::is_propagating;
use cmek_core::plan::AttachValidation;
use cmek_core::run::ValidationResult;
use cmek_core::run::events::Event;

use super::apply::{Progress, settle};
use super::attach::{AttachFailure, Attached, attach_explained};
use super::cloud::StepContext;
use super::propagation::{self, Backoff, Report};
use crate::error::Error;

pub(super) async fn attach(
    ctx: &mut StepContext<'_>,
    workspace_id: &str,
    workspace_name: &str,
    validates: Option<&AttachValidation>,
    progress: &mut Progress,
) -> Result<String, Error> {
    settle(ctx, progress).await?;
    let id = progress
        .external_key_id
        .clone()
        .ok_or_else(|| Error::remote("no registered key to attach: registration did not happen"))?;
    let attached = match validates {
        None => attach_once(ctx, &id, workspace_id, workspace_name, progress).await?,
        Some(v) => attach_validating(ctx, &id, workspace_id, workspace_name, v, progress).await?,
    };
    let _ = ctx
        .journal
        .record("attached", json!({ "external_key_id": attached.uses, "workspace_id": workspace_id, "own": id }));
    if attached.uses != id {
        // A concurrent run's registration of the same key won the write-once attach.
        let note = super::register::remove_duplicates(ctx, &attached.uses, std::slice::from_ref(&id)).await?;
        ctx.sink.emit(Event::Notice { text: format!("{}; {note}", attached.detail) });
        progress.external_key_id = Some(attached.uses.clone());
    }
    if !progress.attached_to.iter().any(|w| w == workspace_id) {
        progress.attached_to.push(workspace_id.to_string());
    }
    Ok(attached.detail)
}

async fn attach_once(
    ctx: &mut StepContext<'_>,
    id: &str,
    workspace_id: &str,
    workspace_name: &str,
    progress: &mut Progress,
) -> Result<Attached, Error> {
    attach_explained(&ctx.services.platform, id, workspace_id, workspace_name)
        .await
        .map_err(|failure| refused(ctx, id, workspace_id, failure, progress))
}

/// Attaches, retrying while the platform's validation says the grant is still propagating.
async fn attach_validating(
    ctx: &mut StepContext<'_>,
    id: &str,
    workspace_id: &str,
    workspace_name: &str,
    validates: &AttachValidation,
    progress: &mut Progress,
) -> Result<Attached, Error> {
    let platform = &ctx.services.platform;
    let provider = ctx.services.cloud.provider();
    // The waiter sees each answer as a validation; the attach's own value or error is kept here.
    let last: Mutex<Option<Result<Attached, Error>>> = Mutex::new(None);
    let keep = |answer: Result<Attached, Error>| {
        if let Ok(mut slot) = last.lock() {
            *slot = Some(answer);
        }
    };
    let attempt = || async {
        match attach_explained(platform, id, workspace_id, workspace_name).await {
            Ok(attached) => {
                keep(Ok(attached));
                Ok(ValidationResult { success: true, error: None })
            }
            Err(AttachFailure { error, validation_error: Some(why) }) => {
                keep(Err(error));
                Ok(ValidationResult { success: false, error: Some(why) })
            }
            Err(AttachFailure { error, validation_error: None }) => Err(error),
        }
    };
    let propagation = validates.propagation.as_ref();
    let report = Report { index: ctx.index, journal: ctx.journal, sink: &mut *ctx.sink };
    let waited = propagation::validate_with_wait(
        attempt,
        |error: &str| is_propagating(provider, error),
        propagation,
        Backoff::PROPAGATION,
        &ctx.services.cancel,
        report,
    )
    .await?;
    let answer = last.into_inner().ok().flatten();
    let v = waited.result.clone();
    progress.validation = Some(v.clone());
    if let (false, Some(error)) = (v.success, &v.error) {
        // As for a single refused attach: the history and doctor read the validation's words.
        let _ = ctx.journal.record(
            "attach_validation_failed",
            json!({ "external_key_id": id, "workspace_id": workspace_id, "error": error, "attempts": waited.attempts }),
        );
    }
    match answer {
        Some(Ok(attached)) if v.success => {
            let validated = match waited.attempts {
                1 => "validated for the workspace: Anthropic encrypted and decrypted with the key".to_string(),
                n => format!(
                    "validated after {n} attempts ({}) for the workspace: Anthropic encrypted and decrypted with the key",
                    propagation::seconds(waited.waited)
                ),
            };
            Ok(Attached { detail: format!("{}; {validated}", attached.detail), ..attached })
        }
        // Refused for good: the attach's own words (the workspace stays unattached), with the
        // waiter's advice when the refusal still reads as propagation.
        Some(Err(error)) if !waited.cancelled && !waited.gave_up => {
            let still = is_propagating(provider, v.error.as_deref().unwrap_or_default());
            match propagation::outcome(id, &waited, propagation, still) {
                Err(advice) if still => Err(advice.hints.into_iter().fold(error, |e, h| e.with_hint(h))),
                _ => Err(error),
            }
        }
        // The wait was stopped or ran out: the waiter's sentence says which, and for how long.
        _ => Err(propagation::outcome(id, &waited, propagation, true)
            .err()
            .unwrap_or_else(|| Error::remote(format!("attaching {id} to workspace {workspace_id} gave no answer")))
            .with_hint("the workspace stays unattached")),
    }
}

/// Records a refused attach (its validation error, for doctor's reading) and returns its error.
fn refused(
    ctx: &StepContext<'_>,
    id: &str,
    workspace_id: &str,
    failure: AttachFailure,
    progress: &mut Progress,
) -> Error {
    if let Some(error) = failure.validation_error {
        let _ = ctx.journal.record(
            "attach_validation_failed",
            json!({ "external_key_id": id, "workspace_id": workspace_id, "error": error }),
        );
        progress.validation = Some(ValidationResult { success: false, error: Some(error) });
    }
    failure.error
}
