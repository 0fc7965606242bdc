//! How long ago a validation was, in at most 7 characters: `now`, `5m ago`, `3h ago`, `12d ago`,
//! `400d ago`, then years. The clock is the caller's (`now`); the exact time is in the JSON.

use chrono::{DateTime, Utc};

pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds();
    match seconds {
        ..60 => "now".to_string(),
        60..3_600 => format!("{}m ago", seconds / 60),
        3_600..172_800 => format!("{}h ago", seconds / 3_600),
        172_800..86_400_000 => format!("{}d ago", seconds / 86_400),
        _ => format!("{}y ago", seconds / 31_536_000),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn short_spans_then_a_date() {
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap();
        let before = |s: i64| ago(now - Duration::seconds(s), now);
        assert_eq!(before(-30), "now", "a clock a little ahead is not 'in the future'");
        assert_eq!(before(59), "now");
        assert_eq!(before(60), "1m ago");
        assert_eq!(before(3_599), "59m ago");
        assert_eq!(before(3_600), "1h ago");
        assert_eq!(before(47 * 3_600), "47h ago");
        assert_eq!(before(48 * 3_600), "2d ago");
        assert_eq!(before(59 * 86_400), "59d ago");
        assert_eq!(before(999 * 86_400), "999d ago");
        assert_eq!(before(1_000 * 86_400), "2y ago");
    }
}
