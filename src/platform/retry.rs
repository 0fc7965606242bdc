//! The retry policy of the official SDKs as pure functions: whether a failed attempt may be
//! retried, and how long to wait first. No I/O, no clock, no randomness of its own: the caller
//! passes the current time and a random number so every decision can be tested exactly.
//!
//! Source: `anthropic/_base_client.py` (`_should_retry`, `_parse_retry_after_header`,
//! `_calculate_retry_timeout`). One deliberate difference: a server-requested wait is honoured
//! only when `0 < wait <= 60 s` (as the SDKs did until recently); a longer one falls back to the
//! exponential backoff, because a command-line run must not hang for an hour on one header.

use std::time::{Duration, SystemTime};

/// Retries after the first attempt, as in the SDKs.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// First backoff step.
pub const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// Longest backoff step.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// Longest server-requested wait that is honoured.
pub const MAX_SERVER_REQUESTED_WAIT: Duration = Duration::from_secs(60);

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

/// The wait the server asked for, if it asked for one this client honours.
///
/// `retry-after-ms` (milliseconds, fractions allowed) wins when it parses as a number; else
/// `retry-after` as seconds (fractions allowed), else as an HTTP date relative to `now`.
/// A parsed value outside `0 < wait <= 60 s` (or not finite) yields `None`: use the backoff.
pub fn server_requested_wait(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    let seconds = parse_retry_after(retry_after_ms, retry_after, now)?;
    honoured_wait(seconds)
}

/// The SDK's `_parse_retry_after_header`: the first value that parses, in seconds (may be <= 0).
fn parse_retry_after(retry_after_ms: Option<&str>, retry_after: Option<&str>, now: SystemTime) -> Option<f64> {
    if let Some(ms) = retry_after_ms.and_then(parse_python_float) {
        return Some(ms / 1000.0);
    }
    let header = retry_after?;
    if let Some(seconds) = parse_python_float(header) {
        return Some(seconds);
    }
    let date = httpdate::parse_http_date(header.trim()).ok()?;
    Some(match date.duration_since(now) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    })
}

/// Python's `float(str)` accepts surrounding whitespace, a sign, exponents, `inf` and `nan`;
/// Rust's parser accepts the same forms once trimmed (non-finite values are refused later).
fn parse_python_float(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}

fn honoured_wait(seconds: f64) -> Option<Duration> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SERVER_REQUESTED_WAIT.as_secs_f64() {
        Duration::try_from_secs_f64(seconds).ok()
    } else {
        None
    }
}

/// The SDK's exponential backoff: `min(0.5 s * 2^retries_taken, 8 s) * (1 - 0.25 * random)`.
///
/// `retries_taken` is 0 before the first retry; `random_unit` is uniform in `[0, 1)` (values
/// outside are clamped, so the jitter always stays within 25 %).
pub fn backoff(retries_taken: u32, random_unit: f64) -> Duration {
    // 2^4 * 0.5 s already exceeds the cap, so larger exponents need not be computed.
    let exponent = retries_taken.min(16);
    let step = INITIAL_RETRY_DELAY.saturating_mul(1u32 << exponent).min(MAX_RETRY_DELAY);
    let random_unit = if random_unit.is_finite() { random_unit.clamp(0.0, 1.0) } else { 0.0 };
    step.mul_f64(1.0 - 0.25 * random_unit)
}

/// How long to wait before the next attempt: the honoured server wait, else the backoff.
pub fn retry_delay(server_wait: Option<Duration>, retries_taken: u32, random_unit: f64) -> Duration {
    server_wait.unwrap_or_else(|| backoff(retries_taken, random_unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        // 2026-01-01T00:00:00Z
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
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

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        let wait = server_requested_wait(Some("250"), Some("7"), now());
        assert_eq!(wait, Some(Duration::from_millis(250)));
        let wait = server_requested_wait(Some(" 1.5 "), None, now());
        assert_eq!(wait, Some(Duration::from_micros(1500)));
    }

    #[test]
    fn unparsable_retry_after_ms_falls_back_to_retry_after() {
        let wait = server_requested_wait(Some("soon"), Some("3"), now());
        assert_eq!(wait, Some(Duration::from_secs(3)));
    }

    #[test]
    fn parsable_but_unhonoured_retry_after_ms_does_not_consult_retry_after() {
        // The SDK returns the first value that parses; 0 is then not honoured -> backoff.
        assert_eq!(server_requested_wait(Some("0"), Some("3"), now()), None);
    }

    #[test]
    fn retry_after_accepts_fractional_seconds_and_http_dates() {
        assert_eq!(server_requested_wait(None, Some("0.5"), now()), Some(Duration::from_millis(500)));
        let in_ten_seconds = httpdate::fmt_http_date(now() + Duration::from_secs(10));
        assert_eq!(server_requested_wait(None, Some(&in_ten_seconds), now()), Some(Duration::from_secs(10)));
        let in_the_past = httpdate::fmt_http_date(now() - Duration::from_secs(10));
        assert_eq!(server_requested_wait(None, Some(&in_the_past), now()), None);
    }

    #[test]
    fn only_waits_up_to_sixty_seconds_are_honoured() {
        assert_eq!(server_requested_wait(None, Some("60"), now()), Some(Duration::from_secs(60)));
        assert_eq!(server_requested_wait(None, Some("61"), now()), None);
        assert_eq!(server_requested_wait(Some("60001"), None, now()), None);
        assert_eq!(server_requested_wait(None, Some("-1"), now()), None);
        assert_eq!(server_requested_wait(None, Some("inf"), now()), None);
        assert_eq!(server_requested_wait(None, Some("nan"), now()), None);
        assert_eq!(server_requested_wait(None, Some("garbage"), now()), None);
        assert_eq!(server_requested_wait(None, None, now()), None);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_eight() {
        let steps: Vec<Duration> = (0..7).map(|n| backoff(n, 0.0)).collect();
        let expected_ms = [500, 1000, 2000, 4000, 8000, 8000, 8000];
        let expected: Vec<Duration> = expected_ms.iter().map(|ms| Duration::from_millis(*ms)).collect();
        assert_eq!(steps, expected);
        assert_eq!(backoff(u32::MAX, 0.0), MAX_RETRY_DELAY);
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        assert_eq!(backoff(0, 0.5), Duration::from_micros(437_500));
        assert_eq!(backoff(2, 0.999_999), Duration::from_secs(2).mul_f64(1.0 - 0.25 * 0.999_999));
        // Out-of-range randomness cannot make the wait longer or shorter than the bounds.
        assert_eq!(backoff(0, 7.0), Duration::from_millis(375));
        assert_eq!(backoff(0, -3.0), Duration::from_millis(500));
        assert_eq!(backoff(0, f64::NAN), Duration::from_millis(500));
    }

    #[test]
    fn retry_delay_prefers_the_server_wait() {
        assert_eq!(retry_delay(Some(Duration::from_millis(5)), 3, 0.0), Duration::from_millis(5));
        assert_eq!(retry_delay(None, 1, 0.0), Duration::from_secs(1));
    }
}
