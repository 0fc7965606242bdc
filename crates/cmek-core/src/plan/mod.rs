//! Facts + answers -> the ordered actions of a `setup` run, with the checks that justify them.
//!
//! Pure: no I/O, no clock, no SDK types. The engine gathers the facts and applies the plan; the
//! front ends show it. Re-running on the facts a successful run left behind yields a plan whose
//! changing steps are all `AlreadyDone`.
//!
//! The shared skeleton (`build`, `step`, `workspace_checks`) reaches a cloud only through the
//! traits of `cloud`; each cloud's part is in its folder (`aws`, `azure`).

mod answers;
pub mod aws;
pub mod azure;
mod build;
mod checks;
mod cloud;
mod facts;
pub mod gcp;
mod step;
mod view;
mod workspace_checks;

pub use answers::SetupAnswers;
pub use build::{build, union};
pub use checks::{Check, CheckStatus, Severity};
pub use cloud::{CloudAnswers, CloudFacts, CloudPlan, CloudStep};
pub use facts::{OrgFacts, RegisteredKey, SetupFacts, WorkspaceFacts};
pub use step::{Action, AttachValidation, KeyTarget, Propagation, Reversibility, Step, StepState};
pub use view::{Approval, DocumentChange, PlanDocument, TypedConfirmation};
pub use workspace_checks::{check_workspace_inputs, workspace_in_use_check};

use crate::model::ProviderKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub checks: Vec<Check>,
    /// The access document the plan writes (AWS: the key policy), as a diff.
    pub document: Option<PlanDocument>,
    /// The document's name when the cloud has one, even when it could not be read.
    pub document_name: Option<&'static str>,
    /// Consents that resolve a failed check (the wizard offers them on the Checks screen).
    pub approvals: Vec<Approval>,
    /// Irreversible switches held back until a value is typed (the Plan screen asks for them).
    pub confirmations: Vec<TypedConfirmation>,
}

impl Plan {
    /// What a failed validation points at, read in the light of what this run did and saw: a
    /// cause the run has just put right (its check was "to do": consent given, role assigned, tag
    /// added) is not offered again; nor, when the refusal reads as a grant still propagating, is
    /// a grant the plan saw in place (its check passed): it exists and has not arrived yet, and
    /// making it again would only duplicate it.
    pub(crate) fn not_fixed_by_this_run(&self, from_the_error: Vec<Check>, propagating: bool) -> Vec<Check> {
        let settled = |c: &&Check| c.status == CheckStatus::ToDo || (propagating && c.status == CheckStatus::Pass);
        let done: Vec<&str> = self.checks.iter().filter(settled).map(|c| c.id).collect();
        from_the_error.into_iter().filter(|c| !done.contains(&c.id)).collect()
    }

    /// What the validation error `error` about a key in `provider` points at (its catalogue
    /// causes), read as `not_fixed_by_this_run` says.
    pub fn validation_causes(&self, provider: ProviderKind, error: &str) -> Vec<Check> {
        use crate::doctor::validation_text::{causes, is_propagating};
        self.not_fixed_by_this_run(causes(provider, error), is_propagating(provider, error))
    }

    /// The likely causes of a failed validation: what the error points at
    /// (`validation_causes`), then the plan's own checks of high severity that did not pass.
    pub fn causes_after_run(&self, provider: ProviderKind, error: &str) -> Vec<Check> {
        let mut causes = self.validation_causes(provider, error);
        causes.extend(
            self.checks
                .iter()
                .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Warn) && c.severity >= Severity::High)
                .cloned(),
        );
        causes
    }

    /// A failed blocking check: the run must stop before changing anything.
    pub fn blocking_failures(&self) -> Vec<&Check> {
        self.checks.iter().filter(|c| c.is_blocking_failure()).collect()
    }

    /// Whether applying would change anything in the cloud or on the platform.
    pub fn changes_anything(&self) -> bool {
        self.steps.iter().any(|s| s.state == StepState::Planned && s.action.changes_something())
    }

    pub fn step(&self, kind: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.action.kind() == kind)
    }

    /// How the run validates the key: `Some(propagation)` from its `Validate` step or from the
    /// confirmed attach that validates in its place; `None` when the plan validates nothing.
    #[cfg(test)]
    pub(crate) fn validation(&self) -> Option<Option<&Propagation>> {
        self.steps.iter().find_map(|s| match &s.action {
            Action::Validate { propagation } => Some(propagation.as_ref()),
            Action::Attach { validates: Some(v), .. } => Some(v.propagation.as_ref()),
            _ => None,
        })
    }

    /// The registration the plan starts from (`RegisterKey`'s existing id).
    pub fn initial_registration(&self) -> Option<String> {
        self.steps.iter().find_map(|s| match &s.action {
            Action::RegisterKey { existing_id, .. } => existing_id.clone(),
            _ => None,
        })
    }
}

/// Inputs that can never lead to a safe run; nothing has been changed when these are returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the answers are for {answers}, but the facts were gathered in {facts}; nothing was changed")]
    ProviderMismatch { answers: ProviderKind, facts: ProviderKind },
    #[error("--confirm-attach {given} was given without --workspace; name the workspace to attach to with --workspace")]
    ConfirmWithoutWorkspace { given: String },
    #[error(
        "--confirm-attach {given} names none of the workspaces {workspace}; attaching is permanent, so each \
         confirmation must repeat one of them (its id or exact name)"
    )]
    ConfirmMismatch { given: String, workspace: String },
    #[error("workspace {workspace} is archived and cannot take a key; choose an active workspace")]
    WorkspaceArchived { workspace: String },
    #[error(
        "every workspace named already uses a key ({workspaces}); attaching is permanent, so a key this run would \
         create could never be attached to any of them; nothing was changed"
    )]
    NoWorkspaceCanTakeTheKey { workspaces: String },
    /// A cloud's own refusal: its message names the value and `hint` the next step.
    #[error("{message}")]
    Cloud { message: String, hint: Option<String> },
}

impl From<PlanError> for crate::error::Error {
    fn from(e: PlanError) -> Self {
        let hint = match &e {
            PlanError::Cloud { hint, .. } => hint.clone(),
            PlanError::NoWorkspaceCanTakeTheKey { .. } => Some(
                "name a workspace that has no key yet (a new one is best); `cmek status` shows which workspace uses \
                 which key (without --key-per-workspace, omitting --workspace creates and registers a key only)"
                    .into(),
            ),
            _ => None,
        };
        let err = crate::error::Error::usage(e.to_string());
        match hint {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}
