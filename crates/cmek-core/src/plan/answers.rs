//! What the user asked for, from flags, environment, an answers file or the wizard: already
//! parsed. The cloud's part is the cloud's own type (`plan/<cloud>/answers.rs`).

use crate::model::{ProviderKind, WorkspaceRef};

use super::PlanError;
use super::cloud::CloudAnswers;

/// The answers that drive a `setup` run.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupAnswers {
    /// The workspace the key is for; `None` registers and validates only.
    pub workspace: Option<WorkspaceRef>,
    /// Must name the same workspace for the permanent attach to happen.
    pub confirm_attach: Option<WorkspaceRef>,
    pub display_name: Option<String>,
    /// The cloud the key lives in, and what was asked for there.
    pub cloud: Box<dyn CloudAnswers>,
}

impl SetupAnswers {
    /// Answers for `cloud` with no workspace, confirmation or display name.
    pub fn new(cloud: impl CloudAnswers) -> Self {
        Self { workspace: None, confirm_attach: None, display_name: None, cloud: Box::new(cloud) }
    }

    pub fn provider(&self) -> ProviderKind {
        self.cloud.provider()
    }

    /// The cloud's answers as its planner's own type `T`, or `ProviderMismatch` when they are
    /// another cloud's than the facts (`facts`) the planner was given.
    pub fn cloud_as<T: CloudAnswers>(&self, facts: ProviderKind) -> Result<&T, PlanError> {
        self.cloud.downcast_ref::<T>().ok_or(PlanError::ProviderMismatch { answers: self.provider(), facts })
    }
}
