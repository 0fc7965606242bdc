//! When a token is refreshed, as the SDKs decide it: more than 120 s left, use it; 30 to 120 s,
//! refresh once and keep the old token if that fails (trying again after 5 s); under 30 s,
//! refresh, and fail if that fails. Pure: seconds in, a decision out.

/// More time left than this: the token is used as it is.
pub const REFRESH_BEFORE_SECS: i64 = 120;
/// Less time left than this: the token must be refreshed (a cached token is reused until then).
pub const MUST_REFRESH_BEFORE_SECS: i64 = 30;
/// After a failed early refresh, how long the old token is used before trying again.
pub const RETRY_EARLY_REFRESH_AFTER_SECS: i64 = 5;

/// What to do with a token that has `remaining` seconds left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Use it.
    Use,
    /// Refresh, but keep using it if the refresh fails.
    RefreshKeepOnFailure,
    /// Refresh; without a new token there is none.
    MustRefresh,
}

/// The decision for a token with `remaining` seconds left.
pub fn decide(remaining: i64) -> Decision {
    if remaining > REFRESH_BEFORE_SECS {
        Decision::Use
    } else if remaining >= MUST_REFRESH_BEFORE_SECS {
        Decision::RefreshKeepOnFailure
    } else {
        Decision::MustRefresh
    }
}

/// Whether an early refresh may be tried now, given when the last one failed.
pub fn may_retry_early_refresh(last_failure: Option<i64>, now: i64) -> bool {
    last_failure.is_none_or(|failed| now.saturating_sub(failed) >= RETRY_EARLY_REFRESH_AFTER_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_windows_follow_the_sdks() {
        assert_eq!(decide(3600), Decision::Use);
        assert_eq!(decide(121), Decision::Use);
        assert_eq!(decide(120), Decision::RefreshKeepOnFailure);
        assert_eq!(decide(30), Decision::RefreshKeepOnFailure);
        assert_eq!(decide(29), Decision::MustRefresh);
        assert_eq!(decide(0), Decision::MustRefresh);
        assert_eq!(decide(-500), Decision::MustRefresh);
    }

    #[test]
    fn a_failed_early_refresh_waits_five_seconds() {
        assert!(may_retry_early_refresh(None, 100));
        assert!(!may_retry_early_refresh(Some(100), 104));
        assert!(may_retry_early_refresh(Some(100), 105));
    }
}
