//! A token source: the OAuth access token for the next request, obtained through the federation
//! exchange or from a user's profile, and refreshed by the rules of `refresh.rs`. One source is
//! shared by every request of a client behind one lock, so a long run outlives any token and
//! concurrent requests trigger one exchange, not many.
//!
//! A federation profile's token is cached in its credentials file and reused across runs; a
//! user's profile with a `client_id` is refreshed here (the rotated refresh token written back),
//! one without is re-read at every call (another tool refreshes it).

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;
use url::Url;
use zeroize::Zeroize as _;

use super::clock::Clock;
use super::error::AuthError;
use super::exchange::{EndpointError, FEDERATION_BETA, JWT_BEARER_GRANT, TokenAnswer, TokenEndpoint};
use super::refresh::{self, Decision, MUST_REFRESH_BEFORE_SECS};
use super::spec::{FederationSpec, UserOauthSpec};
use super::token_file::{self, StoredToken};
use crate::platform::headers::OAUTH_BETA;
use crate::platform::sanitize::Sanitizer;

/// An access token to send now. `Debug` is redacted; there is no `Display`.
#[derive(Clone)]
pub struct AccessToken {
    pub(crate) secret: SecretString,
    /// Epoch seconds.
    pub expires_at: i64,
    pub scope: Option<String>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"***")
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// What can be shown about the current token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub expires_at: i64,
    pub scope: Option<String>,
}

/// Where tokens come from. Cheap to clone (shared state).
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.inner.kind {
            Kind::Federation(_) => "federation",
            Kind::UserOauth(_) => "user_oauth",
        };
        f.debug_struct("TokenSource").field("kind", &kind).finish_non_exhaustive()
    }
}

struct Inner {
    kind: Kind,
    endpoint: TokenEndpoint,
    clock: Arc<dyn Clock>,
    state: tokio::sync::Mutex<State>,
}

enum Kind {
    Federation(FederationSpec),
    UserOauth(UserOauthSpec),
}

#[derive(Default)]
struct State {
    current: Option<Held>,
    /// Whether the profile's file was read (once; later the held token is newer).
    file_read: bool,
    /// When an early refresh (30-120 s left) last failed.
    early_refresh_failed_at: Option<i64>,
    /// The token the API last refused: not to be adopted again from a file.
    refused: Option<SecretString>,
}

#[derive(Clone)]
struct Held {
    token: SecretString,
    expires_at: i64,
    scope: Option<String>,
    refresh_token: Option<SecretString>,
}

impl Held {
    fn access(&self) -> AccessToken {
        AccessToken { secret: self.token.clone(), expires_at: self.expires_at, scope: self.scope.clone() }
    }

    fn from_stored(stored: &StoredToken) -> Held {
        Held {
            token: stored.access_token.clone(),
            expires_at: stored.expires_at,
            scope: stored.scope.clone(),
            refresh_token: stored.refresh_token.clone(),
        }
    }
}

const EXCHANGE: &str = "federation token exchange";
const REFRESH: &str = "token refresh";

impl TokenSource {
    /// Tokens from the federation exchange at `base_url`'s token endpoint.
    pub fn federation(
        spec: FederationSpec,
        base_url: &Url,
        max_retries: u32,
        clock: Arc<dyn Clock>,
    ) -> Result<TokenSource, AuthError> {
        Self::build(Kind::Federation(spec), base_url, max_retries, clock)
    }

    /// Tokens from a user's profile.
    pub fn user_oauth(
        spec: UserOauthSpec,
        base_url: &Url,
        max_retries: u32,
        clock: Arc<dyn Clock>,
    ) -> Result<TokenSource, AuthError> {
        Self::build(Kind::UserOauth(spec), base_url, max_retries, clock)
    }

    fn build(kind: Kind, base_url: &Url, max_retries: u32, clock: Arc<dyn Clock>) -> Result<TokenSource, AuthError> {
        let endpoint = TokenEndpoint::new(base_url, max_retries)?;
        Ok(TokenSource { inner: Arc::new(Inner { kind, endpoint, clock, state: Default::default() }) })
    }

    /// The `anthropic-workspace-id` to send (a user's profile's `workspace_id`).
    pub fn workspace_header(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::UserOauth(spec) => spec.workspace_id.as_deref(),
            Kind::Federation(_) => None,
        }
    }

    /// The scope the configuration asks for (never sent), for messages.
    pub fn configured_scope(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::UserOauth(spec) => spec.scope.as_deref(),
            Kind::Federation(spec) => spec.scope.as_deref(),
        }
    }

    /// The profile the tokens belong to, if any.
    pub fn profile(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::UserOauth(spec) => Some(&spec.profile),
            Kind::Federation(spec) => spec.cache.as_ref().map(|c| c.profile.as_str()),
        }
    }

    /// The expiry and scope of the token held now (after a request), for `auth status`.
    pub async fn info(&self) -> Option<TokenInfo> {
        let state = self.inner.state.lock().await;
        state.current.as_ref().map(|held| TokenInfo { expires_at: held.expires_at, scope: held.scope.clone() })
    }

    /// The token for the next request: the held one while it has more than 120 s left; refreshed
    /// between 120 and 30 s (keeping the old one if that fails, trying again after 5 s); under
    /// 30 s refreshed or an error.
    pub async fn token(&self) -> Result<AccessToken, AuthError> {
        let mut state = self.inner.state.lock().await;
        let now = self.inner.clock.now();
        if let Kind::UserOauth(spec) = &self.inner.kind
            && spec.client_id.is_none()
        {
            return self.reread_user_file(spec, &mut state, now);
        }
        if !state.file_read {
            state.file_read = true;
            state.current = self.read_file()?;
        }
        let held = state.current.clone();
        if let Some(held) = held {
            match refresh::decide(held.expires_at.saturating_sub(now)) {
                Decision::Use => return Ok(held.access()),
                Decision::RefreshKeepOnFailure => {
                    if !refresh::may_retry_early_refresh(state.early_refresh_failed_at, now) {
                        return Ok(held.access());
                    }
                    return match self.refresh(&mut state, now).await {
                        Ok(token) => Ok(token),
                        Err(e) => {
                            tracing::warn!(error = %e, "early token refresh failed; the current token is still valid");
                            state.early_refresh_failed_at = Some(now);
                            Ok(held.access())
                        }
                    };
                }
                Decision::MustRefresh => {}
            }
        }
        self.refresh(&mut state, now).await
    }

    /// The API refused `used` (401): it is dropped, so the next [`token`](Self::token) gets a new
    /// one.
    pub async fn invalidate(&self, used: &AccessToken) {
        let mut state = self.inner.state.lock().await;
        if state.current.as_ref().is_some_and(|held| held.token.expose_secret() == used.secret.expose_secret()) {
            state.current = None;
        }
        state.refused = Some(used.secret.clone());
    }

    /// A user's profile without a client id: the file is the truth, read at every call.
    fn reread_user_file(&self, spec: &UserOauthSpec, state: &mut State, now: i64) -> Result<AccessToken, AuthError> {
        let stored = user_token(spec)?;
        let left = stored.expires_at.saturating_sub(now);
        if left < MUST_REFRESH_BEFORE_SECS {
            let when = if left <= 0 {
                format!("expired {} s ago", left.saturating_neg())
            } else {
                format!("expires in {left} s")
            };
            return Err(AuthError::TokenExpired {
                profile: spec.profile.clone(),
                path: spec.credentials.clone(),
                when,
            });
        }
        let held = Held::from_stored(&stored);
        state.current = Some(held.clone());
        Ok(held.access())
    }

    /// The token the profile's file holds (a federation profile's cache, a user's token).
    fn read_file(&self) -> Result<Option<Held>, AuthError> {
        match &self.inner.kind {
            Kind::Federation(FederationSpec { cache: Some(cache), .. }) => {
                match token_file::read(&cache.path, &cache.profile) {
                    Ok(stored) => Ok(stored.as_ref().map(Held::from_stored)),
                    // A broken cache is replaced by the next exchange; a refused file is reported.
                    Err(AuthError::CredentialsInvalid { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Kind::Federation(_) => Ok(None),
            Kind::UserOauth(spec) => Ok(Some(Held::from_stored(&user_token(spec)?))),
        }
    }

    async fn refresh(&self, state: &mut State, now: i64) -> Result<AccessToken, AuthError> {
        let held = match &self.inner.kind {
            Kind::Federation(spec) => self.exchange(spec, now).await?,
            Kind::UserOauth(spec) => self.refresh_user(spec, state, now).await?,
        };
        state.current = Some(held.clone());
        state.early_refresh_failed_at = None;
        Ok(held.access())
    }

    /// The federation exchange; a 401 is tried once more with a fresh identity token.
    async fn exchange(&self, spec: &FederationSpec, now: i64) -> Result<Held, AuthError> {
        let answer = match self.exchange_once(spec).await? {
            Err(EndpointError::Status { status: 401, .. }) => self.exchange_once(spec).await?,
            other => other,
        };
        let answer = answer.map_err(|e| match e {
            EndpointError::Status { status: 401, request_id, .. } => AuthError::ExchangeDenied {
                rule_id: spec.rule_id.clone(),
                organization_id: spec.organization_id.clone(),
                service_account_id: spec.service_account_id.clone(),
                workspace_id: spec.workspace_id.clone(),
                request_id,
            },
            other => endpoint_error(EXCHANGE, other),
        })?;
        let held = held_from(answer, now, None);
        if let Some(cache) = &spec.cache {
            let stored = StoredToken {
                access_token: held.token.clone(),
                expires_at: held.expires_at,
                refresh_token: None,
                scope: held.scope.clone(),
                rest: serde_json::Map::from_iter([("organization_uuid".to_owned(), json!(spec.organization_id))]),
            };
            if let Err(e) = token_file::write(&cache.path, &stored) {
                tracing::warn!(path = %cache.path.display(), error = %e, "could not cache the federation token");
            }
        }
        Ok(held)
    }

    /// One exchange: the identity token read afresh (an error before sending if it is unusable).
    async fn exchange_once(&self, spec: &FederationSpec) -> Result<Result<TokenAnswer, EndpointError>, AuthError> {
        let assertion = spec.identity_token.read()?;
        let mut body = json!({
            "grant_type": JWT_BEARER_GRANT,
            "assertion": assertion.expose_secret(),
            "federation_rule_id": spec.rule_id,
            "organization_id": spec.organization_id,
        });
        if let Some(account) = &spec.service_account_id {
            body["service_account_id"] = json!(account);
        }
        if let Some(workspace) = &spec.workspace_id {
            body["workspace_id"] = json!(workspace);
        }
        Ok(self.post(body, FEDERATION_BETA, &Sanitizer::of([&assertion])).await)
    }

    /// A user's refresh: a token another process already refreshed is adopted; a 401 is tried
    /// once more when the file holds a newer refresh token.
    async fn refresh_user(&self, spec: &UserOauthSpec, state: &State, now: i64) -> Result<Held, AuthError> {
        let mut stored = user_token(spec)?;
        let refused = |t: &SecretString| state.refused.as_ref().is_some_and(|r| r.expose_secret() == t.expose_secret());
        let held_token = state.current.as_ref().map(|h| h.token.expose_secret().to_owned());
        if refresh::decide(stored.expires_at.saturating_sub(now)) == Decision::Use
            && !refused(&stored.access_token)
            && held_token.as_deref() != Some(stored.access_token.expose_secret())
        {
            return Ok(Held::from_stored(&stored));
        }
        let client_id = spec.client_id.clone().unwrap_or_default();
        let no_refresh = || AuthError::NoRefreshToken { profile: spec.profile.clone(), path: spec.credentials.clone() };
        let mut refresh_token = stored.refresh_token.clone().ok_or_else(no_refresh)?;
        let mut answer = self.refresh_once(&refresh_token, &client_id).await;
        if let Err(EndpointError::Status { status, .. }) = &answer
            && refresh_refused(*status)
            && let Some(newer) = token_file::read(&spec.credentials, &spec.profile)?
            && let Some(newer_refresh) = newer.refresh_token.clone()
            && newer_refresh.expose_secret() != refresh_token.expose_secret()
        {
            stored = newer;
            refresh_token = newer_refresh;
            answer = self.refresh_once(&refresh_token, &client_id).await;
        }
        let answer = answer.map_err(|e| match e {
            EndpointError::Status { status, request_id, .. } if refresh_refused(status) => AuthError::RefreshRefused {
                profile: spec.profile.clone(),
                path: spec.credentials.clone(),
                status,
                request_id,
            },
            other => endpoint_error(REFRESH, other),
        })?;
        let held = held_from(answer, now, Some(refresh_token));
        stored.access_token = held.token.clone();
        stored.expires_at = held.expires_at;
        stored.refresh_token = held.refresh_token.clone();
        if held.scope.is_some() {
            stored.scope = held.scope.clone();
        }
        if let Err(e) = token_file::write(&spec.credentials, &stored) {
            // The rotated refresh token is lost with this process: say so loudly in the log.
            tracing::warn!(path = %spec.credentials.display(), error = %e,
                "could not write the refreshed token back; sign in again with `ant auth login` if the next run fails");
        }
        Ok(held)
    }

    async fn refresh_once(&self, refresh_token: &SecretString, client_id: &str) -> Result<TokenAnswer, EndpointError> {
        let body = json!({
            "grant_type": "refresh_token",
            "refresh_token": refresh_token.expose_secret(),
            "client_id": client_id,
        });
        self.post(body, OAUTH_BETA, &Sanitizer::of([refresh_token])).await
    }

    async fn post(
        &self,
        body: serde_json::Value,
        beta: &'static str,
        sanitizer: &Sanitizer,
    ) -> Result<TokenAnswer, EndpointError> {
        let mut bytes = serde_json::to_vec(&body).unwrap_or_default();
        drop(body);
        let answer = self.inner.endpoint.request(&bytes, beta, sanitizer).await;
        bytes.zeroize();
        answer
    }
}

/// The token a user's credentials file holds now (read each time: another process, or `ant`, may
/// have refreshed it since).
fn user_token(spec: &UserOauthSpec) -> Result<token_file::StoredToken, AuthError> {
    token_file::read(&spec.credentials, &spec.profile)?
        .ok_or_else(|| AuthError::CredentialsMissing { profile: spec.profile.clone(), path: spec.credentials.clone() })
}

/// The token an answer gave, expiring `expires_in` from `now`; a refresh answer without a new
/// refresh token keeps the one used.
fn held_from(answer: TokenAnswer, now: i64, used_refresh: Option<SecretString>) -> Held {
    Held {
        token: answer.access_token,
        expires_at: now.saturating_add(answer.expires_in),
        scope: answer.scope,
        refresh_token: answer.refresh_token.or(used_refresh),
    }
}

fn endpoint_error(what: &'static str, error: EndpointError) -> AuthError {
    match error {
        EndpointError::Status { status, kind, message, request_id } => {
            AuthError::TokenRefused { what, status, kind, message, request_id }
        }
        EndpointError::Failed(message) => AuthError::TokenEndpointFailed { what, message },
        EndpointError::Answer(why) => AuthError::TokenAnswer { what, why },
    }
}

/// A refresh the token endpoint turned down for the token itself: OAuth answers a revoked or
/// expired refresh token with 400 `invalid_grant`, some servers with 401 or 403.
fn refresh_refused(status: u16) -> bool {
    matches!(status, 400 | 401 | 403)
}
