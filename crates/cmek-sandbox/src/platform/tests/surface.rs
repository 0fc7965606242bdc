//! Auth, the version header, error bodies, request ids, unknown routes, and the organisation.

use reqwest::Method;
use serde_json::json;

use super::{ADMIN_KEY, Api, send};
use crate::platform::seed;

#[tokio::test]
async fn organization_me_is_the_seeded_org() {
    let api = Api::start().await;
    let reply = api.get("/v1/organizations/me").await;
    assert_eq!(reply.ok(), &json!({"id": seed::ORG_ID, "name": seed::ORG_NAME, "type": "organization"}));
    assert_eq!(api.sandbox.org.id, seed::ORG_ID);
    assert_eq!(reply.headers["anthropic-organization-id"], seed::ORG_ID);
    assert!(reply.headers["request-id"].to_str().unwrap().starts_with("req_"));
    let names: Vec<&str> = api.sandbox.workspaces.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["production", "staging", "development"]);
}

#[tokio::test]
async fn missing_or_wrong_key_is_refused_without_echoing_it() {
    let api = Api::start().await;
    let missing = send(api.raw(Method::GET, "/v1/organizations/me").header("anthropic-version", "2023-06-01")).await;
    assert_eq!(missing.error(401, "authentication_error"), "invalid x-api-key");
    let guess = "sk-ant-admin01-guessed-key";
    let wrong = send(
        api.raw(Method::GET, "/v1/organizations/me")
            .header("x-api-key", guess)
            .header("anthropic-version", "2023-06-01"),
    )
    .await;
    assert_eq!(wrong.error(401, "authentication_error"), "invalid x-api-key");
    assert!(!wrong.json.to_string().contains(guess));
    // A prefix of the right key is still wrong.
    let prefix = send(
        api.raw(Method::GET, "/v1/organizations/me")
            .header("x-api-key", &ADMIN_KEY[..ADMIN_KEY.len() - 1])
            .header("anthropic-version", "2023-06-01"),
    )
    .await;
    prefix.error(401, "authentication_error");
    // Unauthenticated requests learn nothing about routes either.
    let unknown = send(api.raw(Method::GET, "/v1/nothing/here")).await;
    unknown.error(401, "authentication_error");
}

#[tokio::test]
async fn bearer_admin_key_is_accepted_like_the_sdks_send_it() {
    let api = Api::start().await;
    let reply = send(
        api.raw(Method::GET, "/v1/organizations/me")
            .header("authorization", format!("Bearer {ADMIN_KEY}"))
            .header("anthropic-version", "2023-06-01"),
    )
    .await;
    assert_eq!(reply.ok()["id"], seed::ORG_ID);
}

#[tokio::test]
async fn anthropic_version_header_is_required() {
    let api = Api::start().await;
    let reply = send(api.raw(Method::GET, "/v1/organizations/me").header("x-api-key", ADMIN_KEY)).await;
    assert!(reply.error(400, "invalid_request_error").contains("anthropic-version: header is required"));
    let bad = send(
        api.raw(Method::GET, "/v1/organizations/me")
            .header("x-api-key", ADMIN_KEY)
            .header("anthropic-version", "2020-01-01"),
    )
    .await;
    assert!(bad.error(400, "invalid_request_error").contains("`2020-01-01`"));
}

#[tokio::test]
async fn unknown_routes_and_methods_get_platform_errors() {
    let api = Api::start().await;
    let reply = api.get("/v1/organizations/nothing").await;
    assert!(reply.error(404, "not_found_error").contains("/v1/organizations/nothing"));
    let reply = api.delete("/v1/organizations/workspaces").await;
    assert!(reply.error(405, "invalid_request_error").contains("DELETE"));
}

#[tokio::test]
async fn malformed_bodies_name_the_problem() {
    let api = Api::start().await;
    let reply = send(
        api.raw(Method::POST, "/v1/organizations/external_keys")
            .header("x-api-key", ADMIN_KEY)
            .header("anthropic-version", "2023-06-01")
            .header("content-type", "application/json")
            .body("{\"provider_config\": "),
    )
    .await;
    assert!(reply.error(400, "invalid_request_error").contains("not valid JSON"));
    let reply = api.post("/v1/organizations/external_keys", json!({"provider_config": {"type": "oracle"}})).await;
    assert!(reply.error(400, "invalid_request_error").contains("`oracle`"));
    let reply =
        api.post("/v1/organizations/external_keys", json!({"provider_config": {"type": "aws", "kms_arn": 7}})).await;
    assert!(reply.error(400, "invalid_request_error").contains("`provider_config.kms_arn` must be a string"));
    let reply = api.post("/v1/organizations/workspaces", json!({"name": "x", "colour": "#FFFFFF"})).await;
    assert!(reply.error(400, "invalid_request_error").contains("`colour`"));
}

#[tokio::test]
async fn dropping_or_shutting_down_stops_the_server() {
    let api = Api::start().await;
    let url = api.url("/v1/organizations/me");
    api.sandbox.shutdown().await.unwrap();
    assert!(reqwest::get(&url).await.is_err(), "still answering after shutdown");

    let api = Api::start().await;
    let url = api.url("/v1/organizations/me");
    drop(api);
    tokio::task::yield_now().await;
    assert!(reqwest::get(&url).await.is_err(), "still answering after drop");
}

#[tokio::test]
async fn an_empty_admin_key_or_a_taken_port_is_refused() {
    use crate::SandboxError;
    use crate::platform::{PlatformSandboxConfig, start};
    use secrecy::SecretString;

    let e = start(PlatformSandboxConfig::new(SecretString::from(""))).await.unwrap_err();
    assert!(matches!(e, SandboxError::Config { .. }), "{e}");
    let api = Api::start().await;
    let taken = std::net::SocketAddr::from(([127, 0, 0, 1], api.sandbox.base_url.port().unwrap()));
    let cfg = PlatformSandboxConfig { bind: taken, ..PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY)) };
    let e = start(cfg).await.unwrap_err();
    assert!(matches!(e, SandboxError::Bind { .. }) && e.to_string().contains(&taken.to_string()), "{e}");
}
