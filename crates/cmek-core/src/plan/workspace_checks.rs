//! What the target workspaces mean for any cloud: inputs that can never lead to a safe attach,
//! the attach step of each (gated until that workspace is confirmed), and the warning about a
//! workspace in use (ANT-08).

use super::PlanError;
use super::answers::SetupAnswers;
use super::checks::{Check, Severity};
use super::facts::{RegisteredKey, WorkspaceFacts};
use super::step::{Action, Step, StepState};
use crate::text::escape_controls as shown;

/// Refuses inputs that could never lead to a safe attach, before anything is looked at further:
/// a confirmation that names none of the workspaces, and an archived workspace. Runs that split
/// one command into several (a key per workspace) call it on all the workspaces before the first.
pub fn check_workspace_inputs(answers: &SetupAnswers, workspaces: &[WorkspaceFacts]) -> Result<(), PlanError> {
    for given in &answers.confirm_attach {
        if workspaces.is_empty() {
            return Err(PlanError::ConfirmWithoutWorkspace { given: given.to_string() });
        }
        if !workspaces.iter().any(|ws| given.matches(&ws.id, &ws.name)) {
            let named: Vec<String> = workspaces.iter().map(|ws| format!("{} ({})", shown(&ws.name), ws.id)).collect();
            return Err(PlanError::ConfirmMismatch {
                given: shown(&given.to_string()).into_owned(),
                workspace: named.join(", "),
            });
        }
    }
    if let Some(ws) = workspaces.iter().find(|ws| ws.archived) {
        return Err(PlanError::WorkspaceArchived { workspace: format!("{} ({})", shown(&ws.name), ws.id) });
    }
    Ok(())
}

/// The permanent step: done when the workspace already uses this registration, refused when it
/// uses another, planned only when confirmed.
pub(super) fn attach_step(answers: &SetupAnswers, ws: &WorkspaceFacts, registered: Option<&RegisteredKey>) -> Step {
    let action = Action::Attach {
        workspace_id: ws.id.clone(),
        workspace_name: ws.name.clone(),
        compartment: ws.compartment,
        validates: None,
    };
    let state = match (&ws.external_key_id, registered) {
        (Some(current), Some(r)) if *current == r.id => {
            StepState::AlreadyDone(format!("workspace {} already uses {}", shown(&ws.name), r.id))
        }
        (Some(current), _) => StepState::Gated(format!(
            "workspace {} already has key {current} attached; attach is permanent and cannot be replaced: \
             choose another workspace",
            shown(&ws.name)
        )),
        (None, _) if answers.confirm_attach.iter().any(|c| c.matches(&ws.id, &ws.name)) => StepState::Planned,
        (None, _) => StepState::Gated(format!(
            "attaching is permanent: re-run with --confirm-attach {} to attach to workspace {}",
            ws.id,
            shown(&ws.name)
        )),
    };
    Step { action, state }
}

/// Attaching to a workspace that already exists: older data stays under Anthropic's keys.
pub fn workspace_in_use_check(ws: &WorkspaceFacts) -> Check {
    Check::warn(
        "ANT-08",
        Severity::Medium,
        "attaching to an existing workspace protects only new data",
        format!(
            "workspace {} exists since {}: if it already serves traffic, the key takes effect within a day and \
             older data stays under Anthropic-managed keys",
            shown(&ws.name),
            ws.created_at.format("%Y-%m-%d")
        ),
    )
    .with_fix("prefer a new workspace for CMEK")
}
