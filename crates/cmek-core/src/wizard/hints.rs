//! The footer line: which keys do what, for the exact state the wizard is in, so the footer
//! can never promise a key the state machine ignores.

use super::Wizard;
use super::checks::ChecksRow;
use super::key_choice::KeyFocus;
use super::load::{Load, Work};
use super::review::PlanTab;
use super::screen::{Overlay, Screen};
use super::validate::Validation;

/// One footer entry, e.g. `Enter` / `continue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHint {
    pub keys: &'static str,
    pub action: &'static str,
}

const fn hint(keys: &'static str, action: &'static str) -> KeyHint {
    KeyHint { keys, action }
}

const HELP: KeyHint = hint("?", "help");
const QUIT: KeyHint = hint("q", "quit");
const CTRL_C: KeyHint = hint("Ctrl-C", "quit");

impl Wizard {
    pub fn hints(&self) -> Vec<KeyHint> {
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
                    vec![hint("↑↓", "choose"), hint("Enter", "continue"), hint("r", "look again"), HELP, QUIT]
                }
                Load::Failed(_) => vec![hint("r/Enter", "try again"), HELP, QUIT],
                _ => vec![HELP, QUIT],
            },
            Screen::Workspace if busy == Some(Work::CreateWorkspace) => vec![hint("Esc", "stop waiting"), CTRL_C],
            Screen::Workspace if self.workspaces.is_editing_name() => {
                vec![hint("type", "the name"), hint("Enter", "create"), hint("Esc", "done editing"), CTRL_C]
            }
            Screen::Workspace => {
                vec![hint("↑↓", "choose"), hint("Enter", "select"), hint("Esc", "back"), HELP, QUIT]
            }
            Screen::Key if self.provider == crate::model::ProviderKind::Azure => match self.azure_keys.focus() {
                super::AzureKeyFocus::KeyName => {
                    vec![hint("type", "key name"), hint("Enter", "check"), hint("Tab/Esc", "vaults"), CTRL_C]
                }
                super::AzureKeyFocus::Vaults => vec![
                    hint("↑↓", "vault"),
                    hint("Tab", "key name"),
                    hint("Enter", "check"),
                    hint("Esc", "back"),
                    HELP,
                    QUIT,
                ],
            },
            Screen::Key => match self.keys.focus() {
                KeyFocus::Region | KeyFocus::Alias => {
                    vec![hint("type", "edit"), hint("Enter/Tab", "next"), hint("Esc", "done"), CTRL_C]
                }
                KeyFocus::Typed => {
                    vec![hint("type", "ARN, key id or alias"), hint("Enter", "use it"), hint("Esc", "done"), CTRL_C]
                }
                KeyFocus::Choices => vec![
                    hint("↑↓", "choose"),
                    hint("Enter", "select"),
                    hint("Tab", "fields"),
                    hint("r", "look again"),
                    hint("Esc", "back"),
                    HELP,
                    QUIT,
                ],
            },
            Screen::Checks => match self.checks.prepared() {
                Load::Ready(_) => {
                    let enter = match self.checks.highlighted() {
                        ChecksRow::Check(_) => hint("Enter", "details"),
                        ChecksRow::Continue => hint("Enter", "continue"),
                    };
                    let mut hints = vec![hint("↑↓", "choose"), enter, hint("r", "check again")];
                    if self.checks.public_access_approvable() {
                        hints.push(hint("a", "allow public access"));
                    }
                    hints.extend([hint("Esc", "back"), HELP, QUIT]);
                    hints
                }
                Load::Failed(_) => vec![hint("r/Enter", "try again"), hint("Esc", "back"), HELP, QUIT],
                _ => vec![hint("Esc", "back"), HELP, QUIT],
            },
            Screen::Plan if self.purge_confirmation().is_some() => {
                vec![hint("type", "the vault's name"), hint("Enter", "confirm"), hint("Esc", "cancel"), CTRL_C]
            }
            Screen::Plan => {
                let azure = self.checks.plan().is_some_and(|p| p.grant.is_none());
                let mut hints = if azure { Vec::new() } else { vec![hint("Tab", "steps/policy")] };
                if self.review.tab() == PlanTab::Policy && !azure {
                    hints.push(hint("↑↓ PgUp PgDn", "scroll"));
                }
                if self.purge_protection_gated() {
                    hints.push(hint("p", "purge protection…"));
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
                    vec![hint("↑↓", "causes"), hint("r", "check and try again"), hint("Enter", "finish"), HELP, QUIT]
                }
                None => vec![HELP, QUIT],
            },
            Screen::Attach if busy == Some(Work::Attach) => vec![CTRL_C],
            Screen::Attach => vec![hint("type", "the name"), hint("Enter", "attach"), hint("Esc", "skip"), CTRL_C],
            Screen::Summary => vec![hint("Enter/q", "exit")],
        }
    }
}
