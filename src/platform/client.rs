//! The Admin API client's engine: builds the HTTP client, sends one call with the SDK retry
//! policy, and turns responses into values or [`PlatformError`]s.
//!
//! The endpoints themselves live in `organization.rs`, `external_keys.rs` and `workspaces.rs`;
//! the headers in `headers.rs`. Each request asks the credential for its headers, so a token
//! source renews tokens while a long run goes on.
//!
//! Fallback rule: requests speak API version 2026-10-21 (admin keys as `Authorization: Bearer`).
//! When a server answers one with an error saying it does not support that version (a 4xx whose
//! message is about `anthropic-version`, such as a 400 `invalid_request_error`, or says a version
//! is not supported), the request is sent once more in version 2023-06-01 (an admin key as
//! `x-api-key`), and the client keeps speaking 2023-06-01 for the rest of its life. Nothing else
//! (a 401, a 5xx) changes the version.
//!
//! The credential only ever lives in sensitive header values and the sanitizer; `Debug` of the
//! client shows neither.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde::de::DeserializeOwned;
use url::Url;

use super::auth::Credential;
use super::call::Call;
use super::config::{ClientConfig, check_base_url, is_loopback, redacted};
use super::credentials::error::GET_ADMIN_SCOPE;
use super::credentials::{AccessToken, CredentialOrigin, TokenInfo};
use super::error::{KIND_REDIRECT, PlatformError};
use super::headers::{ApiVersion, Presented, USER_AGENT, request_headers};
use super::retry::should_retry;
use super::sanitize::Sanitizer;
use crate::retry::{self, Failed};
use cmek_core::retry::RetryPolicy;

/// The SDKs' connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// No Admin API answer comes near this (a full page of workspaces is far below 1 MiB); a
/// larger body is a broken or hostile server and is not read into memory.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A Claude Platform Admin API client. Cheap to clone (shared connection pool, token source and
/// API version).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    max_retries: u32,
    credential: Credential,
    origin: Option<CredentialOrigin>,
    /// Removes the fixed secret from server text (a token source's tokens are added per request).
    sanitizer: Sanitizer,
    /// Set once a server refused API version 2026-10-21 (see the fallback rule above).
    legacy: AtomicBool,
    /// The `anthropic-organization-id` header of the last answer that had one: every answer
    /// names the organisation, so a run need not ask `GET /v1/organizations/me` for its UUID.
    organization_seen: std::sync::Mutex<Option<String>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &redacted(&self.inner.base_url))
            .field("max_retries", &self.inner.max_retries)
            .field("credential", &"***")
            .finish_non_exhaustive()
    }
}

/// What authenticates one request: the fixed secret, or a token from the source.
struct Authorised {
    token: Option<AccessToken>,
    sanitizer: Sanitizer,
}

/// One answer, read.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    body: Vec<u8>,
}

impl Client {
    /// Builds a client. Refuses a base URL that is not https (except loopback) and a credential
    /// that cannot be sent as a header. Sends nothing.
    pub fn new(cfg: ClientConfig) -> Result<Client, PlatformError> {
        check_base_url(&cfg.base_url).map_err(|err| PlatformError::InvalidInput { message: err.message })?;
        if cfg.timeout.is_zero() {
            return Err(PlatformError::InvalidInput {
                message: "the request timeout is zero, so every call would fail: use a positive timeout".to_owned(),
            });
        }
        if let Some(secret) = cfg.credential.fixed_secret() {
            // Both dialects, so a bad key is refused now rather than on the first call.
            for version in [ApiVersion::Current, ApiVersion::Legacy] {
                request_headers(&fixed_presented(&cfg.credential, secret), version)?;
            }
        }
        let mut default_headers = HeaderMap::new();
        default_headers.insert(header::ACCEPT, header::HeaderValue::from_static("application/json"));
        let mut builder = crate::tls::client_builder(None)
            .map_err(|message| PlatformError::InvalidInput { message })?
            .default_headers(default_headers)
            .user_agent(USER_AGENT)
            .timeout(cfg.timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(cfg.timeout))
            // Never follow a redirect: the credential is not stripped on cross-host redirects.
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(&cfg.base_url) {
            // A proxy from the environment must not capture calls to a local sandbox.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|err| PlatformError::InvalidInput {
            message: format!("the HTTP client could not be set up: {}", error_chain(&err)),
        })?;
        let sanitizer = Sanitizer::new(&cfg.credential);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: cfg.base_url,
                max_retries: cfg.max_retries,
                credential: cfg.credential,
                origin: cfg.origin,
                sanitizer,
                legacy: AtomicBool::new(false),
                organization_seen: std::sync::Mutex::new(None),
            }),
        })
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The credential (whose `Debug` is redacted), for what can be said about it.
    pub fn credential(&self) -> &Credential {
        &self.inner.credential
    }

    /// Where the credential came from, when the caller said.
    pub fn credential_origin(&self) -> Option<&CredentialOrigin> {
        self.inner.origin.as_ref()
    }

    /// The credential's kind and where it came from, never its value: `(description, JSON)` for
    /// reports and the journal's `run_started`.
    pub fn credential_record(&self) -> (String, serde_json::Value) {
        let credential = &self.inner.credential;
        let origin = self.inner.origin.as_ref();
        let description = match origin {
            Some(origin) => format!("{} from {origin}", credential.kind_label()),
            None => credential.kind_label().to_owned(),
        };
        let json = serde_json::json!({
            "kind": credential.kind_id(),
            "description": description,
            "source": origin.map(CredentialOrigin::to_json),
        });
        (description, json)
    }

    /// The expiry and scope of the OAuth token in use (after a call), if the credential is a token
    /// source.
    pub async fn token_info(&self) -> Option<TokenInfo> {
        match self.inner.credential.token_source() {
            Some(source) => source.info().await,
            None => None,
        }
    }

    /// The API version requests are sent in now.
    pub fn api_version(&self) -> &'static str {
        self.version().as_str()
    }

    /// Whether the server refused 2026-10-21 and the client speaks 2023-06-01: its refusals carry
    /// no `error_code`, so an attach refused by validation cannot be told from other refusals.
    pub fn speaks_legacy(&self) -> bool {
        self.version() == ApiVersion::Legacy
    }

    fn version(&self) -> ApiVersion {
        if self.inner.legacy.load(Ordering::SeqCst) { ApiVersion::Legacy } else { ApiVersion::Current }
    }

    /// The organisation the platform said it answered for (its `anthropic-organization-id`
    /// header), once any call has succeeded; as the server sent it, not yet checked.
    pub fn organization_id_seen(&self) -> Option<String> {
        self.inner.organization_seen.lock().ok().and_then(|seen| seen.clone())
    }

    /// Sends `call` with the retry policy and decodes the JSON answer.
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T, PlatformError> {
        self.send_checking(call, || std::future::ready(Ok(None))).await
    }

    /// Like [`send`](Self::send) for calls that are not idempotent: before each retry it runs
    /// `find_existing`, and returns what that finds instead of sending the call again. If the
    /// look-up itself fails, the call is not retried (a blind retry could create a duplicate).
    pub(crate) async fn send_checking<T, F, Fut>(&self, call: Call, find_existing: F) -> Result<T, PlatformError>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<T>, PlatformError>>,
    {
        let policy = RetryPolicy { max_retries: self.inner.max_retries, ..RetryPolicy::STANDARD };
        let what = format!("{} {}", call.method_name(), call.path);
        retry::create(&policy, &what, || self.attempt::<T>(&call), find_existing).await.map_err(|gave_up| {
            let note = gave_up.note().filter(|_| {
                // Only transport failures name their attempts; an API error's text already says it all.
                gave_up.lookup_failed.is_some() || matches!(gave_up.error, PlatformError::Transport { .. })
            });
            match note {
                Some(note) => gave_up.error.with_note(&note),
                None => gave_up.error,
            }
        })
    }

    /// One request and its answer; inside it, the version fallback and one renewal of a token
    /// the API refused (401), neither counted as a retry.
    async fn attempt<T: DeserializeOwned>(&self, call: &Call) -> Result<T, Failed<PlatformError>> {
        let method = call.method_name();
        let mut renewed = false;
        loop {
            let version = self.version();
            let auth = self.authorise().await.map_err(Failed::permanent)?;
            let answer = self.exchange(call, &auth, version).await?;
            let Answer { status, headers, request_id, body } = answer;
            if status.is_success() {
                return serde_json::from_slice::<T>(&body).map_err(|err| {
                    Failed::permanent(PlatformError::Decode {
                        method,
                        path: call.path.clone(),
                        status: status.as_u16(),
                        message: format!("unexpected response body ({err})"),
                        request_id,
                    })
                });
            }
            let error = if status.is_redirection() {
                self.redirect_error(call, status, &headers, request_id, &auth.sanitizer)
            } else {
                let text = String::from_utf8_lossy(&body);
                PlatformError::from_response(
                    method,
                    call.path.clone(),
                    status.as_u16(),
                    request_id.as_deref(),
                    &text,
                    &auth.sanitizer,
                )
            };
            if version == ApiVersion::Current && error.is_version_unsupported() {
                self.inner.legacy.store(true, Ordering::SeqCst);
                tracing::info!(path = %call.path, "the server refused API version 2026-10-21; speaking 2023-06-01 from now on");
                continue;
            }
            if status == StatusCode::UNAUTHORIZED
                && !renewed
                && let (Some(source), Some(token)) = (self.inner.credential.token_source(), &auth.token)
            {
                // The token may have been revoked or rotated: drop it and ask for a new one, once.
                source.invalidate(token).await;
                renewed = true;
                continue;
            }
            let error = self.explain(error, &auth);
            let code = error.code().cloned();
            if !should_retry(status.as_u16(), header_text(&headers, "x-should-retry"), code.as_ref()) {
                return Err(Failed::permanent(error));
            }
            let server_wait = RetryPolicy::STANDARD.server_requested_wait(
                header_text(&headers, "retry-after-ms"),
                header_text(&headers, "retry-after"),
                SystemTime::now(),
            );
            return Err(Failed::transient(error, server_wait));
        }
    }

    /// The credential for one request: a token source is asked for a token (an error is a
    /// credential problem, reported before anything is sent).
    async fn authorise(&self) -> Result<Authorised, PlatformError> {
        match self.inner.credential.token_source() {
            Some(source) => {
                let token = source.token().await.map_err(|e| PlatformError::Credential {
                    unreachable: e.is_unreachable(),
                    message: e.to_string(),
                })?;
                let sanitizer = self.inner.sanitizer.with(&token.secret);
                Ok(Authorised { token: Some(token), sanitizer })
            }
            None => Ok(Authorised { token: None, sanitizer: self.inner.sanitizer.clone() }),
        }
    }

    /// Sends one request and reads its answer (bounded).
    async fn exchange(
        &self,
        call: &Call,
        auth: &Authorised,
        version: ApiVersion,
    ) -> Result<Answer, Failed<PlatformError>> {
        let presented = match (&auth.token, self.inner.credential.fixed_secret()) {
            (Some(token), _) => Presented::OAuth {
                token: &token.secret,
                workspace: self.inner.credential.token_source().and_then(|s| s.workspace_header()),
            },
            (None, Some(secret)) => fixed_presented(&self.inner.credential, secret),
            (None, None) => {
                return Err(Failed::permanent(PlatformError::Credential {
                    unreachable: false,
                    message: "no credential to send".to_owned(),
                }));
            }
        };
        let auth_headers = request_headers(&presented, version).map_err(Failed::permanent)?;
        let method = call.method_name();
        let mut request = self.inner.http.request(call.method.clone(), self.url_for(&call.path)).headers(auth_headers);
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request.header(header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        let sanitizer = &auth.sanitizer;
        let mut response = request.send().await.map_err(|err| self.transport_failure(call, &err, sanitizer))?;
        let status = response.status();
        let headers = response.headers().clone();
        let request_id = header_text(&headers, "request-id").map(|id| sanitizer.clean(id));
        if let Some(org) = header_text(&headers, "anthropic-organization-id").filter(|_| status.is_success())
            && let Ok(mut seen) = self.inner.organization_seen.lock()
        {
            *seen = Some(org.chars().take(64).collect());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| self.transport_failure(call, &err, sanitizer))? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(Failed::permanent(PlatformError::Decode {
                    method,
                    path: call.path.clone(),
                    status: status.as_u16(),
                    message: format!("the response body is larger than {MAX_BODY_BYTES} bytes; stopped reading"),
                    request_id,
                }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, headers, request_id, body })
    }

    /// Adds what a token holder needs to know to a permission refusal: admin endpoints need the
    /// scope `org:admin`, and how to get it.
    fn explain(&self, error: PlatformError, auth: &Authorised) -> PlatformError {
        let token_credential = !matches!(self.inner.credential, Credential::AdminKey(_));
        let refused = matches!(&error, PlatformError::Api { status: 403, kind, .. } if kind == "permission_error");
        if !token_credential || !refused || error.is_cmek_not_enabled() {
            return error;
        }
        let source = self.inner.credential.token_source();
        let scope = auth
            .token
            .as_ref()
            .and_then(|t| t.scope.clone())
            .or_else(|| source.and_then(|s| s.configured_scope()).map(str::to_owned));
        if scope.as_deref().is_some_and(|s| s.split_whitespace().any(|one| one == "org:admin")) {
            return error;
        }
        let how = match source.and_then(|s| s.profile()) {
            Some(profile) => GET_ADMIN_SCOPE.replace("--scope", &format!("--profile {profile} --scope")),
            None => GET_ADMIN_SCOPE.to_owned(),
        };
        let note = match scope {
            Some(scope) => {
                format!("the token's scope is `{scope}`, without `org:admin`, which admin endpoints need: {how}")
            }
            None => format!("admin endpoints need a token with the scope `org:admin`: {how}"),
        };
        error.with_note(&note)
    }

    /// The full URL for an API path, keeping any path prefix of the base URL (gateways).
    fn url_for(&self, api_path: &str) -> Url {
        let mut url = self.inner.base_url.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}{api_path}"));
        url
    }

    fn transport_failure(&self, call: &Call, err: &reqwest::Error, sanitizer: &Sanitizer) -> Failed<PlatformError> {
        let what = if err.is_timeout() { "timed out: " } else { "" };
        // reqwest's message names the full URL (the base URL cannot hold user info).
        let message = format!("{what}{}", error_chain(err));
        let error = PlatformError::Transport {
            method: call.method_name(),
            path: call.path.clone(),
            message: sanitizer.clean(&message),
        };
        // The SDKs retry every connection-level failure; a request that could not even be
        // built would fail the same way again.
        if err.is_builder() { Failed::permanent(error) } else { Failed::transient(error, None) }
    }

    fn redirect_error(
        &self,
        call: &Call,
        status: StatusCode,
        headers: &HeaderMap,
        request_id: Option<String>,
        sanitizer: &Sanitizer,
    ) -> PlatformError {
        let location = header_text(headers, "location").map_or_else(|| "nowhere".to_owned(), |l| sanitizer.clean(l));
        PlatformError::Api {
            method: call.method_name(),
            path: call.path.clone(),
            status: status.as_u16(),
            kind: KIND_REDIRECT.to_owned(),
            message: format!(
                "the server redirected to {location}; redirects are not followed so the credential is never sent elsewhere"
            ),
            request_id,
            code: None,
        }
    }
}

/// How a fixed secret is presented.
fn fixed_presented<'a>(credential: &Credential, secret: &'a secrecy::SecretString) -> Presented<'a> {
    match credential {
        Credential::AdminKey(_) => Presented::AdminKey(secret),
        Credential::AuthToken(_) => Presented::AuthToken(secret),
        _ => Presented::OAuth { token: secret, workspace: None },
    }
}

pub(crate) fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// An error and its causes on one line (reqwest hides the useful part in the sources).
pub(crate) fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
