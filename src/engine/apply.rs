//! Applies a plan step by step: each step is journalled, and the first failure stops the run
//! (later steps are reported as skipped). Neighbouring steps that need only the key run together
//! (`together`). The cloud's own steps run in its `CloudSession`; registering, validating
//! (`validate_step`, waiting out an access grant's propagation) and attaching are the same for
//! every cloud.

use serde_json::json;

use cmek_core::plan::{Action, Plan, SetupFacts, Step, StepState};
use cmek_core::run::events::{Event, EventSink, StepOutcome};
use cmek_core::run::{RunReport, ValidationResult};

use super::Services;
use super::cloud::{CloudSession, StepContext};
use super::journal::Journal;
use super::register::Unsettled;
use super::together;
use crate::error::{Error, ErrorKind};

/// What the shared steps have done so far (the cloud's session keeps its own).
pub(super) struct Progress {
    pub external_key_id: Option<String>,
    /// This run's registration, until the race with other runs is settled (alongside validation,
    /// beside the cloud steps still running with the registration, or before the attach).
    pub unsettled: Option<Unsettled>,
    /// No `Validate` step follows to settle beside (the attach validates): the registration is
    /// settled as soon as it is made, beside the cloud steps still running with it.
    pub settle_with_registration: bool,
    pub validation: Option<ValidationResult>,
    /// The target workspaces that use the key, in plan order.
    pub attached_to: Vec<String>,
}

pub async fn apply(
    services: &Services,
    facts: &SetupFacts,
    plan: &Plan,
    journal: &Journal,
    sink: &mut dyn EventSink,
) -> RunReport {
    let mut progress = Progress {
        external_key_id: plan.initial_registration(),
        unsettled: None,
        settle_with_registration: !plan.steps.iter().any(|s| matches!(s.action, Action::Validate { .. })),
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

    let mut index = 0;
    while index < plan.steps.len() {
        let step = &plan.steps[index];
        let title = step.action.title();
        let together = if failure.is_none() && !services.cancel.is_cancelled() {
            together::batch_at(plan, index, &*session)
        } else {
            0
        };
        if together > 1 {
            let steps = &plan.steps[index..index + together];
            let planned: Vec<&Step> = steps.iter().filter(|s| matches!(s.state, StepState::Planned)).collect();
            for (offset, s) in steps.iter().enumerate() {
                if matches!(s.state, StepState::Planned) {
                    sink.emit(Event::StepStarted { index: index + offset, title: s.action.title() });
                }
            }
            let mut ctx = StepContext { services, facts, index, journal, sink: &mut *sink };
            let mut results = together::run(&mut ctx, &planned, &mut *session, &mut progress).await.into_iter();
            for (offset, s) in steps.iter().enumerate() {
                let outcome = match &s.state {
                    StepState::AlreadyDone(reason) => StepOutcome::Unchanged { reason: reason.clone() },
                    StepState::Gated(how) => StepOutcome::Gated { how: how.clone() },
                    StepState::Planned => match results.next() {
                        Some(Ok(detail)) => StepOutcome::Done { detail },
                        failed => {
                            let e = failed.and_then(Result::err).unwrap_or_else(|| {
                                Error::remote(format!(
                                    "step {} ran together with others and gave no result",
                                    index + offset + 1
                                ))
                            });
                            let outcome = StepOutcome::Failed { error: e.message.clone() };
                            failure.get_or_insert(e);
                            outcome
                        }
                    },
                };
                finish(journal, sink, index + offset, s, outcome.clone());
                outcomes.push(outcome);
            }
            index += together;
            continue;
        }
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
        finish(journal, sink, index, step, outcome.clone());
        outcomes.push(outcome);
        index += 1;
    }
    let mut ctx = StepContext { services, facts, index: plan.steps.len(), journal, sink: &mut *sink };
    session.finish(&mut ctx).await;
    // A registration made but not yet compared with other runs' (no validation followed it, or
    // a later step failed): settled now, so the organisation ends with one.
    if progress.unsettled.is_some()
        && let Err(e) = settle(&mut ctx, &mut progress).await
    {
        failure.get_or_insert(e);
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

/// Journals a step's outcome and tells the front end.
fn finish(journal: &Journal, sink: &mut dyn EventSink, index: usize, step: &Step, outcome: StepOutcome) {
    let title = step.action.title();
    let _ = journal
        .record("step", json!({ "index": index, "action": step.action.kind(), "title": title, "outcome": outcome }));
    sink.emit(Event::StepFinished { index, title, outcome });
}

/// Settles this run's registration with other runs' (see `register::settle`), if one is pending.
pub(super) async fn settle(ctx: &mut StepContext<'_>, progress: &mut Progress) -> Result<(), Error> {
    let Some(unsettled) = progress.unsettled.take() else { return Ok(()) };
    if let Some((kept, _)) = super::register::settle(ctx, &unsettled).await? {
        progress.external_key_id = Some(kept);
    }
    Ok(())
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
            let (unsettled, detail) = super::register::create(ctx.services, ctx.journal, config, display_name).await?;
            progress.external_key_id = Some(unsettled.created.id.clone());
            progress.unsettled = Some(unsettled);
            Ok(detail)
        }
        Action::RemoveDuplicateRegistrations { keep, ids } => {
            settle(ctx, progress).await?;
            super::register::remove_duplicates(ctx, keep, ids).await
        }
        Action::Validate { propagation } => super::validate_step::validate(ctx, propagation.as_ref(), progress).await,
        Action::Attach { workspace_id, workspace_name, validates, .. } => {
            super::attach_step::attach(ctx, workspace_id, workspace_name, validates.as_ref(), progress).await
        }
    }
}
