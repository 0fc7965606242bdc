//! Secret text as the credential chain accepts it: trimmed (blank is unset), fit for an HTTP
//! header, taken out of a JSON document with the document's copy zeroed; and the epoch-seconds
//! numbers that sit beside tokens.

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value};
use zeroize::Zeroize as _;

/// The value trimmed, as a secret; `None` when blank.
pub(crate) fn trimmed_secret(value: String) -> Option<SecretString> {
    let value = SecretString::from(value);
    let trimmed = value.expose_secret().trim();
    (!trimmed.is_empty()).then(|| SecretString::from(trimmed))
}

/// Printable ASCII without spaces: what an `x-api-key` or bearer header value can carry.
pub(crate) fn is_header_safe(key: &str) -> bool {
    key.bytes().all(|b| b.is_ascii_graphic())
}

/// Removes `field` from `doc` and returns it trimmed as a secret (`None` when absent, not a
/// string, or blank); the document's copy is zeroed.
pub(crate) fn take_secret(doc: &mut Map<String, Value>, field: &str) -> Option<SecretString> {
    match doc.remove(field) {
        Some(Value::String(mut text)) => {
            let secret = (!text.trim().is_empty()).then(|| SecretString::from(text.trim()));
            text.zeroize();
            secret
        }
        _ => None,
    }
}

/// A number of seconds (an integer, or a finite float truncated), as tokens' `expires_in` and
/// `expires_at` are written.
pub(crate) fn seconds(value: Option<&Value>) -> Option<i64> {
    match value {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        _ => None,
    }
}
