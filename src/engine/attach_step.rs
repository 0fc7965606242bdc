//! The attach step of a run: settle this run's registration, attach it, and make sense of what
//! the platform answered (`attach`). When the plan lets the attach be the run's validation (the
//! platform validates the key for the workspace before it attaches it), a refusal that says an
//! access grant has not taken effect yet is retried under the propagation waiter, as the
//! `Validate` step's would be, and the answer is the run's validation result. (A server that
//! speaks only 2023-06-01 gives no code that marks a refusal as the validation's: its plans keep
//! the `Validate` step, `SetupFacts::attach_reports_validation`.)

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
    // The waiter sees each answer as a validation; the attach's own value or failure is kept here.
    let last: Mutex<Option<Result<Attached, AttachFailure>>> = Mutex::new(None);
    let keep = |answer: Result<Attached, AttachFailure>| {
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
                let v = ValidationResult { success: false, error: Some(why.clone()) };
                keep(Err(AttachFailure { error, validation_error: Some(why) }));
                Ok(v)
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
    let still = is_propagating(provider, waited.result.error.as_deref().unwrap_or_default());
    // The waiter's sentence: "validated [after n attempts]", or why it stopped and what next.
    let said = propagation::outcome(id, &waited, propagation, still);
    match (answer, said) {
        (Some(Ok(attached)), Ok(validated)) => {
            progress.validation = Some(waited.result);
            Ok(Attached { detail: format!("{}; {validated} (for this workspace)", attached.detail), ..attached })
        }
        // Stopped by the person (Ctrl-C: 130) while the grant was still on its way: the key was
        // not found wanting, so no failed validation is recorded or reported.
        (Some(Err(_)), Err(stopped)) if waited.cancelled => Err(stopped.with_hint("the workspace stays unattached")),
        (Some(Err(failure)), said) => {
            let error = refused(ctx, id, workspace_id, failure, progress);
            Err(match said {
                // The budget ran out while the refusal still read as propagation: the waiter's
                // sentence says how long it waited.
                Err(stopped) if waited.gave_up => stopped.with_hint("the workspace stays unattached"),
                // Refused for good: the attach's own words, with the waiter's advice when the
                // refusal still reads as a grant that has not arrived and waiting was possible.
                Err(advice) if still && propagation.is_some() => {
                    advice.hints.into_iter().fold(error, |e, h| e.with_hint(h))
                }
                _ => error,
            })
        }
        _ => Err(Error::remote(format!(
            "attaching {id} to workspace {workspace_id} gave no answer; run `cmek status` to see whether it is attached, \
             then re-run the same command"
        ))),
    }
}

/// Records a refused attach (its validation error, for doctor's reading and `cmek status`) and
/// returns its error.
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
