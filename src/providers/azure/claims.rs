//! `whoami`: who the credential signed in as, from the ARM access token's claims (`tid`, `oid`,
//! `appid`/`azp`). The token is decoded, not verified: it only names ourselves. And `warm_token`:
//! a token fetched ahead of the call that needs it.

use azure_core::credentials::TokenCredential;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::sdk_error::from_sdk;
use super::settings::ARM_SCOPE;
use cmek_core::model::azure::AzureCallerIdentity;

const OPERATION: &str = "entra:token";

impl AzureProvider {
    /// The signed-in identity (tenant, object id, client id).
    pub async fn whoami(&self) -> Result<AzureCallerIdentity, AzureError> {
        let token = self.credential.get_token(&[ARM_SCOPE], None).await.map_err(|e| from_sdk(OPERATION, &e))?;
        caller_from_token(token.token.secret())
    }
}

impl AzureProvider {
    /// Fetches a token for `scope` into the credential's cache now, so that the call needing it
    /// later does not wait for it; a failure is left for that call to report.
    pub async fn warm_token(&self, scope: &str) {
        if let Err(e) = self.credential.get_token(&[scope], None).await {
            tracing::debug!(scope, error = %e, "token not fetched ahead");
        }
    }
}

/// Reads the claims of a JWT access token (the middle part, base64url JSON).
pub(crate) fn caller_from_token(token: &str) -> Result<AzureCallerIdentity, AzureError> {
    let unreadable = || AzureError::new(AzureErrorKind::Other, OPERATION, "the access token's claims are unreadable");
    let payload = token.split('.').nth(1).ok_or_else(unreadable)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).map_err(|_| unreadable())?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| unreadable())?;
    let text = |name: &str| claims[name].as_str().map(str::to_string);
    let tenant_id = text("tid").ok_or_else(unreadable)?;
    Ok(AzureCallerIdentity { tenant_id, object_id: text("oid"), app_id: text("appid").or_else(|| text("azp")) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_and_garbage_is_refused() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"tid":"t","oid":"o","azp":"a"}"#);
        let who = caller_from_token(&format!("h.{payload}.s")).unwrap();
        assert_eq!(
            (who.tenant_id.as_str(), who.object_id.as_deref(), who.app_id.as_deref()),
            ("t", Some("o"), Some("a"))
        );
        assert!(caller_from_token("not-a-jwt").is_err());
        assert!(caller_from_token("a.!!!.c").is_err());
    }
}
