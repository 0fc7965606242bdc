//! `POST /v1/oauth/token`: the federation exchange (jwt-bearer) and the user_oauth refresh.
//!
//! Malformed requests are 400 `invalid_request_error` naming the problem; every denial is a bare
//! 401 "Authentication failed", as the real service answers (the reason is only in the
//! authentication events). Unauthenticated by design: the assertion or refresh token is the
//! credential.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;

use super::super::app::AppState;
use super::super::auth::{OAUTH_BETA, has_beta};
use super::super::error::{ApiError, ApiResult, ErrorKind, shown};
use super::super::federation::exchange::{ExchangeRequest, OwnIssuer};
use super::super::federation::grants::{self, Denied, JWT_BEARER, REFRESH_TOKEN};
use super::super::federation::oidc::Issuer;
use super::super::json_input::{Fields, parse_object};
use super::super::state::lock;
use super::body_bytes;
use crate::platform::wire::federation::TokenResponse;

/// The beta the exchange needs besides `oauth-2025-04-20`.
pub const FEDERATION_BETA: &str = "oidc-federation-2026-04-01";
/// The largest assertion accepted (credentials-wif.md: clients refuse larger ones before sending).
pub const MAX_ASSERTION_BYTES: usize = 16 * 1024;
/// The largest request body: an assertion and a few ids fit many times over.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn token(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = body_bytes(body)?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::new(
            ErrorKind::RequestTooLarge,
            format!("the token request is {} bytes; at most {MAX_BODY_BYTES} are accepted", bytes.len()),
        ));
    }
    if let Some(kind) = headers.get(header::CONTENT_TYPE)
        && !kind.to_str().unwrap_or_default().to_ascii_lowercase().starts_with("application/json")
    {
        return Err(ApiError::invalid(format!(
            "the token request must be JSON (content-type: application/json), not `{}`",
            shown(kind.to_str().unwrap_or("?"))
        )));
    }
    let map = parse_object(&bytes, false)?;
    let answer = match map.get("grant_type") {
        Some(Value::String(g)) if g == JWT_BEARER => exchange(&app, &headers, &map)?,
        Some(Value::String(g)) if g == REFRESH_TOKEN => refresh(&app, &headers, &map)?,
        Some(Value::String(other)) => {
            return Err(ApiError::invalid(format!(
                "unsupported grant_type `{}`; use `{JWT_BEARER}` (Workload Identity Federation) or `{REFRESH_TOKEN}`",
                shown(other)
            )));
        }
        Some(_) => return Err(ApiError::invalid("`grant_type` must be a string")),
        None => return Err(ApiError::invalid("`grant_type`: Field required")),
    };
    let mut response = Json(answer).into_response();
    // RFC 6749 section 5.1: token answers are never cached.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn exchange(app: &AppState, headers: &HeaderMap, map: &serde_json::Map<String, Value>) -> ApiResult<TokenResponse> {
    for beta in [OAUTH_BETA, FEDERATION_BETA] {
        if !has_beta(headers, beta) {
            return Err(ApiError::invalid(format!(
                "the jwt-bearer grant needs the header anthropic-beta: {OAUTH_BETA},{FEDERATION_BETA} (`{beta}` is missing)"
            )));
        }
    }
    let f = Fields::new(
        "",
        map,
        &["grant_type", "assertion", "federation_rule_id", "organization_id", "service_account_id", "workspace_id"],
    )?;
    let assertion = f.required_str("assertion")?;
    if assertion.len() > MAX_ASSERTION_BYTES {
        return Err(ApiError::invalid(format!(
            "`assertion` is {} bytes; an identity token may be at most {MAX_ASSERTION_BYTES} bytes",
            assertion.len()
        )));
    }
    let optional = |name| f.str(name).map(|v| v.given().filter(|s: &&str| !s.is_empty()));
    let request = ExchangeRequest {
        assertion,
        federation_rule_id: f.required_str("federation_rule_id")?,
        organization_id: f.required_str("organization_id")?,
        service_account_id: optional("service_account_id")?,
        workspace_id: optional("workspace_id")?,
    };
    let mut store = lock(&app.store);
    let jwk = Issuer::load(&store.federation.signing_key)
        .map_err(|e| ApiError::new(ErrorKind::Api, format!("the sandbox's OIDC issuer is broken: {e}")))?
        .jwk();
    let own = OwnIssuer { url: app.issuer_url.clone(), jwk };
    grants::exchange(&mut store, &own, &request, Utc::now()).map_err(denied)
}

/// The SDKs send only the OAuth beta here: the federation beta is for jwt-bearer grants only.
fn refresh(app: &AppState, headers: &HeaderMap, map: &serde_json::Map<String, Value>) -> ApiResult<TokenResponse> {
    if !has_beta(headers, OAUTH_BETA) || has_beta(headers, FEDERATION_BETA) {
        return Err(ApiError::invalid(format!(
            "the refresh_token grant needs the header anthropic-beta: {OAUTH_BETA}, without {FEDERATION_BETA} (which \
             is only for jwt-bearer grants)"
        )));
    }
    let f = Fields::new("", map, &["grant_type", "refresh_token", "client_id"])?;
    let refresh_token = f.required_str("refresh_token")?;
    let client_id = f.required_str("client_id")?;
    let mut store = lock(&app.store);
    grants::refresh(&mut store, refresh_token, client_id, Utc::now()).map_err(denied)
}

fn denied(_: Denied) -> ApiError {
    ApiError::new(ErrorKind::Authentication, "Authentication failed")
}
