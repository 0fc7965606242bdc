//! The route table (paths exactly as the Admin API has them) and the helpers handlers share.
//!
//! Two groups: the admin endpoints under `/v1/organizations/` (authenticated, admin rights,
//! fault-injected), and the public ones: the token endpoint and the sandbox's OIDC issuer, whose
//! credential is in the request body or which are public by nature.

mod external_keys;
mod federation;
mod oauth;
mod oidc;
mod organization;
mod workspaces;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, Request};
use axum::middleware;
use axum::routing::{get, post};

use super::app::AppState;
use super::error::{ApiError, ApiResult, ErrorKind, shown};
use super::fault_layer::inject_faults;
use super::middleware::{authenticate, request_id};

pub fn router(app: AppState) -> Router {
    let public = Router::new()
        .route("/v1/oauth/token", post(oauth::token).fallback(wrong_method))
        .route("/oidc/.well-known/openid-configuration", get(oidc::discovery).fallback(wrong_method))
        .route("/oidc/jwks", get(oidc::jwks).fallback(wrong_method));
    public.merge(admin(app.clone())).layer(middleware::from_fn(request_id)).with_state(app)
}

fn admin(app: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/organizations/me", get(organization::me))
        .route("/v1/organizations/external_keys", post(external_keys::create).get(external_keys::list))
        .route(
            "/v1/organizations/external_keys/{id}",
            get(external_keys::retrieve).post(external_keys::update).delete(external_keys::delete),
        )
        .route("/v1/organizations/external_keys/{id}/validate", post(external_keys::validate))
        .route("/v1/organizations/workspaces", post(workspaces::create).get(workspaces::list))
        .route("/v1/organizations/workspaces/{id}", get(workspaces::retrieve).post(workspaces::update))
        .route("/v1/organizations/workspaces/{id}/archive", post(workspaces::archive))
        .route("/v1/organizations/federation_issuers", get(federation::list_issuers))
        .route("/v1/organizations/federation_issuers/{id}", get(federation::get_issuer))
        .route("/v1/organizations/federation_rules", get(federation::list_rules))
        .route("/v1/organizations/federation_rules/{id}", get(federation::get_rule))
        .route("/v1/organizations/federation_rules/{id}/workspaces", get(federation::list_rule_workspaces))
        .route("/v1/organizations/service_accounts", get(federation::list_service_accounts))
        .route("/v1/organizations/service_accounts/{id}", get(federation::get_service_account))
        .route("/v1/organizations/service_accounts/{id}/workspaces", get(federation::list_service_account_workspaces))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(middleware::from_fn_with_state(app.clone(), authenticate))
        .layer(middleware::from_fn_with_state(app, inject_faults))
}

async fn no_route(req: Request) -> ApiError {
    ApiError::not_found(format!(
        "there is no {} {} in the Admin API (paths live under /v1/organizations/)",
        req.method(),
        shown(req.uri().path())
    ))
}

async fn wrong_method(req: Request) -> ApiError {
    ApiError::new(
        ErrorKind::MethodNotAllowed,
        format!("{} is not allowed on {}", req.method(), shown(req.uri().path())),
    )
}

/// The `{id}` path segment, or a 400 instead of axum's plain-text rejection.
pub(super) fn path_id(path: Result<Path<String>, PathRejection>) -> ApiResult<String> {
    path.map(|Path(id)| id).map_err(|e| ApiError::invalid(format!("the id in the path is not usable: {e}")))
}

/// The body bytes, or a JSON error instead of axum's plain-text rejection.
pub(super) fn body_bytes(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorKind::RequestTooLarge, format!("the request body is too large: {e}"))
        } else {
            ApiError::invalid(format!("the request body could not be read: {e}"))
        }
    })
}
