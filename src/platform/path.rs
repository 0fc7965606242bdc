//! Builds Admin API paths from a template and caller-supplied ids, percent-encoding each id as
//! one path segment exactly like the SDK's `path_template` (RFC 3986 `pchar` is safe, `/` is not).
//!
//! It refuses ids that would change which resource is addressed (empty, `.`/`..` in any
//! encoding, a leading `;`) instead of sending them. It does no I/O and never sees a secret.

use std::fmt::Write as _;

/// An id that cannot be put in a path. The message names the offending id and the parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathError {
    pub message: String,
}

/// Percent-encodes `value` as one path segment: unreserved characters and
/// `!$&'()*+,;=:@` stay, everything else (including `/`, `%`, `?`, `#`, spaces) is `%XX`.
pub fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if is_segment_safe(byte) {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn is_segment_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte)
}

/// Encodes `id` for use as the segment named `what` (e.g. `external_key_id`), refusing ids that
/// proxies or servers would read as a different path.
pub fn id_segment(what: &str, id: &str) -> Result<String, PathError> {
    if id.is_empty() {
        return Err(PathError { message: format!("`{what}` is empty: pass the id of an existing object") });
    }
    let encoded = encode_segment(id);
    // Some servers drop `;` and what follows it in a segment, so `..;x` counts as `..`.
    let before_semicolon = encoded.split(';').next().unwrap_or_default();
    if is_dot_segment(before_semicolon) {
        return Err(PathError {
            message: format!("`{what}` {id:?} is a dot-segment and would address another path: pass a real id"),
        });
    }
    if encoded.starts_with(';') {
        return Err(PathError {
            message: format!("`{what}` {id:?} starts with `;`, which servers may drop: pass a real id"),
        });
    }
    Ok(encoded)
}

/// `.` or `..` after encoding. A literal `%2e` in an id cannot produce one: `%` is always
/// encoded (to `%25`), so only real dots need checking.
fn is_dot_segment(segment: &str) -> bool {
    segment == "." || segment == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_are_unchanged() {
        assert_eq!(id_segment("workspace_id", "wrkspc_01AbC-x_y.z~").unwrap(), "wrkspc_01AbC-x_y.z~");
    }

    #[test]
    fn kms_arns_keep_colons_and_encode_slashes() {
        let arn = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab";
        assert_eq!(
            id_segment("external_key_id", arn).unwrap(),
            "arn:aws:kms:us-east-2:111122223333:key%2F1234abcd-12ab"
        );
    }

    #[test]
    fn reserved_and_non_ascii_characters_are_encoded() {
        assert_eq!(encode_segment("a b?c#d%e"), "a%20b%3Fc%23d%25e");
        assert_eq!(encode_segment("é"), "%C3%A9");
        assert_eq!(encode_segment("x\ny"), "x%0Ay");
        assert_eq!(encode_segment("!$&'()*+,;=:@"), "!$&'()*+,;=:@");
    }

    #[test]
    fn ids_that_would_change_the_path_are_refused() {
        for bad in ["", ".", "..", "..;x", ".;", ";x"] {
            let err = id_segment("external_key_id", bad).unwrap_err();
            assert!(err.message.contains("external_key_id"), "{bad:?}: {}", err.message);
        }
        // Dots inside a longer id are fine; an encoded-looking dot is sent as literal text.
        assert!(id_segment("external_key_id", "...").is_ok());
        assert_eq!(id_segment("external_key_id", "%2e%2E").unwrap(), "%252e%252E");
        assert!(id_segment("external_key_id", "a..b").is_ok());
    }
}
