//! The Admin API client's error: what was called (method and path), what the platform said
//! (status, error kind, message, `request-id`), or why nothing usable came back.
//!
//! Building an error from a response is pure (status, request id, body text in; error out), so
//! every shape of body is tested here. Text from the server is sanitised by the caller first.
//! The structured code of API version 2026-10-21 (`error.details.error_code`) is kept with it.

use std::fmt;

pub use super::error_code::ErrorCode;
use super::sanitize::Sanitizer;
use super::types::ErrorBody;

/// How much of a non-JSON error body is kept.
pub const BODY_SNIPPET_CHARS: usize = 200;
/// The `kind` given to an error response that has no JSON error body.
pub const KIND_UNSTRUCTURED: &str = "http_error";
/// The `kind` given to a redirect, which the client never follows.
pub const KIND_REDIRECT: &str = "redirect";

/// A failed Admin API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformError {
    /// The platform answered with an error status. `kind` is the body's `error.type`
    /// (`not_found_error`, ...; unknown kinds are kept as they are); `code` its
    /// `error.details.error_code`, when the server sent one.
    Api {
        method: &'static str,
        path: String,
        status: u16,
        kind: String,
        message: String,
        request_id: Option<String>,
        /// Boxed: most errors have none, and the error stays small.
        code: Option<Box<ErrorCode>>,
    },
    /// No answer: connection refused, TLS failure, timeout, connection reset (after retries).
    Transport { method: &'static str, path: String, message: String },
    /// A success status whose body is not what the API documents (or a paging loop).
    Decode { method: &'static str, path: String, status: u16, message: String, request_id: Option<String> },
    /// Nothing was sent: the base URL, credential, an id or a limit is unusable.
    InvalidInput { message: String },
    /// Nothing was sent: no token could be obtained (the message says why and what to do).
    /// `unreachable`: the token endpoint did not answer (a network problem, not a credential one).
    Credential { message: String, unreachable: bool },
}

impl PlatformError {
    /// Builds the error for a non-success response from its (already read) body.
    pub(crate) fn from_response(
        method: &'static str,
        path: String,
        status: u16,
        header_request_id: Option<&str>,
        body: &str,
        sanitizer: &Sanitizer,
    ) -> PlatformError {
        let parsed = serde_json::from_str::<ErrorBody>(body).ok();
        let body_request_id = parsed.as_ref().and_then(|b| b.request_id.as_deref());
        let request_id = header_request_id.or(body_request_id).map(|id| sanitizer.clean(id));
        let (kind, message, code) = match parsed {
            Some(parsed) => (
                sanitizer.clean(&parsed.error.kind),
                sanitizer.clean(&parsed.error.message),
                parsed
                    .error
                    .details
                    .as_ref()
                    .and_then(|d| ErrorCode::from_details(d, |t| sanitizer.clean(t)))
                    .map(Box::new),
            ),
            None if body.trim().is_empty() => (KIND_UNSTRUCTURED.to_owned(), "empty response body".to_owned(), None),
            None => (
                KIND_UNSTRUCTURED.to_owned(),
                format!("non-JSON response body: {}", sanitizer.snippet(body, BODY_SNIPPET_CHARS)),
                None,
            ),
        };
        PlatformError::Api { method, path, status, kind, message, request_id, code }
    }

    /// The HTTP status, when the platform answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            PlatformError::Api { status, .. } | PlatformError::Decode { status, .. } => Some(*status),
            PlatformError::Transport { .. } | PlatformError::InvalidInput { .. } | PlatformError::Credential { .. } => {
                None
            }
        }
    }

    /// The platform's request id (header `request-id`, else the body's `request_id`).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            PlatformError::Api { request_id, .. } | PlatformError::Decode { request_id, .. } => request_id.as_deref(),
            PlatformError::Transport { .. } | PlatformError::InvalidInput { .. } | PlatformError::Credential { .. } => {
                None
            }
        }
    }

    /// The error kind (`error.type`) of an API error.
    pub fn kind(&self) -> Option<&str> {
        match self {
            PlatformError::Api { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// The structured error code (`error.details.error_code`), when the server sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            PlatformError::Api { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// 401 or 403, or no token could be obtained: the credential is wrong, expired, or lacks
    /// permission.
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            PlatformError::Api { status: 401 | 403, .. } | PlatformError::Credential { unreachable: false, .. }
        )
    }

    /// The server does not speak the API version sent: an error about `anthropic-version`, or one
    /// saying the version is not supported (a server that sent a structured code speaks it).
    pub(crate) fn is_version_unsupported(&self) -> bool {
        let PlatformError::Api { status: 400..=499, message, code: None, .. } = self else { return false };
        let m = message.to_ascii_lowercase();
        m.contains("anthropic-version")
            || (m.contains("version") && (m.contains("not supported") || m.contains("unsupported")))
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, PlatformError::Api { status: 404, .. })
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, PlatformError::Api { status: 409, .. })
    }

    /// ANT-02: the organisation is not entitled to CMEK: the code `cmek_not_approved`, or a 403
    /// whose message says CMEK, or customer-managed encryption keys, is not enabled.
    pub fn is_cmek_not_enabled(&self) -> bool {
        match self {
            PlatformError::Api { code: Some(code), .. } if **code == ErrorCode::CmekNotApproved => true,
            PlatformError::Api { status: 403, message, .. } => {
                let m = message.to_ascii_lowercase();
                m.contains("not enabled") && (m.contains("cmek") || m.contains("customer-managed"))
            }
            _ => false,
        }
    }

    /// What to do next, for the codes and statuses where that is known.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            PlatformError::Api { code: Some(code), .. } if code.hint().is_some() => code.hint(),
            e if e.is_cmek_not_enabled() => Some(
                "ANT-02: customer-managed encryption keys are not enabled for this organisation; only your Anthropic \
                 account team can enable them (no key or policy change helps). Nothing was registered or attached",
            ),
            PlatformError::Api { status: 401, .. } => Some(
                "check the credential (`--admin-key-file`, `ANTHROPIC_ADMIN_KEY`, a profile...; `cmek auth status` \
                 shows which one is used): it may be revoked, expired, mistyped, or for another organisation",
            ),
            PlatformError::Api { status: 403, .. } => {
                Some("the credential lacks permission: use an Admin API key (or a token with scope `org:admin`)")
            }
            PlatformError::Api { kind, .. } if kind == KIND_REDIRECT => {
                Some("point `--base-url` / `ANTHROPIC_BASE_URL` at the API itself, not at a redirecting address")
            }
            PlatformError::Api { status: 408 | 409 | 429, .. } | PlatformError::Api { status: 500.., .. } => {
                Some("the platform is busy or failing: wait a minute and re-run (re-running is safe)")
            }
            PlatformError::Transport { .. } => {
                Some("check the network and the base URL (`--base-url` / `ANTHROPIC_BASE_URL`), then re-run")
            }
            _ => None,
        }
    }

    /// Appends a note to the message (used to say why a failed create was not retried).
    pub(crate) fn with_note(mut self, note: &str) -> PlatformError {
        match &mut self {
            PlatformError::Api { message, .. }
            | PlatformError::Transport { message, .. }
            | PlatformError::Decode { message, .. }
            | PlatformError::InvalidInput { message }
            | PlatformError::Credential { message, .. } => {
                message.push_str("; ");
                message.push_str(note);
            }
        }
        self
    }
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformError::Api { method, path, status, kind, message, request_id, code } => {
                write!(f, "{method} {path} failed: HTTP {status} {kind}")?;
                if let Some(code) = code {
                    write!(f, " ({code})")?;
                }
                write!(f, ": {message} (request-id: ")?;
                write_request_id(f, request_id.as_deref())
            }
            PlatformError::Transport { method, path, message } => {
                write!(f, "{method} {path} failed: no response from the platform: {message}")
            }
            PlatformError::Decode { method, path, status, message, request_id } => {
                write!(
                    f,
                    "{method} {path}: the HTTP {status} response could not be understood: {message} (request-id: "
                )?;
                write_request_id(f, request_id.as_deref())
            }
            PlatformError::InvalidInput { message } => write!(f, "Admin API request not sent: {message}"),
            PlatformError::Credential { message, .. } => write!(f, "Admin API request not sent: {message}"),
        }
    }
}

fn write_request_id(f: &mut fmt::Formatter<'_>, request_id: Option<&str>) -> fmt::Result {
    write!(f, "{})", request_id.unwrap_or("none"))
}

impl std::error::Error for PlatformError {}

#[cfg(test)]
mod cmek_entitlement_tests {
    use super::PlatformError;

    fn api(status: u16, message: &str) -> PlatformError {
        PlatformError::Api {
            method: "POST",
            path: "/v1/organizations/external_keys".into(),
            status,
            kind: "permission_error".into(),
            message: message.into(),
            request_id: None,
            code: None,
        }
    }

    #[test]
    fn a_refusal_for_cmek_not_enabled_is_ant_02_with_its_own_hint() {
        let e = api(403, "CMEK is not enabled for organization 5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d");
        assert!(e.is_cmek_not_enabled());
        assert!(e.hint().unwrap().starts_with("ANT-02"));
        assert!(!api(403, "this admin key may not manage workspaces").is_cmek_not_enabled());
        assert!(!api(400, "CMEK is not enabled").is_cmek_not_enabled(), "only a permission refusal");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::auth::Credential;

    fn sanitizer() -> Sanitizer {
        Sanitizer::new(&Credential::AdminKey("sk-ant-admin01-CANARY-error".into()))
    }

    fn from_body(status: u16, header_id: Option<&str>, body: &str) -> PlatformError {
        PlatformError::from_response("GET", "/v1/organizations/me".into(), status, header_id, body, &sanitizer())
    }

    #[test]
    fn a_json_error_body_becomes_a_typed_error() {
        let body =
            r#"{"type":"error","error":{"type":"not_found_error","message":"no such key"},"request_id":"req_body"}"#;
        let err = from_body(404, Some("req_header"), body);
        assert_eq!(
            err,
            PlatformError::Api {
                method: "GET",
                path: "/v1/organizations/me".into(),
                status: 404,
                kind: "not_found_error".into(),
                message: "no such key".into(),
                request_id: Some("req_header".into()),
                code: None,
            }
        );
        assert!(err.is_not_found() && !err.is_auth() && !err.is_conflict());
        assert_eq!(
            err.to_string(),
            "GET /v1/organizations/me failed: HTTP 404 not_found_error: no such key (request-id: req_header)"
        );
    }

    #[test]
    fn the_body_request_id_is_used_when_the_header_is_missing() {
        let body = r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"req_1"}"#;
        assert_eq!(from_body(429, None, body).request_id(), Some("req_1"));
    }

    #[test]
    fn unknown_kinds_are_kept() {
        let body = r#"{"type":"error","error":{"type":"cmek_brand_new_error","message":"m"}}"#;
        let err = from_body(400, None, body);
        assert_eq!(err.kind(), Some("cmek_brand_new_error"));
        assert!(err.to_string().ends_with("(request-id: none)"), "{err}");
    }

    #[test]
    fn a_non_json_body_keeps_the_status_and_a_snippet() {
        let html = format!("<html>{}</html>", "gateway timeout ".repeat(40));
        let err = from_body(504, Some("req_gw"), &html);
        let text = err.to_string();
        assert_eq!(err.status(), Some(504));
        assert!(text.contains("HTTP 504 http_error: non-JSON response body: <html>gateway timeout"), "{text}");
        assert!(text.len() < 400 && text.contains("...") && text.contains("req_gw"), "{text}");
        assert!(from_body(502, None, "  ").to_string().contains("empty response body"));
    }

    #[test]
    fn auth_statuses_are_recognised() {
        assert!(from_body(401, None, "").is_auth());
        assert!(from_body(403, None, "").is_auth());
        assert!(from_body(409, None, "").is_conflict());
        assert!(from_body(401, None, "").hint().is_some_and(|h| h.contains("ANTHROPIC_ADMIN_KEY")));
        let no_token = PlatformError::Credential { message: "denied".into(), unreachable: false };
        assert!(no_token.is_auth() && no_token.status().is_none());
        let no_answer = PlatformError::Credential { message: "timed out".into(), unreachable: true };
        assert!(!no_answer.is_auth(), "a network failure is not a credential problem");
    }

    #[test]
    fn an_echoed_key_never_reaches_the_message() {
        let body = r#"{"type":"error","error":{"type":"authentication_error","message":"bad key sk-ant-admin01-CANARY-error"}}"#;
        let err = from_body(401, None, body);
        assert!(!err.to_string().contains("CANARY") && !format!("{err:?}").contains("CANARY"), "{err}");
        let err = from_body(500, None, "oops sk-ant-admin01-CANARY-error");
        assert!(!err.to_string().contains("CANARY"), "{err}");
    }

    #[test]
    fn every_variant_names_what_was_called() {
        let transport = PlatformError::Transport { method: "POST", path: "/v1/x".into(), message: "refused".into() };
        assert!(transport.to_string().starts_with("POST /v1/x failed"));
        assert_eq!(transport.status(), None);
        let decode = PlatformError::Decode {
            method: "GET",
            path: "/v1/y".into(),
            status: 200,
            message: "missing field `id`".into(),
            request_id: Some("req_d".into()),
        };
        let text = decode.to_string();
        assert!(text.starts_with("GET /v1/y") && text.contains("200") && text.contains("req_d"), "{text}");
        let noted = decode.with_note("not retried");
        assert!(noted.to_string().contains("missing field `id`; not retried"));
    }
}
