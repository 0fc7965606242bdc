//! The provider against a tiny in-test HTTP server answering like Cloud KMS's REST API (enums as
//! numbers when the client asks with `$alt=json;enum-encoding=int`, as Google's Rust client does):
//! the endpoint override over plain http with a fixed token, the mapping into model facts, and
//! the errors callers react to.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::*;
use cmek_core::model::gcp::{
    ENCRYPTER_DECRYPTER_ROLE, GcpBinding, GcpIamPolicy, GcpKeyName, VIEWER_ROLE, VersionState,
};

const TOKEN: &str = "ya29.sandbox-CANARY-token-4f2a9c";
const PROJECT: &str = "cmek-sandbox";
const RING: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek";
const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";
const ANTHROPIC: &str = "serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com";

/// One request as the stub saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// Decoded path, e.g. `/v1/projects/.../cryptoKeys/k:getIamPolicy`.
    path: String,
    query: Vec<(String, String)>,
    authorization: Option<String>,
    body: Value,
}

impl Seen {
    fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether the client asked for enums as numbers.
    fn enums_as_numbers(&self) -> bool {
        self.query("$alt").is_some_and(|v| v.contains("enum-encoding=int"))
    }

    fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

type Answer = (u16, Value);
type Responder = Arc<dyn Fn(&Seen) -> Answer + Send + Sync>;

struct Stub {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Stub {
    async fn start(respond: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Stub {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let state: (Responder, Arc<Mutex<Vec<Seen>>>) = (Arc::new(respond), seen.clone());
        let app = axum::Router::new().fallback(handle).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Stub { url, seen, task }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn client(&self) -> GcpClient {
        let settings = GcpSettings {
            endpoint: Some(self.url.clone()),
            project: Some(PROJECT.into()),
            credentials: GcpCredentialSource::AccessToken(TOKEN.to_string().into()),
            principal: None,
        };
        GcpClient::connect(&settings, &|_| None).unwrap()
    }
}

async fn handle(State((respond, seen)): State<(Responder, Arc<Mutex<Vec<Seen>>>)>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let query = url::form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    let request = Seen {
        method: parts.method.to_string(),
        path: percent_decode(parts.uri.path()),
        query,
        authorization: parts.headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string),
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    };
    let (status, body) = respond(&request);
    seen.lock().unwrap().push(request);
    let status = StatusCode::from_u16(status).unwrap();
    (status, [("content-type", "application/json")], Body::from(body.to_string())).into_response()
}

/// `%XX` escapes decoded (the client may escape characters of resource names in the path).
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Google's error body.
fn error(code: u16, status: &str, message: &str, details: Value) -> Answer {
    (code, json!({"error": {"code": code, "message": message, "status": status, "details": details}}))
}

fn not_found(what: &str) -> Answer {
    error(404, "NOT_FOUND", &format!("{what} not found."), json!([]))
}

/// An enum value in the form the request asked for.
fn enum_value(seen: &Seen, name: &str, number: i64) -> Value {
    if seen.enums_as_numbers() { json!(number) } else { json!(name) }
}

fn version(seen: &Seen, n: u32, state: (&str, i64), destroy_time: Option<&str>) -> Value {
    let mut v = json!({
        "name": format!("{KEY}/cryptoKeyVersions/{n}"),
        "state": enum_value(seen, state.0, state.1),
        "protectionLevel": enum_value(seen, "HSM", 2),
        "algorithm": enum_value(seen, "GOOGLE_SYMMETRIC_ENCRYPTION", 1),
        "createTime": "2026-01-05T10:00:00Z",
    });
    if let Some(t) = destroy_time {
        v["destroyTime"] = json!(t);
    }
    v
}

fn crypto_key(seen: &Seen, labels: Value) -> Value {
    json!({
        "name": KEY,
        "primary": version(seen, 2, ("ENABLED", 1), None),
        "purpose": enum_value(seen, "ENCRYPT_DECRYPT", 1),
        "createTime": "2026-01-05T10:00:00Z",
        "nextRotationTime": "2027-01-01T00:00:00Z",
        "rotationPeriod": "7776000s",
        "versionTemplate": {
            "protectionLevel": enum_value(seen, "HSM", 2),
            "algorithm": enum_value(seen, "GOOGLE_SYMMETRIC_ENCRYPTION", 1),
        },
        "labels": labels,
        "destroyScheduledDuration": "2592000s",
    })
}

fn customer_policy() -> Value {
    json!({
        "version": 3,
        "etag": "BwYk1a2b3c4=",
        "bindings": [
            {"role": ENCRYPTER_DECRYPTER_ROLE, "members": ["user:ada@example.com"]},
            {"role": VIEWER_ROLE, "members": ["group:kms-readers@example.com"],
             "condition": {"title": "office hours", "expression": "request.time.getHours('Europe/London') < 18"}},
        ]
    })
}

/// A Cloud KMS holding the key ring and key, its policy readable.
fn kms_with_key(seen: &Seen) -> Answer {
    let versions = format!("{KEY}/cryptoKeyVersions");
    let get_policy = format!("{KEY}:getIamPolicy");
    match (seen.method.as_str(), seen.path.trim_start_matches("/v1/")) {
        ("GET", p) if p == KEY => {
            (200, crypto_key(seen, json!({"anthropic-org-5a3c9e7d": "true", "team": "security"})))
        }
        ("GET", p) if p == versions => (
            200,
            json!({
                "cryptoKeyVersions": [
                    version(seen, 1, ("DESTROY_SCHEDULED", 4), Some("2026-02-04T10:00:00Z")),
                    version(seen, 2, ("ENABLED", 1), None),
                ],
                "totalSize": 2
            }),
        ),
        ("GET", p) if p == get_policy => (200, customer_policy()),
        ("GET", p) if p == RING => (200, json!({"name": RING, "createTime": "2026-01-05T09:00:00Z"})),
        ("GET", p) if p == format!("{RING}:getIamPolicy") => (200, json!({"version": 1, "etag": "ACAB"})),
        _ => not_found("Resource"),
    }
}

#[tokio::test]
async fn get_key_goes_to_the_endpoint_with_the_token_and_maps_enums_versions_and_policy() {
    let stub = Stub::start(kms_with_key).await;
    let client = stub.client();
    let name = GcpKeyName::parse(KEY).unwrap();

    let found = client.get_key(&name).await.unwrap().expect("the key exists");
    let key = found.facts;
    assert_eq!(found.iam_policy_error, None);
    assert_eq!(key.name, KEY);
    assert_eq!(key.purpose, "ENCRYPT_DECRYPT");
    assert_eq!(key.protection_level.as_deref(), Some("HSM"));
    assert_eq!(key.algorithm.as_deref(), Some("GOOGLE_SYMMETRIC_ENCRYPTION"));
    let primary = key.primary.as_ref().unwrap();
    assert_eq!((primary.number(), primary.state, primary.state_name.as_str()), ("2", VersionState::Enabled, "ENABLED"));
    assert_eq!(key.versions.len(), 2);
    assert_eq!(key.versions[0].state, VersionState::DestroyScheduled);
    assert_eq!(key.versions[0].state_name, "DESTROY_SCHEDULED");
    assert_eq!(key.versions[0].destroy_time.as_deref(), Some("2026-02-04T10:00:00Z"));
    assert_eq!(key.labels.get("anthropic-org-5a3c9e7d").map(String::as_str), Some("true"));
    assert_eq!(key.rotation_period.as_deref(), Some("7776000s"));
    assert_eq!(key.next_rotation_time.as_deref(), Some("2027-01-01T00:00:00Z"));
    assert_eq!(key.destroy_scheduled_duration.as_deref(), Some("2592000s"));
    let policy = key.iam_policy.as_ref().unwrap();
    assert_eq!((policy.version, policy.etag.as_str()), (3, "BwYk1a2b3c4="));
    assert_eq!(policy.bindings[1].condition.as_ref().unwrap()["title"], "office hours");
    assert!(policy.grants(ENCRYPTER_DECRYPTER_ROLE, "user:ada@example.com"));

    let seen = stub.seen();
    assert_eq!(seen.len(), 3, "get, list versions, get policy: {seen:#?}");
    for request in &seen {
        assert_eq!(request.authorization.as_deref(), Some(format!("Bearer {TOKEN}").as_str()), "{request:?}");
        assert!(request.enums_as_numbers(), "Google's Rust client asks for numbers: {request:?}");
    }
    assert!(seen[2].is("GET", &format!("/v1/{KEY}:getIamPolicy")));
    assert_eq!(seen[2].query("options.requestedPolicyVersion"), Some("3"));
}

#[tokio::test]
async fn a_key_or_ring_that_does_not_exist_is_none() {
    let stub = Stub::start(|_| not_found("CryptoKey")).await;
    let client = stub.client();
    assert_eq!(client.get_key(&GcpKeyName::parse(KEY).unwrap()).await.unwrap(), None);
    assert_eq!(client.get_key_ring(RING).await.unwrap(), None);
    assert_eq!(stub.seen().len(), 2, "NOT_FOUND is an answer, not retried");
}

#[tokio::test]
async fn a_policy_cloud_kms_will_not_show_is_kept_as_the_reason_not_a_failure() {
    let stub = Stub::start(|seen| {
        if seen.path.ends_with(":getIamPolicy") {
            error(
                403,
                "PERMISSION_DENIED",
                "Permission 'cloudkms.cryptoKeys.getIamPolicy' denied on resource (or it may not exist).",
                json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "IAM_PERMISSION_DENIED",
                        "domain": "cloudkms.googleapis.com",
                        "metadata": {"permission": "cloudkms.cryptoKeys.getIamPolicy", "resource": KEY}}]),
            )
        } else {
            kms_with_key(seen)
        }
    })
    .await;
    let found = stub.client().get_key(&GcpKeyName::parse(KEY).unwrap()).await.unwrap().unwrap();
    assert_eq!(found.facts.iam_policy, None);
    assert_eq!(found.facts.versions.len(), 2, "the rest of the read stands");
    let why = found.iam_policy_error.unwrap();
    assert_eq!(why.kind, GcpErrorKind::PermissionDenied);
    assert_eq!(why.operation, "cloudkms.cryptoKeys.getIamPolicy");
    assert_eq!(why.reason(), Some("IAM_PERMISSION_DENIED"));
    assert_eq!(why.metadata("permission"), Some("cloudkms.cryptoKeys.getIamPolicy"));
}

#[tokio::test]
async fn a_stale_etag_on_set_iam_policy_is_its_own_kind_and_is_not_retried() {
    let stub = Stub::start(|seen| {
        if seen.path.ends_with(":setIamPolicy") {
            error(409, "ABORTED", "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.", json!([]))
        } else {
            kms_with_key(seen)
        }
    })
    .await;
    let client = stub.client();
    let read = client.get_iam_policy(KEY).await.unwrap();
    let wanted = read.with_member(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], ANTHROPIC);

    let e = client.set_iam_policy(KEY, &wanted).await.unwrap_err();
    assert_eq!(e.kind, GcpErrorKind::StaleEtag);
    assert_eq!(e.status, Some("ABORTED"));
    assert_eq!(e.http_status, Some(409));
    assert!(!e.transient);
    assert!(e.next_step().unwrap().contains("read it again"));

    let seen = stub.seen();
    let sets: Vec<_> = seen.iter().filter(|s| s.path.ends_with(":setIamPolicy")).collect();
    assert_eq!(sets.len(), 1, "the caller re-reads; the provider does not retry");
    let sent = &sets[0].body["policy"];
    assert_eq!(sets[0].method, "POST");
    assert_eq!(sent["etag"], "BwYk1a2b3c4=", "the etag that was read goes back");
    assert_eq!(sent["version"], 3);
    let bindings: Vec<GcpBinding> = serde_json::from_value(sent["bindings"].clone()).unwrap();
    assert_eq!(bindings, wanted.bindings, "every binding and condition sent as built");
}

#[tokio::test]
async fn set_iam_policy_returns_the_stored_policy() {
    let stub = Stub::start(|seen| {
        if seen.path.ends_with(":setIamPolicy") {
            let mut stored = seen.body["policy"].clone();
            stored["etag"] = json!("BwYk1a2b3c8=");
            (200, stored)
        } else {
            kms_with_key(seen)
        }
    })
    .await;
    let client = stub.client();
    let wanted = client.get_iam_policy(KEY).await.unwrap().with_member(&[VIEWER_ROLE], ANTHROPIC);
    let stored = client.set_iam_policy(KEY, &wanted).await.unwrap();
    assert_eq!(stored, GcpIamPolicy { etag: "BwYk1a2b3c8=".into(), ..wanted });
}

#[tokio::test]
async fn an_api_that_is_off_says_how_to_enable_it() {
    let stub = Stub::start(|_| {
        error(
            403,
            "PERMISSION_DENIED",
            "Cloud Key Management Service (KMS) API has not been used in project 123456789 before or it is disabled.",
            json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
                    "domain": "googleapis.com",
                    "metadata": {"service": "cloudkms.googleapis.com", "consumer": "projects/123456789"}}]),
        )
    })
    .await;
    let e = stub.client().get_key(&GcpKeyName::parse(KEY).unwrap()).await.unwrap_err();
    assert_eq!(e.kind, GcpErrorKind::ServiceDisabled);
    assert_eq!((e.status, e.reason()), (Some("PERMISSION_DENIED"), Some("SERVICE_DISABLED")));
    assert_eq!(e.info.as_ref().unwrap().domain, "googleapis.com");
    assert_eq!(e.metadata("consumer"), Some("projects/123456789"));
    assert_eq!(e.resource.as_deref(), Some(KEY));
    assert_eq!(stub.seen().len(), 1, "a refusal is not retried");

    let edge = crate::error::Error::from(e);
    assert_eq!(edge.kind, crate::error::ErrorKind::Auth);
    assert!(edge.message.contains(KEY) && edge.message.contains("SERVICE_DISABLED"), "{}", edge.message);
    assert!(
        edge.hints.iter().any(|h| h.contains("gcloud services enable cloudkms.googleapis.com --project cmek-sandbox")),
        "{:?}",
        edge.hints
    );
}

#[tokio::test]
async fn unavailable_is_retried_by_the_one_policy_only() {
    let stub = Stub::start(|_| error(503, "UNAVAILABLE", "The service is currently unavailable.", json!([]))).await;
    let e = stub.client().get_key_ring(RING).await.unwrap_err();
    assert_eq!(e.kind, GcpErrorKind::Unavailable);
    assert!(e.message.contains("gave up after 3 attempts"), "{e}");
    assert_eq!(stub.seen().len(), 3, "two retries of ours, none of the Google client's");
}

#[tokio::test]
async fn create_key_sends_a_symmetric_key_and_reads_back_one_that_exists() {
    let stub = Stub::start(|seen| {
        if seen.method == "POST" && seen.path == format!("/v1/{RING}/cryptoKeys") {
            error(409, "ALREADY_EXISTS", &format!("CryptoKey {KEY} already exists."), json!([]))
        } else {
            kms_with_key(seen)
        }
    })
    .await;
    let new = NewGcpKey {
        protection_level: "HSM".into(),
        rotation_period: Some("7776000s".into()),
        next_rotation_time: Some("2027-01-01T00:00:00Z".into()),
        labels: BTreeMap::from([("anthropic-org-5a3c9e7d".to_string(), "true".to_string())]),
    };
    let key = stub.client().create_key(&GcpKeyName::parse(KEY).unwrap(), &new).await.unwrap();
    assert_eq!(key.name, KEY);
    assert_eq!(key.versions.len(), 2, "read back in full");
    assert!(key.iam_policy.is_some());

    let seen = stub.seen();
    let create = &seen[0];
    assert_eq!(create.query("cryptoKeyId"), Some("anthropic-cmek"));
    assert_eq!(create.body["purpose"], 1, "ENCRYPT_DECRYPT");
    assert_eq!(create.body["versionTemplate"]["protectionLevel"], 2, "HSM");
    assert_eq!(create.body["versionTemplate"]["algorithm"], 1, "GOOGLE_SYMMETRIC_ENCRYPTION");
    assert_eq!(create.body["rotationPeriod"], "7776000s");
    assert_eq!(create.body["nextRotationTime"], "2027-01-01T00:00:00Z");
    assert_eq!(create.body["labels"]["anthropic-org-5a3c9e7d"], "true");
    assert_eq!(seen.iter().filter(|s| s.method == "POST").count(), 1, "never created twice");
}

#[tokio::test]
async fn create_key_ring_returns_the_new_ring() {
    let stub = Stub::start(|seen| {
        if seen.method == "POST" {
            (200, json!({"name": RING, "createTime": "2026-01-05T09:00:00Z"}))
        } else {
            not_found("KeyRing")
        }
    })
    .await;
    let ring =
        stub.client().create_key_ring("projects/cmek-sandbox/locations/us-central1", "anthropic-cmek").await.unwrap();
    assert_eq!((ring.name.as_str(), ring.iam_policy), (RING, None));
    let seen = stub.seen();
    assert!(seen[0].is("POST", "/v1/projects/cmek-sandbox/locations/us-central1/keyRings"));
    assert_eq!(seen[0].query("keyRingId"), Some("anthropic-cmek"));
}

#[tokio::test]
async fn update_labels_patches_only_the_labels() {
    let stub = Stub::start(|seen| {
        if seen.method == "PATCH" { (200, crypto_key(seen, seen.body["labels"].clone())) } else { kms_with_key(seen) }
    })
    .await;
    let labels = BTreeMap::from([
        ("anthropic-org-5a3c9e7d".to_string(), "true".to_string()),
        ("team".to_string(), "security".to_string()),
    ]);
    let key = stub.client().update_labels(&GcpKeyName::parse(KEY).unwrap(), &labels).await.unwrap();
    assert_eq!(key.labels, labels);
    let seen = stub.seen();
    assert!(seen[0].is("PATCH", &format!("/v1/{KEY}")));
    assert_eq!(seen[0].query("updateMask"), Some("labels"));
    assert_eq!(seen[0].body["labels"]["team"], "security");
}

#[tokio::test]
async fn list_keys_follows_pages() {
    let stub = Stub::start(|seen| {
        let key = |id: &str| {
            let mut k = crypto_key(seen, json!({}));
            k["name"] = json!(format!("{RING}/cryptoKeys/{id}"));
            k
        };
        match seen.query("pageToken").unwrap_or_default() {
            "" => (200, json!({"cryptoKeys": [key("a")], "nextPageToken": "p2", "totalSize": 2})),
            "p2" => (200, json!({"cryptoKeys": [key("b")], "totalSize": 2})),
            _ => not_found("page"),
        }
    })
    .await;
    let keys = stub.client().list_keys(RING).await.unwrap();
    let names: Vec<_> = keys.iter().map(|k| k.name.rsplit('/').next().unwrap()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(keys[0].primary.as_ref().unwrap().state, VersionState::Enabled);
}

#[tokio::test]
async fn the_token_never_shows_even_when_a_server_echoes_it() {
    let stub = Stub::start(|seen| {
        let echoed = seen.authorization.clone().unwrap_or_default();
        error(400, "INVALID_ARGUMENT", &format!("bad request with header {echoed}"), json!([]))
    })
    .await;
    let client = stub.client();
    let e = client.get_key_ring(RING).await.unwrap_err();
    for shown in [
        format!("{e}"),
        format!("{e:?}"),
        format!("{client:?}"),
        format!("{:?}", client.settings()),
        format!("{:?}", GcpCredentialSource::AccessToken(TOKEN.to_string().into())),
        format!("{:?}", crate::error::Error::from(e.clone())),
    ] {
        assert!(!shown.contains(TOKEN), "token leaked: {shown}");
        assert!(!shown.contains("CANARY"), "token leaked: {shown}");
    }
    assert!(e.message.contains("Bearer ***"), "{e}");
}

#[test]
fn the_client_and_its_calls_can_move_to_another_task() {
    fn shared<T: Send + Sync>(_: &T) {}
    fn sent<T: Send>(_: T) {}
    let client = GcpClient::connect(
        &GcpSettings { credentials: GcpCredentialSource::AccessToken(TOKEN.to_string().into()), ..Default::default() },
        &|_| None,
    )
    .unwrap();
    shared(&client);
    let name = GcpKeyName::parse(KEY).unwrap();
    let new = NewGcpKey {
        protection_level: "HSM".into(),
        rotation_period: None,
        next_rotation_time: None,
        labels: BTreeMap::new(),
    };
    sent(client.get_key_ring(RING));
    sent(client.create_key_ring(RING, "r"));
    sent(client.list_keys(RING));
    sent(client.get_key(&name));
    sent(client.create_key(&name, &new));
    sent(client.update_labels(&name, &new.labels));
    sent(client.get_iam_policy(KEY));
    sent(client.set_iam_policy(KEY, &GcpIamPolicy::default()));
}
