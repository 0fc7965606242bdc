//! Step 4, Checks: the facts are gathered and the plan built (one intent), then every check is
//! listed pass / warn / fail; one can be opened to its observation and fix. A failed blocking
//! check stops the wizard here: back is possible, going on is not.

use crate::error::Error;
use crate::model::WorkspaceRef;
use crate::plan::{Approval, Check, CheckStatus, CloudAnswers, Plan, SetupAnswers, SetupFacts};

use super::load::{Load, Work};
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::workspace::Target;
use super::{Notice, Wizard};

/// One row of the checks list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksRow {
    /// `plan.checks[i]`.
    Check(usize),
    /// Go on to the plan (refused while a blocking check fails).
    Continue,
}

/// How many checks passed, warned and failed, and how many of the failures block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckCounts {
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
    /// Wrong now, put right by the plan (consent, a role, a tag): not failures.
    pub to_do: usize,
    pub blocking: usize,
}

impl CheckCounts {
    pub fn of(checks: &[Check]) -> Self {
        let count = |s: CheckStatus| checks.iter().filter(|c| c.status == s).count();
        Self {
            passed: count(CheckStatus::Pass),
            warned: count(CheckStatus::Warn),
            failed: count(CheckStatus::Fail),
            to_do: count(CheckStatus::ToDo),
            blocking: checks.iter().filter(|c| c.is_blocking_failure()).count(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChecksState {
    answers: Option<SetupAnswers>,
    prepared: Load<Box<(SetupFacts, Plan)>>,
    row: ChecksRow,
    expanded: Option<usize>,
    /// Planning again after a run stopped: some steps may already be done.
    after_run: bool,
}

impl ChecksState {
    /// The answers the next plan is built from (a new choice on the Key screen).
    pub(super) fn set_answers(&mut self, answers: SetupAnswers) {
        self.answers = Some(answers);
        self.after_run = false;
    }

    /// A consent given on a screen (an approval, or a typed confirmation): the next plan acts on it.
    pub(super) fn consent(&mut self, id: &str, typed: &str) {
        if let Some(a) = self.answers.as_mut() {
            a.cloud.consent(id, typed);
        }
    }

    /// A consent the user can give here to resolve a failed check (the plan offers it only while
    /// it has not been given).
    pub fn approval(&self) -> Option<&Approval> {
        let plan = self.plan()?;
        plan.approvals.iter().find(|a| plan.checks.iter().any(|c| c.id == a.check && c.is_blocking_failure()))
    }
}

impl Default for ChecksState {
    fn default() -> Self {
        Self { answers: None, prepared: Load::Idle, row: ChecksRow::Continue, expanded: None, after_run: false }
    }
}

impl ChecksState {
    /// The answers the plan was (or is being) built from.
    pub fn answers(&self) -> Option<&SetupAnswers> {
        self.answers.as_ref()
    }

    pub fn prepared(&self) -> &Load<Box<(SetupFacts, Plan)>> {
        &self.prepared
    }

    pub fn facts(&self) -> Option<&SetupFacts> {
        self.prepared.ready().map(|p| &p.0)
    }

    pub fn plan(&self) -> Option<&Plan> {
        self.prepared.ready().map(|p| &p.1)
    }

    pub fn highlighted(&self) -> ChecksRow {
        self.row
    }

    /// The check opened to its observation and fix.
    pub fn expanded(&self) -> Option<usize> {
        self.expanded
    }

    pub fn is_after_run(&self) -> bool {
        self.after_run
    }

    pub fn counts(&self) -> CheckCounts {
        self.plan().map(|p| CheckCounts::of(&p.checks)).unwrap_or_default()
    }

    pub fn rows(&self) -> Vec<ChecksRow> {
        let n = self.plan().map_or(0, |p| p.checks.len());
        let mut rows: Vec<ChecksRow> = (0..n).map(ChecksRow::Check).collect();
        rows.push(ChecksRow::Continue);
        rows
    }
}

/// The answers a run needs, from the wizard's choices: where the key is for and the cloud's part.
/// `confirm_attach` is never set here: attaching is confirmed on its own screen.
pub fn answers_for(target: &Target, cloud: Box<dyn CloudAnswers>, display_name: Option<String>) -> SetupAnswers {
    let workspaces = target
        .workspaces()
        .iter()
        .map(|w| {
            w.id.parse::<WorkspaceRef>().ok().filter(|r| matches!(r, WorkspaceRef::Id(_))).unwrap_or_else(|| {
                // An id the parser refuses is still the platform's own: look it up by its exact name.
                WorkspaceRef::Name(w.name.clone())
            })
        })
        .collect();
    SetupAnswers { workspaces, confirm_attach: Vec::new(), display_name, cloud }
}

impl Wizard {
    /// Gathers the facts and builds the plan (again) for the current answers.
    pub(super) fn plan_again(&mut self, out: &mut Vec<Intent>) {
        let Some(answers) = self.checks.answers.clone() else { return };
        let ticket = self.start(Work::Plan, out);
        self.checks.prepared = Load::Loading;
        self.checks.expanded = None;
        out.push(Intent::BuildPlan(ticket, Box::new(answers)));
    }

    /// After a stopped run: check and plan again, starting at the Checks screen.
    pub(super) fn retry_run(&mut self, out: &mut Vec<Intent>) {
        self.screen = Screen::Checks;
        self.checks.after_run = true;
        self.plan_again(out);
    }

    pub(super) fn on_plan(&mut self, result: Result<(SetupFacts, Plan), Error>) {
        match result {
            Ok((facts, plan)) => {
                let first_problem = plan
                    .checks
                    .iter()
                    .position(|c| c.status == CheckStatus::Fail)
                    .or_else(|| plan.checks.iter().position(|c| c.status == CheckStatus::Warn));
                self.checks.row = first_problem.map_or(ChecksRow::Continue, ChecksRow::Check);
                self.checks.expanded = None;
                self.review.reset(&plan);
                self.checks.prepared = Load::Ready(Box::new((facts, plan)));
                self.validation_cause = 0;
            }
            Err(e) => self.checks.prepared = Load::Failed(e),
        }
    }

    pub(super) fn checks_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        match &self.checks.prepared {
            Load::Idle | Load::Loading => {
                if matches!(key, KeyInput::Esc | KeyInput::Left) {
                    self.tickets.cancel(out);
                    self.checks.prepared = Load::Idle;
                    self.screen = Screen::Key;
                }
            }
            Load::Failed(_) => match key {
                KeyInput::Enter | KeyInput::Char('r') => self.plan_again(out),
                KeyInput::Esc | KeyInput::Left => self.screen = Screen::Key,
                _ => {}
            },
            Load::Ready(_) => self.checks_ready_key(key, out),
        }
    }

    fn checks_ready_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let rows = self.checks.rows();
        let at = rows.iter().position(|r| *r == self.checks.row).unwrap_or(rows.len() - 1);
        match (key, self.checks.row) {
            (KeyInput::Up, _) => self.checks.row = rows[at.saturating_sub(1)],
            (KeyInput::Down, _) => self.checks.row = rows[(at + 1).min(rows.len() - 1)],
            (KeyInput::Home, _) => self.checks.row = rows[0],
            (KeyInput::End, _) => self.checks.row = rows[rows.len() - 1],
            (KeyInput::Enter, ChecksRow::Check(i)) => {
                self.checks.expanded = if self.checks.expanded == Some(i) { None } else { Some(i) };
            }
            (KeyInput::Right, ChecksRow::Check(i)) => self.checks.expanded = Some(i),
            (KeyInput::Enter | KeyInput::Right | KeyInput::Tab, ChecksRow::Continue) => self.continue_to_plan(),
            (KeyInput::Tab, ChecksRow::Check(_)) => self.checks.row = ChecksRow::Continue,
            (KeyInput::Left, ChecksRow::Check(i)) if self.checks.expanded == Some(i) => self.checks.expanded = None,
            (KeyInput::Esc | KeyInput::Left, _) => self.screen = Screen::Key,
            (KeyInput::Char('r'), _) => self.plan_again(out),
            (KeyInput::Char(c), _) if self.checks.approval().is_some_and(|a| a.key == c) => {
                let Some(approval) = self.checks.approval().cloned() else { return };
                self.checks.consent(approval.id, "");
                self.notice = Some(Notice::info(approval.notice));
                self.plan_again(out);
            }
            _ => {}
        }
    }

    fn continue_to_plan(&mut self) {
        let counts = self.checks.counts();
        if counts.blocking > 0 {
            let n = counts.blocking;
            self.notice = Some(Notice::error(format!(
                "Blocked: {n} failed check{} must be fixed first (Enter on one shows its fix); then press r to \
                 check again.{}",
                if n == 1 { "" } else { "s" },
                if self.changed { "" } else { " Nothing has been changed." }
            )));
            return;
        }
        self.screen = Screen::Plan;
    }
}
