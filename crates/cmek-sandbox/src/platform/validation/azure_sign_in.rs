//! Anthropic's app signing in to the registered tenant (client credentials at the Entra token
//! endpoint), done once before the provider's calls.
//!
//! Why not leave it to the provider: its credential chain falls through to other sources when
//! the client secret is refused (managed identity, the Azure CLI), which would at best hide
//! Entra's `AADSTS...` answer behind a longer message or a timeout, and at worst find the
//! customer's own identity in this process's environment and validate as the wrong principal.
//! Asking the token endpoint directly keeps Entra's exact refusal.

use std::net::SocketAddr;
use std::time::Duration;

use secrecy::ExposeSecret;

use super::super::config::AzureBackend;

/// The token audience for Key Vault's data plane.
const VAULT_SCOPE: &str = "https://vault.azure.net/.default";

/// Why signing in failed: Entra's `error_description` (`AADSTS<code>: ...`), or a transport failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    Refused { code: Option<u64>, description: String },
    Unreachable(String),
}

/// Client credentials for Key Vault in `tenant` as Anthropic's app; `Ok` when Entra issues a token.
pub async fn sign_in(backend: &AzureBackend, tenant: &str) -> Result<(), SignInError> {
    let unreachable = |e: &dyn std::fmt::Display| SignInError::Unreachable(e.to_string());
    let authority = url::Url::parse(&backend.authority).map_err(|e| unreachable(&e))?;
    let ca = reqwest::Certificate::from_pem(backend.ca_pem.as_bytes()).map_err(|e| unreachable(&e))?;
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        // The emulator's CA only: the system's roots are never needed, so never loaded.
        .tls_certs_only([ca])
        // No proxy: a shell's HTTPS_PROXY (the sandbox's own, even) must not capture loopback calls.
        .no_proxy()
        .default_headers(crate::traffic::internal_headers());
    if let Some(host) = authority.host_str() {
        builder = builder.resolve(host, SocketAddr::from(([127, 0, 0, 1], backend.loopback_port)));
    }
    let client = builder.build().map_err(|e| unreachable(&e))?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", &backend.anthropic_client_id)
        .append_pair("client_secret", backend.anthropic_client_secret.expose_secret())
        .append_pair("scope", VAULT_SCOPE)
        .finish();
    let url = format!("{}/{tenant}/oauth2/v2.0/token", backend.authority.trim_end_matches('/'));
    // A busy token endpoint (429, 5xx, a dropped connection) is tried again, as the Azure SDKs'
    // own credentials do, under the project's one retry policy; a refusal is final.
    // (An answer cut off mid-body counts as no answer.)
    let attempt = || async {
        let response = client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .map_err(|e| unreachable(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| unreachable(&e))?;
        Ok((status, text))
    };
    let busy = |answer: &Result<(reqwest::StatusCode, String), SignInError>| match answer {
        Ok((status, _)) => status.as_u16() == 429 || status.is_server_error(),
        Err(_) => true,
    };
    let (status, text) = super::transient::retried(attempt, busy).await?;
    if status.is_success() {
        return Ok(());
    }
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let description = value["error_description"]
        .as_str()
        .map_or_else(|| format!("the token endpoint answered HTTP {status}: {text}"), str::to_string);
    let code = value["error_codes"].get(0).and_then(serde_json::Value::as_u64);
    Err(SignInError::Refused { code, description })
}
