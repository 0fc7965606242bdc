//! Step 5, Plan: every step in order with whether it can be undone, the key policy as a diff,
//! and the published Anthropic principal for the reviewer to compare. Enter asks
//! "Apply these N changes? y/n" before anything is changed.

use crate::plan::{Action, Plan, Reversibility, StepState};
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
    /// Open while the vault's name is typed to approve purge protection (Azure).
    purge_confirm: Option<super::field::TextField>,
}

impl ReviewState {
    pub fn tab(&self) -> PlanTab {
        self.tab
    }

    pub fn is_confirming_purge(&self) -> bool {
        self.purge_confirm.is_some()
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// A new plan: the Steps tab, and the policy scrolled to just above its first change.
    pub(super) fn reset(&mut self, plan: &Plan) {
        let first_change = policy_change(plan)
            .and_then(|p| p.diff.lines.iter().position(|l| l.change != crate::policy::diff::LineChange::Same));
        *self =
            Self { tab: PlanTab::Steps, scroll: first_change.map_or(0, |i| i.saturating_sub(3)), purge_confirm: None };
    }
}

/// The key policy a plan writes, with how to title it.
#[derive(Debug, Clone, Copy)]
pub struct PolicyChange<'a> {
    pub heading: &'static str,
    pub diff: &'a PolicyDiff,
    /// False when the policy already grants what is needed (shown for reference only).
    pub changes: bool,
}

pub fn policy_change(plan: &Plan) -> Option<PolicyChange<'_>> {
    plan.steps.iter().find_map(|s| match (&s.action, &s.state) {
        (Action::CreateKey { diff, .. }, _) => {
            Some(PolicyChange { heading: "Key policy of the new key", diff, changes: true })
        }
        (Action::UpdateKeyPolicy { diff, .. }, StepState::Planned) => {
            Some(PolicyChange { heading: "Key policy, before → after", diff, changes: true })
        }
        (Action::UpdateKeyPolicy { diff, .. }, _) => Some(PolicyChange {
            heading: "Key policy (unchanged: it already grants what is needed)",
            diff,
            changes: false,
        }),
        _ => None,
    })
}

/// How many steps of the plan change something in the cloud or on the platform.
pub fn change_count(plan: &Plan) -> usize {
    plan.steps
        .iter()
        .filter(|s| s.state == StepState::Planned && s.action.reversibility() != Reversibility::ReadOnly)
        .count()
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
        if self.review.purge_confirm.is_some() {
            return self.purge_confirm_key(key, out);
        }
        if key == KeyInput::Char('p') && self.purge_protection_gated() {
            self.review.purge_confirm = Some(super::field::TextField::new(""));
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

    /// The field where the vault's name is typed to turn purge protection on, while it is open.
    pub fn purge_confirmation(&self) -> Option<&super::field::TextField> {
        self.review.purge_confirm.as_ref()
    }

    /// The plan holds a purge-protection step waiting for its typed confirmation.
    pub fn purge_protection_gated(&self) -> bool {
        self.checks.plan().is_some_and(|p| {
            p.steps.iter().any(|s| {
                matches!(s.action, crate::plan::Action::EnablePurgeProtection { .. })
                    && matches!(s.state, crate::plan::StepState::Gated(_))
            })
        })
    }

    fn purge_confirm_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        let vault = self.checks.facts().and_then(|f| f.azure()).map(|a| a.vault.name.clone()).unwrap_or_default();
        let Some(field) = self.review.purge_confirm.as_mut() else { return };
        match key {
            KeyInput::Esc => self.review.purge_confirm = None,
            KeyInput::Enter if field.trimmed().eq_ignore_ascii_case(&vault) && !vault.is_empty() => {
                self.review.purge_confirm = None;
                self.checks.confirm_purge_protection(vault.clone());
                self.notice = Some(Notice::info(format!(
                    "Purge protection for {vault} is now part of the plan (irreversible, applied with the rest)."
                )));
                self.screen = Screen::Checks;
                self.plan_again(out);
            }
            KeyInput::Enter => {
                self.notice = Some(Notice::error(format!(
                    "`{}` is not the vault's name: type {vault} exactly, or Esc to leave purge protection off.",
                    field.trimmed()
                )));
            }
            other => {
                field.edit(other);
            }
        }
    }
}
