//! One request: read it, inject faults, route by host and path (token endpoints and Entra's
//! discovery documents, ARM, Graph, Key Vault) and answer. Loopback names (`localhost`,
//! `127.0.0.1`) reach the token endpoints, ARM and Graph by path, and Key Vault's data plane of
//! the FIRST vault in the state. A body too large to read is answered in the format of the API
//! it was for.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::request::Incoming;
use super::state::AzureState;
use super::{arm, discovery, errors, graph, keyvault, tokens};
use crate::faults::{FaultPlan, Strike};
use crate::secret::Secret;

/// The shared emulator.
pub struct Emulator {
    pub state: Mutex<AzureState>,
    /// The value the managed-identity endpoint expects in `X-IDENTITY-HEADER`.
    pub identity_header: Secret,
    pub faults: FaultPlan,
}

impl Emulator {
    /// The state (a panic elsewhere never leaves it unusable).
    pub fn lock(&self) -> MutexGuard<'_, AzureState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    ManagedIdentity,
    Entra {
        tenant: String,
    },
    /// `/{tenant}/v2.0/.well-known/openid-configuration`.
    OpenIdConfiguration {
        tenant: String,
    },
    /// `/common/discovery/instance`.
    InstanceDiscovery,
    /// `/{tenant}/discovery/v2.0/keys`.
    Jwks {
        tenant: String,
    },
    Arm,
    Graph,
    KeyVault {
        vault: Option<String>,
    },
    Unknown,
}

fn route(host: &str, path: &str) -> Route {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if path.eq_ignore_ascii_case("/msi/token") {
        return Route::ManagedIdentity;
    }
    match segments.as_slice() {
        [tenant, "oauth2", "v2.0", "token"] => return Route::Entra { tenant: tenant.to_string() },
        [tenant, "v2.0", ".well-known", "openid-configuration"] => {
            return Route::OpenIdConfiguration { tenant: tenant.to_string() };
        }
        ["common", "discovery", "instance"] => return Route::InstanceDiscovery,
        [tenant, "discovery", "v2.0", "keys"] => return Route::Jwks { tenant: tenant.to_string() },
        _ => {}
    }
    if let Some(vault) = host.strip_suffix(".vault.azure.net") {
        return Route::KeyVault { vault: Some(vault.to_string()) };
    }
    if host == "management.azure.com" || segments.first().is_some_and(|s| s.eq_ignore_ascii_case("subscriptions")) {
        return Route::Arm;
    }
    if host == "graph.microsoft.com" || segments.first() == Some(&"v1.0") {
        return Route::Graph;
    }
    if segments.first().is_some_and(|s| s.eq_ignore_ascii_case("keys") || s.eq_ignore_ascii_case("deletedkeys")) {
        return Route::KeyVault { vault: None };
    }
    Route::Unknown
}

pub async fn handle(
    State(emulator): State<Arc<Emulator>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: axum::extract::Request,
) -> Response {
    let req = match Incoming::read(request, peer).await {
        Ok(req) => req,
        Err(message) => return errors::arm(StatusCode::BAD_REQUEST, "InvalidRequest", &message),
    };
    let signature = crate::faults::signature(req.method.as_str(), &req.path, &req.body);
    let route = route(&req.host, &req.path);
    if let Some(seen) = req.oversized {
        return too_large(&route, seen);
    }
    let changes = changes_state(&route, &req.method, &req.path);
    let strike = emulator.faults.strike(signature, changes);
    if strike == Some(Strike::Before) {
        return injected(signature);
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut state = emulator.lock();
    let response = match route {
        Route::ManagedIdentity => tokens::managed_identity_token(&state, &req, &emulator.identity_header),
        Route::Entra { tenant } => tokens::entra_token(&state, &req, &tenant),
        Route::OpenIdConfiguration { tenant } => discovery::openid_configuration(&state, &req, &tenant),
        Route::InstanceDiscovery => discovery::instance(&req),
        Route::Jwks { tenant } => discovery::jwks(&state, &tenant),
        Route::Arm => arm::handle(&mut state, &req, now_ms),
        Route::Graph => graph::handle(&mut state, &req),
        Route::KeyVault { vault } => {
            let vault = vault.or_else(|| state.vaults.first().map(|v| v.name.clone())).unwrap_or_default();
            keyvault::handle(&mut state, &req, &vault, now_ms)
        }
        Route::Unknown => errors::arm(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("No Azure API is emulated at {} {}.", req.method, req.path),
        ),
    };
    drop(state);
    tracing::debug!(method = %req.method, path = %req.path, status = response.status().as_u16(), "azure sandbox request");
    if strike == Some(Strike::AfterTheChange) {
        // Done, but the answer is "lost": the caller sees a failure.
        return injected(signature);
    }
    response
}

/// A body larger than the emulator reads, answered as the API it was for answers errors (Azure
/// documents no such answer for Key Vault, Graph or Entra: 413 with each surface's error body).
fn too_large(route: &Route, seen: usize) -> Response {
    let message = format!(
        "The request body ({seen} bytes) is larger than the {} bytes the service accepts.",
        super::request::MAX_BODY
    );
    let status = StatusCode::PAYLOAD_TOO_LARGE;
    match route {
        Route::KeyVault { .. } => errors::key_vault(status, "RequestEntityTooLarge", &message, None),
        Route::Graph => errors::graph(status, "RequestEntityTooLarge", &message),
        Route::Entra { .. } | Route::OpenIdConfiguration { .. } | Route::InstanceDiscovery | Route::Jwks { .. } => {
            errors::token(status, "invalid_request", 9002313, &format!("Invalid request. {message}"))
        }
        Route::ManagedIdentity => {
            errors::json_response(status, serde_json::json!({ "statusCode": 413, "message": message }))
        }
        Route::Arm | Route::Unknown => errors::arm(status, "RequestEntityTooLarge", &message),
    }
}

/// Whether a request changes state: writes to ARM, Graph and Key Vault, but not token requests,
/// Graph's `getByIds` (a read sent as POST) or Key Vault's cryptographic operations (they
/// compute, store nothing).
fn changes_state(route: &Route, method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let crypto = ["/wrapkey", "/unwrapkey", "/encrypt", "/decrypt", "/sign", "/verify"];
    match route {
        Route::Arm => true,
        Route::Graph => !path.to_ascii_lowercase().ends_with("/getbyids"),
        Route::KeyVault { .. } => !crypto.iter().any(|op| path.to_ascii_lowercase().ends_with(op)),
        _ => false,
    }
}

/// An injected transient failure, as Azure answers when busy: 503, 429 with the wait it asks
/// for (Azure's `x-ms-retry-after-ms`, and `Retry-After` in seconds), or 500.
fn injected(signature: u64) -> Response {
    match signature % 3 {
        0 => errors::arm(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable (injected fault). Retry.",
        ),
        1 => {
            let mut r = errors::arm(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Too many requests (injected fault). Retry after the time in the Retry-After header.",
            );
            r.headers_mut().insert("x-ms-retry-after-ms", axum::http::HeaderValue::from_static("50"));
            r.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("1"));
            r
        }
        _ => errors::arm(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "An internal error occurred (injected fault).",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_host_then_path() {
        assert_eq!(route("v1.vault.azure.net", "/keys/k"), Route::KeyVault { vault: Some("v1".into()) });
        assert_eq!(route("localhost", "/keys/k/create"), Route::KeyVault { vault: None });
        assert_eq!(route("localhost", "/deletedkeys/k/recover"), Route::KeyVault { vault: None });
        assert_eq!(route("localhost", "/msi/token"), Route::ManagedIdentity);
        assert_eq!(route("login.microsoftonline.com", "/t1/oauth2/v2.0/token"), Route::Entra { tenant: "t1".into() });
        assert_eq!(route("management.azure.com", "/subscriptions"), Route::Arm);
        assert_eq!(route("localhost", "/subscriptions/s/resourceGroups"), Route::Arm);
        assert_eq!(route("graph.microsoft.com", "/v1.0/servicePrincipals"), Route::Graph);
        assert_eq!(route("localhost", "/other"), Route::Unknown);
        assert_eq!(
            route("localhost", "/t1/v2.0/.well-known/openid-configuration"),
            Route::OpenIdConfiguration { tenant: "t1".into() }
        );
        assert_eq!(route("login.microsoftonline.com", "/common/discovery/instance"), Route::InstanceDiscovery);
        assert_eq!(route("localhost", "/t1/discovery/v2.0/keys"), Route::Jwks { tenant: "t1".into() });
    }
}
