//! What happens around every request: a `request-id`, the caller's credentials and rights
//! (`auth`: the admin key or an `org:admin` OAuth token, never echoed), the `anthropic-version`
//! check, and writing error bodies that carry the request id in the shape of the request's version.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;

use super::app::AppState;
use super::auth;
use super::error::{ApiError, PendingError, shown};
use super::ids;
use super::state::lock;
use super::version::{ApiVersion, DOCUMENTED, STRUCTURED, SUPPORTED};

/// Outermost: gives the response its `request-id` and turns a pending `ApiError` into its body
/// (and status: a few kinds differ between versions).
pub async fn request_id(req: Request, next: Next) -> Response {
    let id = ids::request_id();
    let version = ApiVersion::of(req.headers());
    let mut response = next.run(req).await;
    if let Some(PendingError(error)) = response.extensions_mut().remove::<PendingError>() {
        let body = serde_json::to_vec(&error.body(&id, version)).unwrap_or_default();
        let (mut parts, _) = response.into_parts();
        parts.status = error.kind_for(version).status();
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        parts.headers.remove(header::CONTENT_LENGTH);
        response = Response::from_parts(parts, Body::from(body));
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("request-id", value);
    }
    response
}

/// Refuses any request without valid credentials, then any without a supported
/// `anthropic-version`, then any whose caller lacks admin rights. The handlers find the
/// `auth::Caller` in the request's extensions.
pub async fn authenticate(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let checked = {
        let store = lock(&app.store);
        auth::identify(&store, app.admin_key.expose_secret(), req.headers(), chrono::Utc::now())
            .and_then(|caller| check_version(req.headers(), store.structured_version).map(|()| caller))
            .and_then(|caller| {
                auth::require_admin(&store, &caller, req.method(), req.uri().path())?;
                Ok((caller, store.org.id.clone()))
            })
    };
    let (caller, org_id) = match checked {
        Ok(pair) => pair,
        Err(e) => return e.into_response(),
    };
    req.extensions_mut().insert(caller);
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&org_id) {
        response.headers_mut().insert("anthropic-organization-id", value);
    }
    response
}

/// `structured`: whether 2026-10-21 is among the versions spoken (a server from before it
/// refuses it like any unknown version, naming the one it knows).
fn check_version(headers: &HeaderMap, structured: bool) -> Result<(), ApiError> {
    if !structured {
        let text = headers.get("anthropic-version").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if SUPPORTED.contains(&text) && text != STRUCTURED {
            return Ok(());
        }
        return Err(ApiError::invalid(format!(
            "anthropic-version: `{}` is not a supported version; send anthropic-version: {DOCUMENTED}",
            shown(text)
        )));
    }
    let Some(value) = headers.get("anthropic-version") else {
        return Err(ApiError::invalid(format!(
            "anthropic-version: header is required; send anthropic-version: {STRUCTURED} (or {DOCUMENTED})"
        )));
    };
    let text = value.to_str().unwrap_or_default();
    if SUPPORTED.contains(&text) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "anthropic-version: `{}` is not a supported version; send anthropic-version: {STRUCTURED} (or {DOCUMENTED})",
            shown(text)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_header() {
        let headers = |v: Option<&'static str>| {
            let mut h = HeaderMap::new();
            if let Some(v) = v {
                h.insert("anthropic-version", HeaderValue::from_static(v));
            }
            h
        };
        assert!(check_version(&headers(Some("2023-06-01")), true).is_ok());
        assert!(check_version(&headers(Some("2026-10-21")), true).is_ok());
        assert!(check_version(&headers(None), true).unwrap_err().message.contains("header is required"));
        assert!(check_version(&headers(Some("1999")), true).unwrap_err().message.contains("`1999`"));
        // A server from before 2026-10-21 refuses it as unknown and names the version it speaks.
        assert!(check_version(&headers(Some("2023-06-01")), false).is_ok());
        let refused = check_version(&headers(Some("2026-10-21")), false).unwrap_err().message;
        assert!(refused.contains("`2026-10-21` is not a supported version") && refused.contains("2023-06-01"));
    }
}
