//! `anthropic-version`: which API version a request speaks, and what that changes.
//!
//! 2026-10-21 (what the official SDKs send) brings structured errors: `error.details` with a
//! stable `error_code` (and members such as `field` or `workspace_id`), a 400 `cmek_not_approved`
//! where older versions answer 403, and the 503s a change whose outcome was lost gets. The
//! 2023 versions (the documented curl examples) keep the older bodies exactly, without `details`,
//! so a client written against them sees nothing new.

use axum::http::HeaderMap;

/// The version with structured error codes.
pub const STRUCTURED: &str = "2026-10-21";
/// The version the documented curl examples send.
pub const DOCUMENTED: &str = "2023-06-01";
/// Every version the API accepts.
pub const SUPPORTED: [&str; 3] = [DOCUMENTED, "2023-01-01", STRUCTURED];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// 2023-06-01 or 2023-01-01 (also assumed for a request without a usable header, whose
    /// refusal says the header is missing).
    #[default]
    Legacy,
    /// 2026-10-21.
    Structured,
}

impl ApiVersion {
    pub fn of(headers: &HeaderMap) -> Self {
        match headers.get("anthropic-version").map(|v| v.as_bytes()) {
            Some(v) if v == STRUCTURED.as_bytes() => ApiVersion::Structured,
            _ => ApiVersion::Legacy,
        }
    }

    pub fn is_structured(self) -> bool {
        self == ApiVersion::Structured
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_the_2026_version_is_structured() {
        let mut h = HeaderMap::new();
        assert_eq!(ApiVersion::of(&h), ApiVersion::Legacy);
        h.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
        assert_eq!(ApiVersion::of(&h), ApiVersion::Legacy);
        h.insert("anthropic-version", HeaderValue::from_static("2026-10-21"));
        assert!(ApiVersion::of(&h).is_structured());
        h.insert("anthropic-version", HeaderValue::from_static("2026-10-21 "));
        assert_eq!(ApiVersion::of(&h), ApiVersion::Legacy);
    }
}
