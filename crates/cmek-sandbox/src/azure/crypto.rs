//! Key material: RSA key generation and real RSA-OAEP-256 wrap/unwrap (aws-lc-rs), and the
//! base64url encoding Key Vault uses for `n`, `e` and `value`.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    KeyPair, KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    OaepPublicEncryptingKey, PrivateDecryptingKey,
};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A new RSA private key (PKCS#8 DER) of `bits` (2048, 3072 or 4096).
pub fn generate_rsa(bits: u32) -> Result<Vec<u8>, String> {
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        other => return Err(format!("key_size {other} is not supported; use 2048, 3072 or 4096")),
    };
    let pair = KeyPair::generate(size).map_err(|_| "RSA key generation failed".to_string())?;
    let der = pair.as_der().map_err(|_| "RSA key serialisation failed".to_string())?;
    Ok(der.as_ref().to_vec())
}

/// The public modulus and exponent, base64url without padding (JWK `n`, `e`).
pub fn public_jwk_parts(pkcs8: &[u8]) -> Result<(String, String), String> {
    let pair = KeyPair::from_pkcs8(pkcs8).map_err(|_| "stored RSA key is unreadable".to_string())?;
    let public = pair.public_key();
    Ok((
        URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
        URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
    ))
}

/// The wrap algorithms the emulator accepts (Key Vault's names).
pub fn oaep(alg: &str) -> Option<&'static OaepAlgorithm> {
    match alg {
        "RSA-OAEP-256" => Some(&OAEP_SHA256_MGF1SHA256),
        "RSA-OAEP" => Some(&OAEP_SHA1_MGF1SHA1),
        _ => None,
    }
}

/// Encrypts `plaintext` with the public half of `pkcs8`.
pub fn wrap(pkcs8: &[u8], alg: &'static OaepAlgorithm, plaintext: &[u8]) -> Result<Vec<u8>, String> {
    let private = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(|_| "stored RSA key is unreadable".to_string())?;
    let public = OaepPublicEncryptingKey::new(private.public_key()).map_err(|_| "RSA key unusable".to_string())?;
    if plaintext.len() > public.max_plaintext_size(alg) {
        return Err(format!("the value is too long for this key ({} bytes at most)", public.max_plaintext_size(alg)));
    }
    let mut out = vec![0u8; public.ciphertext_size()];
    let n = public.encrypt(alg, plaintext, &mut out, None).map_err(|_| "RSA-OAEP encryption failed".to_string())?.len();
    out.truncate(n);
    Ok(out)
}

/// Decrypts `ciphertext` with `pkcs8`.
pub fn unwrap(pkcs8: &[u8], alg: &'static OaepAlgorithm, ciphertext: &[u8]) -> Result<Vec<u8>, String> {
    let private = PrivateDecryptingKey::from_pkcs8(pkcs8).map_err(|_| "stored RSA key is unreadable".to_string())?;
    let key = OaepPrivateDecryptingKey::new(private).map_err(|_| "RSA key unusable".to_string())?;
    let mut out = vec![0u8; key.min_output_size()];
    let n = key
        .decrypt(alg, ciphertext, &mut out, None)
        .map_err(|_| "the value cannot be decrypted with this key".to_string())?
        .len();
    out.truncate(n);
    Ok(out)
}

pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url with or without padding (clients send both).
pub fn from_b64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oaep_round_trip_and_jwk() {
        let key = generate_rsa(2048).unwrap();
        let alg = oaep("RSA-OAEP-256").unwrap();
        let wrapped = wrap(&key, alg, b"0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(wrapped.len(), 256);
        assert_eq!(unwrap(&key, alg, &wrapped).unwrap(), b"0123456789abcdef0123456789abcdef");
        assert!(unwrap(&key, oaep("RSA-OAEP").unwrap(), &wrapped).is_err());
        let other = generate_rsa(2048).unwrap();
        assert!(unwrap(&other, alg, &wrapped).is_err());
        let (n, e) = public_jwk_parts(&key).unwrap();
        assert_eq!(from_b64url(&n).unwrap().len(), 256);
        assert_eq!(e, "AQAB");
        assert!(generate_rsa(1024).is_err());
        assert!(oaep("RSA1_5").is_none());
    }
}
