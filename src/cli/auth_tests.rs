//! Test-only: `cmek auth status` (what it says and its exit codes), and the canary: an admin
//! key, an OAuth access token, a refresh token and an identity token never appear in an error's
//! `Display` or `Debug`, a log line, or `auth status` output, even when a server echoes them.

use std::fs;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use clap::Parser as _;
use serde_json::json;

use super::args::Cli;
use super::auth::{StatusReport, inspect, inspect_client, text, to_json};
use super::connect::Reach;
use crate::output::{Format, Output};
use crate::platform::credentials::clock::{Clock, FakeClock};
use crate::platform::credentials::spec::{FederationSpec, IdentityToken, UserOauthSpec};
use crate::platform::credentials::{CredentialOrigin, FederationOrigin, IdentityTokenOrigin, TokenSource};
use crate::platform::test_server::{Reply, TestServer, organization_json};
use crate::platform::{Client, Credential};

const ADMIN: &str = "sk-ant-admin01-CANARY-admin-9f1e2d3c";
const ACCESS: &str = "sk-ant-oat01-CANARY-access-1a2b3c";
const REFRESH: &str = "sk-ant-ort01-CANARY-refresh-4d5e6f";
const IDENTITY: &str = "eyJCANARYidentity.payload.signature";
const T0: i64 = 1_900_000_000;

fn out() -> Output {
    Output::new(Format::Text, true, true, 0)
}

fn render(report: &StatusReport) -> String {
    format!("{}\n{}", text(report, &out()).join("\n"), serde_json::to_string_pretty(&to_json(report)).unwrap())
}

fn private(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn federation(server: &TestServer, dir: &tempfile::TempDir, clock: Arc<FakeClock>) -> (Credential, CredentialOrigin) {
    let jwt = dir.path().join("jwt");
    fs::write(&jwt, IDENTITY).unwrap();
    let spec = FederationSpec {
        rule_id: "fdrl_01".into(),
        organization_id: "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b".into(),
        service_account_id: Some("svac_01".into()),
        workspace_id: None,
        identity_token: IdentityToken::File { path: jwt.clone(), from: "$ANTHROPIC_IDENTITY_TOKEN_FILE".into() },
        scope: Some("org:admin".into()),
        cache: None,
    };
    let origin = CredentialOrigin::Federation(FederationOrigin {
        rule_id: spec.rule_id.clone(),
        organization_id: spec.organization_id.clone(),
        service_account_id: spec.service_account_id.clone(),
        workspace_id: None,
        identity_token: IdentityTokenOrigin::File { path: jwt, from: "$ANTHROPIC_IDENTITY_TOKEN_FILE".into() },
    });
    let clock: Arc<dyn Clock> = clock;
    (Credential::OAuth(TokenSource::federation(spec, &server.base_url, 0, clock).unwrap()), origin)
}

fn client(server: &TestServer, credential: Credential, origin: CredentialOrigin) -> Client {
    Client::new(server.config(credential).with_origin(origin)).unwrap()
}

/// A platform that knows the organisation and lists no workspaces: every admin call works.
async fn working_platform() -> TestServer {
    TestServer::start(|r, _| match r.path.as_str() {
        "/v1/organizations/me" => Reply::json(200, organization_json()),
        _ => Reply::json(200, json!({"data": [], "first_id": null, "last_id": null, "has_more": false})),
    })
    .await
}

#[tokio::test]
async fn a_working_admin_key_is_described_with_its_source_and_exit_0() {
    let server = working_platform().await;
    let c = client(&server, Credential::AdminKey(ADMIN.into()), CredentialOrigin::Env("ANTHROPIC_ADMIN_KEY"));
    let report = inspect_client(&c, "the default".into(), T0).await;
    assert_eq!(report.exit_code(), 0);
    let lines = text(&report, &out()).join("\n");
    for part in ["admin key (…2d3c)", "$ANTHROPIC_ADMIN_KEY", "Acme (7c3a1f0e", "works", "cmek can use this credential"]
    {
        assert!(lines.contains(part), "{part} missing from\n{lines}");
    }
    let doc = to_json(&report);
    assert_eq!(doc["schema"], "cmek.auth/v1");
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["credential"]["kind"], "admin_key");
    assert_eq!(doc["credential"]["source"], json!({"type": "env", "variable": "ANTHROPIC_ADMIN_KEY"}));
    assert_eq!(doc["credential"]["fingerprint"], "…2d3c");
    assert_eq!(doc["credential"]["description"], "admin key from $ANTHROPIC_ADMIN_KEY");
    // The same record as a setup report and its journal give (plus the fingerprint).
    let mut record = doc["credential"].clone();
    record.as_object_mut().unwrap().remove("fingerprint");
    assert_eq!(record, c.credential_record().1);
    assert_eq!(doc["admin_api"]["works"], true);
    assert_eq!(doc["api_version"], "2026-10-21");
    assert_eq!(doc["exit_code"], 0);
    assert_eq!(server.lines(), ["GET /v1/organizations/me", "GET /v1/organizations/workspaces?limit=1"]);
}

#[tokio::test]
async fn a_credential_without_an_origin_is_still_described() {
    let server = working_platform().await;
    let c = Client::new(server.config(Credential::AdminKey(ADMIN.into()))).unwrap();
    let doc = to_json(&inspect_client(&c, "the default".into(), T0).await);
    assert_eq!(doc["credential"]["kind"], "admin_key");
    assert_eq!(doc["credential"]["description"], "admin key", "{doc:#}");
    assert_eq!(doc["credential"]["source"], json!(null));
}

#[tokio::test]
async fn an_oauth_token_shows_its_scope_and_expiry_and_a_missing_admin_scope_exits_3() {
    let server = TestServer::start(|r, _| match r.path.as_str() {
        "/v1/oauth/token" => Reply::json(
            200,
            json!({"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600, "scope": "user:profile"}),
        ),
        "/v1/organizations/me" => Reply::json(200, organization_json()),
        _ => Reply::error(403, "permission_error", "admin only"),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (credential, origin) = federation(&server, &dir, Arc::new(FakeClock::at(T0)));
    let report = inspect_client(&client(&server, credential, origin), "the default".into(), T0).await;
    assert_eq!(report.exit_code(), 3);
    let lines = text(&report, &out()).join("\n");
    for part in [
        "OAuth token",
        "Workload Identity Federation (rule fdrl_01",
        "svac_01",
        "user:profile",
        "in 60 min",
        "refused",
        "org:admin",
        "no working credential",
        "the order cmek looks in: --admin-key-file / --profile, ANTHROPIC_ADMIN_KEY",
    ] {
        assert!(lines.contains(part), "{part} missing from\n{lines}");
    }
    let doc = to_json(&report);
    assert_eq!(doc["status"], "failed");
    assert_eq!(doc["token"]["expires_in_seconds"], 3600);
    assert_eq!(doc["credential"]["source"]["type"], "federation");
    assert_eq!(doc["credential"]["fingerprint"], json!(null), "a token source shows no fingerprint");
    assert_eq!(doc["admin_api"]["works"], false);
    assert_eq!(doc["exit_code"], 3);
}

#[tokio::test]
async fn no_credential_at_all_exits_3_saying_why_and_what_to_do() {
    let cli = Cli::try_parse_from(["cmek", "auth", "status"]).unwrap();
    let env = |name: &str| (name == "HOME").then(|| "/nonexistent-cmek-home".to_owned());
    let reach = Reach::Real { platform: &cli.platform, clouds: &cli.clouds, env: &env };
    let report = inspect(&reach).await.unwrap();
    assert_eq!(report.exit_code(), 3);
    let lines = text(&report, &out()).join("\n");
    assert!(
        lines.contains("none usable") && lines.contains("--admin-key-file") && lines.contains("ant auth login"),
        "{lines}"
    );
    assert_eq!(to_json(&report)["credential"], json!(null));

    let both = Cli::try_parse_from(["cmek", "--admin-key-file", "/k", "--profile", "ci", "auth", "status"]).unwrap();
    let reach = Reach::Real { platform: &both.platform, clouds: &both.clouds, env: &env };
    assert_eq!(inspect(&reach).await.unwrap_err().exit_code(), 2, "two credential flags are a usage error");
}

#[test]
fn absurd_expiry_times_render_without_panicking() {
    for expires_at in [i64::MIN, i64::MAX, T0 - 7200, T0 + 30] {
        let report = StatusReport {
            token: Some(crate::platform::credentials::TokenInfo { expires_at, scope: None }),
            now: T0,
            ..StatusReport::default()
        };
        let rendered = render(&report);
        assert!(rendered.contains("expires"), "{rendered}");
    }
}

/// Collects every log line written while it is the thread's subscriber.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_ever_shows_in_errors_logs_or_auth_status() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown: Vec<String> = Vec::new();

    // A server that echoes every secret it is sent, everywhere it can.
    let server = TestServer::start(|r, earlier| {
        let auth = r.header("authorization").unwrap_or_default().to_owned();
        let body = String::from_utf8_lossy(&r.body).into_owned();
        match r.path.as_str() {
            "/v1/oauth/token" if body.contains("refresh_token") => {
                Reply::error(400, "invalid_request_error", &format!("bad refresh: {body}"))
            }
            "/v1/oauth/token" if earlier % 3 == 2 => Reply::error(401, "authentication_error", &format!("no: {body}")),
            "/v1/oauth/token" if earlier % 3 == 1 => {
                Reply::error(400, "invalid_request_error", &format!("bad assertion: {body}"))
            }
            "/v1/oauth/token" => {
                Reply::json(200, json!({"access_token": ACCESS, "expires_in": 100, "scope": "user:profile"}))
            }
            "/v1/organizations/me" => Reply::json(200, organization_json()),
            "/v1/organizations/workspaces/w1" => {
                Reply::text(500, &format!("crash: {auth}")).header("x-should-retry", "false")
            }
            "/v1/organizations/workspaces/w2" => {
                Reply::text(302, "").header("location", &format!("https://evil/?{auth}"))
            }
            _ => Reply::error(403, "permission_error", &format!("token {auth} lacks scope"))
                .header("request-id", &format!("req_{auth}")),
        }
    })
    .await;

    // An admin key.
    let admin = client(&server, Credential::AdminKey(ADMIN.into()), CredentialOrigin::Env("ANTHROPIC_ADMIN_KEY"));
    for err in [
        admin.get_workspace("w1").await.unwrap_err(),
        admin.get_workspace("w2").await.unwrap_err(),
        admin.list_workspaces(&Default::default()).await.unwrap_err(),
    ] {
        shown.push(format!("{err}\n{err:?}\n{}", crate::error::Error::from(err.clone())));
    }
    shown.push(render(&inspect_client(&admin, "the default".into(), T0).await));
    shown.push(format!("{admin:?}\n{:?}", admin.credential()));

    // A federation token (100 s left: an early refresh that fails is logged), then the
    // exchange's failures that echo the identity token.
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at(T0));
    let (credential, origin) = federation(&server, &dir, clock.clone());
    shown.push(format!("{credential:?}"));
    let fed = client(&server, credential.clone(), origin.clone());
    shown.push(render(&inspect_client(&fed, "the default".into(), T0).await));
    for err in [
        fed.get_workspace("w1").await.unwrap_err(),
        fed.get_workspace("w2").await.unwrap_err(),
        fed.list_workspaces(&Default::default()).await.unwrap_err(),
    ] {
        shown.push(format!("{err}\n{err:?}\n{}", crate::error::Error::from(err.clone())));
    }
    let source = credential.token_source().unwrap();
    let token = source.token().await.unwrap();
    shown.push(format!("{token:?}\n{source:?}"));
    clock.advance(90);
    for _ in 0..3 {
        match source.token().await {
            Ok(token) => shown.push(format!("{token:?}")),
            Err(err) => {
                shown.push(format!("{err}\n{err:?}"));
                shown.push(crate::error::Error::from(err).to_string());
            }
        }
        clock.advance(6);
    }
    let fresh = client(&server, federation(&server, &dir, clock.clone()).0, origin);
    shown.push(render(&inspect_client(&fresh, "the default".into(), T0).await));

    // A user's refresh token, refused with an echo.
    let path = dir.path().join("me.json");
    fs::write(&path, json!({"access_token": ACCESS, "expires_at": T0 - 1, "refresh_token": REFRESH}).to_string())
        .unwrap();
    private(&path);
    let spec = UserOauthSpec {
        profile: "me".into(),
        credentials: path,
        client_id: Some("cli".into()),
        workspace_id: None,
        scope: None,
    };
    let user_clock: Arc<dyn Clock> = Arc::new(FakeClock::at(T0));
    let user = Credential::OAuth(TokenSource::user_oauth(spec, &server.base_url, 0, user_clock).unwrap());
    let user_client = client(&server, user, CredentialOrigin::Env("test"));
    let err = user_client.organization().await.unwrap_err();
    shown.push(format!("{err}\n{err:?}"));
    shown.push(render(&inspect_client(&user_client, "the default".into(), T0).await));

    shown.push(String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned());
    for secret in [ADMIN, ACCESS, REFRESH, IDENTITY] {
        for text in &shown {
            assert!(!text.contains(secret), "a secret leaked into: {text}");
        }
    }
    for text in &shown {
        assert!(!text.contains("CANARY"), "part of a secret leaked into: {text}");
    }
    // The echoes were there and were redacted, and the logs did record the failed refreshes.
    let all = shown.join("\n");
    assert!(all.contains("***"), "{all}");
    assert!(all.contains("early token refresh failed"), "{all}");
}
