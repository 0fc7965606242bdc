//! What the handlers need from a request, read once: method, the percent-decoded path, query
//! parameters, the bearer token, the JSON body (bounded), and the enum form the answer uses.

use axum::body::Body;
use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::enums::EnumForm;
use super::errors::{GResult, GoogleError};

/// Far above anything a KMS call carries (64 KiB of plaintext, base64).
const MAX_BODY: usize = 1 << 20;

#[derive(Debug)]
pub struct Incoming {
    pub method: Method,
    /// Percent-decoded (`%3A` is `:`: some clients escape the verb separator).
    pub path: String,
    /// The raw path and query, for the faults layer's request signature.
    pub path_and_query: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Incoming {
    pub async fn read(req: axum::extract::Request<Body>) -> Result<Self, String> {
        let (parts, body) = req.into_parts();
        let query = parts
            .uri
            .query()
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let body = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| format!("cannot read the body: {e}"))?;
        Ok(Self {
            method: parts.method,
            path: percent_decode(parts.uri.path()),
            path_and_query: parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default(),
            query,
            headers: parts.headers,
            body: body.to_vec(),
        })
    }

    /// A query parameter by its JSON name (`pageSize`) or proto name (`page_size`).
    pub fn param(&self, camel: &str) -> Option<&str> {
        let snake = snake_case(camel);
        self.query.iter().find(|(k, _)| *k == camel || *k == snake).map(|(_, v)| v.as_str())
    }

    /// The token of `Authorization: Bearer <token>`; `None` when there is none.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.headers.get("authorization")?.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
    }

    /// Numbers when the client asked for them (`$alt=json;enum-encoding=int`), else names.
    pub fn enum_form(&self) -> EnumForm {
        let asked =
            self.query.iter().any(|(k, v)| k == "$alt" && v.split(';').any(|p| p.trim() == "enum-encoding=int"));
        if asked { EnumForm::Numbers } else { EnumForm::Names }
    }

    /// The body as a JSON object; an empty body is `{}`. Anything else is Google's 400.
    pub fn json(&self) -> GResult<Map<String, Value>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(GoogleError::invalid_argument(
                "Invalid JSON payload received. Expected an object at the top level.",
            )),
            Err(e) => Err(GoogleError::invalid_argument(format!("Invalid JSON payload received. {e}."))),
        }
    }
}

/// `pageSize` -> `page_size`.
pub fn snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Decodes `%XX` escapes; a malformed escape stays as it was.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            // Two hex digits make at most 255.
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'%'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names() {
        assert_eq!(percent_decode("/v1/a/k%3Aencrypt"), "/v1/a/k:encrypt");
        assert_eq!(percent_decode("/v1/%zz/%4"), "/v1/%zz/%4");
        assert_eq!(snake_case("options.requestedPolicyVersion"), "options.requested_policy_version");
        assert_eq!(snake_case("pageSize"), "page_size");
    }
}
