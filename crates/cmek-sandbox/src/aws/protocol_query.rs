//! The AWS query protocol, as STS speaks it: form-encoded parameters in, XML out in the
//! `https://sts.amazonaws.com/doc/2011-06-15/` namespace, errors as `<ErrorResponse>`.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::errors::StsError;

pub(super) const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The parameters of the URL's query and of a form-encoded body (the body wins on a clash).
pub(super) fn parameters(path_and_query: &str, body: &[u8]) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    if let Some((_, query)) = path_and_query.split_once('?') {
        params.extend(url::form_urlencoded::parse(query.as_bytes()).into_owned());
    }
    params.extend(url::form_urlencoded::parse(body).into_owned());
    params
}

/// Escapes text for an XML element.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

/// `<Name>escaped value</Name>`.
pub(super) fn element(name: &str, value: &str) -> String {
    format!("<{name}>{}</{name}>", escape(value))
}

fn xml_response(status: StatusCode, body: String, request_id: &str) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("text/xml"));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

/// `<{action}Response><{action}Result>{result}</..><ResponseMetadata>..` with status 200.
pub(super) fn ok(action: &str, result_xml: &str, request_id: &str) -> Response {
    let body = format!(
        "<{action}Response xmlns=\"{NAMESPACE}\">\n  <{action}Result>\n{result_xml}\n  </{action}Result>\n  \
         <ResponseMetadata>\n    {}\n  </ResponseMetadata>\n</{action}Response>\n",
        element("RequestId", request_id)
    );
    xml_response(StatusCode::OK, body, request_id)
}

pub(super) fn error(request_id: &str, e: &StsError) -> Response {
    let body = format!(
        "<ErrorResponse xmlns=\"{NAMESPACE}\">\n  <Error>\n    {}\n    {}\n    {}\n  </Error>\n  {}\n</ErrorResponse>\n",
        element("Type", e.fault_type()),
        element("Code", e.code),
        element("Message", &e.message),
        element("RequestId", request_id)
    );
    xml_response(StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST), body, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_come_from_query_and_body() {
        let p = parameters("/?Action=GetCallerIdentity&Version=2011-06-15", b"RoleSessionName=a%2Fb&Action=AssumeRole");
        assert_eq!(p["Action"], "AssumeRole");
        assert_eq!(p["Version"], "2011-06-15");
        assert_eq!(p["RoleSessionName"], "a/b");
        assert!(parameters("/", b"\xff\xfe=&&==").len() <= 2);
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(element("Message", "a<b & 'c'"), "<Message>a&lt;b &amp; &apos;c&apos;</Message>");
    }
}
