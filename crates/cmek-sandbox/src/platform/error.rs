//! The emulator's API errors: kind, HTTP status, message, optional stable `error_code`.
//!
//! Handlers return `ApiError`; the request-id middleware writes the final body
//! `{"type":"error","error":{"type","message","details"?},"request_id"}` so that the body and the
//! `request-id` header always agree. Messages name the offending value and never a secret.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `error.type` values and their HTTP statuses (platform-api.md, section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidRequest,
    Authentication,
    Permission,
    NotFound,
    Conflict,
    MethodNotAllowed,
    RequestTooLarge,
    /// Injected transient failures (the `faults` scenarios).
    RateLimit,
    Overloaded,
    Api,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "invalid_request_error",
            ErrorKind::Authentication => "authentication_error",
            ErrorKind::Permission => "permission_error",
            ErrorKind::NotFound => "not_found_error",
            ErrorKind::Conflict => "conflict_error",
            ErrorKind::MethodNotAllowed => "invalid_request_error",
            ErrorKind::RequestTooLarge => "request_too_large",
            ErrorKind::RateLimit => "rate_limit_error",
            ErrorKind::Overloaded => "overloaded_error",
            ErrorKind::Api => "api_error",
        }
    }
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::InvalidRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Authentication => StatusCode::UNAUTHORIZED,
            ErrorKind::Permission => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::RateLimit => StatusCode::TOO_MANY_REQUESTS,
            // 529 is Anthropic's own status for an overloaded API.
            ErrorKind::Overloaded => StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            ErrorKind::Api => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Stable `error.details.error_code` values the official SDK knows (types/organization, types/).
pub mod codes {
    pub const VALIDATION_FAILED: &str = "external_key_validation_failed";
    pub const VALIDATION_TIMED_OUT: &str = "external_key_validation_timed_out";
    pub const KEY_PROFILE_MISMATCH: &str = "key_profile_mismatch";
    pub const USER_PROFILE_NOT_FOUND: &str = "user_profile_not_found";
    pub const EXTERNAL_KEY_CHANGED: &str = "external_key_changed";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    pub code: Option<&'static str>,
    /// A conflict that no retry can resolve (write-once attach, delete while attached): the
    /// response says `x-should-retry: false`, so the SDKs do not retry a 409 pointlessly.
    pub permanent: bool,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), code: None, permanent: false }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn permission(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Permission, message)
    }
    /// A 409 that stays a 409 however often it is sent again.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self { permanent: true, ..Self::new(ErrorKind::Conflict, message) }
    }
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
    pub fn retryable(mut self) -> Self {
        self.permanent = false;
        self
    }

    /// The wire body, for the request `request_id`.
    pub fn body(&self, request_id: &str) -> serde_json::Value {
        #[derive(Serialize)]
        struct Details {
            error_code: &'static str,
        }
        #[derive(Serialize)]
        struct Detail<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            details: Option<Details>,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(rename = "type")]
            object_type: &'static str,
            error: Detail<'a>,
            request_id: &'a str,
        }
        let body = Body {
            object_type: "error",
            error: Detail {
                kind: self.kind.as_str(),
                message: &self.message,
                details: self.code.map(|error_code| Details { error_code }),
            },
            request_id,
        };
        serde_json::to_value(body).unwrap_or(serde_json::Value::Null)
    }
}

/// Marks a response as an error whose body the request-id middleware still has to write.
#[derive(Debug, Clone)]
pub struct PendingError(pub ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.kind.status().into_response();
        if self.permanent {
            response.headers_mut().insert("x-should-retry", HeaderValue::from_static("false"));
        }
        response.extensions_mut().insert(PendingError(self));
        response
    }
}

/// At most `max` characters of a value that goes into an error message.
pub fn shown(value: &str) -> String {
    const MAX: usize = 200;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_platform_shape() {
        let e = ApiError::invalid("`limit` must be between 1 and 100 (got 0)").with_code(codes::VALIDATION_FAILED);
        let body = e.body("req_abc");
        assert_eq!(body["type"], "error");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(body["error"]["details"]["error_code"], "external_key_validation_failed");
        assert_eq!(body["request_id"], "req_abc");
        let parsed: crate::platform::wire::ErrorBody = serde_json::from_value(body).unwrap();
        assert_eq!(parsed.error.kind, "invalid_request_error");
        assert!(ApiError::not_found("x").body("r")["error"].get("details").is_none());
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(shown("abc"), "abc");
        assert!(shown(&"x".repeat(500)).ends_with("..."));
    }
}
