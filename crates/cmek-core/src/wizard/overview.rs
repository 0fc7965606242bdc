//! What the wizard's first screens show and choose from: the organisation, its workspaces, and
//! each cloud's identity and what it can reach. The engine fills it (`engine::wizard_api`).

use chrono::{DateTime, Utc};

use crate::model::{OrgUuid, ProviderKind};

use super::cloud::{CloudOverview, CloudState};

/// What the welcome screen shows and the workspace and key screens choose from.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub org_name: String,
    pub org_uuid: OrgUuid,
    /// Active workspaces, in creation order.
    pub workspaces: Vec<WorkspaceSummary>,
    /// Each cloud this build sets up, as its credentials found it (not fatal: the user may fix
    /// them and look again).
    pub clouds: Vec<(ProviderKind, CloudState)>,
}

impl Overview {
    /// What `kind`'s credentials found, when the cloud is usable.
    pub fn cloud(&self, kind: ProviderKind) -> Option<&dyn CloudOverview> {
        self.clouds.iter().find(|(k, _)| *k == kind).and_then(|(_, state)| match state {
            CloudState::Ready(o) => Some(&**o),
            CloudState::Unusable(_) => None,
        })
    }

    /// The state of `kind`, when this build sets it up.
    pub fn state(&self, kind: ProviderKind) -> Option<&CloudState> {
        self.clouds.iter().find(|(k, _)| *k == kind).map(|(_, s)| s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub external_key_id: Option<String>,
    pub created_at: DateTime<Utc>,
}
