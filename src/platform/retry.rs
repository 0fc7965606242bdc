//! Which Admin API failures are transient, as the official SDKs decide it (`_should_retry`):
//! the status, and the server's `x-should-retry` override. How long to wait and how often to try
//! is the one policy every remote call shares (`cmek_core::retry`, run by `crate::retry`).

use cmek_core::retry::RetryPolicy;

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

#[cfg(test)]
mod tests {
    use super::*;

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
