//! Real cryptography for ENCRYPT_DECRYPT keys: AES-256-GCM (aws-lc-rs) under a version's own
//! 32 random bytes. Pure: no state, no I/O.
//!
//! Ciphertext layout (integers big-endian), opaque to clients as Google's is:
//! ```text
//! 0    1 byte   format (1)
//! 1    4 bytes  the version id: decrypt finds the version from the ciphertext alone
//! 5    12 bytes random nonce
//! 17   ...      AES-256-GCM ciphertext, then the 16-byte tag
//! ```
//! The GCM additional data is the 5-byte header, the key's resource name and the caller's AAD,
//! each length-prefixed: another key, version or AAD fails to open.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

const FORMAT: u8 = 1;
const HEADER_LEN: usize = 5;
const TAG_LEN: usize = 16;

/// Sealing or opening failed (Google says only "Decryption failed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptoFailed;

/// 32 fresh bytes from the operating system's CSPRNG (via aws-lc).
pub fn new_material() -> Result<[u8; 32], CryptoFailed> {
    let mut material = [0u8; 32];
    aws_lc_rs::rand::fill(&mut material).map_err(|_| CryptoFailed)?;
    Ok(material)
}

fn aad(header: &[u8], key_name: &str, aad: &[u8]) -> Vec<u8> {
    let mut out = header.to_vec();
    for part in [key_name.as_bytes(), aad] {
        out.extend_from_slice(&u32::try_from(part.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

fn cipher(material: &[u8]) -> Result<LessSafeKey, CryptoFailed> {
    UnboundKey::new(&AES_256_GCM, material).map(LessSafeKey::new).map_err(|_| CryptoFailed)
}

pub fn seal(
    material: &[u8],
    version: u32,
    key_name: &str,
    additional: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoFailed> {
    let mut out = vec![FORMAT];
    out.extend_from_slice(&version.to_be_bytes());
    let mut nonce = [0u8; NONCE_LEN];
    aws_lc_rs::rand::fill(&mut nonce).map_err(|_| CryptoFailed)?;
    let mut sealed = plaintext.to_vec();
    let data = aad(&out, key_name, additional);
    cipher(material)?
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(data.as_slice()), &mut sealed)
        .map_err(|_| CryptoFailed)?;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The version a ciphertext was made with; `None` when it is not one of ours.
pub fn version_of(ciphertext: &[u8]) -> Option<u32> {
    if ciphertext.len() < HEADER_LEN + NONCE_LEN + TAG_LEN || ciphertext[0] != FORMAT {
        return None;
    }
    Some(u32::from_be_bytes(ciphertext.get(1..HEADER_LEN)?.try_into().ok()?))
}

pub fn open(material: &[u8], key_name: &str, additional: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, CryptoFailed> {
    version_of(ciphertext).ok_or(CryptoFailed)?;
    let header = ciphertext.get(..HEADER_LEN).ok_or(CryptoFailed)?;
    let nonce: [u8; NONCE_LEN] =
        ciphertext.get(HEADER_LEN..HEADER_LEN + NONCE_LEN).and_then(|n| n.try_into().ok()).ok_or(CryptoFailed)?;
    let mut sealed = ciphertext.get(HEADER_LEN + NONCE_LEN..).ok_or(CryptoFailed)?.to_vec();
    let data = aad(header, key_name, additional);
    let plaintext = cipher(material)?
        .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(data.as_slice()), &mut sealed)
        .map_err(|_| CryptoFailed)?;
    Ok(plaintext.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k";

    #[test]
    fn round_trip_and_tampering() {
        let material = new_material().unwrap();
        let ct = seal(&material, 7, KEY, b"aad", b"secret").unwrap();
        assert_eq!(version_of(&ct), Some(7));
        assert_eq!(ct.len(), HEADER_LEN + NONCE_LEN + 6 + TAG_LEN);
        assert_eq!(open(&material, KEY, b"aad", &ct).unwrap(), b"secret");
        assert_ne!(seal(&material, 7, KEY, b"aad", b"secret").unwrap(), ct, "nonces are fresh");
        assert!(open(&material, KEY, b"other", &ct).is_err());
        assert!(open(&material, &format!("{KEY}2"), b"aad", &ct).is_err());
        assert!(open(&new_material().unwrap(), KEY, b"aad", &ct).is_err());
        for i in 0..ct.len() {
            let mut bad = ct.clone();
            bad[i] ^= 1;
            assert!(open(&material, KEY, b"aad", &bad).is_err(), "byte {i}");
        }
        for cut in 0..ct.len() {
            assert!(open(&material, KEY, b"aad", &ct[..cut]).is_err(), "cut {cut}");
        }
        assert!(open(&material[..16], KEY, b"aad", &ct).is_err());
    }
}
