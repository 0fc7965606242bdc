//! The one retry policy of every remote call `cmek` makes (the Admin API, AWS, Azure, and any cloud
//! added later): how many retries, the jittered exponential back-off between them, and which
//! server-requested waits (`Retry-After`) are honoured. Pure: the caller passes the current time
//! and a random number, so every decision can be tested exactly. Which failures are transient is
//! each remote's to say (its status codes and error codes); what to do then is decided here.
//!
//! The numbers are those of the official Anthropic SDKs (`anthropic/_base_client.py`:
//! `_calculate_retry_timeout`, `_parse_retry_after_header`), which also match the AWS SDKs'
//! standard mode closely: 2 retries, 0.5 s doubling to 8 s, up to 25 % jitter. One deliberate
//! difference: a server-requested wait is honoured only when `0 < wait <= 60 s`; a longer one falls
//! back to the back-off, because a command-line run must not hang for an hour on one header.

use std::time::{Duration, SystemTime};

/// The retry policy: attempts and waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First back-off step.
    pub initial_delay: Duration,
    /// Longest back-off step.
    pub max_delay: Duration,
    /// Longest server-requested wait that is honoured.
    pub max_server_wait: Duration,
}

impl RetryPolicy {
    /// The policy every remote call uses.
    pub const STANDARD: RetryPolicy = RetryPolicy {
        max_retries: 2,
        initial_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(8),
        max_server_wait: Duration::from_secs(60),
    };

    /// True when `retries_taken` retries are all this policy allows.
    pub fn exhausted(&self, retries_taken: u32) -> bool {
        retries_taken >= self.max_retries
    }

    /// The exponential back-off: `min(initial * 2^retries_taken, max) * (1 - 0.25 * random)`.
    ///
    /// `retries_taken` is 0 before the first retry; `random_unit` is uniform in `[0, 1)` (values
    /// outside are clamped, so the jitter always stays within 25 %).
    pub fn backoff(&self, retries_taken: u32, random_unit: f64) -> Duration {
        // 2^16 times any sane initial delay already exceeds the cap.
        let exponent = retries_taken.min(16);
        let step = self.initial_delay.saturating_mul(1u32 << exponent).min(self.max_delay);
        let random_unit = if random_unit.is_finite() { random_unit.clamp(0.0, 1.0) } else { 0.0 };
        step.mul_f64(1.0 - 0.25 * random_unit)
    }

    /// How long to wait before the next attempt: the honoured server wait, else the back-off.
    pub fn delay(&self, server_wait: Option<Duration>, retries_taken: u32, random_unit: f64) -> Duration {
        server_wait.filter(|w| self.honours(*w)).unwrap_or_else(|| self.backoff(retries_taken, random_unit))
    }

    /// Whether a wait the server asked for is one this policy honours.
    pub fn honours(&self, wait: Duration) -> bool {
        !wait.is_zero() && wait <= self.max_server_wait
    }

    /// The wait the server asked for in its headers, if this policy honours it.
    ///
    /// `retry_after_ms` (milliseconds, fractions allowed; Anthropic's `retry-after-ms`, Azure's
    /// `x-ms-retry-after-ms`) wins when it parses as a number; else `retry_after` as seconds
    /// (fractions allowed), else as an HTTP date relative to `now`. A parsed value outside
    /// `0 < wait <= max_server_wait` (or not finite) yields `None`: use the back-off.
    pub fn server_requested_wait(
        &self,
        retry_after_ms: Option<&str>,
        retry_after: Option<&str>,
        now: SystemTime,
    ) -> Option<Duration> {
        let seconds = parse_retry_after(retry_after_ms, retry_after, now)?;
        if !seconds.is_finite() || seconds <= 0.0 {
            return None;
        }
        Duration::try_from_secs_f64(seconds).ok().filter(|w| self.honours(*w))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const P: RetryPolicy = RetryPolicy::STANDARD;

    fn now() -> SystemTime {
        // 2026-01-01T00:00:00Z
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
    }

    fn wait(ms: Option<&str>, after: Option<&str>) -> Option<Duration> {
        P.server_requested_wait(ms, after, now())
    }

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        assert_eq!(wait(Some("250"), Some("7")), Some(Duration::from_millis(250)));
        assert_eq!(wait(Some(" 1.5 "), None), Some(Duration::from_micros(1500)));
    }

    #[test]
    fn unparsable_retry_after_ms_falls_back_to_retry_after() {
        assert_eq!(wait(Some("soon"), Some("3")), Some(Duration::from_secs(3)));
    }

    #[test]
    fn parsable_but_unhonoured_retry_after_ms_does_not_consult_retry_after() {
        // The SDK returns the first value that parses; 0 is then not honoured -> backoff.
        assert_eq!(wait(Some("0"), Some("3")), None);
    }

    #[test]
    fn retry_after_accepts_fractional_seconds_and_http_dates() {
        assert_eq!(wait(None, Some("0.5")), Some(Duration::from_millis(500)));
        let in_ten_seconds = httpdate::fmt_http_date(now() + Duration::from_secs(10));
        assert_eq!(wait(None, Some(&in_ten_seconds)), Some(Duration::from_secs(10)));
        let in_the_past = httpdate::fmt_http_date(now() - Duration::from_secs(10));
        assert_eq!(wait(None, Some(&in_the_past)), None);
    }

    #[test]
    fn only_waits_up_to_sixty_seconds_are_honoured() {
        assert_eq!(wait(None, Some("60")), Some(Duration::from_secs(60)));
        assert_eq!(wait(None, Some("61")), None);
        assert_eq!(wait(Some("60001"), None), None);
        assert_eq!(wait(None, Some("-1")), None);
        assert_eq!(wait(None, Some("inf")), None);
        assert_eq!(wait(None, Some("nan")), None);
        assert_eq!(wait(None, Some("garbage")), None);
        assert_eq!(wait(None, None), None);
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_eight() {
        let steps: Vec<Duration> = (0..7).map(|n| P.backoff(n, 0.0)).collect();
        let expected_ms = [500, 1000, 2000, 4000, 8000, 8000, 8000];
        let expected: Vec<Duration> = expected_ms.iter().map(|ms| Duration::from_millis(*ms)).collect();
        assert_eq!(steps, expected);
        assert_eq!(P.backoff(u32::MAX, 0.0), P.max_delay);
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        assert_eq!(P.backoff(0, 0.5), Duration::from_micros(437_500));
        assert_eq!(P.backoff(2, 0.999_999), Duration::from_secs(2).mul_f64(1.0 - 0.25 * 0.999_999));
        // Out-of-range randomness cannot make the wait longer or shorter than the bounds.
        assert_eq!(P.backoff(0, 7.0), Duration::from_millis(375));
        assert_eq!(P.backoff(0, -3.0), Duration::from_millis(500));
        assert_eq!(P.backoff(0, f64::NAN), Duration::from_millis(500));
    }

    #[test]
    fn the_delay_prefers_an_honoured_server_wait() {
        assert_eq!(P.delay(Some(Duration::from_millis(5)), 3, 0.0), Duration::from_millis(5));
        assert_eq!(P.delay(None, 1, 0.0), Duration::from_secs(1));
        assert_eq!(
            P.delay(Some(Duration::from_secs(3600)), 0, 0.0),
            Duration::from_millis(500),
            "an hour is not honoured"
        );
    }

    #[test]
    fn two_retries_then_it_gives_up() {
        assert!(!P.exhausted(0) && !P.exhausted(1) && P.exhausted(2));
    }
}
