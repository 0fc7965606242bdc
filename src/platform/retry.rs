//! Which Admin API failures are transient, as the official SDKs decide it (`_should_retry`):
//! the status, and the server's `x-should-retry` override; and, with API version 2026-10-21, the
//! structured error code. How long to wait and how often to try is the one policy every remote
//! call shares (`cmek_core::retry`, run by `crate::retry`).

use cmek_core::retry::RetryPolicy;

use super::error_code::ErrorCode;

/// Retries after the first attempt: the shared policy's.
pub const DEFAULT_MAX_RETRIES: u32 = RetryPolicy::STANDARD.max_retries;

/// Whether an HTTP error response may be retried.
///
/// `x_should_retry` is the raw `x-should-retry` header: `"true"` or `"false"` overrides the
/// status rules; any other value is ignored, as in the SDK.
pub fn should_retry_status(status: u16, x_should_retry: Option<&str>) -> bool {
    match x_should_retry {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    // 408 request timeout, 409 lock timeout, 429 rate limit, 5xx internal errors.
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// Whether an Admin API error answer may be sent again. In order:
/// 1. `workspace_created_incomplete`: never (the workspace exists; a second create would make
///    another one);
/// 2. `x-should-retry: true|false`, when the server says;
/// 3. a code that asks for the same request again (`change_outcome_unknown`,
///    `external_key_changed`, `external_key_validation_timed_out`): yes;
/// 4. the status, as [`should_retry_status`].
///
/// A create is still looked up before it is sent again (`crate::retry::create`).
pub fn should_retry(status: u16, x_should_retry: Option<&str>, code: Option<&ErrorCode>) -> bool {
    if code.is_some_and(ErrorCode::never_send_again) {
        return false;
    }
    if matches!(x_should_retry, Some("true" | "false")) {
        return should_retry_status(status, x_should_retry);
    }
    code.is_some_and(ErrorCode::send_again) || should_retry_status(status, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_decide_before_the_status_and_after_the_header() {
        let incomplete = ErrorCode::WorkspaceCreatedIncomplete { workspace_id: Some("wrkspc_1".into()) };
        assert!(!should_retry(503, None, Some(&incomplete)), "a 503 that created the workspace is not resent");
        assert!(!should_retry(503, Some("true"), Some(&incomplete)));
        assert!(should_retry(400, None, Some(&ErrorCode::ExternalKeyValidationTimedOut)));
        assert!(should_retry(409, None, Some(&ErrorCode::ExternalKeyChanged)));
        assert!(should_retry(503, None, Some(&ErrorCode::ChangeOutcomeUnknown)));
        assert!(!should_retry(409, Some("false"), Some(&ErrorCode::ExternalKeyChanged)));
        assert!(!should_retry(400, None, Some(&ErrorCode::ExternalKeyValidationFailed)));
        assert!(!should_retry(400, None, Some(&ErrorCode::Other("new".into()))), "unknown codes: the status");
        assert!(should_retry(503, None, Some(&ErrorCode::Other("new".into()))));
        assert!(should_retry(500, None, None) && !should_retry(404, None, None));
    }

    #[test]
    fn retryable_statuses_follow_the_sdk() {
        for status in [408, 409, 429, 500, 502, 503, 504, 529, 599] {
            assert!(should_retry_status(status, None), "{status} must be retried");
        }
        for status in [400, 401, 402, 403, 404, 413, 422, 499] {
            assert!(!should_retry_status(status, None), "{status} must not be retried");
        }
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        assert!(!should_retry_status(500, Some("false")));
        assert!(!should_retry_status(429, Some("false")));
        assert!(should_retry_status(400, Some("true")));
        // Only the exact lower-case values count, as in the SDK.
        assert!(should_retry_status(500, Some("False")));
        assert!(!should_retry_status(400, Some("yes")));
    }
}
