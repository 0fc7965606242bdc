//! `/v1/organizations/external_keys`: create, list, retrieve, update, delete, validate.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use chrono::Utc;

use crate::platform::wire::{
    Attachment, CursorPage, DeletedExternalKey, ExternalKey, ExternalKeyValidation, ValidationStatus,
};

use super::super::app::AppState;
use super::super::error::{ApiError, ApiResult, codes, shown};
use super::super::ids;
use super::super::json_input::{Field, Fields, parse_object};
use super::super::pagination::{cursor_page, decode_cursor};
use super::super::provider_config::{self, SUPPORTED_GEO, check_display_name, check_geo};
use super::super::query::Query;
use super::super::state::{KeyRecord, Store, lock};
use super::super::validation::{self, Outcome, Target};
use super::{body_bytes, path_id};

pub async fn create(State(app): State<AppState>, body: Result<Bytes, BytesRejection>) -> ApiResult<Json<ExternalKey>> {
    let bytes = body_bytes(body)?;
    let map = parse_object(&bytes, false)?;
    let f = Fields::new("", &map, &["provider_config", "display_name", "geo", "user_profile_id"])?;
    let provider_config = match f.object("provider_config")? {
        Field::Given(config) => provider_config::parse(config)?,
        _ => return Err(ApiError::invalid("`provider_config`: Field required")),
    };
    let display_name = f.str("display_name")?.given();
    if let Some(name) = display_name {
        check_display_name(name)?;
    }
    let geo = f.str("geo")?.given().unwrap_or(SUPPORTED_GEO);
    check_geo(geo)?;
    let user_profile_id = f.str("user_profile_id")?.given();

    let mut store = lock(&app.store);
    if !store.cmek_enabled {
        return Err(store.cmek_not_enabled());
    }
    if let Some(profile) = user_profile_id
        && !store.user_profiles.iter().any(|p| p == profile)
    {
        return Err(ApiError::invalid(format!(
            "`user_profile_id` `{}` does not name an active user profile of organization {}",
            shown(profile),
            store.org.id
        ))
        .with_code(codes::USER_PROFILE_NOT_FOUND));
    }
    let now = Utc::now();
    let key = ExternalKey {
        id: ids::external_key_id(),
        object_type: "external_key".to_string(),
        attachment: Attachment::Unattached,
        created_at: now,
        updated_at: now,
        display_name: display_name.map(str::to_string),
        geo: geo.to_string(),
        provider_config,
        user_profile_id: user_profile_id.map(str::to_string),
    };
    let seq = store.next_seq();
    let record = KeyRecord { seq, key };
    let shown_key = store.render_key(&record);
    store.keys.push(record);
    Ok(Json(shown_key))
}

/// Newest first, as the SDK documents for this endpoint. Like every external-key call, refused
/// when the organisation has no CMEK (doctor-catalogue ANT-02: "external-key or attach calls").
pub async fn list(State(app): State<AppState>, RawQuery(raw): RawQuery) -> ApiResult<Json<CursorPage<ExternalKey>>> {
    let query = Query::parse(raw.as_deref());
    let limit = query.limit(20, 100)?;
    let after = query.get("page").filter(|p| !p.is_empty()).map(decode_cursor).transpose()?;
    let store = lock(&app.store);
    if !store.cmek_enabled {
        return Err(store.cmek_not_enabled());
    }
    let items: Vec<(u64, ExternalKey)> = store.keys.iter().rev().map(|r| (r.seq, store.render_key(r))).collect();
    Ok(Json(cursor_page(&items, limit, after)))
}

pub async fn retrieve(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<ExternalKey>> {
    let id = path_id(id)?;
    let store = lock(&app.store);
    if !store.cmek_enabled {
        return Err(store.cmek_not_enabled());
    }
    let record = store.key(&id)?;
    Ok(Json(store.render_key(record)))
}

pub async fn update(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ExternalKey>> {
    let id = path_id(id)?;
    let bytes = body_bytes(body)?;
    let map = parse_object(&bytes, true)?;
    let f = Fields::new("", &map, &["display_name", "geo", "provider_config"])?;
    let display_name = f.str("display_name")?;
    if let Field::Given(name) = display_name {
        check_display_name(name)?;
    }
    // `null` for geo or provider_config leaves them unchanged: they cannot be unset.
    let geo = f.str("geo")?.given();
    if let Some(geo) = geo {
        check_geo(geo)?;
    }
    let provider_config = f.object("provider_config")?.given().map(provider_config::parse).transpose()?;

    let mut store = lock(&app.store);
    let index = store.key_index(&id)?;
    let current = store.keys[index].key.clone();
    let changes_config = provider_config.as_ref().is_some_and(|c| *c != current.provider_config);
    let changes_geo = geo.is_some_and(|g| g != current.geo);
    if changes_config || changes_geo {
        let users = store.workspaces_using(&id);
        if !users.is_empty() {
            let field = if changes_config { "provider_config" } else { "geo" };
            return Err(ApiError::conflict(format!(
                "external key {id} is attached to workspace {}, so its `{field}` can no longer change: data already \
                 encrypted needs the original key identity to decrypt. Only `display_name` can be updated; create a \
                 new external key for another key",
                Store::describe_workspaces(&users)
            )));
        }
    }
    let key = &mut store.keys[index].key;
    match display_name {
        Field::Given(name) => key.display_name = Some(name.to_string()),
        Field::Null => key.display_name = None,
        Field::Absent => {}
    }
    if let Some(geo) = geo {
        key.geo = geo.to_string();
    }
    if let Some(config) = provider_config {
        key.provider_config = config;
    }
    key.updated_at = Utc::now();
    let record = store.keys[index].clone();
    Ok(Json(store.render_key(&record)))
}

pub async fn delete(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<DeletedExternalKey>> {
    let id = path_id(id)?;
    let mut store = lock(&app.store);
    let index = store.key_index(&id)?;
    let users = store.workspaces_using(&id);
    if !users.is_empty() {
        return Err(ApiError::conflict(format!(
            "external key {id} cannot be deleted: workspace {} uses it (archived workspaces count, their data stays \
             encrypted under it). An attached key cannot be detached, so it can never be deleted",
            Store::describe_workspaces(&users)
        )));
    }
    store.keys.remove(index);
    Ok(Json(DeletedExternalKey { id, object_type: "external_key_deleted".to_string() }))
}

/// Always HTTP 200: the outcome is in `status` and `error`.
pub async fn validate(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ExternalKeyValidation>> {
    let id = path_id(id)?;
    let bytes = body_bytes(body)?;
    let map = parse_object(&bytes, true)?;
    Fields::new("", &map, &[])?;
    let (target, limit) = {
        let store = lock(&app.store);
        if !store.cmek_enabled {
            return Err(store.cmek_not_enabled());
        }
        let key = &store.key(&id)?.key;
        let target = Target {
            key_id: key.id.clone(),
            provider_config: key.provider_config.clone(),
            org_id: store.org.id.clone(),
            compartment_id: None,
        };
        (target, store.validation_timeout)
    };
    let (status, error) =
        match validation::run(app.aws.as_deref(), app.azure.as_deref(), app.gcp.as_deref(), limit, &target).await {
            Outcome::Valid => (ValidationStatus::Success, None),
            Outcome::Invalid(sentence) | Outcome::TimedOut(sentence) => (ValidationStatus::Failure, Some(sentence)),
        };
    Ok(Json(ExternalKeyValidation { object_type: "external_key_validation".to_string(), status, error }))
}
