//! The footer line: which keys do what, for the exact state the wizard is in, so the footer
//! can never promise a key the state machine ignores.

use super::Wizard;
use super::checks::ChecksRow;
use super::load::{Load, Work};
use super::review::PlanTab;
use super::screen::{Overlay, Screen};
use super::validate::Validation;

/// One footer entry, e.g. `Enter` / `continue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHint {
    pub keys: &'static str,
    pub action: &'static str,
    /// Dropped first when the footer is too narrow (moving, looking again, scrolling), so the
    /// keys that decide something (a consent, apply, back) stay visible.
    pub minor: bool,
}

pub(crate) const fn hint(keys: &'static str, action: &'static str) -> KeyHint {
    KeyHint { keys, action, minor: false }
}

pub(crate) const fn minor(keys: &'static str, action: &'static str) -> KeyHint {
    KeyHint { keys, action, minor: true }
}

pub(crate) const HELP: KeyHint = hint("?", "help");
pub(crate) const QUIT: KeyHint = hint("q", "quit");
pub(crate) const CTRL_C: KeyHint = hint("Ctrl-C", "quit");

impl Wizard {
    /// The footer's keys: the state's own, led by how to scroll when the screen overflows.
    pub fn hints(&self) -> Vec<KeyHint> {
        let mut hints = self.state_hints();
        if self.overlay.is_none() && !self.is_too_small() && self.viewport().overflows() {
            let scroll =
                if self.arrows_scroll() { minor("↑↓ PgUp/Dn", "scroll") } else { minor("PgUp/Dn", "scroll") };
            hints.insert(0, scroll);
        }
        hints
    }

    fn state_hints(&self) -> Vec<KeyHint> {
        match self.overlay {
            Some(Overlay::Help) => return vec![hint("Esc/?", "close help"), QUIT],
            Some(Overlay::ConfirmQuit) => return vec![hint("y", "quit"), hint("n/Esc", "stay")],
            Some(Overlay::ConfirmApply) => return vec![hint("y", "apply"), hint("n/Esc", "not now")],
            None => {}
        }
        if self.is_too_small() {
            return vec![QUIT];
        }
        let busy = self.tickets.in_flight();
        match self.screen {
            Screen::Welcome => match self.welcome.overview() {
                Load::Ready(_) => {
                    vec![minor("↑↓", "choose"), hint("Enter", "continue"), minor("r", "look again"), HELP, QUIT]
                }
                Load::Failed(_) => vec![hint("r/Enter", "try again"), HELP, QUIT],
                _ => vec![HELP, QUIT],
            },
            Screen::Workspace if busy == Some(Work::CreateWorkspace) => vec![hint("Esc", "stop waiting"), CTRL_C],
            Screen::Workspace if self.workspaces.is_editing_name() => {
                vec![hint("type", "the name"), hint("Enter", "create"), hint("Esc", "done editing"), CTRL_C]
            }
            Screen::Workspace => match self.workspaces.marked_count() {
                0 => vec![
                    minor("↑↓", "choose"),
                    hint("Enter", "select"),
                    minor("Space", "mark several"),
                    hint("Esc", "back"),
                    HELP,
                    QUIT,
                ],
                _ => vec![
                    minor("↑↓", "choose"),
                    hint("Space", "mark"),
                    hint("Enter", "go on with the marked"),
                    hint("Esc", "back"),
                    HELP,
                    QUIT,
                ],
            },
            Screen::Key => self.key_screen().map(|k| k.hints()).unwrap_or_else(|| vec![hint("Esc", "back"), QUIT]),
            Screen::Checks => match self.checks.prepared() {
                Load::Ready(_) => {
                    let enter = match self.checks.highlighted() {
                        ChecksRow::Check(_) => hint("Enter", "details"),
                        ChecksRow::Continue => hint("Enter", "continue"),
                    };
                    let mut hints = vec![minor("↑↓", "choose"), enter, minor("r", "check again")];
                    if let Some(a) = self.checks.approval() {
                        hints.push(hint(key_name(a.key), a.hint));
                    }
                    hints.extend([hint("Esc", "back"), HELP, QUIT]);
                    hints
                }
                Load::Failed(_) => vec![hint("r/Enter", "try again"), hint("Esc", "back"), HELP, QUIT],
                _ => vec![hint("Esc", "back"), HELP, QUIT],
            },
            Screen::Plan if self.confirmation_field().is_some() => {
                let what = self.pending_confirmation().map_or("the value", |c| c.what);
                vec![hint("type", what), hint("Enter", "confirm"), hint("Esc", "cancel"), CTRL_C]
            }
            Screen::Plan => {
                let tabs = self.checks.plan().is_some_and(|p| p.document_name.is_some());
                let mut hints = if tabs { vec![hint("Tab", "steps/policy")] } else { Vec::new() };
                if self.review.tab() == PlanTab::Policy && tabs {
                    hints.push(minor("↑↓ PgUp PgDn", "scroll"));
                }
                if let Some(c) = self.pending_confirmation() {
                    hints.push(hint(key_name(c.key), c.hint));
                }
                hints.extend([hint("Enter", "apply…"), hint("Esc", "back"), HELP, QUIT]);
                hints
            }
            Screen::Apply if busy == Some(Work::Apply) => vec![HELP, hint("q", "stop waiting")],
            Screen::Apply if self.apply.report().is_some() => {
                vec![hint("r/Enter", "check and try again"), hint("Esc", "back to Key"), HELP, QUIT]
            }
            Screen::Apply => vec![HELP, QUIT],
            Screen::Validate => match self.validation() {
                Some(Validation::Waiting(w)) if w.stopping => vec![HELP],
                Some(Validation::Waiting(_)) => vec![hint("Esc", "stop waiting"), HELP],
                Some(Validation::Passed) => vec![hint("Enter", "continue"), HELP, QUIT],
                Some(Validation::Failed { .. }) => {
                    let mut hints = vec![hint("r", "check and try again"), hint("Enter", "finish"), HELP, QUIT];
                    if self.likely_causes().len() > 1 {
                        hints.insert(0, minor("↑↓", "causes"));
                    }
                    hints
                }
                None => vec![HELP, QUIT],
            },
            Screen::Attach if busy == Some(Work::Attach) => vec![CTRL_C],
            Screen::Attach => vec![hint("type", "the name"), hint("Enter", "attach"), hint("Esc", "skip"), CTRL_C],
            Screen::Summary => vec![hint("Enter/q", "exit")],
        }
    }
}

/// A letter key as the footer shows it (consents name theirs as a `char`).
fn key_name(key: char) -> &'static str {
    const LETTERS: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v",
        "w", "x", "y", "z",
    ];
    match key {
        'a'..='z' => LETTERS[(key as u8 - b'a') as usize],
        _ => "?",
    }
}
