//! The validator's Cloud KMS calls (get the key, encrypt, decrypt) as Anthropic's service
//! account: Cloud KMS's REST over HTTP to the emulator with the account's bearer token, CRC32C
//! sent and checked as Google's clients do. There is no credential chain: the only identity these
//! calls can be made as is Anthropic's, so a success is always Anthropic's.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::super::config::GcpBackend;
use crate::gcp::crc32c;

pub const GET: &str = "cloudkms.cryptoKeys.get";
pub const ENCRYPT: &str = "cloudkms.cryptoKeys.encrypt";
pub const DECRYPT: &str = "cloudkms.cryptoKeys.decrypt";

/// What a call failed with: Google's status, ErrorInfo reason and message, or why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudKmsFailure {
    pub operation: &'static str,
    /// The HTTP status; `None` when Cloud KMS never answered.
    pub http: Option<u16>,
    /// `PERMISSION_DENIED`, `NOT_FOUND`, ...
    pub status: Option<String>,
    /// The first ErrorInfo's reason (`SERVICE_DISABLED`, `SECURITY_POLICY_VIOLATED`, ...).
    pub reason: Option<String>,
    pub message: String,
}

impl CloudKmsFailure {
    fn local(operation: &'static str, message: String) -> Self {
        Self { operation, http: None, status: None, reason: None, message }
    }
}

pub struct CloudKmsCalls<'a> {
    backend: &'a GcpBackend,
    client: reqwest::Client,
}

impl<'a> CloudKmsCalls<'a> {
    pub fn new(backend: &'a GcpBackend) -> Result<Self, CloudKmsFailure> {
        // Loopback only: no proxy from this process's environment may take the call elsewhere.
        let client = reqwest::Client::builder()
            .no_proxy()
            // Plain HTTP on loopback: no trust store, so the system's roots are never loaded.
            .tls_certs_only(Vec::<reqwest::Certificate>::new())
            .timeout(Duration::from_secs(60))
            .default_headers(crate::traffic::internal_headers())
            .build()
            .map_err(|e| CloudKmsFailure::local(GET, format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { backend, client })
    }

    /// One call, retried like Google's clients retry (and the AWS and Azure validators' SDKs do):
    /// a 429 or a 5xx, or no answer, is tried again under the project's one retry policy.
    async fn call(
        &self,
        operation: &'static str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CloudKmsFailure> {
        let transient = |result: &Result<Value, CloudKmsFailure>| {
            result.as_ref().is_err_and(|f| f.http.is_none_or(|s| s == 429 || s >= 500))
        };
        super::transient::retried(|| self.call_once(operation, method.clone(), path, body.clone()), transient).await
    }

    async fn call_once(
        &self,
        operation: &'static str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, CloudKmsFailure> {
        let url = format!("{}/v1/{path}", self.backend.endpoint);
        let mut request = self.client.request(method, url).bearer_auth(self.backend.anthropic_token.expose_secret());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| CloudKmsFailure::local(operation, format!("Cloud KMS unreachable: {e}")))?;
        let http = response.status().as_u16();
        let text =
            response.text().await.map_err(|e| CloudKmsFailure::local(operation, format!("the answer was cut: {e}")))?;
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if (200..300).contains(&http) {
            return Ok(body);
        }
        let error = &body["error"];
        let reason = error["details"]
            .as_array()
            .and_then(|d| d.iter().find(|x| x["@type"].as_str().is_some_and(|t| t.ends_with("google.rpc.ErrorInfo"))))
            .and_then(|info| info["reason"].as_str())
            .map(str::to_string);
        Err(CloudKmsFailure {
            operation,
            http: Some(http),
            status: error["status"].as_str().map(str::to_string),
            reason,
            message: error["message"].as_str().map_or_else(|| format!("HTTP {http}"), str::to_string),
        })
    }

    pub async fn get_key(&self, key_name: &str) -> Result<Value, CloudKmsFailure> {
        self.call(GET, reqwest::Method::GET, key_name, None).await
    }

    /// Encrypts with the key's primary, sending and checking CRC32C; returns the ciphertext.
    pub async fn encrypt(&self, key_name: &str, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CloudKmsFailure> {
        let body = json!({
            "plaintext": STANDARD.encode(plaintext),
            "additionalAuthenticatedData": STANDARD.encode(aad),
            "plaintextCrc32c": crc32c(plaintext).to_string(),
            "additionalAuthenticatedDataCrc32c": crc32c(aad).to_string(),
        });
        let answer = self.call(ENCRYPT, reqwest::Method::POST, &format!("{key_name}:encrypt"), Some(body)).await?;
        let corrupted =
            || CloudKmsFailure::local(ENCRYPT, "the request or answer was corrupted in transit (CRC32C)".into());
        if answer["verifiedPlaintextCrc32c"] != true || answer["verifiedAdditionalAuthenticatedDataCrc32c"] != true {
            return Err(corrupted());
        }
        let ciphertext = answer["ciphertext"].as_str().and_then(|c| STANDARD.decode(c).ok()).ok_or_else(corrupted)?;
        if answer["ciphertextCrc32c"].as_str() != Some(crc32c(&ciphertext).to_string().as_str()) {
            return Err(corrupted());
        }
        Ok(ciphertext)
    }

    pub async fn decrypt(&self, key_name: &str, ciphertext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CloudKmsFailure> {
        let body = json!({
            "ciphertext": STANDARD.encode(ciphertext),
            "additionalAuthenticatedData": STANDARD.encode(aad),
            "ciphertextCrc32c": crc32c(ciphertext).to_string(),
            "additionalAuthenticatedDataCrc32c": crc32c(aad).to_string(),
        });
        let answer = self.call(DECRYPT, reqwest::Method::POST, &format!("{key_name}:decrypt"), Some(body)).await?;
        let corrupted = || CloudKmsFailure::local(DECRYPT, "the answer was corrupted in transit (CRC32C)".into());
        let plaintext = answer["plaintext"].as_str().and_then(|p| STANDARD.decode(p).ok()).ok_or_else(corrupted)?;
        if answer["plaintextCrc32c"].as_str() != Some(crc32c(&plaintext).to_string().as_str()) {
            return Err(corrupted());
        }
        Ok(plaintext)
    }
}
