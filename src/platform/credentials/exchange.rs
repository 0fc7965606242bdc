//! The token endpoint, `POST {base}/v1/oauth/token`: the federation exchange (an identity token
//! for an access token) and a user's refresh. https only (plain http only to `localhost`,
//! `127.0.0.1`, `::1`), 30 s per attempt, no redirects, transient failures retried under the one
//! policy (`crate::retry`), and the answer checked before it is trusted.
//!
//! The body carries a secret (an identity token or a refresh token): it is never logged, and
//! text from the endpoint is sanitised (it could echo the secret) before it reaches an error.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::{Duration, SystemTime};

use cmek_core::retry::RetryPolicy;
use reqwest::header::{self, HeaderMap};
use secrecy::SecretString;
use serde_json::Value;
use url::{Host, Url};

use super::error::AuthError;
use super::secret_text::{is_header_safe, seconds, take_secret};
use crate::platform::client::{error_chain, header_text};
use crate::platform::config::redacted;
use crate::platform::headers::{ANTHROPIC_VERSION, USER_AGENT};
use crate::platform::retry::should_retry_status;
use crate::platform::sanitize::Sanitizer;
use crate::retry::{self, Failed};

/// The token endpoint's path under the base URL.
pub const TOKEN_PATH: &str = "/v1/oauth/token";
/// The beta header of the federation exchange.
pub const FEDERATION_BETA: &str = "oauth-2025-04-20,oidc-federation-2026-04-01";
/// The exchange's grant type.
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// Each attempt's whole-request timeout.
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);
/// A larger answer is not a token answer and is not read.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// A token the endpoint issued.
pub(crate) struct TokenAnswer {
    pub access_token: SecretString,
    /// Seconds from now.
    pub expires_in: i64,
    pub scope: Option<String>,
    /// A rotated refresh token (refresh only; the exchange issues none).
    pub refresh_token: Option<SecretString>,
}

/// Why the endpoint gave no token. Holds no secret.
#[derive(Debug)]
pub(crate) enum EndpointError {
    /// An error status, with what the body said.
    Status { status: u16, kind: String, message: String, request_id: Option<String> },
    /// No answer (connection, timeout), after retries.
    Failed(String),
    /// A success whose body is not a usable token.
    Answer(String),
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::Status { status, kind, message, .. } => write!(f, "HTTP {status} {kind}: {message}"),
            EndpointError::Failed(message) | EndpointError::Answer(message) => f.write_str(message),
        }
    }
}

/// The token endpoint of one base URL.
pub(crate) struct TokenEndpoint {
    http: reqwest::Client,
    url: Url,
    max_retries: u32,
}

impl TokenEndpoint {
    /// Refuses an endpoint that is not https, except plain http to loopback.
    pub fn new(base_url: &Url, max_retries: u32) -> Result<TokenEndpoint, AuthError> {
        let mut url = base_url.clone();
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}{TOKEN_PATH}"));
        let loopback = is_strict_loopback(&url);
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(AuthError::InsecureTokenEndpoint { url: redacted(&url) }),
        }
        let mut builder = crate::tls::client_builder(None)
            .map_err(|message| AuthError::TokenEndpointFailed { what: "token request", message })?
            .user_agent(USER_AGENT)
            .timeout(TOKEN_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A redirect would carry the identity token elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        if loopback {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| AuthError::TokenEndpointFailed {
            what: "token request",
            message: format!("the HTTP client could not be set up: {e}"),
        })?;
        Ok(TokenEndpoint { http, url, max_retries })
    }

    /// The endpoint's URL.
    #[cfg(test)]
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Posts `body` and returns the checked answer. Transient failures are retried; a 4xx is not.
    pub async fn request(
        &self,
        body: &[u8],
        beta: &'static str,
        sanitizer: &Sanitizer,
    ) -> Result<TokenAnswer, EndpointError> {
        let policy = RetryPolicy { max_retries: self.max_retries, ..RetryPolicy::STANDARD };
        retry::call(&policy, "POST /v1/oauth/token", || self.attempt(body, beta, sanitizer)).await.map_err(|gave_up| {
            match (gave_up.error, gave_up.attempts) {
                (EndpointError::Failed(message), n) if n > 1 => {
                    EndpointError::Failed(format!("{message} (gave up after {n} attempts)"))
                }
                (error, _) => error,
            }
        })
    }

    async fn attempt(
        &self,
        body: &[u8],
        beta: &'static str,
        sanitizer: &Sanitizer,
    ) -> Result<TokenAnswer, Failed<EndpointError>> {
        let request = self
            .http
            .post(self.url.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header("anthropic-beta", beta)
            .header("anthropic-version", ANTHROPIC_VERSION)
            .body(body.to_vec());
        let transport = |e: reqwest::Error| {
            let what = if e.is_timeout() { "timed out" } else { "no answer" };
            let message = sanitizer.clean(&format!("{what} from {}: {}", redacted(&self.url), error_chain(&e)));
            Failed::transient(EndpointError::Failed(message), None)
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(Failed::permanent(EndpointError::Answer(format!(
                    "the answer is larger than {MAX_ANSWER_BYTES} bytes; stopped reading"
                ))));
            }
            bytes.extend_from_slice(&chunk);
        }
        if (200..300).contains(&status) {
            return parse_answer(&bytes).map_err(|why| Failed::permanent(EndpointError::Answer(why)));
        }
        let error = status_error(status, &headers, &bytes, sanitizer);
        if !should_retry_status(status, header_text(&headers, "x-should-retry")) {
            return Err(Failed::permanent(error));
        }
        let wait = RetryPolicy::STANDARD.server_requested_wait(
            header_text(&headers, "retry-after-ms"),
            header_text(&headers, "retry-after"),
            SystemTime::now(),
        );
        Err(Failed::transient(error, wait))
    }
}

/// Checks a success answer: a JSON object of at most 1 MiB, `token_type` bearer (any case) when
/// present, `access_token` and a positive `expires_in` required. Messages never quote a value.
pub(crate) fn parse_answer(bytes: &[u8]) -> Result<TokenAnswer, String> {
    if bytes.len() > MAX_ANSWER_BYTES {
        return Err(format!("the answer is larger than {MAX_ANSWER_BYTES} bytes"));
    }
    let Ok(Value::Object(mut answer)) = serde_json::from_slice::<Value>(bytes) else {
        return Err("the answer is not a JSON object".into());
    };
    match answer.get("token_type") {
        None | Some(Value::Null) => {}
        Some(Value::String(kind)) if kind.eq_ignore_ascii_case("bearer") => {}
        Some(_) => return Err("`token_type` is not `Bearer`".into()),
    }
    let access_token = take_secret(&mut answer, "access_token").ok_or("`access_token` is missing or empty")?;
    if !is_header_safe(secrecy::ExposeSecret::expose_secret(&access_token)) {
        return Err("`access_token` cannot be sent in an HTTP header".into());
    }
    let expires_in = seconds(answer.get("expires_in")).ok_or("`expires_in` is missing or not a number")?;
    if expires_in <= 0 {
        return Err("`expires_in` is not positive: the token would be expired already".into());
    }
    let scope = answer.get("scope").and_then(Value::as_str).map(str::to_owned);
    let refresh_token = take_secret(&mut answer, "refresh_token");
    Ok(TokenAnswer { access_token, expires_in, scope, refresh_token })
}

/// An error answer: the platform's shape (`{"error":{"type","message"}}`) or OAuth's
/// (`{"error","error_description"}`), else a snippet.
fn status_error(status: u16, headers: &HeaderMap, bytes: &[u8], sanitizer: &Sanitizer) -> EndpointError {
    let parsed = serde_json::from_slice::<Value>(bytes).ok();
    let body_id = parsed.as_ref().and_then(|v| v.get("request_id")).and_then(Value::as_str);
    let request_id = header_text(headers, "request-id").or(body_id).map(|id| sanitizer.clean(id));
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    let (kind, message) = match error {
        Some(Value::Object(e)) => (
            e.get("type").and_then(Value::as_str).unwrap_or("error").to_owned(),
            e.get("message").and_then(Value::as_str).unwrap_or("").to_owned(),
        ),
        Some(Value::String(code)) => (
            code.clone(),
            parsed.as_ref().and_then(|v| v.get("error_description")).and_then(Value::as_str).unwrap_or("").to_owned(),
        ),
        _ => ("http_error".to_owned(), String::from_utf8_lossy(bytes).into_owned()),
    };
    EndpointError::Status {
        status,
        kind: sanitizer.clean(&kind),
        message: sanitizer.snippet(&message, 300),
        request_id,
    }
}

/// `localhost`, `127.0.0.1` or `::1`, exactly (the SDKs' rule for plain http).
fn is_strict_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret as _;

    #[test]
    fn a_good_answer_is_read() {
        let answer = parse_answer(
            br#"{"access_token":"sk-ant-oat01-x","token_type":"BEARER","expires_in":3600,"scope":"org:admin"}"#,
        )
        .unwrap();
        assert_eq!(answer.access_token.expose_secret(), "sk-ant-oat01-x");
        assert_eq!((answer.expires_in, answer.scope.as_deref()), (3600, Some("org:admin")));
        assert!(parse_answer(br#"{"access_token":"t","expires_in":60}"#).is_ok(), "token_type is optional");
    }

    #[test]
    fn bad_answers_are_refused_without_quoting_them() {
        for (body, why) in [
            (r#"["sk-ant-oat01-CANARY"]"#.to_owned(), "not a JSON object"),
            ("sk-ant-oat01-CANARY".to_owned(), "not a JSON object"),
            (r#"{"access_token":"sk-ant-oat01-CANARY","token_type":"mac","expires_in":60}"#.to_owned(), "token_type"),
            (r#"{"access_token":"sk-ant-oat01-CANARY"}"#.to_owned(), "expires_in"),
            (r#"{"access_token":"sk-ant-oat01-CANARY","expires_in":"soon"}"#.to_owned(), "expires_in"),
            (r#"{"access_token":"sk-ant-oat01-CANARY","expires_in":0}"#.to_owned(), "not positive"),
            (r#"{"expires_in":60,"refresh":"sk-ant-oat01-CANARY"}"#.to_owned(), "access_token"),
            (r#"{"access_token":"sk-ant-oat01-CANARY two","expires_in":60}"#.to_owned(), "header"),
            (format!(r#"{{"access_token":"t","expires_in":60,"pad":"{}"}}"#, "x".repeat(MAX_ANSWER_BYTES)), "larger"),
        ] {
            let err = parse_answer(body.as_bytes()).err().unwrap();
            assert!(err.contains(why) && !err.contains("CANARY"), "{why}: {err}");
        }
    }

    #[test]
    fn only_https_or_loopback_http_is_a_token_endpoint() {
        for ok in ["https://api.anthropic.com", "http://localhost:8080", "http://127.0.0.1:1", "http://[::1]:2"] {
            assert!(TokenEndpoint::new(&ok.parse().unwrap(), 0).is_ok(), "{ok}");
        }
        for bad in ["http://api.anthropic.com", "http://127.0.0.2", "http://10.0.0.1", "ftp://localhost"] {
            let err = TokenEndpoint::new(&bad.parse().unwrap(), 0).err().unwrap();
            assert!(err.to_string().contains("must be https"), "{bad}: {err}");
        }
        let endpoint = TokenEndpoint::new(&"https://gw.example/anthropic/".parse().unwrap(), 0).unwrap();
        assert_eq!(endpoint.url().as_str(), "https://gw.example/anthropic/v1/oauth/token");
    }
}
