//! A test driver for the platform emulator: a running sandbox on loopback and a raw HTTP client
//! that sends the admin key and `anthropic-version` (2026-10-21, what the official SDKs send, so
//! errors carry `details.error_code`; `call_as` picks another) and checks the platform's error
//! shape. For this crate's tests and, with the `test-fixtures` feature, for other crates' tests.

use reqwest::Method;
use reqwest::header::HeaderMap;
use secrecy::SecretString;
use serde_json::Value;

use super::{PlatformSandboxConfig, RunningPlatform, start};

pub const ADMIN_KEY: &str = "sk-ant-admin01-sandbox-test-key-0123456789";
/// The version `call` sends.
pub const API_VERSION: &str = super::version::STRUCTURED;
pub const AWS_ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// A running sandbox and a client that sends the admin key and version header.
pub struct Api {
    pub sandbox: RunningPlatform,
    client: reqwest::Client,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Reply {
    /// The body of a 200, or a test failure showing what came instead.
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected 200, got {}: {}", self.status, self.json);
        &self.json
    }

    /// Asserts an error of `status` and `kind` in the platform's shape; returns its message.
    pub fn error(&self, status: u16, kind: &str) -> String {
        assert_eq!(self.status, status, "expected {status} {kind}, got {}: {}", self.status, self.json);
        assert_eq!(self.json["type"], "error", "{}", self.json);
        assert_eq!(self.json["error"]["type"], kind, "{}", self.json);
        let request_id = self.headers.get("request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(request_id.starts_with("req_"), "request-id header: {request_id:?}");
        assert_eq!(self.json["request_id"], request_id, "body and header request ids differ");
        self.json["error"]["message"].as_str().unwrap_or_default().to_string()
    }
}

impl Api {
    pub async fn start() -> Api {
        Api::start_with(PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY))).await
    }

    pub async fn start_with(cfg: PlatformSandboxConfig) -> Api {
        let sandbox = start(cfg).await.unwrap();
        Api { sandbox, client: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.base_url.as_str().trim_end_matches('/'), path)
    }

    /// A request with the admin key and `anthropic-version: 2026-10-21`.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call_as(API_VERSION, method, path, body).await
    }

    /// A request with the admin key and `anthropic-version: <version>`.
    pub async fn call_as(&self, version: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let request = self
            .client
            .request(method, self.url(path))
            .header("x-api-key", ADMIN_KEY)
            .header("anthropic-version", version);
        send(match body {
            Some(b) => request.json(&b),
            None => request,
        })
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    /// A request built by the test itself (other headers, raw bodies).
    pub fn raw(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// `POST /v1/oauth/token` with `body` and the federation betas.
    pub async fn token(&self, body: Value) -> Reply {
        token_request(&self.client, &self.sandbox.base_url, &body).await
    }

    /// A request authenticated with an OAuth access token (and the OAuth beta).
    pub async fn call_with_token(&self, token: &str, method: Method, path: &str) -> Reply {
        send(with_token(self.client.request(method, self.url(path)), token)).await
    }

    /// Creates an AWS external key for `arn`; returns its id.
    pub async fn create_aws_key(&self, arn: &str) -> String {
        let reply = self
            .post(
                "/v1/organizations/external_keys",
                serde_json::json!({"provider_config": {"type": "aws", "kms_arn": arn}}),
            )
            .await;
        reply.ok()["id"].as_str().unwrap().to_string()
    }
}

pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON (HTTP {status}): {text}"));
    Reply { status, headers, json }
}

/// The beta an OAuth token is sent with (and a refresh).
pub use super::auth::OAUTH_BETA;
/// The betas a federation exchange sends.
pub const FEDERATION_BETAS: &str = "oauth-2025-04-20,oidc-federation-2026-04-01";

/// `POST {base_url}v1/oauth/token` with `body` as JSON and the betas the SDKs send with its
/// grant: both for jwt-bearer, the OAuth one alone for refresh_token.
pub async fn token_request(client: &reqwest::Client, base_url: &url::Url, body: &Value) -> Reply {
    let url = format!("{base_url}v1/oauth/token");
    let betas = if body["grant_type"] == "refresh_token" { OAUTH_BETA } else { FEDERATION_BETAS };
    send(client.post(url).header("anthropic-beta", betas).json(body)).await
}

/// `request` with `Authorization: Bearer <token>`, the OAuth beta and `anthropic-version: 2026-10-21`.
pub fn with_token(request: reqwest::RequestBuilder, token: &str) -> reqwest::RequestBuilder {
    request.bearer_auth(token).header("anthropic-beta", OAUTH_BETA).header("anthropic-version", API_VERSION)
}
