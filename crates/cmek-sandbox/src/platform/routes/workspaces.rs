//! `/v1/organizations/workspaces`: retrieve, list, create, update (attach), archive.
//!
//! A create or update that attaches a key is checked, validated with the lock released, then
//! checked again and committed; if the key changed meanwhile the request fails with a retryable
//! 409 `external_key_changed`, as the SDK documents.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use chrono::Utc;

use crate::platform::wire::{IdPage, Workspace};

use super::super::app::AppState;
use super::super::attach;
use super::super::error::{ApiError, ApiResult, codes, shown};
use super::super::ids;
use super::super::json_input::{Fields, parse_object};
use super::super::pagination::id_page;
use super::super::query::Query;
use super::super::state::lock;
use super::super::validation::{self, Target};
use super::super::workspace_input::{parse_new, parse_patch};
use super::super::workspace_rules::{NewIdentity, preview_create, preview_update};
use super::{body_bytes, path_id};

pub async fn retrieve(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<Workspace>> {
    let id = path_id(id)?;
    let store = lock(&app.store);
    Ok(Json(store.workspace(&id)?.clone()))
}

/// Creation order; archived ones only with `include_archived`, the default one only with
/// `include_default`.
pub async fn list(State(app): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Json<IdPage<Workspace>>> {
    let query = Query::parse(raw.as_deref());
    let limit = query.limit(20, 1000)?;
    let include_archived = query.bool("include_archived", false)?;
    let include_default = query.bool("include_default", false)?;
    let cursor = query.id_cursor()?;
    let ids = query.all("ids");
    if ids.len() > 100 {
        return Err(ApiError::invalid(format!("`ids` may name at most 100 workspaces, got {}", ids.len())));
    }
    let store = lock(&app.store);
    let keep = |w: &Workspace| {
        (include_archived || w.archived_at.is_none())
            && (include_default || !store.is_default(&w.id))
            && (ids.is_empty() || ids.contains(&w.id.as_str()))
    };
    Ok(Json(id_page(&store.workspaces, |w| w.id.as_str(), keep, &cursor, limit)?))
}

pub async fn create(State(app): State<AppState>, body: Result<Bytes, BytesRejection>) -> ApiResult<Json<Workspace>> {
    let bytes = body_bytes(body)?;
    let new = parse_new(&parse_object(&bytes, false)?)?;
    let identity =
        NewIdentity { id: ids::workspace_id(), compartment_id: ids::compartment_id(), created_at: Utc::now() };
    let planned = {
        let store = lock(&app.store);
        preview_create(&store, &new, &identity)?.1
    };
    validate_before_attach(&app, planned.as_ref(), &identity.id).await?;
    let mut store = lock(&app.store);
    let (workspace, target) = preview_create(&store, &new, &identity)?;
    check_unchanged(planned.as_ref(), target.as_ref())?;
    store.workspaces.push(workspace.clone());
    Ok(Json(workspace))
}

pub async fn update(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Workspace>> {
    let id = path_id(id)?;
    let bytes = body_bytes(body)?;
    let patch = parse_patch(&parse_object(&bytes, true)?)?;
    let planned = {
        let store = lock(&app.store);
        preview_update(&store, store.workspace(&id)?, &patch)?.1
    };
    validate_before_attach(&app, planned.as_ref(), &id).await?;
    let mut store = lock(&app.store);
    let index = store.workspace_index(&id)?;
    let (workspace, target) = preview_update(&store, &store.workspaces[index], &patch)?;
    check_unchanged(planned.as_ref(), target.as_ref())?;
    store.workspaces[index] = workspace.clone();
    Ok(Json(workspace))
}

pub async fn archive(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Workspace>> {
    let id = path_id(id)?;
    let bytes = body_bytes(body)?;
    Fields::new("", &parse_object(&bytes, true)?, &[])?;
    let mut store = lock(&app.store);
    let index = store.workspace_index(&id)?;
    if store.is_default(&id) {
        return Err(ApiError::invalid(format!(
            "workspace {id} is the organization's default workspace, which cannot be archived"
        )));
    }
    let workspace = &mut store.workspaces[index];
    if let Some(archived_at) = workspace.archived_at {
        return Err(ApiError::invalid(format!(
            "workspace {} ({}) is already archived (at {})",
            workspace.id,
            shown(&workspace.name),
            archived_at.to_rfc3339()
        )));
    }
    workspace.archived_at = Some(Utc::now());
    Ok(Json(workspace.clone()))
}

/// Runs validation for a planned attach, with the store unlocked.
async fn validate_before_attach(app: &AppState, planned: Option<&Target>, workspace_id: &str) -> ApiResult<()> {
    let Some(target) = planned else { return Ok(()) };
    let limit = lock(&app.store).validation_timeout;
    let outcome = validation::run(app.aws.as_deref(), app.azure.as_deref(), app.gcp.as_deref(), limit, target).await;
    match attach::refused(target, workspace_id, outcome) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// The attach about to be committed must be the one that was validated.
fn check_unchanged(planned: Option<&Target>, now: Option<&Target>) -> ApiResult<()> {
    match now {
        Some(now) if planned != Some(now) => Err(ApiError::conflict(format!(
            "external key {} changed while it was being validated; send the request again",
            now.key_id
        ))
        .with_code(codes::EXTERNAL_KEY_CHANGED)
        .retryable()),
        _ => Ok(()),
    }
}
