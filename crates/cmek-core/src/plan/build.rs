//! `build`: answers + facts -> the plan of a `setup` run. Pure: the same inputs give the same plan.
//!
//! The skeleton every cloud shares: the cloud's own steps and checks (from its `CloudFacts`), then
//! register, validate and, for a workspace, the permanent attach. The platform validates a key
//! again when it attaches it, so a run whose attach is confirmed lets its first attach be the
//! validation: no separate call, and the refusal leaves the workspace unattached.

use super::answers::SetupAnswers;
use super::facts::{RegisteredKey, SetupFacts};
use super::step::{Action, AttachValidation, Step, StepState};
use super::workspace_checks::{attach_step, check_workspace_inputs, workspace_in_use_check};
use super::{Plan, PlanError};

pub fn build(answers: &SetupAnswers, facts: &SetupFacts) -> Result<Plan, PlanError> {
    check_workspace_inputs(answers, &facts.workspaces)?;
    if answers.provider() != facts.provider() {
        return Err(PlanError::ProviderMismatch { answers: answers.provider(), facts: facts.provider() });
    }
    let cloud = facts.cloud.plan(answers, facts)?;
    refuse_a_key_no_workspace_can_take(facts, cloud.register.as_ref())?;
    let mut steps = cloud.steps;
    let mut checks = cloud.checks;
    steps.extend(cloud.register);
    if let Some(duplicates) = cloud.registered.and_then(|kept| duplicate_registrations(facts, kept)) {
        steps.push(duplicates);
    }
    let mut attaches: Vec<Step> = Vec::with_capacity(facts.workspaces.len());
    for ws in &facts.workspaces {
        let attach = attach_step(answers, ws, cloud.registered);
        attaches.push(match &cloud.attach_hold {
            Some(why) => Step { state: StepState::Gated(why.clone()), ..attach },
            None => attach,
        });
        if ws.external_key_id.is_none() && !ws.just_created {
            checks.push(workspace_in_use_check(ws));
        }
    }
    let first_attach =
        attaches.iter_mut().filter(|_| facts.attach_reports_validation).find(|s| matches!(s.state, StepState::Planned));
    match first_attach {
        Some(Step { action: Action::Attach { validates, .. }, .. }) => {
            *validates = Some(AttachValidation { propagation: cloud.propagation });
        }
        _ => {
            steps.push(Step { action: Action::Validate { propagation: cloud.propagation }, state: StepState::Planned })
        }
    }
    steps.extend(attaches);
    Ok(Plan {
        steps,
        checks,
        document: cloud.document,
        document_name: cloud.document_name,
        approvals: cloud.approvals,
        confirmations: cloud.confirmations,
    })
}

/// A run that would create a key for workspaces that all use another key already: attaching is
/// permanent, so none could ever take it (with a key per workspace, each run has one workspace).
/// Refused before anything is made; registering a key that exists is left to the plan (its
/// attaches are gated).
fn refuse_a_key_no_workspace_can_take(facts: &SetupFacts, register: Option<&Step>) -> Result<(), PlanError> {
    let creates =
        matches!(register, Some(Step { action: Action::RegisterKey { target, .. }, .. }) if target.name.is_none());
    if !creates || facts.workspaces.is_empty() {
        return Ok(());
    }
    let taken: Vec<String> = facts
        .workspaces
        .iter()
        .filter_map(|ws| {
            ws.external_key_id
                .as_ref()
                .map(|key| format!("{} ({}) uses {key}", crate::text::escape_controls(&ws.name), ws.id))
        })
        .collect();
    if taken.len() < facts.workspaces.len() {
        return Ok(());
    }
    Err(PlanError::NoWorkspaceCanTakeTheKey { workspaces: taken.join(", ") })
}

/// Unattached registrations naming the same key as `kept` (left by two runs that registered at
/// the same moment): deleted, so the organisation has one. An attached one is never touched.
fn duplicate_registrations(facts: &SetupFacts, kept: &RegisteredKey) -> Option<Step> {
    let ids: Vec<String> = facts
        .registered
        .iter()
        .filter(|r| r.id != kept.id && !r.attached && crate::clouds::same_key(&r.config, &kept.config))
        .map(|r| r.id.clone())
        .collect();
    (!ids.is_empty()).then(|| Step {
        action: Action::RemoveDuplicateRegistrations { keep: kept.id.clone(), ids },
        state: StepState::Planned,
    })
}

/// `a` and `b` together, sorted, each once.
pub fn union<T: Clone + Ord>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out: Vec<T> = a.iter().chain(b).cloned().collect();
    out.sort();
    out.dedup();
    out
}
