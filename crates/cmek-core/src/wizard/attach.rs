//! Step 8, Attach: offered only when a workspace was chosen and validation passed. It explains
//! what becomes permanent and requires the workspace's name typed exactly; a mismatch does
//! nothing but say so. Esc skips attaching. With several workspaces it is offered once for each,
//! in turn, each confirmed (or skipped) on its own.

use crate::error::Error;
use crate::plan::{Action, StepState};

use super::field::TextField;
use super::load::Work;
use super::msg::{Intent, KeyInput};
use super::summary::AttachOutcome;
use super::validate::Validation;
use super::{Notice, Wizard};

/// The attach the user is asked to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachOffer {
    pub external_key_id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    /// Created by this wizard run: nothing in it predates the key.
    pub workspace_is_new: bool,
    /// The names of the workspaces offered after this one.
    pub then: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AttachState {
    name: TextField,
    /// Why the last Enter did nothing (empty or mismatched name).
    refusal: Option<String>,
    /// The platform refused or failed the attach; Enter tries again.
    error: Option<Error>,
}

impl AttachState {
    pub fn typed(&self) -> &TextField {
        &self.name
    }

    pub fn refusal(&self) -> Option<&str> {
        self.refusal.as_deref()
    }

    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

impl Wizard {
    /// The attach to confirm: a workspace without a key was chosen, the key validated, and the
    /// plan left the attach gated for this confirmation.
    pub fn attach_offer(&self) -> Option<AttachOffer> {
        if self.validation()? != Validation::Passed {
            return None;
        }
        let external_key_id = self.apply.report()?.external_key_id.clone()?;
        let mut open = self.open_attaches();
        if open.is_empty() {
            return None;
        }
        let (workspace_id, workspace_name) = open.remove(0);
        Some(AttachOffer {
            external_key_id,
            workspace_is_new: self.workspace_created_here.as_deref() == Some(workspace_id.as_str()),
            workspace_id,
            workspace_name,
            then: open.into_iter().map(|(_, name)| name).collect(),
        })
    }

    /// The workspaces (id, name) whose attach the plan left for a confirmation here, in the
    /// plan's order, without those already answered (attached or skipped).
    fn open_attaches(&self) -> Vec<(String, String)> {
        let (Some(facts), Some(plan)) = (self.checks.facts(), self.checks.plan()) else { return Vec::new() };
        plan.steps
            .iter()
            .filter(|s| matches!(s.state, StepState::Gated(_) | StepState::Planned))
            .filter_map(|s| match &s.action {
                Action::Attach { workspace_id, workspace_name, .. } => Some((workspace_id, workspace_name)),
                _ => None,
            })
            .filter(|(id, _)| facts.workspaces.iter().any(|w| &w.id == *id && w.external_key_id.is_none()))
            .filter(|(id, _)| !self.attach_results.iter().any(|r| &r.workspace_id == *id))
            .map(|(id, name)| (id.clone(), name.clone()))
            .collect()
    }

    /// Records what became of the offered workspace, then offers the next or ends on the Summary.
    fn answer_attach(&mut self, outcome: AttachOutcome) {
        let Some(offer) = self.attach_offer() else { return self.enter_summary() };
        self.attach_results.push(super::summary::AttachResult {
            workspace_id: offer.workspace_id,
            workspace_name: offer.workspace_name,
            outcome,
        });
        self.attach = AttachState::default();
        if self.attach_offer().is_some() {
            self.reset_scroll();
        } else {
            self.enter_summary();
        }
    }

    pub(super) fn attach_key(&mut self, key: KeyInput, out: &mut Vec<Intent>) {
        if self.tickets.in_flight() == Some(Work::Attach) {
            if matches!(key, KeyInput::Esc) {
                self.notice =
                    Some(Notice::info("Attaching is under way and cannot be stopped; the result follows shortly."));
            }
            return;
        }
        match key {
            KeyInput::Enter => self.confirm_attach(out),
            KeyInput::Esc => self.answer_attach(AttachOutcome::Skipped),
            other => {
                if self.attach.name.edit(other) {
                    self.attach.refusal = None;
                }
            }
        }
    }

    fn confirm_attach(&mut self, out: &mut Vec<Intent>) {
        let Some(offer) = self.attach_offer() else { return };
        let typed = self.attach.name.value();
        if typed != offer.workspace_name {
            self.attach.refusal = Some(if typed.is_empty() {
                format!(
                    "Type the workspace name, {}, to confirm; or press Esc to skip attaching.",
                    offer.workspace_name
                )
            } else {
                format!(
                    "`{}` is not `{}`: type the workspace name exactly (case and spaces matter), or press Esc to \
                     skip attaching.",
                    typed.chars().take(60).collect::<String>(),
                    offer.workspace_name
                )
            });
            return;
        }
        self.attach.refusal = None;
        self.attach.error = None;
        let ticket = self.start(Work::Attach, out);
        out.push(Intent::Attach {
            ticket,
            external_key_id: offer.external_key_id,
            workspace_id: offer.workspace_id,
            workspace_name: offer.workspace_name,
        });
    }

    pub(super) fn on_attached(&mut self, result: Result<String, Error>) {
        match result {
            Ok(sentence) => {
                self.changed = true;
                self.answer_attach(AttachOutcome::Attached(sentence));
            }
            Err(e) => self.attach.error = Some(e),
        }
    }
}
