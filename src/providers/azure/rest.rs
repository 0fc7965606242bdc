//! JSON over HTTPS for ARM and Microsoft Graph (no maintained Rust SDK): a bearer token for the
//! right audience from the credential chain, then the error body mapped to `AzureError`. Every
//! call runs under the one retry policy; a create looks its object up before a retry.

use serde_json::Value;

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind, kind_of, parse_error_body, retry_after};
use super::sdk_error::from_sdk;
use crate::retry;
use azure_core::credentials::TokenCredential;

/// A successful answer's JSON body (`Null` when empty or not JSON).
pub(crate) struct JsonAnswer {
    pub body: Value,
}

impl AzureProvider {
    /// Sends one request with a token for `scope`, under the one retry policy; non-2xx answers
    /// become `AzureError`. A POST (a create) is sent once: creates go through `create_json`.
    pub(crate) async fn send_json(
        &self,
        operation: &'static str,
        method: reqwest::Method,
        url: &str,
        scope: &str,
        body: Option<&Value>,
    ) -> Result<JsonAnswer, AzureError> {
        if method == reqwest::Method::POST {
            return self.send_once(operation, method, url, scope, body).await;
        }
        retry::idempotent(operation, || self.send_once(operation, method.clone(), url, scope, body)).await
    }

    /// POSTs a create; after a transient failure, `lookup` says whether the lost attempt made the
    /// object before the create is tried again.
    pub(crate) async fn create_json<T, L, LFut>(
        &self,
        operation: &'static str,
        url: &str,
        scope: &str,
        body: &Value,
        read: impl Fn(JsonAnswer) -> Result<T, AzureError>,
        lookup: L,
    ) -> Result<T, AzureError>
    where
        L: FnMut() -> LFut,
        LFut: std::future::Future<Output = Result<Option<T>, AzureError>>,
    {
        retry::created(
            operation,
            || async { self.send_once(operation, reqwest::Method::POST, url, scope, Some(body)).await.and_then(&read) },
            lookup,
        )
        .await
    }

    /// One request, no retry.
    async fn send_once(
        &self,
        operation: &'static str,
        method: reqwest::Method,
        url: &str,
        scope: &str,
        body: Option<&Value>,
    ) -> Result<JsonAnswer, AzureError> {
        let token = self.credential.get_token(&[scope], None).await.map_err(|e| from_sdk(operation, &e))?;
        let mut request = self.http.request(method, url).bearer_auth(token.token.secret());
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| network(operation, &e))?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let request_id = header("x-ms-request-id").or_else(|| header("request-id"));
        let wait = retry_after(header);
        let text = response.text().await.map_err(|e| network(operation, &e))?;
        if (200..300).contains(&status) {
            return Ok(JsonAnswer { body: serde_json::from_str(&text).unwrap_or(Value::Null) });
        }
        let (code, message) = parse_error_body(&text);
        Err(AzureError {
            kind: kind_of(status, code.as_deref()),
            operation,
            code,
            message: message.unwrap_or_else(|| format!("HTTP {status}")),
            request_id,
            status: Some(status),
            retry_after: wait,
        })
    }
}

/// Bound on `nextLink` pages, so a misbehaving server cannot keep us looping.
const MAX_PAGES: usize = 50;

impl AzureProvider {
    /// GETs `url` and every `nextLink` page after it; returns the concatenated `value` arrays.
    pub(crate) async fn get_all_pages(
        &self,
        operation: &'static str,
        url: &str,
        scope: &str,
    ) -> Result<Vec<Value>, AzureError> {
        let mut next = Some(url.to_string());
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let Some(page) = next.take() else { break };
            let answer = self.send_json(operation, reqwest::Method::GET, &page, scope, None).await?;
            items.extend(answer.body["value"].as_array().into_iter().flatten().cloned());
            next = match answer.body["nextLink"].as_str() {
                // The token must not leave the service that issued the first page.
                Some(link) if same_origin(url, link) => Some(link.to_string()),
                Some(link) => {
                    return Err(AzureError::new(
                        AzureErrorKind::Other,
                        operation,
                        format!("refusing to follow a nextLink to another host: {link}"),
                    ));
                }
                None => None,
            };
        }
        Ok(items)
    }
}

/// Whether `b` has the same scheme, host and port as `a`.
fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

fn network(operation: &'static str, e: &reqwest::Error) -> AzureError {
    // reqwest's Display names the URL, never headers: no token in the message. A request that
    // could not be sent or an answer cut short is worth another attempt; a builder error is not.
    let cut = e.is_timeout() || e.is_connect() || e.is_request() || e.is_body();
    let kind = if cut { AzureErrorKind::Network } else { AzureErrorKind::Other };
    AzureError::new(kind, operation, e.to_string())
}

/// Percent-encodes one query value (filters contain spaces and quotes).
pub(crate) fn query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_stay_on_the_same_origin() {
        let first = "https://management.azure.com/subscriptions/s/providers/Microsoft.KeyVault/vaults?api-version=1";
        assert!(same_origin(first, "https://management.azure.com/subscriptions/s/x?$skiptoken=a"));
        assert!(!same_origin(first, "https://evil.example/subscriptions/s/x"));
        assert!(!same_origin(first, "http://management.azure.com/x"));
        assert!(!same_origin(first, "not a url"));
        assert_eq!(query_value("appId eq 'x'"), "appId+eq+%27x%27");
    }
}
