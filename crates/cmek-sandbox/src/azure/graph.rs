//! Microsoft Graph (`https://graph.microsoft.com/v1.0/servicePrincipals`): look a service
//! principal up by `$filter=appId eq '<id>'` or id, and create one (consent to a multi-tenant
//! app) — which needs Application Administrator, Cloud Application Administrator or Global
//! Administrator (403 `Authorization_RequestDenied` otherwise). And
//! `POST /v1.0/directoryObjects/getByIds`, which `az role assignment list` uses to name the
//! principals it lists (the directory's only objects here are service principals; ids it does not
//! hold are left out of the answer, as Graph leaves them out).

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{self, AuthError};
use super::errors;
use super::request::Incoming;
use super::roles::CONSENT_DIRECTORY_ROLES;
use super::state::{AzureState, ServicePrincipal};
use super::tokens::GRAPH_RESOURCE;

const CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals";
const OBJECTS_CONTEXT: &str = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects";
/// Graph's limit on the ids of one `getByIds` request.
const MAX_IDS: usize = 1000;

fn render(state: &AzureState, sp: &ServicePrincipal) -> Value {
    let owner =
        state.principal_by_app(&sp.app_id).map(|p| p.tenant_id.clone()).unwrap_or_else(|| state.tenant_id.clone());
    json!({
        "id": sp.id,
        "appId": sp.app_id,
        "displayName": sp.display_name,
        "servicePrincipalType": "Application",
        "servicePrincipalNames": [sp.app_id],
        "accountEnabled": true,
        "appOwnerOrganizationId": owner,
    })
}

pub fn handle(state: &mut AzureState, req: &Incoming) -> Response {
    let caller = match auth::authenticate(state, req, &[GRAPH_RESOURCE]) {
        Ok(c) => c,
        Err(AuthError::Missing) => {
            return errors::graph(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", "Access token is empty.");
        }
        Err(AuthError::Invalid(e)) => {
            return errors::graph(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", &format!("{e}."));
        }
    };
    if !caller.claims.tid.eq_ignore_ascii_case(&state.tenant_id) {
        return errors::graph(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "The token's tenant is not this directory.",
        );
    }
    let path = req.path.trim_end_matches('/');
    if path.eq_ignore_ascii_case("/v1.0/directoryObjects/getByIds") {
        return match req.method {
            Method::POST => get_by_ids(state, req),
            _ => errors::graph(
                StatusCode::METHOD_NOT_ALLOWED,
                "Request_BadRequest",
                "directoryObjects/getByIds takes POST.",
            ),
        };
    }
    let Some(rest) =
        path.strip_prefix("/v1.0/servicePrincipals").or_else(|| path.strip_prefix("/v1.0/serviceprincipals"))
    else {
        return errors::graph(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            &format!("Resource not found for the segment '{path}'."),
        );
    };
    match (&req.method, rest) {
        (&Method::GET, "") => {
            let app = match req.param("$filter").map(parse_app_filter) {
                None => None,
                Some(Some(app)) => Some(app),
                Some(None) => {
                    return errors::graph(
                        StatusCode::BAD_REQUEST,
                        "Request_UnsupportedQuery",
                        "The sandbox supports $filter=appId eq '<id>' only.",
                    );
                }
            };
            let value: Vec<Value> = state
                .service_principals
                .iter()
                .filter(|sp| app.as_deref().is_none_or(|a| sp.app_id.eq_ignore_ascii_case(a)))
                .map(|sp| render(state, sp))
                .collect();
            errors::json_response(StatusCode::OK, json!({ "@odata.context": CONTEXT, "value": value }))
        }
        (&Method::GET, id) => {
            let id = id.trim_start_matches('/');
            let app = id.strip_prefix("(appId='").and_then(|s| s.strip_suffix("')"));
            let found = state.service_principals.iter().find(|sp| match app {
                Some(app) => sp.app_id.eq_ignore_ascii_case(app),
                None => sp.id.eq_ignore_ascii_case(id),
            });
            match found {
                Some(sp) => errors::json_response(StatusCode::OK, render(state, sp)),
                None => errors::graph(
                    StatusCode::NOT_FOUND,
                    "Request_ResourceNotFound",
                    &format!(
                        "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
                    ),
                ),
            }
        }
        (&Method::POST, "") => create(state, req, &caller.claims.appid),
        _ => errors::graph(
            StatusCode::METHOD_NOT_ALLOWED,
            "Request_BadRequest",
            "The sandbox supports GET and POST on servicePrincipals.",
        ),
    }
}

/// `{"ids": [...], "types": [...]}`: the objects with those ids (of those types), each with its
/// `@odata.type`.
fn get_by_ids(state: &AzureState, req: &Incoming) -> Response {
    let body = match req.json() {
        Ok(b) => b,
        Err(m) => return errors::graph(StatusCode::BAD_REQUEST, "BadRequest", &m),
    };
    let Some(ids) = body.get("ids").and_then(Value::as_array) else {
        return errors::graph(StatusCode::BAD_REQUEST, "Request_BadRequest", "The property ids is required.");
    };
    if ids.len() > MAX_IDS {
        return errors::graph(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            &format!("Too many ids: {} given, at most {MAX_IDS} are accepted.", ids.len()),
        );
    }
    let Some(ids) = ids.iter().map(Value::as_str).collect::<Option<Vec<&str>>>() else {
        return errors::graph(StatusCode::BAD_REQUEST, "Request_BadRequest", "Every id must be a string.");
    };
    let types: Option<Vec<&str>> = match body.get("types") {
        None | Some(Value::Null) => None,
        Some(Value::Array(types)) => Some(types.iter().filter_map(Value::as_str).collect()),
        Some(_) => {
            return errors::graph(StatusCode::BAD_REQUEST, "Request_BadRequest", "The property types must be a list.");
        }
    };
    let wanted = types.is_none_or(|t| t.iter().any(|t| t.eq_ignore_ascii_case("servicePrincipal")));
    // An id asked for twice is answered once.
    let mut seen: Vec<&str> = Vec::new();
    let value: Vec<Value> = ids
        .into_iter()
        .filter(|id| {
            let first = !seen.iter().any(|s| s.eq_ignore_ascii_case(id));
            seen.push(id);
            first
        })
        .filter_map(|id| state.service_principals.iter().find(|sp| sp.id.eq_ignore_ascii_case(id)))
        .filter(|_| wanted)
        .map(|sp| {
            let mut object = render(state, sp);
            object["@odata.type"] = json!("#microsoft.graph.servicePrincipal");
            object
        })
        .collect();
    errors::json_response(StatusCode::OK, json!({ "@odata.context": OBJECTS_CONTEXT, "value": value }))
}

/// `appId eq '<id>'` -> the id.
fn parse_app_filter(filter: &str) -> Option<String> {
    let rest = filter.trim().strip_prefix("appId eq ")?;
    Some(rest.trim().trim_matches('\'').to_string())
}

fn create(state: &mut AzureState, req: &Incoming, caller_app: &str) -> Response {
    let allowed = state.principal_by_app(caller_app).is_some_and(|p| {
        p.tenant_id.eq_ignore_ascii_case(&state.tenant_id)
            && p.directory_roles.iter().any(|r| CONSENT_DIRECTORY_ROLES.iter().any(|c| c.eq_ignore_ascii_case(r)))
    });
    if !allowed {
        return errors::graph(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    let body = match req.json() {
        Ok(b) => b,
        Err(m) => return errors::graph(StatusCode::BAD_REQUEST, "BadRequest", &m),
    };
    let Some(app_id) = body.get("appId").and_then(Value::as_str) else {
        return errors::graph(StatusCode::BAD_REQUEST, "Request_BadRequest", "The property appId is required.");
    };
    let Some(app) = state.principal_by_app(app_id) else {
        return errors::graph(
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
            &format!("The appId '{app_id}' of the service principal does not reference a valid application object."),
        );
    };
    if state.service_principal_by_app(app_id).is_some() {
        return errors::graph(
            StatusCode::CONFLICT,
            "Request_MultipleObjectsWithSameKeyValue",
            "The service principal cannot be created, updated, or restored because the service principal name is already in use.",
        );
    }
    let name = app.display_name.clone();
    let id = state.create_service_principal(app_id, &name);
    match state.service_principals.iter().find(|sp| sp.id == id) {
        Some(sp) => errors::json_response(StatusCode::CREATED, render(state, sp)),
        None => {
            errors::graph(StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError", "The service principal vanished.")
        }
    }
}
