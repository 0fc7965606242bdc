//! The Admin API client's engine: builds the HTTP client with the fixed headers, sends one
//! call with the SDK retry policy, and turns responses into values or [`PlatformError`]s.
//!
//! The endpoints themselves live in `organization.rs`, `external_keys.rs` and `workspaces.rs`;
//! the fixed headers in `headers.rs`.
//! The credential only ever lives in sensitive header values and the sanitizer; `Debug` of the
//! client shows neither.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde::de::DeserializeOwned;
use url::Url;

use super::call::Call;
use super::config::{ClientConfig, check_base_url, is_loopback, redacted};
use super::error::{KIND_REDIRECT, PlatformError};
use super::headers::{USER_AGENT, default_headers};
use super::retry::should_retry_status;
use super::sanitize::Sanitizer;
use crate::retry::{self, Failed};
use cmek_core::retry::RetryPolicy;

/// The SDKs' connect timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// No Admin API answer comes near this (a full page of workspaces is far below 1 MiB); a
/// larger body is a broken or hostile server and is not read into memory.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A Claude Platform Admin API client. Cheap to clone (shared connection pool).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    max_retries: u32,
    sanitizer: Sanitizer,
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
        let headers = default_headers(&cfg.credential)?;
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(USER_AGENT)
            .timeout(cfg.timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(cfg.timeout))
            // Never follow a redirect: `x-api-key` is not stripped on cross-host redirects.
            .redirect(reqwest::redirect::Policy::none());
        if is_loopback(&cfg.base_url) {
            // A proxy from the environment must not capture calls to a local sandbox.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|err| PlatformError::InvalidInput {
            message: format!("the HTTP client could not be set up: {}", error_chain(&err)),
        })?;
        let sanitizer = Sanitizer::new(&cfg.credential);
        Ok(Client { inner: Arc::new(Inner { http, base_url: cfg.base_url, max_retries: cfg.max_retries, sanitizer }) })
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
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

    /// One request and its answer.
    async fn attempt<T: DeserializeOwned>(&self, call: &Call) -> Result<T, Failed<PlatformError>> {
        let method = call.method_name();
        let mut request = self.inner.http.request(call.method.clone(), self.url_for(&call.path));
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request.header(header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        let mut response = request.send().await.map_err(|err| self.transport_failure(call, &err))?;
        let status = response.status();
        let headers = response.headers().clone();
        let request_id = header_text(&headers, "request-id").map(|id| self.inner.sanitizer.clean(id));
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| self.transport_failure(call, &err))? {
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
            self.redirect_error(call, status, &headers, request_id)
        } else {
            let text = String::from_utf8_lossy(&body);
            let sanitizer = &self.inner.sanitizer;
            PlatformError::from_response(
                method,
                call.path.clone(),
                status.as_u16(),
                request_id.as_deref(),
                &text,
                sanitizer,
            )
        };
        if !should_retry_status(status.as_u16(), header_text(&headers, "x-should-retry")) {
            return Err(Failed::permanent(error));
        }
        let server_wait = RetryPolicy::STANDARD.server_requested_wait(
            header_text(&headers, "retry-after-ms"),
            header_text(&headers, "retry-after"),
            SystemTime::now(),
        );
        Err(Failed::transient(error, server_wait))
    }

    /// The full URL for an API path, keeping any path prefix of the base URL (gateways).
    fn url_for(&self, api_path: &str) -> Url {
        let mut url = self.inner.base_url.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}{api_path}"));
        url
    }

    fn transport_failure(&self, call: &Call, err: &reqwest::Error) -> Failed<PlatformError> {
        let what = if err.is_timeout() { "timed out: " } else { "" };
        // reqwest's message names the full URL (the base URL cannot hold user info).
        let message = format!("{what}{}", error_chain(err));
        let error = PlatformError::Transport {
            method: call.method_name(),
            path: call.path.clone(),
            message: self.inner.sanitizer.clean(&message),
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
    ) -> PlatformError {
        let location =
            header_text(headers, "location").map_or_else(|| "nowhere".to_owned(), |l| self.inner.sanitizer.clean(l));
        PlatformError::Api {
            method: call.method_name(),
            path: call.path.clone(),
            status: status.as_u16(),
            kind: KIND_REDIRECT.to_owned(),
            message: format!(
                "the server redirected to {location}; redirects are not followed so the admin key is never sent elsewhere"
            ),
            request_id,
        }
    }
}

fn header_text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// An error and its causes on one line (reqwest hides the useful part in the sources).
fn error_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
