//! Step 6, Apply: per-step progress from the engine's events, then the run's report. Once the run
//! has started there is no way back (the screen says so); a stopped run explains itself and
//! offers to check and plan again.

use crate::run::RunReport;
use crate::run::events::{Event, StepOutcome};

use super::load::Work;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::{Notice, Wizard};

/// Where one step of the plan stands during the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepProgress {
    Waiting,
    Running,
    Finished(StepOutcome),
}

/// A validation waiting out an access grant's propagation (an Azure role assignment): the last
/// refusal, how long it has waited of its budget, and when it tries again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropagationWait {
    /// What is taking effect, and why the wait, in the cloud's words.
    pub grant: &'static str,
    pub explain: &'static str,
    pub why: String,
    pub attempt: u32,
    pub waited: std::time::Duration,
    pub budget: std::time::Duration,
    pub next_in: std::time::Duration,
    /// Esc was pressed: the engine is ending the wait.
    pub stopping: bool,
    /// How long the run had been going when this attempt's answer came (the runtime's ticks move
    /// the shown times on from here between answers).
    pub at: Option<std::time::Duration>,
}

impl PropagationWait {
    /// Time since the answer came, by the run's clock (`elapsed`: the wizard's latest tick).
    fn since(&self, elapsed: Option<std::time::Duration>) -> std::time::Duration {
        match (self.at, elapsed) {
            (Some(at), Some(now)) => now.saturating_sub(at),
            _ => std::time::Duration::ZERO,
        }
    }

    /// How long the validation has waited so far, ticking between answers (never past the budget).
    pub fn waited_now(&self, elapsed: Option<std::time::Duration>) -> std::time::Duration {
        (self.waited + self.since(elapsed)).min(self.budget)
    }

    /// How long until the next attempt, counting down between answers.
    pub fn next_in_now(&self, elapsed: Option<std::time::Duration>) -> std::time::Duration {
        self.next_in.saturating_sub(self.since(elapsed))
    }
}

#[derive(Debug, Clone, Default)]
pub struct ApplyState {
    steps: Vec<StepProgress>,
    report: Option<RunReport>,
    waiting: Option<PropagationWait>,
}

impl ApplyState {
    /// One entry per plan step, in plan order.
    pub fn steps(&self) -> &[StepProgress] {
        &self.steps
    }

    /// The finished run, once it has finished.
    pub fn report(&self) -> Option<&RunReport> {
        self.report.as_ref()
    }

    /// The validation's propagation wait, while the run is in it.
    pub fn waiting(&self) -> Option<&PropagationWait> {
        self.waiting.as_ref()
    }

    /// True when the run ended before validation could say anything (the Apply screen's error).
    pub fn stopped_before_validation(&self) -> bool {
        self.report.as_ref().is_some_and(|r| r.validation.is_none())
    }
}

impl Wizard {
    pub(super) fn start_apply(&mut self, out: &mut Vec<Intent>) {
        self.overlay = None;
        let Some(prepared) = self.checks.prepared().ready().cloned() else { return };
        if !prepared.1.blocking_failures().is_empty() {
            self.notice = Some(Notice::error("Blocked: a failed check must be fixed first."));
            return;
        }
        self.apply.steps = vec![StepProgress::Waiting; prepared.1.steps.len()];
        self.apply.report = None;
        self.apply.waiting = None;
        self.attach = Default::default();
        let ticket = self.start(Work::Apply, out);
        self.screen = Screen::Apply;
        out.push(Intent::Apply(ticket, prepared));
    }

    pub(super) fn on_engine(&mut self, event: Event) {
        match event {
            Event::StepStarted { index, .. } => {
                if let Some(step) = self.apply.steps.get_mut(index) {
                    *step = StepProgress::Running;
                }
            }
            Event::StepFinished { index, outcome, .. } => {
                if matches!(outcome, StepOutcome::Done { .. }) {
                    self.changed = true;
                }
                self.apply.waiting = None;
                if let Some(step) = self.apply.steps.get_mut(index) {
                    *step = StepProgress::Finished(outcome);
                }
            }
            Event::Waiting { grant, explain, why, attempt, waited, budget, next_in, .. } => {
                let stopping = self.apply.waiting.as_ref().is_some_and(|w| w.stopping);
                let at = self.elapsed;
                self.apply.waiting =
                    Some(PropagationWait { grant, explain, why, attempt, waited, budget, next_in, stopping, at });
                // The wait is validation's: show it where validation's verdict will appear.
                self.screen = Screen::Validate;
            }
            Event::Notice { text } => self.notice = Some(Notice::info(text)),
            Event::Inspecting { .. } => {}
        }
    }

    /// Esc on the Validate screen during a propagation wait: ask the engine to stop waiting.
    pub(super) fn stop_waiting(&mut self, out: &mut Vec<Intent>) {
        let (Some(ticket), Some(wait)) = (self.tickets.current(), self.apply.waiting.as_mut()) else { return };
        if !wait.stopping {
            wait.stopping = true;
            out.push(Intent::StopWaiting(ticket));
        }
        self.notice = Some(Notice::info(
            "Stopping the wait: the run ends and reports. The role assignment may still take effect; r then \
             validates again.",
        ));
    }

    pub(super) fn on_applied(&mut self, report: RunReport) {
        self.apply.waiting = None;
        for (step, outcome) in self.apply.steps.iter_mut().zip(&report.outcomes) {
            *step = StepProgress::Finished(outcome.clone());
        }
        if report.outcomes.iter().any(|o| matches!(o, StepOutcome::Done { .. })) {
            self.changed = true;
        }
        let validated = report.validation.is_some();
        self.apply.report = Some(report);
        if validated {
            self.screen = Screen::Validate;
        }
    }

    pub(super) fn apply_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        if self.tickets.in_flight() == Some(Work::Apply) {
            if matches!(key, KeyInput::Esc | KeyInput::Left) {
                self.notice = Some(Notice::info(
                    "Changes are being made: going back is not offered now. q stops waiting (the step in progress \
                     may still finish; the journal records it).",
                ));
            }
            return;
        }
        if self.apply.report.is_none() {
            return;
        }
        match key {
            KeyInput::Char('r') | KeyInput::Enter => self.retry_run(out),
            KeyInput::Esc | KeyInput::Left => self.screen = Screen::Key,
            _ => {}
        }
    }
}
