//! Test-only: the token source against the in-crate test server: what the exchange sends, its
//! limits and answer checks, the refresh windows under a fake clock, a 401 retried once with a
//! fresh identity token, the profile's token cache (mode 0600, reused by the next run), and a
//! user's profile (refreshed with its client id and written back, or re-read at every call).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

use super::clock::{Clock, FakeClock};
use super::error::AuthError;
use super::exchange::FEDERATION_BETA;
use super::source::TokenSource;
use super::spec::{FederationSpec, IdentityToken, TokenCache, UserOauthSpec};
use crate::platform::test_server::{Recorded, Reply, TestServer};

const ORG: &str = "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
const T0: i64 = 1_900_000_000;

fn token_reply(token: &str, expires_in: i64) -> Reply {
    Reply::json(
        200,
        json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": "org:admin"}),
    )
}

fn private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

struct Fed {
    dir: tempfile::TempDir,
    clock: Arc<FakeClock>,
}

impl Fed {
    fn new() -> Fed {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("jwt"), "eyJ.first.sig\n").unwrap();
        Fed { dir, clock: Arc::new(FakeClock::at(T0)) }
    }

    fn jwt(&self) -> PathBuf {
        self.dir.path().join("jwt")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("credentials").join("ci.json")
    }

    fn spec(&self, cached: bool) -> FederationSpec {
        FederationSpec {
            rule_id: "fdrl_01".into(),
            organization_id: ORG.into(),
            service_account_id: Some("svac_01".into()),
            workspace_id: Some("wrkspc_01".into()),
            identity_token: IdentityToken::File { path: self.jwt(), from: "$ANTHROPIC_IDENTITY_TOKEN_FILE".into() },
            scope: Some("org:admin".into()),
            cache: cached.then(|| TokenCache { profile: "ci".into(), path: self.cache() }),
        }
    }

    fn source(&self, server: &TestServer, cached: bool) -> TokenSource {
        let clock: Arc<dyn Clock> = self.clock.clone();
        TokenSource::federation(self.spec(cached), &server.base_url, 0, clock).unwrap()
    }
}

fn exchanges(server: &TestServer) -> Vec<Recorded> {
    server.requests().into_iter().filter(|r| r.path == "/v1/oauth/token").collect()
}

#[tokio::test]
async fn the_exchange_sends_exactly_what_the_spec_says() {
    let server = TestServer::start(|_, _| token_reply("sk-ant-oat01-first", 3600)).await;
    let fed = Fed::new();
    let token = fed.source(&server, false).token().await.unwrap();
    assert_eq!(token.secret.expose_secret(), "sk-ant-oat01-first");
    assert_eq!((token.expires_at, token.scope.as_deref()), (T0 + 3600, Some("org:admin")));
    let sent = exchanges(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].header("anthropic-beta"), Some(FEDERATION_BETA));
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
    assert_eq!(sent[0].header("authorization"), None);
    assert_eq!(
        sent[0].json(),
        json!({
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": "eyJ.first.sig",
            "federation_rule_id": "fdrl_01",
            "organization_id": ORG,
            "service_account_id": "svac_01",
            "workspace_id": "wrkspc_01",
        }),
        "the scope is kept, never sent"
    );
}

#[tokio::test]
async fn the_refresh_windows_follow_the_clock() {
    // Two good exchanges, then the endpoint fails.
    let server = TestServer::start(|_, earlier| match earlier {
        0 => token_reply("sk-ant-oat01-A", 600),
        1 => token_reply("sk-ant-oat01-B", 600),
        _ => Reply::error(400, "invalid_request_error", "try later"),
    })
    .await;
    let fed = Fed::new();
    let source = fed.source(&server, false);
    let secret = |t: super::AccessToken| t.secret.expose_secret().to_owned();
    assert_eq!(secret(source.token().await.unwrap()), "sk-ant-oat01-A");
    // More than 120 s left: used as it is.
    fed.clock.advance(600 - 121);
    assert_eq!(secret(source.token().await.unwrap()), "sk-ant-oat01-A");
    assert_eq!(exchanges(&server).len(), 1);
    // 30 to 120 s left: refreshed.
    fed.clock.advance(21);
    assert_eq!(secret(source.token().await.unwrap()), "sk-ant-oat01-B");
    assert_eq!(exchanges(&server).len(), 2);
    // B expires at T0 + 500 + 600; at 60 s left the refresh fails and B is kept.
    fed.clock.advance(600 - 60);
    assert_eq!(secret(source.token().await.unwrap()), "sk-ant-oat01-B");
    assert_eq!(exchanges(&server).len(), 3);
    // No new attempt within 5 s of the failure; one after.
    fed.clock.advance(4);
    assert_eq!(secret(source.token().await.unwrap()), "sk-ant-oat01-B");
    assert_eq!(exchanges(&server).len(), 3);
    fed.clock.advance(1);
    assert_eq!(secret(source.token().await.unwrap()), "sk-ant-oat01-B");
    assert_eq!(exchanges(&server).len(), 4);
    // Under 30 s left: it must refresh, and the failure is an error.
    fed.clock.advance(30);
    let err = source.token().await.unwrap_err();
    assert!(matches!(err, AuthError::TokenRefused { status: 400, .. }), "{err}");
    assert!(err.to_string().contains("try later"), "{err}");
    assert_eq!(source.info().await.map(|i| i.expires_at), Some(T0 + 500 + 600));
}

#[tokio::test]
async fn a_401_from_the_token_endpoint_is_retried_once_with_a_fresh_identity_token() {
    let fed = Fed::new();
    let jwt = fed.jwt();
    let server = TestServer::start(move |_, earlier| match earlier {
        0 => {
            // The identity provider rotates the file meanwhile.
            fs::write(&jwt, "eyJ.second.sig").unwrap();
            Reply::error(401, "authentication_error", "Authentication failed")
        }
        _ => token_reply("sk-ant-oat01-after-401", 3600),
    })
    .await;
    let token = fed.source(&server, false).token().await.unwrap();
    assert_eq!(token.secret.expose_secret(), "sk-ant-oat01-after-401");
    let sent = exchanges(&server);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].json()["assertion"], "eyJ.first.sig");
    assert_eq!(sent[1].json()["assertion"], "eyJ.second.sig", "the assertion is read afresh");
}

#[tokio::test]
async fn a_denied_exchange_says_which_rule_organisation_and_account_and_where_the_reason_is() {
    let server = TestServer::start(|_, _| {
        Reply::error(401, "authentication_error", "Authentication failed").header("request-id", "req_denied")
    })
    .await;
    let fed = Fed::new();
    let err = fed.source(&server, false).token().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::ExchangeDenied { .. }), "{text}");
    for part in
        ["fdrl_01", ORG, "svac_01", "wrkspc_01", "authentication events", "ANTHROPIC_WORKSPACE_ID", "req_denied"]
    {
        assert!(text.contains(part), "{part} missing from {text}");
    }
    assert!(!text.contains("eyJ"), "{text}");
    assert_eq!(exchanges(&server).len(), 2, "one retry with a forced refresh, no more");
    assert_eq!(crate::error::Error::from(err).exit_code(), 3);
}

#[tokio::test]
async fn a_refused_exchange_reports_the_platform_message_without_the_assertion() {
    let server = TestServer::start(|r, _| {
        let echoed = r.json()["assertion"].as_str().unwrap_or_default().to_owned();
        Reply::error(400, "invalid_request_error", &format!("assertion {echoed} is not a JWT"))
    })
    .await;
    let fed = Fed::new();
    let err = fed.source(&server, false).token().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("HTTP 400 invalid_request_error") && text.contains("is not a JWT"), "{text}");
    assert!(!text.contains("eyJ.first.sig"), "{text}");
    assert_eq!(exchanges(&server).len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn answers_that_are_not_a_usable_token_are_refused() {
    for (reply, why) in [
        (Reply::json(200, json!(["sk-ant-oat01-x"])), "not a JSON object"),
        (Reply::json(200, json!({"access_token": "t", "token_type": "mac", "expires_in": 60})), "token_type"),
        (Reply::json(200, json!({"access_token": "t"})), "expires_in"),
        (Reply::json(200, json!({"expires_in": 60})), "access_token"),
        (Reply::text(200, &"x".repeat(1024 * 1024 + 1)), "larger than 1048576"),
    ] {
        let reply = std::sync::Mutex::new(Some(reply));
        let server = TestServer::start(move |_, _| reply.lock().unwrap().take().unwrap_or(Reply::text(500, ""))).await;
        let err = Fed::new().source(&server, false).token().await.unwrap_err();
        assert!(matches!(err, AuthError::TokenAnswer { .. }) && err.to_string().contains(why), "{why}: {err}");
    }
}

#[tokio::test]
async fn an_oversized_or_missing_identity_token_is_refused_before_sending() {
    let server = TestServer::start(|_, _| token_reply("sk-ant-oat01-never", 3600)).await;
    let fed = Fed::new();
    fs::write(fed.jwt(), "a".repeat(16_385)).unwrap();
    let err = fed.source(&server, false).token().await.unwrap_err();
    assert!(err.to_string().contains("16384"), "{err}");
    fs::remove_file(fed.jwt()).unwrap();
    let err = fed.source(&server, false).token().await.unwrap_err();
    assert!(err.to_string().contains(&fed.jwt().display().to_string()), "{err}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn the_profile_cache_is_private_and_reused_by_the_next_run_until_30_s_before_expiry() {
    let server = TestServer::start(|_, earlier| token_reply(&format!("sk-ant-oat01-run{earlier}"), 3600)).await;
    let fed = Fed::new();
    let first = fed.source(&server, true).token().await.unwrap();
    assert_eq!(first.secret.expose_secret(), "sk-ant-oat01-run0");
    let written: Value = serde_json::from_slice(&fs::read(fed.cache()).unwrap()).unwrap();
    assert_eq!(written["access_token"], "sk-ant-oat01-run0");
    assert_eq!(written["expires_at"], T0 + 3600);
    assert_eq!(written["type"], "oauth_token");
    #[cfg(unix)]
    {
        assert_eq!(mode(&fed.cache()), 0o600);
        assert_eq!(mode(fed.cache().parent().unwrap()), 0o700);
    }
    // The next run reads the cache instead of exchanging.
    fed.clock.advance(3000);
    let again = fed.source(&server, true).token().await.unwrap();
    assert_eq!(again.secret.expose_secret(), "sk-ant-oat01-run0");
    assert_eq!(exchanges(&server).len(), 1);
    // 29 s before expiry, a new run exchanges again and rewrites the cache.
    fed.clock.advance(600 - 29);
    let renewed = fed.source(&server, true).token().await.unwrap();
    assert_eq!(renewed.secret.expose_secret(), "sk-ant-oat01-run1");
    let written: Value = serde_json::from_slice(&fs::read(fed.cache()).unwrap()).unwrap();
    assert_eq!(written["access_token"], "sk-ant-oat01-run1");
}

#[cfg(unix)]
#[tokio::test]
async fn a_cache_others_can_read_is_refused_and_a_broken_one_replaced() {
    let server = TestServer::start(|_, _| token_reply("sk-ant-oat01-new", 3600)).await;
    let fed = Fed::new();
    fs::create_dir_all(fed.cache().parent().unwrap()).unwrap();
    fs::write(fed.cache(), json!({"access_token": "sk-ant-oat01-old", "expires_at": T0 + 9999}).to_string()).unwrap();
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(fed.cache(), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let err = fed.source(&server, true).token().await.unwrap_err();
    assert!(err.to_string().contains(&format!("chmod 600 {}", fed.cache().display())), "{err}");
    fs::write(fed.cache(), "{ broken").unwrap();
    private(&fed.cache());
    let token = fed.source(&server, true).token().await.unwrap();
    assert_eq!(token.secret.expose_secret(), "sk-ant-oat01-new");
}

#[tokio::test]
async fn a_dropped_token_is_replaced_at_the_next_request() {
    let server = TestServer::start(|_, earlier| token_reply(&format!("sk-ant-oat01-{earlier}"), 3600)).await;
    let fed = Fed::new();
    let source = fed.source(&server, false);
    let first = source.token().await.unwrap();
    source.invalidate(&first).await;
    let second = source.token().await.unwrap();
    assert_eq!((first.secret.expose_secret(), second.secret.expose_secret()), ("sk-ant-oat01-0", "sk-ant-oat01-1"));
}

/// A user's profile with its credentials file.
struct User {
    dir: tempfile::TempDir,
    clock: Arc<FakeClock>,
}

impl User {
    fn new(doc: Value) -> User {
        let dir = tempfile::tempdir().unwrap();
        let user = User { dir, clock: Arc::new(FakeClock::at(T0)) };
        user.write(doc);
        user
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("credentials").join("me.json")
    }

    fn write(&self, doc: Value) {
        fs::create_dir_all(self.path().parent().unwrap()).unwrap();
        fs::write(self.path(), doc.to_string()).unwrap();
        private(&self.path());
    }

    fn source(&self, server: &TestServer, client_id: Option<&str>) -> TokenSource {
        let spec = UserOauthSpec {
            profile: "me".into(),
            credentials: self.path(),
            client_id: client_id.map(str::to_owned),
            workspace_id: Some("wrkspc_me".into()),
            scope: None,
        };
        let clock: Arc<dyn Clock> = self.clock.clone();
        TokenSource::user_oauth(spec, &server.base_url, 0, clock).unwrap()
    }
}

fn stored(access: &str, expires_at: i64, refresh: Option<&str>) -> Value {
    json!({"version": "1.0", "type": "oauth_token", "access_token": access, "expires_at": expires_at,
           "refresh_token": refresh, "scope": "user:profile org:admin", "account_email": "me@example.com"})
}

#[tokio::test]
async fn a_user_profile_with_a_client_id_refreshes_and_writes_the_rotated_refresh_token_back() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            200,
            json!({"access_token": "sk-ant-oat01-fresh", "token_type": "bearer", "expires_in": 3600,
                                "refresh_token": "sk-ant-ort01-rotated", "scope": "user:profile org:admin"}),
        )
    })
    .await;
    let user = User::new(stored("sk-ant-oat01-stale", T0 + 10, Some("sk-ant-ort01-first")));
    let source = user.source(&server, Some("cli_1"));
    assert_eq!(source.workspace_header(), Some("wrkspc_me"));
    let token = source.token().await.unwrap();
    assert_eq!(token.secret.expose_secret(), "sk-ant-oat01-fresh");
    let sent = exchanges(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].json(),
        json!({"grant_type": "refresh_token", "refresh_token": "sk-ant-ort01-first", "client_id": "cli_1"})
    );
    assert_eq!(sent[0].header("anthropic-beta"), Some("oauth-2025-04-20"));
    let written: Value = serde_json::from_slice(&fs::read(user.path()).unwrap()).unwrap();
    assert_eq!(written["refresh_token"], "sk-ant-ort01-rotated");
    assert_eq!(written["access_token"], "sk-ant-oat01-fresh");
    assert_eq!(written["expires_at"], T0 + 3600);
    assert_eq!(written["account_email"], "me@example.com", "other fields are kept");
    #[cfg(unix)]
    assert_eq!(mode(&user.path()), 0o600);
    // Fresh now: no more refreshes.
    source.token().await.unwrap();
    assert_eq!(exchanges(&server).len(), 1);
}

#[tokio::test]
async fn a_refused_refresh_says_to_sign_in_again() {
    let server = TestServer::start(|_, _| Reply::error(401, "authentication_error", "invalid_grant")).await;
    let user = User::new(stored("sk-ant-oat01-stale", T0 - 5, Some("sk-ant-ort01-revoked")));
    let err = user.source(&server, Some("cli_1")).token().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::RefreshRefused { .. }), "{text}");
    assert!(text.contains("ant auth login --profile me --scope org:admin") && !text.contains("revoked"), "{text}");
    let user = User::new(stored("sk-ant-oat01-stale", T0 - 5, None));
    let err = user.source(&server, Some("cli_1")).token().await.unwrap_err();
    assert!(matches!(err, AuthError::NoRefreshToken { .. }), "{err}");

    // OAuth's usual answer to a revoked refresh token: 400 invalid_grant, said the same way.
    let server = TestServer::start(|_, _| Reply::error(400, "invalid_request_error", "invalid_grant")).await;
    let user = User::new(stored("sk-ant-oat01-stale", T0 - 5, Some("sk-ant-ort01-revoked")));
    let err = user.source(&server, Some("cli_1")).token().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::RefreshRefused { status: 400, .. }), "{text}");
    assert!(text.contains("ant auth login --profile me --scope org:admin") && !text.contains("revoked"), "{text}");
}

#[tokio::test]
async fn a_user_profile_without_a_client_id_is_re_read_at_every_call() {
    let server = TestServer::start(|_, _| Reply::error(500, "api_error", "must not be called")).await;
    let user = User::new(stored("sk-ant-oat01-one", T0 + 3600, Some("sk-ant-ort01-x")));
    let source = user.source(&server, None);
    assert_eq!(source.token().await.unwrap().secret.expose_secret(), "sk-ant-oat01-one");
    user.write(stored("sk-ant-oat01-two", T0 + 3600, None));
    assert_eq!(source.token().await.unwrap().secret.expose_secret(), "sk-ant-oat01-two");
    user.clock.advance(3600 - 29);
    let err = source.token().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::TokenExpired { .. }) && text.contains("ant auth login --profile me"), "{text}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn absurd_expiry_times_are_errors_not_panics() {
    let server = TestServer::start(|_, _| Reply::text(500, "")).await;
    for expires_at in [i64::MIN, i64::MAX] {
        let user = User::new(stored("sk-ant-oat01-odd", expires_at, None));
        let result = user.source(&server, None).token().await;
        assert_eq!(result.is_ok(), expires_at == i64::MAX, "{expires_at}");
    }
    let user = User::new(json!({"access_token": "sk-ant-oat01-odd", "expires_at": 1e300}));
    assert!(user.source(&server, None).token().await.is_ok());
}

#[tokio::test]
async fn a_user_profile_needs_its_private_credentials_file() {
    let server = TestServer::start(|_, _| Reply::text(500, "")).await;
    let user = User::new(stored("sk-ant-oat01-one", T0 + 3600, None));
    fs::remove_file(user.path()).unwrap();
    let err = user.source(&server, None).token().await.unwrap_err();
    assert!(matches!(err, AuthError::CredentialsMissing { .. }) && err.to_string().contains("ant auth login"), "{err}");
    #[cfg(unix)]
    {
        let real = user.dir.path().join("real.json");
        fs::write(&real, stored("sk-ant-oat01-one", T0 + 3600, None).to_string()).unwrap();
        private(&real);
        std::os::unix::fs::symlink(&real, user.path()).unwrap();
        let err = user.source(&server, Some("cli_1")).token().await.unwrap_err();
        assert!(matches!(err, AuthError::Symlink { .. }), "{err}");
    }
}
