//! What the handlers need from a request: host, path segments, query parameters, bearer token,
//! the JSON or form body (bounded).
//!
//! An oversized body is read to its end and dropped (`crate::bounded_body`), then answered by the
//! handler in the format of the API it was for (`Incoming::oversized`): a client that sends the
//! whole body before reading gets an answer instead of a connection cut under it.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{HeaderMap, Method};

use crate::bounded_body::{BodyError, read_bounded};

/// The largest body read: ARM's documented request limit (4 MB); Key Vault's is not documented,
/// and every Key Vault request CMEK sends is a few kilobytes.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// A request, read once.
#[derive(Debug)]
pub struct Incoming {
    pub method: Method,
    /// The Host header without port, lower-case.
    pub host: String,
    /// The Host header as sent (with port), for building ids that point back here.
    pub authority: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub peer: std::net::SocketAddr,
    /// Set when the body was larger than [`MAX_BODY`] (`body` is then empty): how many bytes came.
    pub oversized: Option<usize>,
}

impl Incoming {
    pub async fn read(req: axum::extract::Request<Body>, peer: std::net::SocketAddr) -> Result<Self, String> {
        let (parts, body) = req.into_parts();
        let authority = parts
            .headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
            .or_else(|| parts.uri.authority().map(|a| a.to_string()))
            .unwrap_or_default();
        let host = strip_port(&authority).to_ascii_lowercase();
        let query = parts
            .uri
            .query()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let (body, oversized) = match read_bounded(body, MAX_BODY).await {
            Ok(body) => (body.to_vec(), None),
            Err(BodyError::TooLarge(seen)) => (Vec::new(), Some(seen)),
            Err(BodyError::Broken(e)) => return Err(format!("cannot read the body: {e}")),
        };
        Ok(Self {
            method: parts.method,
            host,
            authority,
            path: parts.uri.path().to_string(),
            query,
            headers: parts.headers,
            body,
            peer,
            oversized,
        })
    }

    /// A query parameter, matched case-insensitively on the name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The token of `Authorization: Bearer <token>`.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.header("authorization")?;
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
    }

    /// The body as JSON (an empty body is `{}`).
    pub fn json(&self) -> Result<serde_json::Value, String> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::json!({}));
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("the request body is not valid JSON: {e}"))
    }

    /// The body as `application/x-www-form-urlencoded`.
    pub fn form(&self) -> BTreeMap<String, String> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

fn strip_port(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    authority.rsplit_once(':').map_or(authority, |(h, _)| h)
}
