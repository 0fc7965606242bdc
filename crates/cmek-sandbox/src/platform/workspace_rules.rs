//! What a workspace create or update would produce, checked against the store: unique active
//! names, the workspace limit, archived workspaces, user profiles, and the attach rules.
//!
//! Pure: `preview_*` returns the resulting workspace and, when a key is being attached, the
//! validation to run first. The caller commits only after validation, re-running the preview.

use chrono::{DateTime, Utc};

use crate::platform::wire::Workspace;

use super::attach::{self, AttachDecision};
use super::error::{ApiError, ApiResult, codes, shown};
use super::json_input::Field;
use super::state::Store;
use super::validation::Target;
use super::workspace_input::{NewWorkspace, WorkspacePatch, check_default_is_allowed};

/// The documented default limit of workspaces per organisation (active ones; the default
/// workspace does not count).
pub const MAX_ACTIVE_WORKSPACES: usize = 100;

/// Colours given to workspaces created without one, in turn.
const PALETTE: [&str; 6] = ["#6C5BB9", "#D97757", "#4A90A4", "#7BA05B", "#C2548F", "#B8A03A"];

/// The id and compartment a new workspace gets; chosen once so both previews agree.
pub struct NewIdentity {
    pub id: String,
    pub compartment_id: String,
    pub created_at: DateTime<Utc>,
}

pub fn preview_create(
    store: &Store,
    new: &NewWorkspace,
    identity: &NewIdentity,
) -> ApiResult<(Workspace, Option<Target>)> {
    let active = store.workspaces.iter().filter(|w| w.archived_at.is_none() && !store.is_default(&w.id)).count();
    if active >= MAX_ACTIVE_WORKSPACES {
        return Err(ApiError::invalid(format!(
            "organization {} already has {active} active workspaces, the limit; archive one or ask Anthropic to raise it",
            store.org.id
        )));
    }
    check_unique_name(store, &new.name, None)?;
    if let Some(profile) = &new.user_profile_id {
        check_profile_exists(store, profile)?;
    }
    let mut workspace = Workspace {
        id: identity.id.clone(),
        object_type: "workspace".to_string(),
        name: new.name.clone(),
        archived_at: None,
        created_at: identity.created_at,
        display_color: new
            .display_color
            .clone()
            .unwrap_or_else(|| PALETTE[store.workspaces.len() % PALETTE.len()].to_string()),
        data_residency: new.data_residency.clone(),
        tags: new.tags.clone(),
        compartment_id: identity.compartment_id.clone(),
        external_key_id: None,
        user_profile_id: new.user_profile_id.clone(),
    };
    let target = match &new.external_key_id {
        Some(key_id) => attach_to(store, &mut workspace, key_id)?,
        None => None,
    };
    Ok((workspace, target))
}

pub fn preview_update(
    store: &Store,
    current: &Workspace,
    patch: &WorkspacePatch,
) -> ApiResult<(Workspace, Option<Target>)> {
    let mut workspace = current.clone();
    if let Some(archived_at) = current.archived_at
        && !matches!(patch.external_key_id, Some(Field::Given(_)))
    {
        return Err(ApiError::invalid(format!(
            "workspace {} ({}) was archived at {}; archived workspaces cannot be changed",
            current.id,
            current.name,
            archived_at.to_rfc3339()
        )));
    }
    if let Some(name) = &patch.name {
        check_unique_name(store, name, Some(&current.id))?;
        workspace.name = name.clone();
    }
    if let Some(color) = &patch.display_color {
        workspace.display_color = color.clone();
    }
    if let Some(tags) = &patch.tags {
        for (key, value) in tags {
            match value {
                Some(v) => workspace.tags.insert(key.clone(), v.clone()),
                None => workspace.tags.remove(key),
            };
        }
    }
    if let Some(allowed) = &patch.allowed_inference_geos {
        workspace.data_residency.allowed_inference_geos = allowed.clone();
    }
    if let Some(default) = &patch.default_inference_geo {
        workspace.data_residency.default_inference_geo = default.clone();
    }
    check_default_is_allowed(&workspace.data_residency)?;
    if let Some(profile) = &patch.user_profile_id {
        set_user_profile(store, &mut workspace, profile)?;
    }
    let target = match &patch.external_key_id {
        Some(Field::Given(key_id)) => attach_to(store, &mut workspace, key_id)?,
        Some(Field::Null | Field::Absent) => match &current.external_key_id {
            Some(existing) => {
                return Err(ApiError::conflict(format!(
                    "workspace {} ({}) uses external key {existing}, which cannot be detached: `external_key_id` is \
                     write-once and permanent",
                    current.id, current.name
                )));
            }
            None => None,
        },
        None => None,
    };
    Ok((workspace, target))
}

fn attach_to(store: &Store, workspace: &mut Workspace, key_id: &str) -> ApiResult<Option<Target>> {
    match attach::check(store, workspace, key_id)? {
        AttachDecision::Unchanged => Ok(None),
        AttachDecision::Validate(target) => {
            workspace.external_key_id = Some(key_id.to_string());
            Ok(Some(target))
        }
    }
}

/// Names are unique among active workspaces: `cmek` (and people) pick workspaces by exact name,
/// so a second active workspace with the same name is a conflict with existing state (409).
fn check_unique_name(store: &Store, name: &str, except_id: Option<&str>) -> ApiResult<()> {
    let clash =
        store.workspaces.iter().find(|w| w.archived_at.is_none() && w.name == name && Some(w.id.as_str()) != except_id);
    match clash {
        Some(other) => Err(ApiError::conflict(format!(
            "an active workspace named `{}` already exists ({}); pick another name or archive that workspace",
            shown(name),
            other.id
        ))),
        None => Ok(()),
    }
}

fn check_profile_exists(store: &Store, profile: &str) -> ApiResult<()> {
    if store.user_profiles.iter().any(|p| p == profile) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "`user_profile_id` `{}` does not name an active user profile of organization {}",
            shown(profile),
            store.org.id
        ))
        .with_code(codes::USER_PROFILE_NOT_FOUND))
    }
}

/// Set once (sending the same id again changes nothing), never on the default workspace, and
/// only to the profile of the workspace's key, if it has one.
fn set_user_profile(store: &Store, workspace: &mut Workspace, profile: &str) -> ApiResult<()> {
    if workspace.user_profile_id.as_deref() == Some(profile) {
        return Ok(());
    }
    if store.is_default(&workspace.id) {
        return Err(ApiError::invalid(format!(
            "workspace {} is the organization's default workspace, which cannot have a user profile",
            workspace.id
        )));
    }
    check_profile_exists(store, profile)?;
    if let Some(existing) = &workspace.user_profile_id {
        return Err(ApiError::invalid(format!(
            "workspace {} already has user profile {existing}; a workspace's user profile cannot be replaced",
            workspace.id
        )));
    }
    if let Some(key_id) = &workspace.external_key_id {
        let key_profile = store.key(key_id).ok().and_then(|r| r.key.user_profile_id.clone());
        if key_profile.as_deref() != Some(profile) {
            return Err(ApiError::invalid(format!(
                "workspace {} uses external key {key_id}, which is not bound to user profile {}; a key and its \
                 workspace must have the same user profile",
                workspace.id,
                shown(profile)
            ))
            .with_code(codes::KEY_PROFILE_MISMATCH));
        }
    }
    workspace.user_profile_id = Some(profile.to_string());
    Ok(())
}
