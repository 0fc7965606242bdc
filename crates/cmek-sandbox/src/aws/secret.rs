//! KMS key material the emulator stores: it serialises (the state file is a sandbox's, by design)
//! but never prints, and is wiped on drop. Secret strings are `crate::secret::Secret`.

pub(super) use crate::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

/// 256 bits of KMS key material (one version of a key's backing key), base64 in serde.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct KeyMaterial([u8; 32]);

impl KeyMaterial {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyMaterial(redacted)")
    }
}

impl Drop for KeyMaterial {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl Serialize for KeyMaterial {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&aws_smithy_types::base64::encode(self.0))
    }
}

impl<'de> Deserialize<'de> for KeyMaterial {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bytes = aws_smithy_types::base64::decode(&text).map_err(serde::de::Error::custom)?;
        let array: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            serde::de::Error::custom(format!("key material must be 32 bytes, found {}", b.len()))
        })?;
        Ok(Self(array))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_and_round_trip_through_serde() {
        let s = Secret::new("wJalrXUtnFEMI".into());
        assert!(!format!("{s:?}").contains("wJalr"));
        assert!(s.matches("wJalrXUtnFEMI"));
        assert!(!s.matches("wJalrXUtnFEMJ"));
        assert!(!s.matches(""));
        let m = KeyMaterial::from_bytes([7; 32]);
        assert!(!format!("{m:?}").contains('7'));
        let json = serde_json::to_string(&m).unwrap();
        let back: KeyMaterial = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<KeyMaterial>("\"AAAA\"").is_err());
        assert!(serde_json::from_str::<KeyMaterial>("\"not base64!\"").is_err());
    }
}
