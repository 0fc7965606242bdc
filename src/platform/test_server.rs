//! Test-only: a scripted HTTP server on 127.0.0.1:0 that records every request and answers
//! through a closure, so the client is tested over real HTTP without the sandbox.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Response};
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use url::Url;

use super::{Client, ClientConfig, Credential};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Raw (still percent-encoded) path.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// `"GET /v1/x?a=b"`, for asserting call sequences.
    pub fn line(&self) -> String {
        match &self.query {
            Some(q) => format!("{} {}?{q}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// What the server answers.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, value: Value) -> Reply {
        Reply { status, headers: vec![("content-type", "application/json".into())], body: value.to_string() }
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply { status, headers: Vec::new(), body: body.to_owned() }
    }

    pub fn error(status: u16, kind: &str, message: &str) -> Reply {
        Reply::json(status, json!({"type": "error", "error": {"type": kind, "message": message}}))
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_owned()));
        self
    }
}

/// The handler gets the request and how many earlier requests had the same method and path.
type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

struct Shared {
    requests: Mutex<Vec<Recorded>>,
    handler: Box<Handler>,
}

pub struct TestServer {
    pub base_url: Url,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub async fn start(handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared { requests: Mutex::new(Vec::new()), handler: Box::new(handler) });
        let router = axum::Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        TestServer { base_url: Url::parse(&format!("http://{addr}")).unwrap(), shared, task }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Recorded::line).collect()
    }

    pub fn config(&self, credential: Credential) -> ClientConfig {
        ClientConfig {
            base_url: self.base_url.clone(),
            credential,
            max_retries: 2,
            timeout: Duration::from_secs(10),
            origin: None,
        }
    }

    pub fn client(&self) -> Client {
        Client::new(self.config(admin_key(TEST_KEY))).unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.map(|b| b.to_vec()).unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let earlier = {
        let mut requests = shared.requests.lock().unwrap_or_else(PoisonError::into_inner);
        let earlier = requests.iter().filter(|r| r.method == recorded.method && r.path == recorded.path).count();
        requests.push(recorded.clone());
        earlier
    };
    let reply = (shared.handler)(&recorded, earlier);
    let mut response = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(*name, value);
    }
    response.body(Body::from(reply.body)).unwrap()
}

/// The key the default test client sends.
pub const TEST_KEY: &str = "sk-ant-admin01-test-key-0000";

pub fn admin_key(key: &str) -> Credential {
    Credential::AdminKey(key.into())
}

pub const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

pub fn external_key_json(id: &str, arn: &str) -> Value {
    json!({
        "id": id, "type": "external_key", "attachment": {"type": "unattached"},
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "display_name": "cmek", "geo": "us",
        "provider_config": {"type": "aws", "kms_arn": arn, "region": "us-east-2"},
        "user_profile_id": null
    })
}

pub fn workspace_json(id: &str, name: &str) -> Value {
    json!({
        "id": id, "type": "workspace", "name": name, "archived_at": null,
        "created_at": "2026-01-01T00:00:00Z", "display_color": "#6C5BB9",
        "data_residency": {"workspace_geo": "us", "default_inference_geo": "global",
                           "allowed_inference_geos": "unrestricted"},
        "tags": {}, "compartment_id": "0b0f2a0e-8a4e-4c59-9b5b-0c2b8f6c1d2e",
        "external_key_id": null, "user_profile_id": null
    })
}

pub fn organization_json() -> Value {
    json!({"id": "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b", "name": "Acme", "type": "organization"})
}
