//! The name a request is counted under: AWS's action (`X-Amz-Target` for KMS, the form's
//! `Action` for STS), the platform's method and route (ids replaced by `{id}`), and for Azure
//! and Google Cloud the method, host (Azure routes by host) and path.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};

use super::Service;
use crate::bounded_body::peek_bounded;

/// The collections whose next path segment is an id (the Admin API's routes).
const PLATFORM_COLLECTIONS: [&str; 5] =
    ["external_keys", "workspaces", "federation_issuers", "federation_rules", "service_accounts"];

/// The operation's name, and the request to pass on (its body read back in when it was read).
pub(super) async fn of(service: Service, request: Request, limit: usize) -> (Request, String) {
    let method = request.method().as_str().to_string();
    match service {
        Service::Aws => aws(request, limit).await,
        Service::Platform => {
            let name = format!("{method} {}", platform_route(request.uri().path()));
            (request, name)
        }
        Service::Azure => {
            // HTTP/1.1 names the host in a header, HTTP/2 in the URI's authority.
            let host = request
                .headers()
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .or_else(|| request.uri().authority().map(|a| a.as_str()))
                .unwrap_or_default();
            let host = host.rsplit_once(':').map_or(host, |(name, _port)| name);
            let name = format!("{method} {host}{}", request.uri().path());
            (request, name)
        }
        Service::Gcp => {
            let name = format!("{method} {}", request.uri().path());
            (request, name)
        }
    }
}

async fn aws(request: Request, limit: usize) -> (Request, String) {
    if let Some(target) = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()) {
        let action = target.rsplit_once('.').map_or(target, |(_, action)| action).to_string();
        return (request, action);
    }
    if let Some(action) = request.uri().query().and_then(form_action) {
        return (request, action);
    }
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    // A form body over the limit (announced, or found so while reading a chunked one) goes on
    // whole: the emulator answers it in STS's own XML (a client sending it whole gets that
    // answer, not a reset connection).
    let announced = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if !is_form || announced.is_some_and(|n| n > limit) {
        return (request, "unknown".to_string());
    }
    let (parts, body) = request.into_parts();
    match peek_bounded(body, limit).await {
        Ok(bytes) => {
            let action =
                std::str::from_utf8(&bytes).ok().and_then(form_action).unwrap_or_else(|| "unknown".to_string());
            (Request::from_parts(parts, Body::from(bytes)), action)
        }
        Err(whole) => (Request::from_parts(parts, whole), "unknown".to_string()),
    }
}

/// `Action=AssumeRole&Version=...` → `AssumeRole`.
fn form_action(form: &str) -> Option<String> {
    form.split('&').find_map(|pair| pair.strip_prefix("Action=")).map(str::to_string)
}

/// `/v1/organizations/external_keys/ek_1/validate` → `/v1/organizations/external_keys/{id}/validate`.
fn platform_route(path: &str) -> String {
    let mut previous = "";
    let segments: Vec<&str> = path
        .split('/')
        .map(|segment| {
            let shown = if PLATFORM_COLLECTIONS.contains(&previous) && !segment.is_empty() { "{id}" } else { segment };
            previous = segment;
            shown
        })
        .collect();
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_routes_name_ids_as_placeholders() {
        assert_eq!(
            platform_route("/v1/organizations/external_keys/ek_1/validate"),
            "/v1/organizations/external_keys/{id}/validate"
        );
        assert_eq!(platform_route("/v1/organizations/workspaces"), "/v1/organizations/workspaces");
        assert_eq!(platform_route("/v1/organizations/workspaces/wrkspc_1"), "/v1/organizations/workspaces/{id}");
        assert_eq!(platform_route("/v1/organizations/me"), "/v1/organizations/me");
    }

    #[test]
    fn sts_actions_are_read_from_the_form() {
        assert_eq!(form_action("Action=GetCallerIdentity&Version=2011-06-15").as_deref(), Some("GetCallerIdentity"));
        assert_eq!(form_action("Version=2011-06-15&Action=AssumeRole").as_deref(), Some("AssumeRole"));
        assert_eq!(form_action("Version=2011-06-15"), None);
    }
}
