//! Injects the configured transient faults (see `crate::faults`) into the Admin API: a share of
//! requests answered 429, 529 or 500 the way the real API answers when it
//! is busy (some after the change was made, the answer lost), so rehearsals show that `cmek`
//! retries, never duplicates, and still converges.
//!
//! With API version 2026-10-21 a change whose answer is lost gets the structured 503 the API
//! sends then: `workspace_created_incomplete` (with `workspace_id`) for a workspace create, which
//! did make the workspace, and `change_outcome_unknown` for any other change.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::app::AppState;
use super::error::{ApiError, ErrorKind, codes};
use super::version::ApiVersion;
use crate::faults::{Strike, signature};

/// Bodies larger than this are answered 413 by the handlers anyway.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn inject_faults(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let Some(plan) = app.faults.clone() else { return next.run(req).await };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::new(ErrorKind::RequestTooLarge, "the request body is larger than 2 MiB").into_response();
    };
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let sig = signature(parts.method.as_str(), path, &bytes);
    // Validation computes and stores nothing; every other POST and DELETE changes something.
    let changes = matches!(parts.method, Method::POST | Method::DELETE) && !path.contains("/validate");
    let strike = plan.strike(sig, changes);
    if strike == Some(Strike::Before) {
        return transient(sig);
    }
    let version = ApiVersion::of(&parts.headers);
    let creates_workspace = parts.method == Method::POST && parts.uri.path() == "/v1/organizations/workspaces";
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if strike != Some(Strike::AfterTheChange) {
        return response;
    }
    // Done, but the answer is "lost": the caller sees a failure.
    if !version.is_structured() {
        return transient(sig);
    }
    let created = if creates_workspace && response.status().is_success() {
        let body = to_bytes(response.into_body(), BODY_LIMIT).await.unwrap_or_default();
        serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v["id"].as_str().map(str::to_string))
    } else {
        None
    };
    match created {
        Some(id) => ApiError::new(
            ErrorKind::Unavailable,
            format!(
                "workspace {id} was created but its set-up did not complete (sandbox fault injection); it exists: \
                 never create it again, read it with GET /v1/organizations/workspaces/{id}"
            ),
        )
        .with_code(codes::WORKSPACE_CREATED_INCOMPLETE)
        .with_detail("workspace_id", id)
        .into_response(),
        None => ApiError::new(
            ErrorKind::Unavailable,
            "the outcome of this change is unknown (sandbox fault injection); send the same request again",
        )
        .with_code(codes::CHANGE_OUTCOME_UNKNOWN)
        .into_response(),
    }
}

/// One of the busy answers, chosen by the request so a run sees all three kinds.
fn transient(sig: u64) -> Response {
    match sig % 3 {
        0 => {
            let mut r = ApiError::new(ErrorKind::RateLimit, "rate limited (sandbox fault injection); retry shortly")
                .into_response();
            r.headers_mut().insert("retry-after-ms", HeaderValue::from_static("25"));
            r
        }
        1 => ApiError::new(ErrorKind::Overloaded, "overloaded (sandbox fault injection)").into_response(),
        _ => ApiError::new(ErrorKind::Api, "internal error (sandbox fault injection)").into_response(),
    }
}
