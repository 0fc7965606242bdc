//! What the user asked for, from flags, environment, an answers file or the wizard: already
//! parsed. The cloud's part is the cloud's own type (`plan/<cloud>/answers.rs`).

use crate::model::{ProviderKind, WorkspaceRef};

use super::PlanError;
use super::cloud::CloudAnswers;

/// The answers that drive a `setup` run.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupAnswers {
    /// The workspaces the key is for, in the order given; none registers and validates only.
    pub workspaces: Vec<WorkspaceRef>,
    /// Each names one of `workspaces` (its id or exact name): the permanent attach happens only to
    /// a workspace named here, so every attach is confirmed on its own.
    pub confirm_attach: Vec<WorkspaceRef>,
    pub display_name: Option<String>,
    /// The cloud the key lives in, and what was asked for there.
    pub cloud: Box<dyn CloudAnswers>,
}

impl SetupAnswers {
    /// Answers for `cloud` with no workspace, confirmation or display name.
    pub fn new(cloud: impl CloudAnswers) -> Self {
        Self { workspaces: Vec::new(), confirm_attach: Vec::new(), display_name: None, cloud: Box::new(cloud) }
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
