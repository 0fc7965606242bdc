//! The actions a plan is made of, each with its state and whether it can be undone. A cloud's own
//! actions are `Action::Cloud`; registering, validating and attaching are the same on every cloud.

use std::time::Duration;

use crate::model::{CompartmentId, ProviderConfig};

use super::cloud::CloudStep;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A step in the cloud (see the cloud's `plan/<cloud>/steps.rs`).
    Cloud(Box<dyn CloudStep>),
    /// Register the key with the organisation.
    RegisterKey { target: KeyTarget, display_name: String, existing_id: Option<String> },
    /// Delete unattached registrations of the same key that an earlier race left (two runs that
    /// registered at the same moment), keeping `keep`.
    RemoveDuplicateRegistrations { keep: String, ids: Vec<String> },
    /// Ask the platform to prove it can use the key (no workspace context). `propagation`: retry
    /// with back-off while a failure says an access grant has not taken effect yet (Azure RBAC).
    Validate { propagation: Option<Propagation> },
    /// Attach the key to the workspace: PERMANENT. The platform validates the key for the
    /// workspace before it attaches (a refusal leaves the workspace as it was), so when a run's
    /// first attach is confirmed it is also the run's validation (`validates`), in place of a
    /// `Validate` step: one call fewer, and the stricter check (with the workspace's compartment).
    Attach {
        workspace_id: String,
        workspace_name: String,
        compartment: CompartmentId,
        validates: Option<AttachValidation>,
    },
}

/// An attach that is also the run's validation: refusals that say an access grant has not taken
/// effect yet are retried while `propagation` allows, as a `Validate` step would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachValidation {
    pub propagation: Option<Propagation>,
}

/// The key a `RegisterKey` step registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTarget {
    /// What titles call it (`arn:...`, `https://.../keys/k (tenant t)`); `None`: the key this run creates.
    pub name: Option<String>,
    /// The configuration to register; `None` until the run has created the key (the cloud's
    /// apply steps fill it in).
    pub config: Option<ProviderConfig>,
}

/// How validation waits out an access grant that takes time to reach the key (Azure's role
/// assignments): for how long at most, and the cloud's words for the front ends and errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Propagation {
    pub budget: Duration,
    /// What takes effect, e.g. "role assignment".
    pub grant: &'static str,
    /// Why the wait, for a person watching it (what refuses, and for how long).
    pub explain: &'static str,
    /// How long it usually takes, e.g. "within 10 minutes".
    pub usually: &'static str,
    /// The flag that sets the budget, e.g. "--azure-rbac-wait".
    pub flag: &'static str,
    /// What to check if validation never passes.
    pub if_never: &'static str,
}

/// Whether an action can be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reversibility {
    /// Undone by an ordinary call (e.g. restore the backed-up policy, delete the registration).
    Reversible,
    /// Can be scheduled for deletion (7-30 days), never instantly removed.
    ScheduledDeletionOnly,
    /// Can be deleted, but stays recoverable (soft-deleted) for the vault's retention period.
    SoftDeleteOnly,
    /// Changes nothing.
    ReadOnly,
    /// Cannot be undone at all.
    Permanent,
}

impl Reversibility {
    /// How the plan shows it to a person.
    pub fn label(self) -> &'static str {
        match self {
            Reversibility::Reversible => "reversible",
            Reversibility::ScheduledDeletionOnly => "undo = schedule deletion, 7-30 days",
            Reversibility::SoftDeleteOnly => "undo = delete; kept soft-deleted for the vault's retention period",
            Reversibility::ReadOnly => "read-only",
            Reversibility::Permanent => "cannot be undone",
        }
    }

    /// The label in a few words, for one-line lists.
    pub fn short_label(self) -> &'static str {
        match self {
            Reversibility::Reversible => "reversible",
            Reversibility::ScheduledDeletionOnly => "undo = schedule deletion",
            Reversibility::SoftDeleteOnly => "undo = delete, kept soft-deleted",
            Reversibility::ReadOnly => "read-only",
            Reversibility::Permanent => "cannot be undone",
        }
    }
}

impl Action {
    /// Whether carrying it out changes something in the cloud or on the platform (validation
    /// only reads).
    pub fn changes_something(&self) -> bool {
        self.reversibility() != Reversibility::ReadOnly
    }

    pub fn reversibility(&self) -> Reversibility {
        match self {
            Action::Cloud(step) => step.reversibility(),
            Action::RegisterKey { .. } => Reversibility::Reversible,
            // The configuration can be registered again; nothing uses it.
            Action::RemoveDuplicateRegistrations { .. } => Reversibility::Reversible,
            Action::Validate { .. } => Reversibility::ReadOnly,
            Action::Attach { .. } => Reversibility::Permanent,
        }
    }

    /// A stable machine name for JSON output and the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Cloud(step) => step.kind(),
            Action::RegisterKey { .. } => "register_key",
            Action::RemoveDuplicateRegistrations { .. } => "remove_duplicate_registrations",
            Action::Validate { .. } => "validate",
            Action::Attach { .. } => "attach",
        }
    }

    /// One line saying what the action does, naming its values.
    pub fn title(&self) -> String {
        match self {
            Action::Cloud(step) => step.title(),
            Action::RegisterKey { target: KeyTarget { name: Some(name), .. }, .. } => {
                format!("register {name} with the organisation")
            }
            Action::RegisterKey { target: KeyTarget { name: None, .. }, .. } => {
                "register the new key with the organisation".to_string()
            }
            Action::RemoveDuplicateRegistrations { keep, ids } => format!(
                "delete {} unattached duplicate registration{} of the key ({}), keeping {keep}",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                ids.join(", ")
            ),
            Action::Validate { .. } => "validate: the platform encrypts and decrypts with the key".to_string(),
            Action::Attach { workspace_name, workspace_id, validates, .. } => {
                let name = crate::text::escape_controls(workspace_name);
                let validated = if validates.is_some() { " (the platform validates the key for it first)" } else { "" };
                format!("attach the key to workspace {name} ({workspace_id}){validated}: PERMANENT")
            }
        }
    }

    /// The cloud's own step, as its provider's type (`None` for a shared action or another cloud's).
    pub fn cloud_step<T: 'static>(&self) -> Option<&T> {
        match self {
            Action::Cloud(step) => step.downcast_ref::<T>(),
            _ => None,
        }
    }
}

/// Where a step stands before the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    /// Will be done.
    Planned,
    /// Nothing to do; the reason says what is already right.
    AlreadyDone(String),
    /// Needs an explicit confirmation; the text says how to give it.
    Gated(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub action: Action,
    pub state: StepState,
}

impl Step {
    /// A cloud step in `state`.
    pub fn cloud(step: impl CloudStep, state: StepState) -> Self {
        Self { action: Action::Cloud(Box::new(step)), state }
    }
}
