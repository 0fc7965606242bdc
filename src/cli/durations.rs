//! Durations as flags take them (`10m`, `90s`, `1h30m`, `0`, bare seconds): the waits a run may
//! spend on a grant taking effect.

use std::time::Duration;

/// The longest wait accepted: validation retries beyond a day would hide a real problem.
const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// `10m`, `90s`, `1h30m`, `0`, or bare seconds (`600`).
pub fn parse_wait(text: &str) -> std::result::Result<Duration, String> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return checked_wait(seconds);
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' if !number.is_empty() => {
                let n: u64 = number.parse().map_err(|_| "the number is too large".to_string())?;
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.saturating_add(n.saturating_mul(unit));
                number.clear();
            }
            _ => return Err("expected a duration such as 10m, 90s or 0".into()),
        }
    }
    if !number.is_empty() {
        return Err("a number needs a unit after another one (h, m or s)".into());
    }
    checked_wait(total)
}

fn checked_wait(seconds: u64) -> std::result::Result<Duration, String> {
    let d = Duration::from_secs(seconds);
    if d > MAX_WAIT { Err("at most 24h".into()) } else { Ok(d) }
}
