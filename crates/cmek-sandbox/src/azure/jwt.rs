//! Access tokens as Entra ID issues them, in shape: a JWT (HS256 with the emulator's own key)
//! carrying `tid`, `oid`, `appid`, `aud`, `iat`, `nbf`, `exp`. Checked on every API call.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The claims the emulator issues and checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub aud: String,
    pub iss: String,
    pub tid: String,
    pub oid: String,
    pub appid: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
}

/// Why a token is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
    WrongAudience { found: String },
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::Malformed => f.write_str("the access token is not a well-formed JWT"),
            TokenError::BadSignature => f.write_str("the access token's signature is invalid"),
            TokenError::Expired => f.write_str("the access token has expired"),
            TokenError::NotYetValid => f.write_str("the access token is not valid yet"),
            TokenError::WrongAudience { found } => write!(f, "the access token's audience `{found}` is not this API"),
        }
    }
}

/// Signs and verifies tokens with one HMAC key.
pub struct Signer {
    key: hmac::Key,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Self {
        Self { key: hmac::Key::new(hmac::HMAC_SHA256, secret) }
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let input = format!("{header}.{body}");
        let tag = hmac::sign(&self.key, input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// Checks signature, validity window (at `now`, Unix seconds) and that `aud` is one of `audiences`.
    pub fn verify(&self, token: &str, now: i64, audiences: &[&str]) -> Result<Claims, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(body), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| TokenError::Malformed)?;
        hmac::verify(&self.key, format!("{header}.{body}").as_bytes(), &sig).map_err(|_| TokenError::BadSignature)?;
        let body = URL_SAFE_NO_PAD.decode(body).map_err(|_| TokenError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&body).map_err(|_| TokenError::Malformed)?;
        if now >= claims.exp {
            return Err(TokenError::Expired);
        }
        if now < claims.nbf {
            return Err(TokenError::NotYetValid);
        }
        let aud = claims.aud.trim_end_matches('/');
        if !audiences.iter().any(|a| a.trim_end_matches('/') == aud) {
            return Err(TokenError::WrongAudience { found: claims.aud.clone() });
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(aud: &str) -> Claims {
        Claims {
            aud: aud.to_string(),
            iss: "https://sts.windows.net/t/".to_string(),
            tid: "t".to_string(),
            oid: "o".to_string(),
            appid: "a".to_string(),
            iat: 100,
            nbf: 100,
            exp: 200,
        }
    }

    #[test]
    fn round_trip_and_checks() {
        let s = Signer::new(b"k1");
        let t = s.sign(&claims("https://vault.azure.net"));
        assert_eq!(s.verify(&t, 150, &["https://vault.azure.net"]).unwrap().oid, "o");
        assert_eq!(s.verify(&t, 150, &["https://vault.azure.net/"]).unwrap().oid, "o");
        assert_eq!(s.verify(&t, 200, &["https://vault.azure.net"]), Err(TokenError::Expired));
        assert_eq!(s.verify(&t, 99, &["https://vault.azure.net"]), Err(TokenError::NotYetValid));
        assert!(matches!(s.verify(&t, 150, &["https://management.azure.com/"]), Err(TokenError::WrongAudience { .. })));
        assert_eq!(Signer::new(b"k2").verify(&t, 150, &["https://vault.azure.net"]), Err(TokenError::BadSignature));
        assert_eq!(s.verify("abc", 150, &["x"]), Err(TokenError::Malformed));
        let mut tampered = t.clone();
        tampered.insert(t.find('.').unwrap() + 3, 'x');
        assert!(s.verify(&tampered, 150, &["https://vault.azure.net"]).is_err());
    }
}
