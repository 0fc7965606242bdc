//! Step 9, Summary: what was done (key, external key id, workspace, journal), whether the key is
//! attached and why not, and the equivalent non-interactive command line. Enter leaves with the
//! run's exit code.

use crate::plan::StepState;

use super::Wizard;
use super::command::equivalent_command;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::validate::Validation;

/// What became of the attach step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachOutcome {
    /// No workspace was chosen: the key is registered and validated only.
    NoWorkspace,
    /// Attached in this run; the report sentence.
    Attached(String),
    /// The workspace already used this key.
    AlreadyAttached(String),
    /// The user pressed Esc on the Attach screen.
    Skipped,
    /// Not offered; why.
    NotOffered(String),
}

impl Wizard {
    pub fn attach_outcome(&self) -> Option<&AttachOutcome> {
        self.attach_outcome.as_ref()
    }

    /// The exit code the wizard leaves with from the Summary: 0 when the key validated, else 1.
    pub fn summary_exit_code(&self) -> i32 {
        if self.validation() == Some(Validation::Passed) { 0 } else { 1 }
    }

    fn summary_workspace_id(&self) -> Option<&str> {
        self.checks.facts()?.workspaces.first().map(|w| w.id.as_str())
    }

    fn is_attached(&self) -> bool {
        matches!(self.attach_outcome, Some(AttachOutcome::Attached(_) | AttachOutcome::AlreadyAttached(_)))
    }

    /// `cmek` with the global flags this wizard was started with.
    fn invocation(&self) -> &super::command::Invocation {
        &self.prefill.invocation
    }

    /// The non-interactive command that repeats this run.
    pub fn summary_command(&self) -> Option<String> {
        let answers = self.checks.answers()?;
        let outcome = self.apply.report().map(|r| &*r.cloud);
        Some(equivalent_command(self.invocation(), answers, self.summary_workspace_id(), outcome, self.is_attached()))
    }

    /// When a workspace was chosen but not attached: the command that attaches it later.
    pub fn attach_later_command(&self) -> Option<String> {
        if self.is_attached() {
            return None;
        }
        let answers = self.checks.answers()?;
        let ws = self.summary_workspace_id()?;
        let outcome = self.apply.report().map(|r| &*r.cloud);
        Some(equivalent_command(self.invocation(), answers, Some(ws), outcome, true))
    }

    pub(super) fn enter_summary(&mut self) {
        let outcome = self.default_attach_outcome();
        self.enter_summary_with(outcome);
    }

    pub(super) fn enter_summary_with(&mut self, outcome: AttachOutcome) {
        self.attach_outcome = Some(outcome);
        self.screen = Screen::Summary;
    }

    fn default_attach_outcome(&self) -> AttachOutcome {
        let Some(ws) = self.checks.facts().and_then(|f| f.workspaces.first()) else {
            return AttachOutcome::NoWorkspace;
        };
        if self.validation() != Some(Validation::Passed) {
            return AttachOutcome::NotOffered(format!(
                "not attempted: the key did not validate, so it was not attached to {}",
                ws.name
            ));
        }
        match self.checks.plan().and_then(|p| p.step("attach")).map(|s| &s.state) {
            Some(StepState::AlreadyDone(why)) => AttachOutcome::AlreadyAttached(why.clone()),
            Some(StepState::Gated(how)) if ws.external_key_id.is_some() => AttachOutcome::NotOffered(how.clone()),
            _ => AttachOutcome::NotOffered(format!("{} was not attached", ws.name)),
        }
    }

    pub(super) fn summary_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        if matches!(key, KeyInput::Enter | KeyInput::Esc) {
            self.exit(self.summary_exit_code(), out);
        }
    }
}
