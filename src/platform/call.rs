//! One Admin API call (method, encoded path, query, JSON body), built by the endpoint files
//! and sent, possibly several times, by the client. Holds no credential.

use reqwest::Method;
use serde::Serialize;

use super::error::PlatformError;

/// One API call, ready to be sent (and re-sent on retry).
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: Method,
    /// The API path with ids already percent-encoded, e.g. `/v1/organizations/me`.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Call {
    pub(crate) fn new(method: Method, path: String) -> Call {
        Call { method, path, query: Vec::new(), body: None }
    }

    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Call {
        self.query.push((name, value.to_string()));
        self
    }

    /// Attaches a JSON body (sent with `content-type: application/json`).
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Call, PlatformError> {
        let bytes = serde_json::to_vec(body).map_err(|err| PlatformError::InvalidInput {
            message: format!("the body of {} {} could not be encoded as JSON: {err}", self.method, self.path),
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    pub(crate) fn method_name(&self) -> &'static str {
        method_name(&self.method)
    }
}

/// The methods this client uses, as static text for errors.
fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::DELETE => "DELETE",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        _ => "HTTP",
    }
}
