//! What inspection found, on the platform and in the cloud: plain data the planner decides on.
//! The cloud's part is the cloud's own type (`plan/<cloud>/facts.rs`).

use chrono::{DateTime, Utc};

use crate::model::{CompartmentId, OrgUuid, ProviderConfig, ProviderKind};

use super::cloud::CloudFacts;

#[derive(Debug, Clone, PartialEq)]
pub struct SetupFacts {
    pub org: OrgFacts,
    /// The target workspaces, in the order asked for (each once); empty when none was.
    pub workspaces: Vec<WorkspaceFacts>,
    /// External key configurations already registered with the organisation.
    pub registered: Vec<RegisteredKey>,
    /// What the chosen cloud holds.
    pub cloud: Box<dyn CloudFacts>,
    /// Whether the platform's refusal of an attach says when it was the key's validation
    /// (`external_key_validation_failed`, API 2026-10-21): then a confirmed attach can be the
    /// run's validation. A server that speaks only 2023-06-01 gives no such code, so the key is
    /// validated with a call of its own first.
    pub attach_reports_validation: bool,
}

impl SetupFacts {
    pub fn provider(&self) -> ProviderKind {
        self.cloud.provider()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub uuid: OrgUuid,
    /// Its name, when the run asked for it (a setup takes the UUID from the answers' headers
    /// and does not spend a call on the name).
    pub name: Option<String>,
}

impl OrgFacts {
    /// `Example Org (9a1b…)`, or the bare UUID when the name was not read; callers say
    /// "organisation" before it.
    pub fn described(&self) -> String {
        match &self.name {
            Some(name) => format!("{} ({})", crate::text::escape_controls(name), self.uuid),
            None => self.uuid.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceFacts {
    pub id: String,
    pub name: String,
    pub compartment: CompartmentId,
    pub external_key_id: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    /// Created moments ago (within the hour when inspected, e.g. by the wizard just now), so it
    /// cannot hold data yet. The engine decides this: the planner has no clock.
    pub just_created: bool,
}

/// A registered external key configuration, reduced to what matching and planning need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredKey {
    pub id: String,
    pub display_name: Option<String>,
    pub attached: bool,
    /// The provider config as registered; each cloud reads its own fields.
    pub config: ProviderConfig,
    /// Compartments of the workspaces that already use this configuration.
    pub attached_compartments: Vec<CompartmentId>,
}
