//! Step 7, Validate: the platform's verdict on the key. On failure it shows the error text and
//! the checks that were not a clean pass as likely causes, each with its fix, and offers a retry.

use crate::plan::Check;

use super::apply::PropagationWait;
use super::msg::{Intent, KeyInput};
use super::screen::Screen;
use super::{Notice, Wizard};

/// What validation said, or that it is still waiting for an Azure role assignment to take
/// effect (bounded, shown, and stopped with Esc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    Passed,
    Failed { error: String },
    Waiting(PropagationWait),
}

impl Wizard {
    /// The validation result of the finished run, or the wait it is in.
    pub fn validation(&self) -> Option<Validation> {
        if let Some(wait) = self.apply.waiting() {
            return Some(Validation::Waiting(wait.clone()));
        }
        let v = self.apply.report()?.validation.as_ref()?;
        Some(if v.success {
            Validation::Passed
        } else {
            Validation::Failed { error: v.error.clone().unwrap_or_else(|| "the platform gave no reason".into()) }
        })
    }

    /// The likely causes of a failed validation: what the platform's error text points at
    /// (catalogue ids, most specific first), then the plan's checks of high severity that did not
    /// pass cleanly.
    pub fn likely_causes(&self) -> Vec<Check> {
        let Some(Validation::Failed { error }) = self.validation() else { return Vec::new() };
        match self.checks.plan() {
            Some(plan) => plan.causes_after_run(self.provider, &error),
            None => crate::doctor::validation_text::causes(self.provider, &error),
        }
    }

    /// The likely cause highlighted on a failed validation (Up / Down move it).
    pub fn highlighted_cause(&self) -> usize {
        self.validation_cause
    }

    pub(super) fn validate_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let causes = self.likely_causes().len();
        match (self.validation(), key) {
            (Some(Validation::Waiting(_)), KeyInput::Esc | KeyInput::Char('s')) => self.stop_waiting(out),
            (Some(Validation::Waiting(_)), _) => {}
            (Some(Validation::Failed { .. }), KeyInput::Up) => {
                self.validation_cause = self.validation_cause.saturating_sub(1);
            }
            (Some(Validation::Failed { .. }), KeyInput::Down) => {
                self.validation_cause = (self.validation_cause + 1).min(causes.saturating_sub(1));
            }
            (Some(Validation::Passed), KeyInput::Enter | KeyInput::Right) => self.after_validation(),
            (Some(Validation::Failed { .. }), KeyInput::Char('r')) => self.retry_run(out),
            (Some(Validation::Failed { .. }), KeyInput::Enter) => self.enter_summary(),
            (Some(v), KeyInput::Esc | KeyInput::Left) => {
                let next = if v == Validation::Passed { "Enter continues" } else { "r retries, Enter finishes" };
                self.notice = Some(Notice::info(format!("Changes were made, so going back is not offered: {next}.")));
            }
            _ => {}
        }
    }

    fn after_validation(&mut self) {
        if self.attach_offer().is_some() {
            self.screen = Screen::Attach;
        } else {
            self.enter_summary();
        }
    }
}
