//! What happens around every request: a `request-id`, the admin-key check (constant time, never
//! echoed), the `anthropic-version` check, and writing error bodies that carry the request id.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;

use super::app::AppState;
use super::error::{ApiError, ErrorKind, PendingError, shown};
use super::ids;
use super::state::lock;

/// The versions the API accepts in `anthropic-version`: the documented 2023 ones, and the one the
/// official Python SDK 2.10.0 sends (`_constants.ANTHROPIC_API_VERSION`).
const SUPPORTED_VERSIONS: [&str; 3] = ["2023-06-01", "2023-01-01", "2026-10-21"];

/// Outermost: gives the response its `request-id` and turns a pending `ApiError` into its body.
pub async fn request_id(req: Request, next: Next) -> Response {
    let id = ids::request_id();
    let mut response = next.run(req).await;
    if let Some(PendingError(error)) = response.extensions_mut().remove::<PendingError>() {
        let body = serde_json::to_vec(&error.body(&id)).unwrap_or_default();
        let (mut parts, _) = response.into_parts();
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, Body::from(body));
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("request-id", value);
    }
    response
}

/// Refuses any request without the admin key, then any without a supported `anthropic-version`.
pub async fn authenticate(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if let Err(e) = check_credentials(req.headers(), app.admin_key.expose_secret()) {
        return e.into_response();
    }
    if let Err(e) = check_version(req.headers()) {
        return e.into_response();
    }
    let org_id = lock(&app.store).org.id.clone();
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&org_id) {
        response.headers_mut().insert("anthropic-organization-id", value);
    }
    response
}

/// `x-api-key`, or `authorization: Bearer <key>` (what the official SDKs send for `api_key=`).
/// When both are sent, both must be right.
fn check_credentials(headers: &HeaderMap, admin_key: &str) -> Result<(), ApiError> {
    let expected = admin_key.as_bytes();
    let api_key = headers.get("x-api-key").map(HeaderValue::as_bytes);
    let bearer =
        headers.get(header::AUTHORIZATION).map(|v| v.as_bytes().strip_prefix(b"Bearer ").unwrap_or(b"").trim_ascii());
    if let Some(presented) = api_key
        && !constant_time_eq(presented, expected)
    {
        return Err(ApiError::new(ErrorKind::Authentication, "invalid x-api-key"));
    }
    if let Some(presented) = bearer
        && !constant_time_eq(presented, expected)
    {
        return Err(ApiError::new(ErrorKind::Authentication, "invalid bearer token in the authorization header"));
    }
    if api_key.is_none() && bearer.is_none() {
        return Err(ApiError::new(ErrorKind::Authentication, "invalid x-api-key"));
    }
    Ok(())
}

fn check_version(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get("anthropic-version") else {
        return Err(ApiError::invalid("anthropic-version: header is required; send anthropic-version: 2023-06-01"));
    };
    let text = value.to_str().unwrap_or_default();
    if SUPPORTED_VERSIONS.contains(&text) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "anthropic-version: `{}` is not a supported version; send anthropic-version: 2023-06-01",
            shown(text)
        )))
    }
}

/// Compares without stopping at the first difference, so timing does not reveal how much of a
/// guessed key was right (only its length can show).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn credentials() {
        let key = "sk-ant-admin01-right";
        assert!(check_credentials(&headers(&[("x-api-key", key)]), key).is_ok());
        assert!(check_credentials(&headers(&[("authorization", "Bearer sk-ant-admin01-right")]), key).is_ok());
        let e = check_credentials(&headers(&[("x-api-key", "sk-ant-admin01-wrong")]), key).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Authentication, "invalid x-api-key"));
        assert!(check_credentials(&headers(&[]), key).is_err());
        assert!(check_credentials(&headers(&[("x-api-key", key), ("authorization", "Bearer nope")]), key).is_err());
        assert!(check_credentials(&headers(&[("authorization", "Basic c2stYW50")]), key).is_err());
    }

    #[test]
    fn constant_time_comparison_is_still_a_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }

    #[test]
    fn version_header() {
        assert!(check_version(&headers(&[("anthropic-version", "2023-06-01")])).is_ok());
        assert!(check_version(&headers(&[])).unwrap_err().message.contains("header is required"));
        assert!(check_version(&headers(&[("anthropic-version", "1999")])).unwrap_err().message.contains("`1999`"));
    }
}
