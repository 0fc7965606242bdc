//! The fixed organisation, workspaces and user profiles every sandbox starts with.
//!
//! Values are constants so documentation, scenarios and tests can name them. Nothing here is
//! random: two sandboxes started one after the other look the same until someone changes them.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use crate::platform::wire::{DataResidency, Organization, Workspace};

/// The organisation UUID (`GET /v1/organizations/me` -> `id`).
pub const ORG_ID: &str = "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";
/// The organisation's name.
pub const ORG_NAME: &str = "Sandbox Organisation";

/// A seeded workspace: its id, name, compartment id and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedWorkspace {
    pub id: &'static str,
    pub name: &'static str,
    pub compartment_id: &'static str,
    pub display_color: &'static str,
}

pub const PRODUCTION: SeedWorkspace = SeedWorkspace {
    id: "wrkspc_01SbxProduction7Kq2Vd",
    name: "production",
    compartment_id: "0b7f3c2e-6a1d-4e8f-9b2c-5d4e3f2a1b0c",
    display_color: "#6C5BB9",
};
pub const STAGING: SeedWorkspace = SeedWorkspace {
    id: "wrkspc_01SbxStaging4Rm8Tx",
    name: "staging",
    compartment_id: "1c8a4d3f-7b2e-4f9a-8c3d-6e5f4a3b2c1d",
    display_color: "#D97757",
};
pub const DEVELOPMENT: SeedWorkspace = SeedWorkspace {
    id: "wrkspc_01SbxDevelopment9Wn5Hy",
    name: "development",
    compartment_id: "2d9b5e4a-8c3f-4a0b-9d4e-7f6a5b4c3d2e",
    display_color: "#4A90A4",
};
/// The three ordinary workspaces, in creation order.
pub const WORKSPACES: [SeedWorkspace; 3] = [PRODUCTION, STAGING, DEVELOPMENT];

/// The organisation's default workspace: listed only with `include_default=true`, never archivable.
pub const DEFAULT_WORKSPACE: SeedWorkspace = SeedWorkspace {
    id: "wrkspc_01SbxDefault3Jp6Lc",
    name: "Default",
    compartment_id: "3e0c6f5b-9d4a-4b1c-8e5f-8a7b6c5d4e3f",
    display_color: "#8B8B8B",
};

/// User profiles that exist in the sandbox organisation (the user-profile API itself is not emulated).
pub const USER_PROFILE_IDS: [&str; 2] = ["uprof_01SbxCustomerA5Gt7Bn", "uprof_01SbxCustomerB8Dk2Mz"];

/// When the seeded organisation's workspaces were created (the default one first).
pub fn seeded_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).single().unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

pub fn organization() -> Organization {
    Organization { id: ORG_ID.to_string(), name: ORG_NAME.to_string(), object_type: "organization".to_string() }
}

/// The data residency every workspace gets unless told otherwise.
pub fn default_data_residency() -> DataResidency {
    DataResidency {
        workspace_geo: "us".to_string(),
        default_inference_geo: "global".to_string(),
        allowed_inference_geos: serde_json::Value::String("unrestricted".to_string()),
    }
}

fn workspace(seed: &SeedWorkspace, minutes_after: i64) -> Workspace {
    Workspace {
        id: seed.id.to_string(),
        object_type: "workspace".to_string(),
        name: seed.name.to_string(),
        archived_at: None,
        created_at: seeded_at() + chrono::Duration::minutes(minutes_after),
        display_color: seed.display_color.to_string(),
        data_residency: default_data_residency(),
        tags: BTreeMap::new(),
        compartment_id: seed.compartment_id.to_string(),
        external_key_id: None,
        user_profile_id: None,
    }
}

/// The default workspace followed by the three ordinary ones, in creation order.
pub fn workspaces_with_default() -> Vec<Workspace> {
    let mut all = vec![workspace(&DEFAULT_WORKSPACE, 0)];
    all.extend(WORKSPACES.iter().zip(1..).map(|(seed, minutes)| workspace(seed, minutes)));
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmek_core::model::{CompartmentId, OrgUuid, WorkspaceId};

    #[test]
    fn seeded_ids_parse_as_the_model_expects() {
        assert_eq!(ORG_ID.parse::<OrgUuid>().unwrap().to_string(), ORG_ID);
        for seed in WORKSPACES.iter().chain([&DEFAULT_WORKSPACE]) {
            seed.id.parse::<WorkspaceId>().unwrap();
            assert_eq!(seed.compartment_id.parse::<CompartmentId>().unwrap().to_string(), seed.compartment_id);
        }
        let names: Vec<&str> = WORKSPACES.iter().map(|w| w.name).collect();
        assert_eq!(names, ["production", "staging", "development"]);
    }
}
