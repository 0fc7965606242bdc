//! Applies a plan step by step: each step is journalled, and the first failure stops the run
//! (later steps are reported as skipped). The cloud's own steps run in its `CloudSession`;
//! registering, validating (waiting out an access grant's propagation through `propagation`) and
//! attaching are the same for every cloud.

use serde_json::json;

use cmek_core::doctor::validation_text::is_propagating;
use cmek_core::plan::{Action, Plan, SetupFacts, StepState};
use cmek_core::run::events::{Event, EventSink, StepOutcome};
use cmek_core::run::{RunReport, ValidationResult};

use super::Services;
use super::cloud::{CloudSession, StepContext};
use super::journal::Journal;
use super::propagation::{self, Backoff, Report};
use crate::error::{Error, ErrorKind};
use crate::platform::types::ValidationStatus;

/// What the shared steps have done so far (the cloud's session keeps its own).
struct Progress {
    external_key_id: Option<String>,
    validation: Option<ValidationResult>,
    /// The target workspaces that use the key, in plan order.
    attached_to: Vec<String>,
}

pub async fn apply(
    services: &Services,
    facts: &SetupFacts,
    plan: &Plan,
    journal: &mut Journal,
    sink: &mut dyn EventSink,
) -> RunReport {
    let mut progress = Progress {
        external_key_id: plan.initial_registration(),
        validation: None,
        attached_to: facts
            .workspaces
            .iter()
            .filter(|w| w.external_key_id.is_some() && w.external_key_id == plan.initial_registration())
            .map(|w| w.id.clone())
            .collect(),
    };
    let mut session = match services.cloud.session(facts) {
        Ok(session) => session,
        Err(e) => return RunReport::not_started(facts, plan, e),
    };
    let mut outcomes = Vec::with_capacity(plan.steps.len());
    let mut failure: Option<Error> = None;
    let mut sink = KeepNotes { inner: sink, notes: Vec::new() };
    let sink = &mut sink;

    for (index, step) in plan.steps.iter().enumerate() {
        let title = step.action.title();
        let outcome = if failure.is_some() {
            StepOutcome::Skipped
        } else {
            match &step.state {
                StepState::AlreadyDone(reason) => StepOutcome::Unchanged { reason: reason.clone() },
                StepState::Gated(how) => StepOutcome::Gated { how: how.clone() },
                StepState::Planned if services.cancel.is_cancelled() => {
                    let e =
                        Error::new(ErrorKind::Interrupted, format!("interrupted before step {}: {title}", index + 1))
                            .with_hint("re-run the same command to continue: finished steps are not repeated");
                    let outcome = StepOutcome::Failed { error: e.message.clone() };
                    failure = Some(e);
                    outcome
                }
                StepState::Planned => {
                    sink.emit(Event::StepStarted { index, title: title.clone() });
                    let mut ctx = StepContext { services, facts, index, journal, sink: &mut *sink };
                    match run_step(&mut ctx, &step.action, &mut *session, &mut progress).await {
                        Ok(detail) => StepOutcome::Done { detail },
                        Err(e) => {
                            let outcome = StepOutcome::Failed { error: e.message.clone() };
                            failure = Some(e);
                            outcome
                        }
                    }
                }
            }
        };
        let _ = journal.record(
            "step",
            json!({ "index": index, "action": step.action.kind(), "title": title, "outcome": outcome }),
        );
        if !matches!(step.state, StepState::Planned) || failure.is_some() || matches!(outcome, StepOutcome::Done { .. })
        {
            sink.emit(Event::StepFinished { index, title, outcome: outcome.clone() });
        }
        outcomes.push(outcome);
    }

    // In the plan's order, whether attached before or by this run.
    let attached_to = plan
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Attach { workspace_id, .. } if progress.attached_to.contains(workspace_id) => {
                Some(workspace_id.clone())
            }
            _ => None,
        })
        .collect();
    RunReport {
        outcomes,
        external_key_id: progress.external_key_id,
        validation: progress.validation,
        attached_to,
        failure,
        journal_dir: journal.dir().to_path_buf(),
        cloud: session.outcome(),
        notes: std::mem::take(&mut sink.notes),
    }
}

/// Passes events on, keeping the notices for the report.
struct KeepNotes<'a> {
    inner: &'a mut dyn EventSink,
    notes: Vec<String>,
}

impl EventSink for KeepNotes<'_> {
    fn emit(&mut self, event: Event) {
        if let Event::Notice { text } = &event {
            self.notes.push(text.clone());
        }
        self.inner.emit(event);
    }
}

async fn run_step(
    ctx: &mut StepContext<'_>,
    action: &Action,
    session: &mut dyn CloudSession,
    progress: &mut Progress,
) -> Result<String, Error> {
    match action {
        Action::Cloud(step) => session.apply(&**step, ctx).await,
        Action::RegisterKey { target, display_name, .. } => {
            let config = session.registration(target)?;
            let (id, detail) = super::register::register(ctx, config, display_name).await?;
            progress.external_key_id = Some(id);
            Ok(detail)
        }
        Action::RemoveDuplicateRegistrations { keep, ids } => super::register::remove_duplicates(ctx, keep, ids).await,
        Action::Validate { propagation } => {
            let id = progress
                .external_key_id
                .clone()
                .ok_or_else(|| Error::remote("no registered key to validate: registration did not happen"))?;
            let services = ctx.services;
            let platform = &services.platform;
            let provider = services.cloud.provider();
            let attempt = || async {
                let v = platform.validate_external_key(&id).await.map_err(Error::from)?;
                Ok(ValidationResult { success: v.status == ValidationStatus::Success, error: v.error })
            };
            let still_propagating = |error: &str| is_propagating(provider, error);
            let report = Report { index: ctx.index, journal: &mut *ctx.journal, sink: &mut *ctx.sink };
            let waited = propagation::validate_with_wait(
                attempt,
                still_propagating,
                propagation.as_ref(),
                Backoff::PROPAGATION,
                &services.cancel,
                report,
            )
            .await?;
            let v = waited.result.clone();
            let _ = ctx.journal.record(
                "validated",
                json!({ "external_key_id": id, "success": v.success, "error": v.error, "attempts": waited.attempts }),
            );
            progress.validation = Some(v.clone());
            let refusal = v.error.as_deref().filter(|_| !v.success).unwrap_or_default();
            propagation::outcome(&id, &waited, propagation.as_ref(), is_propagating(provider, refusal))
        }
        Action::Attach { workspace_id, workspace_name, .. } => {
            let id = progress
                .external_key_id
                .clone()
                .ok_or_else(|| Error::remote("no registered key to attach: registration did not happen"))?;
            let attached = match super::attach::attach_explained(
                &ctx.services.platform,
                &id,
                workspace_id,
                workspace_name,
            )
            .await
            {
                Ok(attached) => attached,
                Err(failure) => {
                    // The platform validated the key for this workspace and it failed: the
                    // report reads the message as a validation error (doctor's causes).
                    if let Some(error) = failure.validation_error {
                        let _ = ctx.journal.record(
                            "attach_validation_failed",
                            json!({ "external_key_id": id, "workspace_id": workspace_id, "error": error }),
                        );
                        progress.validation = Some(ValidationResult { success: false, error: Some(error) });
                    }
                    return Err(failure.error);
                }
            };
            let _ = ctx.journal.record(
                "attached",
                json!({ "external_key_id": attached.uses, "workspace_id": workspace_id, "own": id }),
            );
            if attached.uses != id {
                // A concurrent run's registration of the same key won the write-once attach.
                let note = super::register::remove_duplicates(ctx, &attached.uses, std::slice::from_ref(&id)).await?;
                ctx.sink.emit(Event::Notice { text: format!("{}; {note}", attached.detail) });
                progress.external_key_id = Some(attached.uses.clone());
            }
            if !progress.attached_to.contains(workspace_id) {
                progress.attached_to.push(workspace_id.clone());
            }
            Ok(attached.detail)
        }
    }
}
