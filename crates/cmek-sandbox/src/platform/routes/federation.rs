//! Federation administration, read side: `GET /v1/organizations/federation_issuers`,
//! `federation_rules` (filter `issuer_id`; `/{id}/workspaces`) and `service_accounts`
//! (`/{id}/workspaces`), each with `/{id}`. Cursor pages, newest first, archived ones only with `include_archived=true`; the
//! names the API fills at read time are filled. OAuth `org:admin` tokens only: admin keys are
//! refused, as the official SDK documents.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Extension, Path, RawQuery, State};
use chrono::{DateTime, Utc};

use crate::platform::wire::CursorPage;
use crate::platform::wire::federation::{
    FederationIssuer, FederationRule, RuleTarget, RuleWorkspace, ServiceAccount, ServiceAccountWorkspaceMember,
};

use super::super::app::AppState;
use super::super::auth::Caller;
use super::super::error::{ApiError, ApiResult, shown};
use super::super::pagination::{cursor_page, decode_cursor};
use super::super::query::Query;
use super::super::state::{Store, lock};
use super::path_id;

pub async fn list_issuers(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<CursorPage<FederationIssuer>>> {
    oauth_only(&caller)?;
    let issuers = lock(&app.store).federation.issuers.clone();
    page(raw, issuers, |i| i.archived_at)
}

pub async fn get_issuer(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<FederationIssuer>> {
    oauth_only(&caller)?;
    let id = path_id(id)?;
    let store = lock(&app.store);
    let issuer = store.federation.issuer(&id).ok_or_else(|| missing("federation issuer", &id, "federation_issuers"))?;
    Ok(Json(issuer.clone()))
}

pub async fn list_rules(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<CursorPage<FederationRule>>> {
    oauth_only(&caller)?;
    let issuer = Query::parse(raw.as_deref()).get("issuer_id").filter(|i| !i.is_empty()).map(str::to_string);
    let rules = {
        let store = lock(&app.store);
        let keep = |r: &&FederationRule| issuer.as_ref().is_none_or(|i| *i == r.issuer_id);
        store.federation.rules.iter().filter(keep).map(|r| shown_rule(&store, r)).collect()
    };
    page(raw, rules, |r| r.archived_at)
}

pub async fn get_rule(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<FederationRule>> {
    oauth_only(&caller)?;
    let id = path_id(id)?;
    let store = lock(&app.store);
    let rule = store.federation.rule(&id).ok_or_else(|| missing("federation rule", &id, "federation_rules"))?;
    Ok(Json(shown_rule(&store, rule)))
}

/// Every enablement in one page (`next_page` always null), as the API documents.
pub async fn list_rule_workspaces(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<CursorPage<RuleWorkspace>>> {
    oauth_only(&caller)?;
    let id = path_id(id)?;
    let store = lock(&app.store);
    let rule = store.federation.rule(&id).ok_or_else(|| missing("federation rule", &id, "federation_rules"))?;
    let data = rule
        .workspace_ids
        .iter()
        .map(|w| RuleWorkspace {
            object_type: "federation_rule_workspace".to_string(),
            federation_rule_id: rule.id.clone(),
            workspace_id: w.clone(),
            workspace_name: store.workspace(w).ok().map(|w| w.name.clone()),
            created_at: rule.updated_at,
        })
        .collect();
    Ok(Json(CursorPage { data, next_page: None }))
}

pub async fn list_service_accounts(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<CursorPage<ServiceAccount>>> {
    oauth_only(&caller)?;
    let accounts = lock(&app.store).federation.service_accounts.clone();
    page(raw, accounts, |a| a.archived_at)
}

pub async fn get_service_account(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
) -> ApiResult<Json<ServiceAccount>> {
    oauth_only(&caller)?;
    let id = path_id(id)?;
    let store = lock(&app.store);
    let account =
        store.federation.service_account(&id).ok_or_else(|| missing("service account", &id, "service_accounts"))?;
    Ok(Json(account.clone()))
}

/// Explicit memberships, or the implicit one of the default workspace when there are none.
pub async fn list_service_account_workspaces(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<CursorPage<ServiceAccountWorkspaceMember>>> {
    oauth_only(&caller)?;
    let id = path_id(id)?;
    let members = {
        let store = lock(&app.store);
        let f = &store.federation;
        f.service_account(&id).ok_or_else(|| missing("service account", &id, "service_accounts"))?;
        let explicit: Vec<_> = f.memberships.iter().filter(|m| m.service_account_id == id).cloned().collect();
        if explicit.is_empty() {
            vec![ServiceAccountWorkspaceMember {
                object_type: "service_account_workspace_member".to_string(),
                service_account_id: id.clone(),
                workspace_id: store.default_workspace_id.clone(),
                workspace_role: "workspace_user".to_string(),
            }]
        } else {
            explicit
        }
    };
    page(raw, members, |_| None)
}

fn oauth_only(caller: &Caller) -> ApiResult<()> {
    match caller {
        Caller::OAuth { .. } => Ok(()),
        Caller::AdminKey => Err(ApiError::permission(
            "federation administration needs an OAuth access token with the org:admin scope (`ant auth login --scope \
             org:admin`, or a federation rule); admin keys are refused here",
        )),
    }
}

/// A rule as served: its issuer's and service account's names filled in.
fn shown_rule(store: &Store, rule: &FederationRule) -> FederationRule {
    let mut shown = rule.clone();
    shown.issuer_name = store.federation.issuer(&rule.issuer_id).map(|i| i.name.clone());
    let RuleTarget::ServiceAccount { service_account_id, service_account_name } = &mut shown.target;
    *service_account_name = store.federation.service_account(service_account_id).map(|a| a.name.clone());
    shown
}

/// One page of `items` (creation order), newest first, archived ones only when asked for; the
/// cursor is the creation position.
fn page<T: Clone>(
    raw: Option<String>,
    items: Vec<T>,
    archived_at: impl Fn(&T) -> Option<DateTime<Utc>>,
) -> ApiResult<Json<CursorPage<T>>> {
    let query = Query::parse(raw.as_deref());
    let limit = query.limit(20, 100)?;
    let include_archived = query.bool("include_archived", false)?;
    let after = query.get("page").filter(|p| !p.is_empty()).map(decode_cursor).transpose()?;
    let numbered: Vec<(u64, T)> = (1u64..)
        .zip(items)
        .filter(|(_, item)| include_archived || archived_at(item).is_none())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Ok(Json(cursor_page(&numbered, limit, after)))
}

fn missing(what: &str, id: &str, path: &str) -> ApiError {
    ApiError::not_found(format!("{what} `{}` was not found; list them with GET /v1/organizations/{path}", shown(id)))
}
