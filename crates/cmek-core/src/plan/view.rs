//! What the front ends show of a plan beyond its steps and checks: the access document as a diff,
//! consents a person can give on the Checks screen, and irreversible switches that need a typed
//! confirmation on the Plan screen. Each cloud's planner fills them in with its own words.

use crate::policy::diff::PolicyDiff;

/// Whether the plan writes the document, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentChange {
    /// Written with a new key.
    New,
    /// Replaced (the old one is backed up first).
    Changes,
    /// Already grants what is needed: shown for reference only.
    Unchanged,
}

/// The access document the plan writes (AWS: the key policy), before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanDocument {
    /// "Key policy": a tab's name and the headings' subject.
    pub name: &'static str,
    pub change: DocumentChange,
    pub diff: PolicyDiff,
    /// The document after the run, as pretty JSON.
    pub after: String,
}

impl PlanDocument {
    pub fn changes(&self) -> bool {
        self.change != DocumentChange::Unchanged
    }
}

/// A consent a person can give on the Checks screen with one key, which resolves a failed check
/// by letting the plan fix it (e.g. turning a vault's public access on behind a firewall).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Passed back to `CloudAnswers::consent`.
    pub id: &'static str,
    /// The failed check it resolves.
    pub check: &'static str,
    pub key: char,
    /// The footer's words, e.g. "allow public access".
    pub hint: &'static str,
    /// What the person is told once they approved.
    pub notice: String,
}

/// An irreversible switch the plan holds back until the person types a value (e.g. the vault's
/// name for purge protection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedConfirmation {
    /// Passed back to `CloudAnswers::consent` with the typed text.
    pub id: &'static str,
    /// The gated step it releases (its `kind`).
    pub step: &'static str,
    pub key: char,
    /// What is turned on, e.g. "purge protection".
    pub subject: &'static str,
    /// The footer's words for the key, e.g. "purge protection…".
    pub hint: &'static str,
    /// The value to type.
    pub expected: String,
    /// What to type, e.g. "the vault's name".
    pub what: &'static str,
    /// The field's label, e.g. "Vault".
    pub label: &'static str,
    /// Said above the field: what cannot be undone.
    pub warning: &'static str,
}

impl TypedConfirmation {
    /// Whether `typed` confirms it: exactly the value, case and spaces included, as for the
    /// attach (an irreversible switch is never confirmed by something close).
    pub fn accepts(&self, typed: &str) -> bool {
        !self.expected.is_empty() && typed == self.expected
    }

    /// Told once it is confirmed.
    pub fn confirmed_notice(&self) -> String {
        let mut subject = self.subject.to_string();
        if let Some(first) = subject.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        format!("{subject} for {} is now part of the plan (irreversible, applied with the rest).", self.expected)
    }

    /// Told when `typed` does not confirm it.
    pub fn refused_notice(&self, typed: &str) -> String {
        format!(
            "`{}` is not {}: type {} exactly (case and spaces matter), or Esc to leave {} off.",
            crate::text::escape_controls(typed),
            self.what,
            self.expected,
            self.subject
        )
    }

    /// How the Plan screen describes the gated step.
    pub fn step_note(&self) -> String {
        format!("; not done unless you confirm it: {}, then type {}", self.key, self.what)
    }
}
