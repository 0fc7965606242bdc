//! Fresh identifiers and secrets in AWS's shapes: key ids (UUID or `mrk-`), access key ids
//! (`AKIA`/`ASIA`), unique ids (`AIDA`/`AROA`), secret keys, session tokens, key material.
//!
//! Everything comes from `rand::rng()`, a CSPRNG reseeded from the operating system.

use rand::RngCore;

use super::secret::{KeyMaterial, Secret};

/// The upper-case base32 alphabet AWS access key ids are drawn from.
const KEY_ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// What secret access keys are drawn from (AWS uses base64-ish text).
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rng().fill_bytes(&mut out);
    out
}

fn random_text(len: usize, alphabet: &[u8]) -> String {
    let mut raw = vec![0u8; len];
    rand::rng().fill_bytes(&mut raw);
    // Both alphabets have a power-of-two size, so the modulo introduces no bias.
    raw.iter().map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()])).collect()
}

/// A new KMS key id: a random UUID, or `mrk-` + 32 hex digits for a multi-Region key.
pub(super) fn key_id(multi_region: bool) -> String {
    let uuid = uuid::Builder::from_random_bytes(random_bytes::<16>()).into_uuid();
    if multi_region { format!("mrk-{}", uuid.simple()) } else { uuid.hyphenated().to_string() }
}

/// `AKIA...` (long-term) or `ASIA...` (temporary) + 16 characters.
pub(super) fn access_key_id(temporary: bool) -> String {
    let prefix = if temporary { "ASIA" } else { "AKIA" };
    format!("{prefix}{}", random_text(16, KEY_ID_ALPHABET))
}

/// `AIDA...` (user) or `AROA...` (role) + 17 characters, as `GetCallerIdentity` shows them.
pub(super) fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_text(17, KEY_ID_ALPHABET))
}

/// A 40-character secret access key.
pub(super) fn secret_access_key() -> Secret {
    Secret::new(random_text(40, SECRET_ALPHABET))
}

/// A session token of the length AWS's are in the same ballpark of.
pub(super) fn session_token() -> Secret {
    Secret::new(format!("FwoGZXIvYXdzE{}", random_text(300, SECRET_ALPHABET)))
}

pub(super) fn key_material() -> KeyMaterial {
    KeyMaterial::from_bytes(random_bytes::<32>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmek_core::model::aws::KmsKeyId;

    #[test]
    fn shapes_are_aws_shapes() {
        let id = key_id(false);
        assert!(id.parse::<KmsKeyId>().is_ok(), "{id}");
        let mrk = key_id(true);
        assert!(mrk.parse::<KmsKeyId>().unwrap().is_multi_region(), "{mrk}");
        let akid = access_key_id(false);
        assert!(akid.starts_with("AKIA") && akid.len() == 20, "{akid}");
        assert!(access_key_id(true).starts_with("ASIA"));
        assert!(unique_id("AROA").starts_with("AROA"));
        assert_eq!(secret_access_key().expose().len(), 40);
        assert_ne!(key_material(), key_material());
        assert_ne!(key_id(false), key_id(false));
    }
}
