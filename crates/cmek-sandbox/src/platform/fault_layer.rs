//! Injects the configured transient faults (see `crate::faults`) into the Admin API: added
//! latency, and a share of requests answered 429, 529 or 500 the way the real API answers when it
//! is busy (some after the change was made, the answer lost), so rehearsals show that `cmek`
//! retries, never duplicates, and still converges.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::app::AppState;
use super::error::{ApiError, ErrorKind};
use crate::faults::{Strike, signature};

/// Bodies larger than this are answered 413 by the handlers anyway.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub async fn inject_faults(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let Some(plan) = app.faults.clone() else { return next.run(req).await };
    if !plan.latency().is_zero() {
        tokio::time::sleep(plan.latency()).await;
    }
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
    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    if strike == Some(Strike::AfterTheChange) {
        // Done, but the answer is "lost": the caller sees a failure.
        return transient(sig);
    }
    response
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
