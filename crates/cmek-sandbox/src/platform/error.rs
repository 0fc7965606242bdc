//! The emulator's API errors: kind, HTTP status, message, optional stable `error_code`.
//!
//! Handlers return `ApiError`; the request-id middleware writes the final body
//! `{"type":"error","error":{"type","message","details"?},"request_id"}` so that the body and the
//! `request-id` header always agree, in the shape of the request's API version (`details` only
//! with 2026-10-21). Messages name the offending value and never a secret.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use super::version::ApiVersion;

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
    /// 503: a change whose outcome was lost (API version 2026-10-21 only).
    Unavailable,
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
            ErrorKind::Api | ErrorKind::Unavailable => "api_error",
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
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// Stable `error.details.error_code` values the official SDK knows (types/organization, types/),
/// sent with API version 2026-10-21 (credentials-wif.md, "Structured errors").
pub mod codes {
    pub const VALIDATION_FAILED: &str = "external_key_validation_failed";
    pub const VALIDATION_TIMED_OUT: &str = "external_key_validation_timed_out";
    pub const KEY_PROFILE_MISMATCH: &str = "key_profile_mismatch";
    pub const USER_PROFILE_NOT_FOUND: &str = "user_profile_not_found";
    pub const EXTERNAL_KEY_CHANGED: &str = "external_key_changed";
    /// CMEK not approved (or paused) for the organisation.
    pub const CMEK_NOT_APPROVED: &str = "cmek_not_approved";
    /// A workspace setting the organisation's rules refuse; `details.field` names it.
    pub const WORKSPACE_POLICY_VIOLATION: &str = "workspace_policy_violation";
    /// 503: the change may or may not have been made; send the same request again.
    pub const CHANGE_OUTCOME_UNKNOWN: &str = "change_outcome_unknown";
    /// 503: the workspace (`details.workspace_id`) exists but is not complete; never create it again.
    pub const WORKSPACE_CREATED_INCOMPLETE: &str = "workspace_created_incomplete";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    pub code: Option<&'static str>,
    /// Further `error.details` members that go with the code (`field`, `workspace_id`).
    pub details: Vec<(&'static str, String)>,
    /// The kind the 2023 API versions answer with, when it differs from `kind`.
    pub legacy_kind: Option<ErrorKind>,
    /// A conflict that no retry can resolve (write-once attach, delete while attached): the
    /// response says `x-should-retry: false`, so the SDKs do not retry a 409 pointlessly.
    pub permanent: bool,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), code: None, details: Vec::new(), legacy_kind: None, permanent: false }
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
    /// Adds a member to `error.details` (shown with the code, API version 2026-10-21).
    pub fn with_detail(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.details.push((name, value.into()));
        self
    }
    /// The kind (and so the status) the 2023 API versions answer with instead.
    pub fn with_legacy_kind(mut self, kind: ErrorKind) -> Self {
        self.legacy_kind = Some(kind);
        self
    }
    pub fn retryable(mut self) -> Self {
        self.permanent = false;
        self
    }

    /// The kind (and so the HTTP status) answered to a request of `version`.
    pub fn kind_for(&self, version: ApiVersion) -> ErrorKind {
        match (version, self.legacy_kind) {
            (ApiVersion::Legacy, Some(legacy)) => legacy,
            _ => self.kind,
        }
    }

    /// The wire body, for the request `request_id` of API version `version`.
    pub fn body(&self, request_id: &str, version: ApiVersion) -> Value {
        #[derive(Serialize)]
        struct Detail<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            details: Option<Map<String, Value>>,
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
                kind: self.kind_for(version).as_str(),
                message: &self.message,
                details: self.details(version),
            },
            request_id,
        };
        serde_json::to_value(body).unwrap_or(Value::Null)
    }

    /// `{"error_code": ..., <details>}`, with 2026-10-21 and a code only.
    fn details(&self, version: ApiVersion) -> Option<Map<String, Value>> {
        let code = self.code.filter(|_| version.is_structured())?;
        let mut details = Map::from_iter([("error_code".to_string(), Value::from(code))]);
        for (name, value) in &self.details {
            details.insert((*name).to_string(), Value::from(value.as_str()));
        }
        Some(details)
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
        let body = e.body("req_abc", ApiVersion::Structured);
        assert_eq!(body["type"], "error");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(body["error"]["details"]["error_code"], "external_key_validation_failed");
        assert_eq!(body["request_id"], "req_abc");
        let parsed: crate::platform::wire::ErrorBody = serde_json::from_value(body).unwrap();
        assert_eq!(parsed.error.kind, "invalid_request_error");
        assert!(ApiError::not_found("x").body("r", ApiVersion::Structured)["error"].get("details").is_none());
    }

    #[test]
    fn the_2023_versions_get_the_older_bodies() {
        let e = ApiError::invalid("the default inference geo is not allowed")
            .with_code(codes::WORKSPACE_POLICY_VIOLATION)
            .with_detail("field", "data_residency.default_inference_geo");
        let new = e.body("req_1", ApiVersion::Structured);
        assert_eq!(
            new["error"]["details"],
            serde_json::json!({"error_code": "workspace_policy_violation", "field": "data_residency.default_inference_geo"})
        );
        let old = e.body("req_1", ApiVersion::Legacy);
        assert_eq!(old["error"].as_object().unwrap().keys().collect::<Vec<_>>(), ["type", "message"]);

        let refused = ApiError::invalid("CMEK is not enabled")
            .with_code(codes::CMEK_NOT_APPROVED)
            .with_legacy_kind(ErrorKind::Permission);
        assert_eq!(refused.kind_for(ApiVersion::Structured).status(), StatusCode::BAD_REQUEST);
        assert_eq!(refused.kind_for(ApiVersion::Legacy).status(), StatusCode::FORBIDDEN);
        assert_eq!(refused.body("r", ApiVersion::Legacy)["error"]["type"], "permission_error");
        assert_eq!(ErrorKind::Unavailable.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(shown("abc"), "abc");
        assert!(shown(&"x".repeat(500)).ends_with("..."));
    }
}
