//! The attach rules (platform-api.md, section 4): CMEK enabled, workspace active, write-once,
//! key exists, same user profile, same geo. Pure over the store; validation is run by the caller.

use crate::platform::wire::Workspace;

use super::error::{ApiError, ApiResult, codes, shown};
use super::state::Store;
use super::validation::{Outcome, Target};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachDecision {
    /// The workspace already uses exactly this key: nothing to do (a retried attach is harmless).
    Unchanged,
    /// Allowed by the rules; the key must pass validation for this workspace first.
    Validate(Target),
}

/// May `key_id` be attached to `workspace` (as it will be after the request)?
pub fn check(store: &Store, workspace: &Workspace, key_id: &str) -> ApiResult<AttachDecision> {
    if !store.cmek_enabled {
        return Err(store.cmek_not_enabled());
    }
    if let Some(archived_at) = workspace.archived_at {
        return Err(ApiError::invalid(format!(
            "workspace {} ({}) was archived at {}; an archived workspace cannot take an external key. Attach the key \
             to an active workspace",
            workspace.id,
            workspace.name,
            archived_at.to_rfc3339()
        )));
    }
    match workspace.external_key_id.as_deref() {
        Some(existing) if existing == key_id => return Ok(AttachDecision::Unchanged),
        Some(existing) => {
            return Err(ApiError::conflict(format!(
                "workspace {} ({}) already uses external key {existing}; `external_key_id` is write-once: a key \
                 cannot be detached or replaced. Rotate the key material in your KMS instead, or use a new workspace",
                workspace.id, workspace.name
            )));
        }
        None => {}
    }
    let key = &store
        .key(key_id)
        .map_err(|_| {
            ApiError::invalid(format!(
                "`external_key_id` `{}` does not name an external key of organization {}; create it with POST \
                 /v1/organizations/external_keys first",
                shown(key_id),
                store.org.id
            ))
        })?
        .key;
    if key.user_profile_id != workspace.user_profile_id {
        let describe = |p: &Option<String>| p.clone().unwrap_or_else(|| "no user profile".to_string());
        return Err(ApiError::invalid(format!(
            "external key {} is bound to {} but workspace {} has {}; a key and its workspace must have the same user \
             profile, or both none",
            key.id,
            describe(&key.user_profile_id),
            workspace.id,
            describe(&workspace.user_profile_id)
        ))
        .with_code(codes::KEY_PROFILE_MISMATCH));
    }
    if key.geo != workspace.data_residency.workspace_geo {
        return Err(ApiError::invalid(format!(
            "external key {} has geo `{}` but workspace {} stores data in `{}`; they must match",
            key.id, key.geo, workspace.id, workspace.data_residency.workspace_geo
        ))
        .with_code(codes::WORKSPACE_POLICY_VIOLATION)
        .with_detail("field", "external_key_id"));
    }
    Ok(AttachDecision::Validate(Target {
        key_id: key.id.clone(),
        provider_config: key.provider_config.clone(),
        org_id: store.org.id.clone(),
        compartment_id: Some(workspace.compartment_id.clone()),
    }))
}

/// The 400 an attach gets when validation fails; the workspace stays unattached.
pub fn refused(target: &Target, workspace_id: &str, outcome: Outcome) -> Option<ApiError> {
    let (sentence, code) = match outcome {
        Outcome::Valid => return None,
        Outcome::Invalid(sentence) => (sentence, codes::VALIDATION_FAILED),
        Outcome::TimedOut(sentence) => (sentence, codes::VALIDATION_TIMED_OUT),
    };
    Some(
        ApiError::invalid(format!(
            "{sentence} (external key {} failed validation for workspace {workspace_id} with compartment {}; the \
             workspace was left unattached)",
            target.key_id,
            target.compartment_id.as_deref().unwrap_or("none")
        ))
        .with_code(code),
    )
}
