//! The sandbox's own OIDC issuer, standing for a CI system (GitHub Actions, GitLab, ...): an RSA
//! key made when the world is created, its JWKS and discovery document, and identity tokens
//! (RS256 JWTs) signed with it for whatever `sub` and `aud` a test or `cmek sandbox` asks for.
//!
//! The platform verifies these the way it verifies any issuer's (`jwt`): against the published
//! JWK, not through a shortcut, so a token that passes here passes for the right reasons.

use std::collections::BTreeMap;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::model::SigningKey;
use crate::secret::Secret;

/// Where the issuer lives on the platform's listener: `{base_url}oidc`.
pub const ISSUER_PATH: &str = "oidc";

/// The claims of an identity token a CI system would give a job.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityClaims {
    pub subject: String,
    pub audience: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Further claims (`repository`, `ref`, ...), for rules that match `claims`; a `jti` here
    /// replaces the random one.
    pub extra: BTreeMap<String, Value>,
}

impl IdentityClaims {
    /// Issued now, valid for `lifetime`.
    pub fn new(subject: &str, audience: &str, lifetime: chrono::Duration) -> Self {
        let now = Utc::now();
        Self::issued(subject, audience, now, now + lifetime)
    }

    pub fn issued(subject: &str, audience: &str, issued_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Self {
        Self {
            subject: subject.to_string(),
            audience: audience.to_string(),
            issued_at,
            expires_at,
            extra: BTreeMap::new(),
        }
    }
}

/// A new signing key: RSA 2048 (what CI issuers use for RS256), with a random `kid`.
pub fn generate() -> Result<SigningKey, String> {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| "RSA key generation failed".to_string())?;
    let der = pair.as_der().map_err(|_| "RSA key serialisation failed".to_string())?;
    Ok(SigningKey { kid: uuid::Uuid::new_v4().simple().to_string(), pkcs8: Secret::new(STANDARD.encode(der.as_ref())) })
}

/// A loaded signing key.
pub struct Issuer {
    kid: String,
    pair: RsaKeyPair,
}

impl Issuer {
    pub fn load(key: &SigningKey) -> Result<Self, String> {
        let der = STANDARD.decode(key.pkcs8.expose()).map_err(|_| "the issuer key is not base64".to_string())?;
        let pair = RsaKeyPair::from_pkcs8(&der).map_err(|e| format!("the issuer key is unusable: {e}"))?;
        Ok(Self { kid: key.kid.clone(), pair })
    }

    /// The public JWK (`kty`, `use`, `alg`, `kid`, `n`, `e`).
    pub fn jwk(&self) -> Value {
        let public = self.pair.public_key();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    }

    /// An RS256 JWT from `issuer` with `claims` and a random `jti` (unless `extra` has one).
    pub fn sign(&self, issuer: &str, claims: &IdentityClaims) -> Result<String, String> {
        let mut body = Map::new();
        body.insert("jti".into(), Value::from(uuid::Uuid::new_v4().to_string()));
        body.extend(claims.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        body.insert("iss".into(), Value::from(issuer));
        body.insert("sub".into(), Value::from(claims.subject.as_str()));
        body.insert("aud".into(), Value::from(claims.audience.as_str()));
        body.insert("iat".into(), Value::from(claims.issued_at.timestamp()));
        body.insert("nbf".into(), Value::from(claims.issued_at.timestamp()));
        body.insert("exp".into(), Value::from(claims.expires_at.timestamp()));
        self.sign_body(&body)
    }

    /// An RS256 JWT with exactly `body` as its claims (tests use it for odd ones).
    pub fn sign_body(&self, body: &Map<String, Value>) -> Result<String, String> {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(body.clone()).to_string())
        );
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut signature)
            .map_err(|_| "RS256 signing failed".to_string())?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

/// `GET /oidc/.well-known/openid-configuration`.
pub fn discovery(issuer_url: &str) -> Value {
    json!({
        "issuer": issuer_url,
        "jwks_uri": format!("{issuer_url}/jwks"),
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_saved_form_and_signs_verifiable_tokens() {
        let stored = generate().unwrap();
        let issuer = Issuer::load(&stored).unwrap();
        let jwk = issuer.jwk();
        assert_eq!((jwk["kty"].as_str(), jwk["kid"].as_str()), (Some("RSA"), Some(stored.kid.as_str())));
        let claims = IdentityClaims::new(
            "repo:a/b:ref:refs/heads/main",
            "https://api.anthropic.com",
            chrono::Duration::minutes(5),
        );
        let token = issuer.sign("http://127.0.0.1:1/oidc", &claims).unwrap();
        let keys = [super::super::jwt::PublicJwk::from_json(&jwk).unwrap()];
        let body = super::super::jwt::verify_rs256(&token, &keys).unwrap();
        assert_eq!(body["sub"], "repo:a/b:ref:refs/heads/main");
        assert_eq!(body["iss"], "http://127.0.0.1:1/oidc");
        assert_eq!(body["exp"].as_i64(), Some(claims.expires_at.timestamp()));
        assert!(body["jti"].is_string());
        assert!(Issuer::load(&SigningKey { kid: "k".into(), pkcs8: Secret::new("not base64!".into()) }).is_err());
    }
}
