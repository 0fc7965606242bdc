//! Test-only: how the client authenticates over real HTTP: OAuth tokens from a token source
//! (renewed while a run goes on, dropped and renewed once on a 401), the scope advice on a 403,
//! a user profile's workspace header, and the API version fallback.

use std::fs;
use std::sync::Arc;

use serde_json::json;

use super::credentials::clock::{Clock, FakeClock};
use super::credentials::spec::{FederationSpec, IdentityToken, UserOauthSpec};
use super::credentials::{CredentialOrigin, TokenSource};
use super::test_server::{Reply, TEST_KEY, TestServer, organization_json};
use super::{Client, ClientConfig, Credential, PlatformError};

const T0: i64 = 1_900_000_000;

fn federation(server: &TestServer, dir: &tempfile::TempDir, clock: Arc<FakeClock>) -> Credential {
    let jwt = dir.path().join("jwt");
    fs::write(&jwt, "eyJ.identity.sig").unwrap();
    let spec = FederationSpec {
        rule_id: "fdrl_01".into(),
        organization_id: "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b".into(),
        service_account_id: None,
        workspace_id: None,
        identity_token: IdentityToken::File { path: jwt, from: "test".into() },
        scope: None,
        cache: None,
    };
    let clock: Arc<dyn Clock> = clock;
    Credential::OAuth(TokenSource::federation(spec, &server.base_url, 0, clock).unwrap())
}

fn token_reply(token: &str, expires_in: i64) -> Reply {
    Reply::json(
        200,
        json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": "org:admin"}),
    )
}

#[tokio::test]
async fn an_oauth_token_is_sent_with_the_beta_and_renewed_once_when_the_api_refuses_it() {
    let server = TestServer::start(|r, earlier| match r.path.as_str() {
        "/v1/oauth/token" => token_reply(&format!("sk-ant-oat01-token{earlier}"), 3600),
        _ if r.header("authorization") == Some("Bearer sk-ant-oat01-token0") => {
            Reply::error(401, "authentication_error", "token revoked")
        }
        _ => Reply::json(200, organization_json()),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(server.config(federation(&server, &dir, Arc::new(FakeClock::at(T0))))).unwrap();
    client.organization().await.unwrap();
    assert_eq!(
        server.lines(),
        ["POST /v1/oauth/token", "GET /v1/organizations/me", "POST /v1/oauth/token", "GET /v1/organizations/me"]
    );
    let last = server.requests().pop().unwrap();
    assert_eq!(last.header("authorization"), Some("Bearer sk-ant-oat01-token1"));
    assert_eq!(last.header("anthropic-beta"), Some("oauth-2025-04-20"));
    assert_eq!(last.header("anthropic-version"), Some("2026-10-21"));
    assert_eq!(last.header("x-api-key"), None);
    assert_eq!(client.token_info().await.unwrap().expires_at, T0 + 3600);
}

#[tokio::test]
async fn a_token_the_api_keeps_refusing_is_renewed_only_once() {
    let server = TestServer::start(|r, earlier| match r.path.as_str() {
        "/v1/oauth/token" => token_reply(&format!("sk-ant-oat01-token{earlier}"), 3600),
        _ => Reply::error(401, "authentication_error", "invalid bearer token"),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(server.config(federation(&server, &dir, Arc::new(FakeClock::at(T0))))).unwrap();
    let err = client.organization().await.unwrap_err();
    assert!(err.is_auth() && err.status() == Some(401), "{err}");
    assert_eq!(server.requests().len(), 4, "token, call, token, call");
}

#[tokio::test]
async fn a_long_run_outlives_its_token() {
    let server = TestServer::start(|r, earlier| match r.path.as_str() {
        "/v1/oauth/token" => token_reply(&format!("sk-ant-oat01-token{earlier}"), 300),
        _ => Reply::json(200, organization_json()),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at(T0));
    let client = Client::new(server.config(federation(&server, &dir, clock.clone()))).unwrap();
    client.organization().await.unwrap();
    client.clone().organization().await.unwrap();
    clock.advance(290);
    client.organization().await.unwrap();
    let requests = server.requests();
    let tokens: Vec<_> = requests.iter().filter(|r| r.path == "/v1/oauth/token").collect();
    assert_eq!(tokens.len(), 2, "one exchange per token, shared by the clones");
    assert_eq!(requests.last().unwrap().header("authorization"), Some("Bearer sk-ant-oat01-token1"));
}

#[tokio::test]
async fn no_token_means_nothing_is_sent_and_a_credential_error() {
    let server = TestServer::start(|_, _| Reply::error(401, "authentication_error", "Authentication failed")).await;
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(server.config(federation(&server, &dir, Arc::new(FakeClock::at(T0))))).unwrap();
    let err = client.organization().await.unwrap_err();
    assert!(matches!(err, PlatformError::Credential { .. }) && err.is_auth(), "{err}");
    assert!(err.to_string().contains("fdrl_01"), "{err}");
    assert!(server.requests().iter().all(|r| r.path == "/v1/oauth/token"));
    assert_eq!(crate::error::Error::from(err).exit_code(), 3);
}

#[tokio::test]
async fn a_token_endpoint_that_does_not_answer_is_a_platform_problem_not_a_credential_one() {
    let server = TestServer::start(|_, _| Reply::json(200, organization_json())).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere: url::Url = format!("http://{}", closed.local_addr().unwrap()).parse().unwrap();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("jwt"), "eyJ.identity.sig").unwrap();
    let spec = FederationSpec {
        rule_id: "fdrl_01".into(),
        organization_id: "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b".into(),
        service_account_id: None,
        workspace_id: None,
        identity_token: IdentityToken::File { path: dir.path().join("jwt"), from: "test".into() },
        scope: None,
        cache: None,
    };
    let clock: Arc<dyn Clock> = Arc::new(FakeClock::at(T0));
    let source = TokenSource::federation(spec, &nowhere, 0, clock).unwrap();
    let err = Client::new(server.config(Credential::OAuth(source))).unwrap().organization().await.unwrap_err();
    assert!(matches!(err, PlatformError::Credential { unreachable: true, .. }) && !err.is_auth(), "{err}");
    assert_eq!(crate::error::Error::from(err).exit_code(), 4);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_token_without_org_admin_is_told_which_scope_is_missing_and_how_to_get_it() {
    let server =
        TestServer::start(|_, _| Reply::error(403, "permission_error", "this endpoint needs an organization admin"))
            .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("me.json");
    fs::write(
        &path,
        json!({"access_token": "sk-ant-oat01-user", "expires_at": T0 + 3600, "scope": "user:profile user:inference"})
            .to_string(),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let spec = UserOauthSpec {
        profile: "me".into(),
        credentials: path,
        client_id: None,
        workspace_id: Some("wrkspc_me".into()),
        scope: None,
    };
    let clock: Arc<dyn Clock> = Arc::new(FakeClock::at(T0));
    let source = TokenSource::user_oauth(spec, &server.base_url, 0, clock).unwrap();
    let client = Client::new(server.config(Credential::OAuth(source))).unwrap();
    let err = client.list_workspaces(&Default::default()).await.unwrap_err();
    let text = err.to_string();
    assert!(err.is_auth(), "{text}");
    for part in [
        "`user:profile user:inference`",
        "org:admin",
        "ant auth login --profile me --scope org:admin",
        "admin service account",
    ] {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    assert_eq!(server.requests()[0].header("anthropic-workspace-id"), Some("wrkspc_me"));
    // An admin key gets no scope advice: it has no scopes.
    let admin = server.client();
    let err = admin.list_workspaces(&Default::default()).await.unwrap_err();
    assert!(!err.to_string().contains("ant auth login"), "{err}");
}

#[tokio::test]
async fn a_server_that_refuses_the_current_version_is_spoken_to_in_the_old_one_from_then_on() {
    // An older server: the documented version and x-api-key only.
    let server = TestServer::start(|r, _| match (r.header("anthropic-version"), r.header("x-api-key")) {
        (Some("2023-06-01"), Some(TEST_KEY)) => Reply::json(200, organization_json()),
        (Some("2023-06-01"), _) => Reply::error(401, "authentication_error", "invalid x-api-key"),
        (version, _) => Reply::error(
            400,
            "invalid_request_error",
            &format!("anthropic-version: `{}` is not a supported version", version.unwrap_or_default()),
        ),
    })
    .await;
    let client = server.client();
    assert_eq!(client.api_version(), "2026-10-21");
    client.organization().await.unwrap();
    client.clone().organization().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "one refused request, its one resend, then the old version directly");
    assert_eq!(requests[0].header("anthropic-version"), Some("2026-10-21"));
    assert_eq!(requests[0].header("authorization"), Some(format!("Bearer {TEST_KEY}").as_str()));
    for later in &requests[1..] {
        assert_eq!(later.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(later.header("x-api-key"), Some(TEST_KEY));
        assert_eq!(later.header("authorization"), None);
    }
    assert_eq!(client.api_version(), "2023-06-01");
}

#[tokio::test]
async fn other_refusals_do_not_change_the_version() {
    let server = TestServer::start(|r, _| match r.path.as_str() {
        "/v1/organizations/me" => Reply::error(400, "invalid_request_error", "something else is wrong"),
        _ => Reply::error(401, "authentication_error", "invalid x-api-key"),
    })
    .await;
    let client = server.client();
    client.organization().await.unwrap_err();
    client.get_workspace("wrkspc_1").await.unwrap_err();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(client.api_version(), "2026-10-21");
}

#[tokio::test]
async fn an_unsupported_version_message_in_other_words_also_falls_back_once() {
    let server = TestServer::start(|r, _| match r.header("anthropic-version") {
        Some("2023-06-01") => Reply::error(400, "invalid_request_error", "API version 2023-06-01 is not supported"),
        _ => Reply::error(400, "invalid_request_error", "API version 2026-10-21 is not supported"),
    })
    .await;
    let client = server.client();
    let err = client.organization().await.unwrap_err();
    assert_eq!(server.requests().len(), 2, "one fallback, never a loop");
    assert!(err.to_string().contains("2023-06-01 is not supported"), "{err}");
}

#[test]
fn the_origin_travels_with_the_client_and_never_the_secret() {
    let cfg = ClientConfig::new("https://api.anthropic.com".parse().unwrap(), Credential::AdminKey(TEST_KEY.into()))
        .with_origin(CredentialOrigin::Env("ANTHROPIC_ADMIN_KEY"));
    let client = Client::new(cfg).unwrap();
    let (description, json) = client.credential_record();
    assert_eq!(description, "admin key from $ANTHROPIC_ADMIN_KEY");
    assert_eq!(json["source"], json!({"type": "env", "variable": "ANTHROPIC_ADMIN_KEY"}));
    assert!(!json.to_string().contains(TEST_KEY));
}
