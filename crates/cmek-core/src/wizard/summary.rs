//! Step 9, Summary: what was done (key, external key id, workspace, journal), whether the key is
//! attached and why not, and the equivalent non-interactive command line. Enter leaves with the
//! run's exit code.

use crate::plan::{Action, StepState, WorkspaceFacts};

use super::Wizard;
use super::command::equivalent_command_for;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::validate::Validation;

/// What became of one workspace's attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachResult {
    pub workspace_id: String,
    pub workspace_name: String,
    pub outcome: AttachOutcome,
}

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

/// The outcome when no workspace was chosen (the Summary of a register-and-validate run).
static NO_WORKSPACE: AttachOutcome = AttachOutcome::NoWorkspace;

impl Wizard {
    /// The first (or only) workspace's outcome, or `NoWorkspace`; `None` before the Summary.
    pub fn attach_outcome(&self) -> Option<&AttachOutcome> {
        (self.screen == Screen::Summary).then(|| self.attach_results.first().map_or(&NO_WORKSPACE, |r| &r.outcome))
    }

    /// Each target workspace's outcome, in the plan's order (filled in on the Summary).
    pub fn attach_results(&self) -> &[AttachResult] {
        &self.attach_results
    }

    /// The exit code the wizard leaves with from the Summary: 0 when the key validated, else 1.
    pub fn summary_exit_code(&self) -> i32 {
        if self.validation() == Some(Validation::Passed) { 0 } else { 1 }
    }

    /// The target workspaces, each with whether the key is on it now.
    fn summary_workspaces(&self) -> Vec<(&str, bool)> {
        let Some(facts) = self.checks.facts() else { return Vec::new() };
        facts
            .workspaces
            .iter()
            .map(|w| {
                let on = self.attach_results.iter().any(|r| {
                    r.workspace_id == w.id
                        && matches!(r.outcome, AttachOutcome::Attached(_) | AttachOutcome::AlreadyAttached(_))
                });
                (w.id.as_str(), on)
            })
            .collect()
    }

    /// `cmek` with the global flags this wizard was started with.
    fn invocation(&self) -> &super::command::Invocation {
        &self.prefill.invocation
    }

    /// The non-interactive command that repeats this run.
    pub fn summary_command(&self) -> Option<String> {
        let answers = self.checks.answers()?;
        let outcome = self.apply.report().map(|r| &*r.cloud);
        Some(equivalent_command_for(self.invocation(), answers, &self.summary_workspaces(), outcome))
    }

    /// When a workspace was chosen but not attached: the command that attaches it later.
    /// The workspaces left without the key (the only one, usually), each confirmed.
    pub fn attach_later_command(&self) -> Option<String> {
        let left: Vec<(&str, bool)> =
            self.summary_workspaces().into_iter().filter(|(_, on)| !on).map(|(id, _)| (id, true)).collect();
        if left.is_empty() {
            return None;
        }
        let answers = self.checks.answers()?;
        let outcome = self.apply.report().map(|r| &*r.cloud);
        Some(equivalent_command_for(self.invocation(), answers, &left, outcome))
    }

    /// Ends on the Summary: every target workspace not answered on the Attach screen gets the
    /// outcome the run left it with.
    pub(super) fn enter_summary(&mut self) {
        let targets: Vec<WorkspaceFacts> = self.checks.facts().map(|f| f.workspaces.clone()).unwrap_or_default();
        for ws in &targets {
            if !self.attach_results.iter().any(|r| r.workspace_id == ws.id) {
                let outcome = self.default_attach_outcome(ws);
                self.attach_results.push(AttachResult {
                    workspace_id: ws.id.clone(),
                    workspace_name: ws.name.clone(),
                    outcome,
                });
            }
        }
        // In the plan's order, whichever was answered first.
        self.attach_results.sort_by_key(|r| targets.iter().position(|w| w.id == r.workspace_id));
        self.screen = Screen::Summary;
    }

    fn default_attach_outcome(&self, ws: &WorkspaceFacts) -> AttachOutcome {
        if self.validation() != Some(Validation::Passed) {
            return AttachOutcome::NotOffered(format!(
                "not attempted: the key did not validate, so it was not attached to {}",
                ws.name
            ));
        }
        let step = self.checks.plan().and_then(|p| {
            p.steps.iter().find(|s| matches!(&s.action, Action::Attach { workspace_id, .. } if *workspace_id == ws.id))
        });
        match step.map(|s| &s.state) {
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
