//! The emulator's ciphertext: AES-256-GCM under one version of a key's material, bound to the key,
//! that version and the encryption context. Pure: no state, no I/O.
//!
//! CiphertextBlob layout (all integers big-endian):
//! ```text
//! 0      1 byte   format version (1)
//! 1      2 bytes  n = length of the key ARN
//! 3      n bytes  key ARN (UTF-8): Decrypt finds the key without a KeyId
//! 3+n    4 bytes  material version (0 = the key's first material; rotation adds versions)
//! 7+n    12 bytes random nonce
//! 19+n   ...      AES-256-GCM ciphertext, then the 16-byte tag
//! ```
//! The additional authenticated data is the header (bytes 0 .. 7+n) followed by the canonical
//! encryption context, so changing any byte, the key, the version or the context fails to open.

use std::collections::BTreeMap;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use super::ids;

const FORMAT_VERSION: u8 = 1;
const TAG_LEN: usize = 16;
/// KMS's limit on Encrypt's plaintext.
pub(super) const MAX_PLAINTEXT: usize = 4096;

/// What the blob says before it is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    pub key_arn: String,
    pub material_version: u32,
}

/// Why sealing or opening failed (either way KMS says `InvalidCiphertextException`, or for
/// sealing an internal error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CryptoFailed;

/// The encryption context as authenticated data: the number of pairs, then each key and value
/// length-prefixed, in key order. A `BTreeMap` is already sorted, so the same pairs given in any
/// order serialise identically, and no two different contexts serialise the same.
pub(super) fn canonical_context(context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&len32(context.len()));
    for (k, v) in context {
        out.extend_from_slice(&len32(k.len()));
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(&len32(v.len()));
        out.extend_from_slice(v.as_bytes());
    }
    out
}

fn len32(n: usize) -> [u8; 4] {
    u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes()
}

fn header_bytes(header: &Header) -> Result<Vec<u8>, CryptoFailed> {
    let arn = header.key_arn.as_bytes();
    let arn_len = u16::try_from(arn.len()).map_err(|_| CryptoFailed)?;
    let mut out = Vec::with_capacity(7 + arn.len());
    out.push(FORMAT_VERSION);
    out.extend_from_slice(&arn_len.to_be_bytes());
    out.extend_from_slice(arn);
    out.extend_from_slice(&header.material_version.to_be_bytes());
    Ok(out)
}

fn cipher(material: &[u8; 32]) -> Result<LessSafeKey, CryptoFailed> {
    UnboundKey::new(&AES_256_GCM, material).map(LessSafeKey::new).map_err(|_| CryptoFailed)
}

/// Encrypts `plaintext` with a fresh random nonce.
pub(super) fn seal(
    header: &Header,
    material: &[u8; 32],
    context: &BTreeMap<String, String>,
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoFailed> {
    let mut blob = header_bytes(header)?;
    let mut aad = blob.clone();
    aad.extend_from_slice(&canonical_context(context));
    let nonce = ids::random_bytes::<NONCE_LEN>();
    let mut sealed = plaintext.to_vec();
    cipher(material)?
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad.as_slice()), &mut sealed)
        .map_err(|_| CryptoFailed)?;
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&sealed);
    Ok(blob)
}

/// Reads the header; `None` when the blob is not one of ours (or is cut short).
pub(super) fn read_header(blob: &[u8]) -> Option<(Header, usize)> {
    let (&version, rest) = blob.split_first()?;
    if version != FORMAT_VERSION {
        return None;
    }
    let arn_len = usize::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?));
    let arn = std::str::from_utf8(rest.get(2..2 + arn_len)?).ok()?;
    let material_version = u32::from_be_bytes(rest.get(2 + arn_len..6 + arn_len)?.try_into().ok()?);
    let header_len = 7 + arn_len;
    if blob.len() < header_len + NONCE_LEN + TAG_LEN {
        return None;
    }
    Some((Header { key_arn: arn.to_string(), material_version }, header_len))
}

/// Decrypts a blob whose header was read with [`read_header`], under that version's material.
pub(super) fn open(
    blob: &[u8],
    material: &[u8; 32],
    context: &BTreeMap<String, String>,
) -> Result<Vec<u8>, CryptoFailed> {
    let (_, header_len) = read_header(blob).ok_or(CryptoFailed)?;
    let header = blob.get(..header_len).ok_or(CryptoFailed)?;
    let nonce: [u8; NONCE_LEN] =
        blob.get(header_len..header_len + NONCE_LEN).and_then(|n| n.try_into().ok()).ok_or(CryptoFailed)?;
    let mut sealed = blob.get(header_len + NONCE_LEN..).ok_or(CryptoFailed)?.to_vec();
    let mut aad = header.to_vec();
    aad.extend_from_slice(&canonical_context(context));
    let plaintext = cipher(material)?
        .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad.as_slice()), &mut sealed)
        .map_err(|_| CryptoFailed)?;
    Ok(plaintext.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn ctx(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn header(version: u32) -> Header {
        Header { key_arn: ARN.into(), material_version: version }
    }

    #[test]
    fn round_trip_with_the_same_context_in_any_order() {
        let material = [9u8; 32];
        let written = ctx(&[("b", "2"), ("a", "1")]);
        let blob = seal(&header(3), &material, &written, b"secret data").unwrap();
        let (h, len) = read_header(&blob).unwrap();
        assert_eq!(h, header(3));
        assert_eq!(len, 7 + ARN.len());
        assert_eq!(blob.len(), len + NONCE_LEN + b"secret data".len() + TAG_LEN);
        let mut reordered = BTreeMap::new();
        reordered.insert("a".to_string(), "1".to_string());
        reordered.insert("b".to_string(), "2".to_string());
        assert_eq!(open(&blob, &material, &reordered).unwrap(), b"secret data");
        assert_ne!(seal(&header(3), &material, &written, b"secret data").unwrap(), blob, "nonces are fresh");
    }

    #[test]
    fn another_context_material_or_any_flipped_byte_fails() {
        let material = [9u8; 32];
        let context = ctx(&[("anthropic:org_uuid", "o1")]);
        let blob = seal(&header(0), &material, &context, b"x").unwrap();
        assert_eq!(open(&blob, &material, &ctx(&[("anthropic:org_uuid", "o2")])), Err(CryptoFailed));
        assert_eq!(open(&blob, &material, &BTreeMap::new()), Err(CryptoFailed));
        assert_eq!(open(&blob, &[8u8; 32], &context), Err(CryptoFailed));
        for i in 0..blob.len() {
            let mut tampered = blob.clone();
            tampered[i] ^= 0x01;
            assert!(open(&tampered, &material, &context).is_err(), "byte {i}");
        }
        for cut in 0..blob.len() {
            assert!(open(&blob[..cut], &material, &context).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn contexts_serialise_unambiguously() {
        assert_ne!(canonical_context(&ctx(&[("ab", "c")])), canonical_context(&ctx(&[("a", "bc")])));
        assert_ne!(canonical_context(&ctx(&[])), canonical_context(&ctx(&[("", "")])));
        assert_eq!(canonical_context(&ctx(&[])), [0, 0, 0, 0]);
    }

    #[test]
    fn garbage_is_not_a_header() {
        for junk in [&b""[..], b"\x01", b"\x02\x00\x01a", b"\x01\xff\xffabc", &[1u8, 0, 0, 0, 0, 0, 0]] {
            assert!(read_header(junk).is_none(), "{junk:?}");
        }
    }
}
