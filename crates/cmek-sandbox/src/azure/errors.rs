//! The error bodies of each Azure surface: Key Vault (`{"error":{"code","message","innererror"}}`),
//! ARM (`{"error":{"code","message"}}`), Microsoft Graph (`{"error":{"code","message"}}` with
//! Graph codes) and Entra ID's token endpoint (`{"error","error_description","error_codes"}`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer carried in a `Result` (boxed: a `Response` is large).
pub type Refusal = Box<Response>;

/// A JSON response with `status`.
pub fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(axum::http::header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
}

/// A Key Vault error, with an optional inner code (e.g. `ForbiddenByRbac`).
pub fn key_vault(status: StatusCode, code: &str, message: &str, inner: Option<&str>) -> Response {
    let mut error = json!({ "code": code, "message": message });
    if let Some(inner) = inner {
        error["innererror"] = json!({ "code": inner });
    }
    json_response(status, json!({ "error": error }))
}

/// An ARM error.
pub fn arm(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, json!({ "error": { "code": code, "message": message } }))
}

/// A Microsoft Graph error.
pub fn graph(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(
        status,
        json!({ "error": { "code": code, "message": message, "innerError": { "date": chrono::Utc::now().to_rfc3339() } } }),
    )
}

/// An Entra ID token endpoint error (`AADSTS<code>: ...`).
pub fn token(status: StatusCode, error: &str, aadsts: u32, description: &str) -> Response {
    json_response(
        status,
        json!({
            "error": error,
            "error_description": format!("AADSTS{aadsts}: {description}"),
            "error_codes": [aadsts],
            "timestamp": chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string(),
        }),
    )
}
