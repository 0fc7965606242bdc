//! What a run did, as plain data for the front ends: each step's outcome, what was created and
//! registered, the validation's answer and the attach. What it left in the cloud is the cloud's
//! own [`CloudOutcome`].

use dyn_clone::DynClone;

use crate::erased::ErasedEq;
use crate::error::Error;
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
    pub attached_to: Option<String>,
    /// Why the run stopped early, if it did.
    pub failure: Option<Error>,
    /// Where the run's journal (and any policy backup) is.
    pub journal_dir: std::path::PathBuf,
    /// What the run left in the cloud.
    pub cloud: Box<dyn CloudOutcome>,
}

impl RunReport {
    /// A run that could not start (no cloud connection, no journal): every step skipped.
    pub fn not_started(facts: &SetupFacts, plan: &Plan, error: Error) -> RunReport {
        RunReport {
            outcomes: plan.steps.iter().map(|_| StepOutcome::Skipped).collect(),
            external_key_id: plan.initial_registration(),
            validation: None,
            attached_to: None,
            failure: Some(error),
            journal_dir: std::path::PathBuf::new(),
            cloud: facts.cloud.outcome(),
        }
    }
}
