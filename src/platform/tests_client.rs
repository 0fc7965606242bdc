//! Test-only: the client over real HTTP: headers, retries, typed errors, redirects, timeouts,
//! base URLs, and the canary that proves the credential never shows.

use std::time::{Duration, Instant};

use serde_json::json;

use super::test_server::{Reply, TEST_KEY, TestServer, admin_key, organization_json};
use super::{Client, ClientConfig, Credential, PlatformError, USER_AGENT};

#[tokio::test]
async fn an_admin_key_is_sent_as_a_bearer_with_the_current_version_and_user_agent() {
    let server = TestServer::start(|_, _| Reply::json(200, organization_json())).await;
    let org = server.client().organization().await.unwrap();
    assert_eq!(org.id, "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.line(), "GET /v1/organizations/me");
    assert_eq!(request.header("authorization"), Some(format!("Bearer {TEST_KEY}").as_str()));
    assert_eq!(request.header("anthropic-version"), Some("2026-10-21"));
    assert_eq!(request.header("user-agent"), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("cmek/") && USER_AGENT.len() > "cmek/".len());
    assert_eq!(request.header("content-type"), None, "a GET has no body, so no content type");
    assert_eq!(request.header("x-api-key"), None);
    assert_eq!(request.header("anthropic-beta"), None);
}

#[tokio::test]
async fn a_bearer_token_is_sent_with_the_oauth_beta_header() {
    let server = TestServer::start(|_, _| Reply::json(200, organization_json())).await;
    let client = Client::new(server.config(Credential::Bearer("sk-ant-oat01-token-1234".into()))).unwrap();
    client.organization().await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), Some("Bearer sk-ant-oat01-token-1234"));
    assert_eq!(request.header("anthropic-beta"), Some("oauth-2025-04-20"));
    assert_eq!(request.header("anthropic-version"), Some("2026-10-21"));
    assert_eq!(request.header("x-api-key"), None);
}

#[tokio::test]
async fn a_rate_limit_is_retried_after_the_requested_wait() {
    let server = TestServer::start(|_, earlier| match earlier {
        // retry-after-ms wins; were the 30 s retry-after used instead, the test would time out.
        0 => Reply::error(429, "rate_limit_error", "slow down")
            .header("retry-after-ms", "20")
            .header("retry-after", "30"),
        _ => Reply::json(200, organization_json()),
    })
    .await;
    let started = Instant::now();
    server.client().organization().await.unwrap();
    assert_eq!(server.requests().len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(20));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_server_error_is_retried_with_backoff() {
    let server = TestServer::start(|_, earlier| match earlier {
        0 => Reply::error(500, "api_error", "internal"),
        _ => Reply::json(200, organization_json()),
    })
    .await;
    let started = Instant::now();
    server.client().organization().await.unwrap();
    assert_eq!(server.requests().len(), 2);
    // First backoff step: 0.5 s minus up to 25 % jitter.
    assert!(started.elapsed() >= Duration::from_millis(375), "{:?}", started.elapsed());
}

#[tokio::test]
async fn x_should_retry_false_stops_retries() {
    let server = TestServer::start(|_, _| {
        Reply::error(503, "overloaded_error", "busy").header("x-should-retry", "false").header("request-id", "req_nr")
    })
    .await;
    let err = server.client().organization().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.request_id(), Some("req_nr"));
}

#[tokio::test]
async fn x_should_retry_true_retries_a_client_error() {
    let server = TestServer::start(|_, earlier| match earlier {
        0 => Reply::error(400, "invalid_request_error", "flaky")
            .header("x-should-retry", "true")
            .header("retry-after-ms", "1"),
        _ => Reply::json(200, organization_json()),
    })
    .await;
    server.client().organization().await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retries_stop_after_max_retries() {
    let server =
        TestServer::start(|_, _| Reply::error(529, "overloaded_error", "overloaded").header("retry-after-ms", "1"))
            .await;
    let err = server.client().organization().await.unwrap_err();
    assert_eq!(server.requests().len(), 3, "the first attempt and 2 retries");
    assert_eq!(err.kind(), Some("overloaded_error"));

    let mut cfg = server.config(admin_key(TEST_KEY));
    cfg.max_retries = 0;
    Client::new(cfg).unwrap().organization().await.unwrap_err();
    assert_eq!(server.requests().len(), 4, "max_retries 0 sends once");
}

#[tokio::test]
async fn an_error_body_becomes_a_typed_error_with_the_request_id() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            404,
            json!({"type": "error", "error": {"type": "not_found_error", "message": "workspace not found"},
                   "request_id": "req_body"}),
        )
        .header("request-id", "req_011CW")
    })
    .await;
    let err = server.client().get_workspace("wrkspc_missing").await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");
    assert!(err.is_not_found());
    assert_eq!(
        err,
        PlatformError::Api {
            method: "GET",
            path: "/v1/organizations/workspaces/wrkspc_missing".into(),
            status: 404,
            kind: "not_found_error".into(),
            message: "workspace not found".into(),
            request_id: Some("req_011CW".into()),
            code: None,
        }
    );
    let text = err.to_string();
    for part in [
        "GET",
        "/v1/organizations/workspaces/wrkspc_missing",
        "404",
        "not_found_error",
        "workspace not found",
        "req_011CW",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
}

#[tokio::test]
async fn auth_failures_are_recognised_and_not_retried() {
    let server = TestServer::start(|_, _| Reply::error(401, "authentication_error", "invalid x-api-key")).await;
    let err = server.client().organization().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_non_json_error_still_says_what_happened() {
    let server = TestServer::start(|_, _| Reply::text(403, "<html><body>Forbidden by proxy</body></html>")).await;
    let err = server.client().organization().await.unwrap_err();
    assert!(err.is_auth());
    assert!(err.to_string().contains("HTTP 403 http_error: non-JSON response body: <html><body>Forbidden by proxy"));
}

#[tokio::test]
async fn an_unexpected_success_body_is_a_decode_error() {
    let server =
        TestServer::start(|_, _| Reply::json(200, json!({"name": "no id"})).header("request-id", "req_dec")).await;
    let err = server.client().organization().await.unwrap_err();
    assert!(matches!(err, PlatformError::Decode { status: 200, .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("req_dec"));
    assert!(err.to_string().contains("missing field `id`"), "{err}");
    assert_eq!(server.requests().len(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server =
        TestServer::start(|_, _| Reply::text(302, "").header("location", "https://elsewhere.example/steal")).await;
    let err = server.client().organization().await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.kind(), Some("redirect"));
    assert!(err.to_string().contains("https://elsewhere.example/steal"), "{err}");
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // Bind then drop a listener to get a port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let cfg = ClientConfig {
        base_url: format!("http://127.0.0.1:{port}").parse().unwrap(),
        credential: admin_key(TEST_KEY),
        max_retries: 1,
        timeout: Duration::from_secs(5),
        origin: None,
    };
    let err = Client::new(cfg).unwrap().organization().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, PlatformError::Transport { .. }), "{err:?}");
    assert!(text.starts_with("GET /v1/organizations/me failed") && text.contains("after 2 attempts"), "{text}");
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let cfg = ClientConfig {
        base_url: format!("http://{addr}").parse().unwrap(),
        credential: admin_key(TEST_KEY),
        max_retries: 0,
        timeout: Duration::from_millis(200),
        origin: None,
    };
    let err = Client::new(cfg).unwrap().validate_external_key("ekey_1").await.unwrap_err();
    holder.abort();
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = TestServer::start(|_, _| Reply::json(200, organization_json())).await;
    let mut cfg = server.config(admin_key(TEST_KEY));
    cfg.base_url = cfg.base_url.join("/gateway/anthropic/").unwrap();
    Client::new(cfg).unwrap().organization().await.unwrap();
    assert_eq!(server.lines(), ["GET /gateway/anthropic/v1/organizations/me"]);
}

#[test]
fn unsafe_base_urls_and_credentials_are_refused() {
    let credential = admin_key(TEST_KEY);
    for url in ["http://api.anthropic.com", "http://192.168.1.10:8080", "https://user:pw@api.anthropic.com"] {
        let cfg = ClientConfig::new(url.parse().unwrap(), credential.clone());
        let err = Client::new(cfg).unwrap_err();
        assert!(matches!(err, PlatformError::InvalidInput { .. }), "{url}: {err:?}");
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
    let cfg = ClientConfig::new("https://api.anthropic.com".parse().unwrap(), admin_key("sk-ant-admin01-bad\nkey"));
    let err = Client::new(cfg).unwrap_err();
    assert!(err.to_string().contains("cannot be sent in an HTTP header") && !err.to_string().contains("bad"), "{err}");
}

#[tokio::test]
async fn an_oversized_body_is_not_read_into_memory() {
    let huge = "x".repeat(17 * 1024 * 1024);
    let server = TestServer::start(move |_, _| Reply::text(200, &huge)).await;
    let err = server.client().organization().await.unwrap_err();
    assert!(matches!(err, PlatformError::Decode { .. }) && err.to_string().contains("larger than"), "{err}");
}

#[test]
fn a_zero_timeout_is_refused() {
    let mut cfg = ClientConfig::new("https://api.anthropic.com".parse().unwrap(), admin_key(TEST_KEY));
    cfg.timeout = Duration::ZERO;
    assert!(matches!(Client::new(cfg), Err(PlatformError::InvalidInput { .. })));
}

#[test]
fn client_futures_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    let cfg = ClientConfig::new("https://api.anthropic.com".parse().unwrap(), admin_key(TEST_KEY));
    let client = Client::new(cfg).unwrap();
    let create_key = super::types::CreateExternalKey {
        provider_config: serde_json::from_value(serde_json::json!({"type": "gcp", "key_name": "k"})).unwrap(),
        display_name: None,
        geo: None,
        user_profile_id: None,
    };
    let create_workspace = super::types::CreateWorkspace { name: "w".into(), ..Default::default() };
    assert_send(&client.create_external_key(&create_key, &cmek_core::clouds::same_key));
    assert_send(&client.create_workspace(&create_workspace));
    assert_send(&client.all_workspaces(true));
    assert_send(&client.all_external_keys());
}

const CANARY: &str = "sk-ant-admin01-CANARY-5d1e9c7b2a";

#[tokio::test]
async fn the_credential_never_shows_in_debug_or_errors() {
    // A hostile or buggy server echoes the key back everywhere it can.
    let server = TestServer::start(|request, _| {
        let echoed = request.header("authorization").unwrap_or_default().trim_start_matches("Bearer ").to_owned();
        match request.path.as_str() {
            "/v1/organizations/me" => Reply::error(401, "authentication_error", &format!("bad key {echoed}"))
                .header("request-id", &format!("req_{echoed}")),
            "/v1/organizations/workspaces/w1" => {
                Reply::text(500, &format!("crash dump: key={echoed}")).header("x-should-retry", "false")
            }
            _ => Reply::text(302, "").header("location", &format!("https://evil.example/?k={echoed}")),
        }
    })
    .await;
    let cfg = server.config(admin_key(CANARY));
    let bearer = Credential::Bearer(CANARY.into());
    let client = Client::new(cfg.clone()).unwrap();

    let mut shown = vec![format!("{cfg:?}"), format!("{cfg:#?}"), format!("{client:?}"), format!("{bearer:?}")];
    shown.push(format!("{:?}", cfg.credential));
    for err in [
        client.organization().await.unwrap_err(),
        client.get_workspace("w1").await.unwrap_err(),
        client.get_external_key("e1").await.unwrap_err(),
    ] {
        shown.push(err.to_string());
        shown.push(format!("{err:?}"));
    }
    assert_eq!(server.requests().len(), 3);
    for text in &shown {
        assert!(!text.contains("CANARY"), "the credential leaked into: {text}");
    }
    // The echoes were really there, just redacted.
    assert!(shown.iter().any(|t| t.contains("bad key ***")), "{shown:#?}");
    assert!(shown.iter().any(|t| t.contains("key=***")), "{shown:#?}");
}
