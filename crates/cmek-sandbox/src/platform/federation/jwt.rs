//! Reading an identity token (a compact JWS): RS256 only, its signature checked against an
//! issuer's JWKs, then its claims as JSON. Any malformed input is a reason, never a panic; the
//! reasons go to the authentication events, never to the caller.

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// An RSA public JWK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    pub kid: Option<String>,
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

impl PublicJwk {
    /// `{"kty":"RSA","n","e","kid"?}`; anything else is not a key this can use.
    pub fn from_json(value: &Value) -> Option<Self> {
        if value.get("kty")?.as_str()? != "RSA" {
            return None;
        }
        let decode = |name: &str| URL_SAFE_NO_PAD.decode(value.get(name)?.as_str()?).ok();
        Some(Self {
            kid: value.get("kid").and_then(Value::as_str).map(str::to_string),
            n: decode("n")?,
            e: decode("e")?,
        })
    }
}

/// The claims of `token` when it is an RS256 JWT signed by one of `keys` (the one its `kid`
/// names, or any when it names none).
pub fn verify_rs256(token: &str, keys: &[PublicJwk]) -> Result<Map<String, Value>, String> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the assertion is not a JWT (three base64url parts separated by dots)".into());
    };
    // What the signature covers: `<header>.<payload>`, as sent.
    let signed = &token.as_bytes()[..header.len() + 1 + payload.len()];
    let header = decode_object(header).map_err(|why| format!("the JWT header {why}"))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != "RS256" {
        return Err(format!("the JWT is signed with `{}`, not RS256", shown(alg)));
    }
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| "the JWT signature is not base64url".to_string())?;
    let candidates: Vec<&PublicJwk> = match header.get("kid").and_then(Value::as_str) {
        Some(kid) => {
            let found: Vec<&PublicJwk> = keys.iter().filter(|k| k.kid.as_deref() == Some(kid)).collect();
            if found.is_empty() {
                return Err(format!("the JWT's kid `{}` is not in the issuer's JWKS", shown(kid)));
            }
            found
        }
        None => keys.iter().collect(),
    };
    let verified = candidates.iter().any(|k| {
        RsaPublicKeyComponents { n: k.n.as_slice(), e: k.e.as_slice() }
            .verify(&RSA_PKCS1_2048_8192_SHA256, signed, &signature)
            .is_ok()
    });
    if !verified {
        return Err("the JWT signature does not verify with the issuer's JWKS".into());
    }
    decode_object(payload).map_err(|why| format!("the JWT payload {why}"))
}

fn decode_object(part: &str) -> Result<Map<String, Value>, &'static str> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| "is not base64url")?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err("is not a JSON object"),
    }
}

/// At most 100 characters of a value from the assertion, for a reason.
pub fn shown(value: &str) -> String {
    value.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_reason_not_a_panic() {
        let keys = [PublicJwk { kid: Some("k".into()), n: vec![1, 2, 3], e: vec![1, 0, 1] }];
        for bad in ["", ".", "..", "a.b.c", "a.b.c.d", "é.é.é", "eyJhbGciOiJSUzI1NiJ9..", "e30.e30.e30"] {
            assert!(verify_rs256(bad, &keys).is_err(), "{bad}");
        }
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode("{}"));
        assert!(verify_rs256(&none, &keys).unwrap_err().contains("`none`"));
        let unknown_kid =
            format!("{}.{}.AAAA", URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"x"}"#), URL_SAFE_NO_PAD.encode("{}"));
        assert!(verify_rs256(&unknown_kid, &keys).unwrap_err().contains("kid `x`"));
        let bad_key =
            format!("{}.{}.AAAA", URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"k"}"#), URL_SAFE_NO_PAD.encode("{}"));
        assert!(verify_rs256(&bad_key, &keys).unwrap_err().contains("does not verify"));
        assert!(PublicJwk::from_json(&serde_json::json!({"kty": "EC", "x": "AA"})).is_none());
    }
}
