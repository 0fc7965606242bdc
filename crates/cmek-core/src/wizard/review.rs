//! Step 5, Plan: every step in order with whether it can be undone, the access document (AWS: the
//! key policy) as a diff, and the published Anthropic principal for the reviewer to compare. An
//! irreversible switch the plan holds back is confirmed here by typing its value. Enter asks
//! "Apply these N changes? y/n" before anything is changed.

use crate::plan::{DocumentChange, Plan, StepState, TypedConfirmation};
use crate::policy::diff::PolicyDiff;

use super::msg::{Intent, KeyInput};
use super::screen::{Overlay, Screen};
use super::{Notice, Wizard};

/// Rows every screen uses around its body: header, step trail, rule, safety line, footer.
pub const FRAME_ROWS: u16 = 5;
/// Rows the Policy tab uses above the diff: the tab bar and the heading.
pub const POLICY_HEADER_ROWS: u16 = 2;

/// How many diff lines the Policy tab shows on a terminal `height` rows tall. The view lays the
/// screen out with the same constants, so scrolling never runs past what is shown.
pub fn policy_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(FRAME_ROWS + POLICY_HEADER_ROWS)).max(1)
}

/// The two halves of the Plan screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PlanTab {
    #[default]
    Steps,
    Policy,
}

#[derive(Debug, Clone, Default)]
pub struct ReviewState {
    tab: PlanTab,
    /// First diff line shown on the Policy tab.
    scroll: usize,
    /// Open while the value of the plan's typed confirmation is typed (e.g. the vault's name for
    /// purge protection).
    confirming: Option<super::field::TextField>,
}

impl ReviewState {
    pub fn tab(&self) -> PlanTab {
        self.tab
    }

    pub fn is_confirming(&self) -> bool {
        self.confirming.is_some()
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// A new plan: the Steps tab, and the policy scrolled to just above its first change.
    pub(super) fn reset(&mut self, plan: &Plan) {
        let first_change = policy_change(plan)
            .and_then(|p| p.diff.lines.iter().position(|l| l.change != crate::policy::diff::LineChange::Same));
        *self = Self { tab: PlanTab::Steps, scroll: first_change.map_or(0, |i| i.saturating_sub(3)), confirming: None };
    }
}

/// The access document a plan writes, with how to title it.
#[derive(Debug, Clone)]
pub struct PolicyChange<'a> {
    pub heading: String,
    pub diff: &'a PolicyDiff,
    /// False when the document already grants what is needed (shown for reference only).
    pub changes: bool,
}

pub fn policy_change(plan: &Plan) -> Option<PolicyChange<'_>> {
    let doc = plan.document.as_ref()?;
    let heading = match doc.change {
        DocumentChange::New => format!("{} of the new key", doc.name),
        DocumentChange::Changes => format!("{}, before → after", doc.name),
        DocumentChange::Unchanged => format!("{} (unchanged: it already grants what is needed)", doc.name),
    };
    Some(PolicyChange { heading, diff: &doc.diff, changes: doc.changes() })
}

/// How many steps of the plan change something in the cloud or on the platform.
pub fn change_count(plan: &Plan) -> usize {
    plan.steps.iter().filter(|s| s.state == StepState::Planned && s.action.changes_something()).count()
}

impl Wizard {
    fn policy_lines(&self) -> usize {
        self.checks.plan().and_then(policy_change).map_or(0, |p| p.diff.lines.len())
    }

    /// The furthest the Policy tab can scroll at the current terminal height.
    pub fn max_policy_scroll(&self) -> usize {
        self.policy_lines().saturating_sub(policy_rows(self.size.1))
    }

    pub(super) fn clamp_policy_scroll(&mut self) {
        self.review.scroll = self.review.scroll.min(self.max_policy_scroll());
    }

    pub(super) fn review_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        if self.review.confirming.is_some() {
            return self.confirmation_key(key, out);
        }
        if let Some(c) = self.pending_confirmation()
            && key == KeyInput::Char(c.key)
        {
            self.review.confirming = Some(super::field::TextField::new(""));
            return;
        }
        let page = policy_rows(self.size.1).saturating_sub(1).max(1);
        let scroll = self.review.scroll;
        match key {
            KeyInput::Tab | KeyInput::BackTab => {
                self.review.tab = match self.review.tab {
                    PlanTab::Steps => PlanTab::Policy,
                    PlanTab::Policy => PlanTab::Steps,
                };
            }
            KeyInput::Up if self.review.tab == PlanTab::Policy => self.review.scroll = scroll.saturating_sub(1),
            KeyInput::Down if self.review.tab == PlanTab::Policy => self.review.scroll = scroll.saturating_add(1),
            KeyInput::PageUp if self.review.tab == PlanTab::Policy => self.review.scroll = scroll.saturating_sub(page),
            KeyInput::PageDown if self.review.tab == PlanTab::Policy => {
                self.review.scroll = scroll.saturating_add(page);
            }
            KeyInput::Home if self.review.tab == PlanTab::Policy => self.review.scroll = 0,
            KeyInput::End if self.review.tab == PlanTab::Policy => self.review.scroll = usize::MAX,
            KeyInput::Enter => match self.checks.plan() {
                Some(plan) if plan.blocking_failures().is_empty() => self.overlay = Some(Overlay::ConfirmApply),
                Some(_) => self.notice = Some(Notice::error("Blocked: a failed check must be fixed first.")),
                None => {}
            },
            KeyInput::Esc | KeyInput::Left => self.screen = Screen::Checks,
            _ => {}
        }
        self.clamp_policy_scroll();
    }

    /// The field where the typed confirmation's value is typed, while it is open.
    pub fn confirmation_field(&self) -> Option<&super::field::TextField> {
        self.review.confirming.as_ref()
    }

    /// An irreversible switch the plan holds back until its value is typed.
    pub fn pending_confirmation(&self) -> Option<&TypedConfirmation> {
        let plan = self.checks.plan()?;
        plan.confirmations.iter().find(|c| plan.step(c.step).is_some_and(|s| matches!(s.state, StepState::Gated(_))))
    }

    fn confirmation_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let Some(confirmation) = self.pending_confirmation().cloned() else {
            self.review.confirming = None;
            return;
        };
        let Some(field) = self.review.confirming.as_mut() else { return };
        match key {
            KeyInput::Esc => self.review.confirming = None,
            KeyInput::Enter if confirmation.accepts(field.value()) => {
                self.review.confirming = None;
                self.checks.consent(confirmation.id, &confirmation.expected);
                self.notice = Some(Notice::info(confirmation.confirmed_notice()));
                self.screen = Screen::Checks;
                self.plan_again(out);
            }
            KeyInput::Enter => {
                self.notice = Some(Notice::error(confirmation.refused_notice(field.value())));
            }
            other => {
                field.edit(other);
            }
        }
    }
}
