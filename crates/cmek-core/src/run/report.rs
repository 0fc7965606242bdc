//! What a run did, as plain data for the front ends: each step's outcome, what was created and
//! registered, the validation's answer and the attach. What it left in the cloud is the cloud's
//! own [`CloudOutcome`].

use dyn_clone::DynClone;

use crate::erased::ErasedEq;
use crate::error::Error;
use crate::model::WorkspaceRef;
use crate::plan::{Plan, SetupFacts};

use super::events::StepOutcome;

/// The validation answer, kept whole for the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationResult {
    pub success: bool,
    pub error: Option<String>,
}

/// What a run left in one cloud (the key it created or worked on, ...): the cloud's own type.
pub trait CloudOutcome: ErasedEq + DynClone {
    /// The key, as reports name it (an ARN, a key id URL); `None` when there is none yet.
    fn key(&self) -> Option<String>;
    /// What the wizard's summary calls it ("KMS key").
    fn key_label(&self) -> &'static str;
}
crate::erased_trait!(CloudOutcome, eq);

/// What a run did. `outcomes[i]` belongs to `plan.steps[i]`.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub outcomes: Vec<StepOutcome>,
    pub external_key_id: Option<String>,
    pub validation: Option<ValidationResult>,
    /// The workspaces (ids) that use the key after the run, in plan order.
    pub attached_to: Vec<String>,
    /// Why the run stopped early, if it did.
    pub failure: Option<Error>,
    /// Where the run's journal (and any policy backup) is.
    pub journal_dir: std::path::PathBuf,
    /// What the run left in the cloud.
    pub cloud: Box<dyn CloudOutcome>,
    /// What the user should know beyond the steps: a run resumed, a lock waited for, what a
    /// concurrent run made and this one adopted or undid.
    pub notes: Vec<String>,
}

impl RunReport {
    /// A run that could not start (no cloud connection, no journal): every step skipped.
    pub fn not_started(facts: &SetupFacts, plan: &Plan, error: Error) -> RunReport {
        RunReport {
            outcomes: plan.steps.iter().map(|_| StepOutcome::Skipped).collect(),
            external_key_id: plan.initial_registration(),
            validation: None,
            attached_to: Vec::new(),
            failure: Some(error),
            journal_dir: std::path::PathBuf::new(),
            cloud: facts.cloud.outcome(),
            notes: Vec::new(),
        }
    }

    /// True when any step of `plan` changed something (a failure after it must not say "nothing
    /// changed"); a read-only step done (validation) is not a change, so a converged re-run says
    /// it changed nothing.
    pub fn changed(&self, plan: &Plan) -> bool {
        plan.steps
            .iter()
            .zip(&self.outcomes)
            .any(|(step, outcome)| matches!(outcome, StepOutcome::Done { .. }) && step.action.changes_something())
    }

    /// Why a requested attach did not happen, when the plan held it back (a gate such as purge
    /// protection) and nothing else stopped the run first.
    pub fn attach_held(&self, plan: &Plan) -> Option<String> {
        plan.steps.iter().zip(&self.outcomes).find_map(|(step, outcome)| match (&step.action, outcome) {
            (crate::plan::Action::Attach { .. }, StepOutcome::Gated { how }) => Some(how.clone()),
            _ => None,
        })
    }

    /// Why an attach the user confirmed (`confirmed`: the `--confirm-attach` values) did not
    /// happen: the first such workspace's gate. An attach still waiting for its confirmation is
    /// not "held": it was not asked for.
    pub fn confirmed_attach_held(&self, plan: &Plan, confirmed: &[WorkspaceRef]) -> Option<String> {
        plan.steps.iter().zip(&self.outcomes).find_map(|(step, outcome)| match (&step.action, outcome) {
            (crate::plan::Action::Attach { workspace_id, workspace_name, .. }, StepOutcome::Gated { how })
                if confirmed.iter().any(|c| c.matches(workspace_id, workspace_name)) =>
            {
                Some(how.clone())
            }
            _ => None,
        })
    }

    /// The exit code the command-line contract gives this run. `confirmed`: the workspaces the
    /// user confirmed an attach to (`--confirm-attach`), so a run that held one back is not
    /// healthy. An input error (2 means "nothing was changed") after a change is reported as 4.
    pub fn exit_code(&self, plan: &Plan, confirmed: &[WorkspaceRef]) -> i32 {
        match &self.failure {
            Some(e) if e.kind == crate::error::ErrorKind::Usage && self.changed(plan) => {
                crate::error::ErrorKind::Remote.exit_code()
            }
            Some(e) => e.exit_code(),
            None if self.confirmed_attach_held(plan, confirmed).is_some() => 1,
            None => 0,
        }
    }
}
