//! The comparison behind each condition operator, for ONE request value against ONE policy value.
//!
//! Negated operators are answered by their positive counterpart here; `conditions` inverts the
//! result over all policy values (a negated operator holds when NO policy value matches).

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use ipnet::IpNet;

use super::matching::{arn_like, glob};
use crate::policy::aws::operator::BaseOperator;

/// Whether `request` satisfies the positive form of `base` against `policy`.
pub(super) fn positive_match(base: BaseOperator, request: &str, policy: &str) -> bool {
    use BaseOperator::*;
    match base {
        StringEquals | StringNotEquals => request == policy,
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => request.to_lowercase() == policy.to_lowercase(),
        StringLike | StringNotLike => glob(policy, request),
        NumericEquals | NumericNotEquals => compare_numbers(request, policy, |r, p| r == p),
        NumericLessThan => compare_numbers(request, policy, |r, p| r < p),
        NumericLessThanEquals => compare_numbers(request, policy, |r, p| r <= p),
        NumericGreaterThan => compare_numbers(request, policy, |r, p| r > p),
        NumericGreaterThanEquals => compare_numbers(request, policy, |r, p| r >= p),
        DateEquals | DateNotEquals => compare_dates(request, policy, |r, p| r == p),
        DateLessThan => compare_dates(request, policy, |r, p| r < p),
        DateLessThanEquals => compare_dates(request, policy, |r, p| r <= p),
        DateGreaterThan => compare_dates(request, policy, |r, p| r > p),
        DateGreaterThanEquals => compare_dates(request, policy, |r, p| r >= p),
        // Booleans compare as the words true/false, in any case; anything else never matches.
        Bool => is_bool_word(request) && is_bool_word(policy) && request.eq_ignore_ascii_case(policy),
        // Both sides are base64 text; equal encodings mean equal bytes.
        BinaryEquals => request == policy,
        IpAddress | NotIpAddress => ip_in_range(request, policy),
        // AWS documents ArnEquals and ArnLike as the same test (both accept wildcards per ARN part).
        ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => arn_like(policy, request),
        // Null tests presence, not a value; `conditions` handles it before coming here.
        Null => false,
    }
}

fn is_bool_word(s: &str) -> bool {
    s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
}

/// Both sides must be finite decimal numbers; a value that is not a number never matches.
fn compare_numbers(request: &str, policy: &str, test: impl Fn(f64, f64) -> bool) -> bool {
    let parse = |s: &str| s.parse::<f64>().ok().filter(|n| n.is_finite());
    match (parse(request), parse(policy)) {
        (Some(r), Some(p)) => test(r, p),
        _ => false,
    }
}

fn compare_dates(request: &str, policy: &str, test: impl Fn(i64, i64) -> bool) -> bool {
    match (parse_date_millis(request), parse_date_millis(policy)) {
        (Some(r), Some(p)) => test(r, p),
        _ => false,
    }
}

/// Milliseconds since the Unix epoch for the forms AWS accepts: epoch seconds (digits only) or
/// W3C/ISO 8601 (`2026-01-31`, `2026-01-31T12:00Z`, `2026-01-31T12:00:00.5+02:00`; no zone = UTC).
pub(super) fn parse_date_millis(s: &str) -> Option<i64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok()?.checked_mul(1000);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    // W3C allows minutes without seconds; chrono's RFC 3339 parser does not.
    let zoned = match s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        Some(rest) => format!("{rest}+00:00"),
        None => s.to_string(),
    };
    if let Ok(dt) = DateTime::parse_from_str(&zoned, "%Y-%m-%dT%H:%M%:z") {
        return Some(dt.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
            return Some(naive.and_utc().timestamp_millis());
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis())
}

/// The policy value is a CIDR block (or a single address); the request value an address.
fn ip_in_range(request: &str, policy: &str) -> bool {
    let Ok(addr) = request.trim().parse::<IpAddr>() else { return false };
    let policy = policy.trim();
    if let Ok(net) = policy.parse::<IpNet>() {
        return net.contains(&addr);
    }
    policy.parse::<IpAddr>().is_ok_and(|single| single == addr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use BaseOperator::*;

    #[test]
    fn strings() {
        assert!(positive_match(StringEquals, "abc", "abc"));
        assert!(!positive_match(StringEquals, "abc", "ABC"));
        assert!(positive_match(StringEqualsIgnoreCase, "abc", "ABC"));
        assert!(positive_match(StringLike, "anthropic-cmek-client-us", "anthropic-*"));
        assert!(!positive_match(StringLike, "Anthropic-x", "anthropic-*"));
    }

    #[test]
    fn numbers() {
        assert!(positive_match(NumericEquals, "10", "10.0"));
        assert!(positive_match(NumericLessThan, "3599", "3600"));
        assert!(!positive_match(NumericLessThan, "3600", "3600"));
        assert!(positive_match(NumericLessThanEquals, "3600", "3600"));
        assert!(positive_match(NumericGreaterThan, "-1", "-2"));
        assert!(positive_match(NumericGreaterThanEquals, "2", "2"));
        assert!(!positive_match(NumericEquals, "NaN", "NaN"));
        assert!(!positive_match(NumericEquals, "ten", "10"));
    }

    #[test]
    fn dates_in_every_form() {
        let noon = parse_date_millis("2026-01-31T12:00:00Z").unwrap();
        assert_eq!(parse_date_millis("2026-01-31T12:00Z"), Some(noon));
        assert_eq!(parse_date_millis("2026-01-31T12:00:00"), Some(noon));
        assert_eq!(parse_date_millis("2026-01-31T14:00:00+02:00"), Some(noon));
        assert_eq!(parse_date_millis("2026-01-31T12:00:00.000Z"), Some(noon));
        assert_eq!(parse_date_millis(&(noon / 1000).to_string()), Some(noon));
        assert!(parse_date_millis("2026-01-31").unwrap() < noon);
        assert_eq!(parse_date_millis("yesterday"), None);
        assert_eq!(parse_date_millis("99999999999999999999"), None);
        assert!(positive_match(DateLessThan, "2026-01-01T00:00:00Z", "2026-02-01"));
        assert!(positive_match(DateGreaterThan, "1800000000", "2026-02-01"));
        assert!(positive_match(DateEquals, "1769860800", "2026-01-31T12:00:00Z"));
        assert!(positive_match(DateLessThanEquals, "2026-01-31T12:00:00Z", "2026-01-31T12:00Z"));
        assert!(positive_match(DateGreaterThanEquals, "2026-01-31T12:00:00Z", "2026-01-31"));
    }

    #[test]
    fn addresses_bools_arns_binary() {
        assert!(positive_match(IpAddress, "160.79.104.7", "160.79.104.0/21"));
        assert!(!positive_match(IpAddress, "160.79.112.1", "160.79.104.0/21"));
        assert!(positive_match(IpAddress, "203.0.113.5", "203.0.113.5"));
        assert!(positive_match(IpAddress, "2001:db8::1", "2001:db8::/32"));
        assert!(!positive_match(IpAddress, "not-an-ip", "0.0.0.0/0"));
        assert!(!positive_match(IpAddress, "10.0.0.1", "garbage"));
        assert!(positive_match(Bool, "TRUE", "true"));
        assert!(!positive_match(Bool, "yes", "yes"));
        assert!(positive_match(
            ArnLike,
            "arn:aws:iam::915198916910:role/anthropic-cmek-client-us",
            "arn:aws:iam::*:role/anthropic-*"
        ));
        assert!(positive_match(ArnEquals, "arn:aws:iam::1:role/x", "arn:aws:iam::1:role/x"));
        assert!(!positive_match(ArnEquals, "arn:aws:iam::1:role/x", "arn:aws:iam::2:role/x"));
        assert!(positive_match(BinaryEquals, "QmluYXJ5", "QmluYXJ5"));
        assert!(!positive_match(Null, "true", "true"));
    }
}
