//! Scenario helpers that place workspaces straight into the store, as if created (and archived)
//! long ago: bypassing the API's own rules on purpose, such as the 100-active-workspace limit a
//! large organisation has had raised. Ids and compartment ids are fresh ones; creation times
//! follow the seeded organisation's, one minute apart, so listings keep their order.

use std::collections::BTreeMap;

use chrono::Duration;

use super::seed::{default_data_residency, seeded_at};
use super::server::RunningPlatform;
use super::state::lock;
use crate::platform::wire::Workspace;

/// A workspace for a scenario to place.
#[derive(Debug, Clone, Default)]
pub struct SeedWorkspaceSpec {
    pub name: String,
    pub archived: bool,
    /// An external key id it uses (the scenario registered it with `seed_external_key`).
    pub external_key_id: Option<String>,
}

impl RunningPlatform {
    /// Adds workspaces after the existing ones, in order; returns their ids.
    pub fn seed_workspaces(&self, specs: &[SeedWorkspaceSpec]) -> Vec<String> {
        let mut store = lock(&self.store);
        let base = store.workspaces.len() as i64;
        let mut ids = Vec::with_capacity(specs.len());
        for (n, spec) in specs.iter().enumerate() {
            let created_at = seeded_at() + Duration::minutes(base + n as i64);
            let workspace = Workspace {
                id: super::ids::workspace_id(),
                object_type: "workspace".to_string(),
                name: spec.name.clone(),
                archived_at: spec.archived.then(|| created_at + Duration::days(30)),
                created_at,
                display_color: "#6C5BB9".to_string(),
                data_residency: default_data_residency(),
                tags: BTreeMap::new(),
                compartment_id: super::ids::compartment_id(),
                external_key_id: spec.external_key_id.clone(),
                user_profile_id: None,
            };
            ids.push(workspace.id.clone());
            store.workspaces.push(workspace);
        }
        ids
    }
}
