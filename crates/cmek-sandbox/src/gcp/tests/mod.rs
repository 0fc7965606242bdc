//! The emulator on loopback, driven over HTTP with reqwest as Google's clients drive it.

mod crypto_ops;
mod iam;
mod resources;
mod scenarios;

use reqwest::Method;
use serde_json::{Value, json};

use super::{GcpEmulatorConfig, RunningGcp, start};

pub const PARENT: &str = "projects/cmek-sandbox/locations/us-central1";
pub const RING: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek";
pub const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

/// A running emulator and a client calling it with one principal's token.
pub struct Gcp {
    pub running: RunningGcp,
    client: reqwest::Client,
}

/// One answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub json: Value,
}

impl Reply {
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected 200, got {}: {}", self.status, self.json);
        &self.json
    }

    /// Asserts Google's error shape with `code` and `status`; returns the message.
    pub fn error(&self, code: u16, status: &str) -> String {
        assert_eq!(self.status, code, "expected {code} {status}, got {}: {}", self.status, self.json);
        let e = &self.json["error"];
        assert_eq!(e["code"], code, "{}", self.json);
        assert_eq!(e["status"], status, "{}", self.json);
        assert!(e["details"].as_array().is_some_and(|d| !d.is_empty()), "no details: {}", self.json);
        e["message"].as_str().unwrap_or_default().to_string()
    }

    /// The ErrorInfo's reason.
    pub fn reason(&self) -> String {
        let details = self.json["error"]["details"].as_array().cloned().unwrap_or_default();
        let info = details.iter().find(|d| d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo");
        info.and_then(|i| i["reason"].as_str()).unwrap_or_default().to_string()
    }
}

impl Gcp {
    pub async fn start() -> Gcp {
        Gcp::on(start(GcpEmulatorConfig::new()).await.unwrap())
    }

    pub fn on(running: RunningGcp) -> Gcp {
        Gcp { running, client: reqwest::Client::builder().no_proxy().build().unwrap() }
    }

    pub fn admin(&self) -> String {
        self.running.admin_token()
    }

    pub fn anthropic(&self) -> String {
        self.running.anthropic_token()
    }

    /// A request as `token` (None: no Authorization header); `path` is after `/v1/` unless it starts with `/`.
    pub async fn call(&self, token: Option<&str>, method: Method, path: &str, body: Option<Value>) -> Reply {
        let path = if path.starts_with('/') { path.to_string() } else { format!("/v1/{path}") };
        let mut request = self.client.request(method, format!("{}{path}", self.running.endpoint_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON (HTTP {status}): {text}"));
        Reply { status, json }
    }

    pub async fn get(&self, token: &str, path: &str) -> Reply {
        self.call(Some(token), Method::GET, path, None).await
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Reply {
        self.call(Some(token), Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: Value) -> Reply {
        self.call(Some(token), Method::PATCH, path, Some(body)).await
    }

    /// Ring and key `anthropic-cmek` made by the admin (HSM); returns the key.
    pub async fn ring_and_key(&self) -> Value {
        let admin = self.admin();
        self.post(&admin, &format!("{PARENT}/keyRings?keyRingId=anthropic-cmek"), json!({})).await.ok();
        let body = json!({"purpose": "ENCRYPT_DECRYPT", "versionTemplate": {"protectionLevel": "HSM"}});
        self.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=anthropic-cmek"), body).await.ok().clone()
    }

    /// Adds `members` to `role` on `resource` with a read-modify-write as the admin.
    pub async fn bind(&self, resource: &str, role: &str, member: &str) {
        let admin = self.admin();
        let mut policy =
            self.get(&admin, &format!("{resource}:getIamPolicy?options.requestedPolicyVersion=3")).await.ok().clone();
        let mut bindings = policy["bindings"].as_array().cloned().unwrap_or_default();
        bindings.push(json!({"role": role, "members": [member]}));
        policy["bindings"] = Value::Array(bindings);
        self.post(&admin, &format!("{resource}:setIamPolicy"), json!({"policy": policy})).await.ok();
    }
}
