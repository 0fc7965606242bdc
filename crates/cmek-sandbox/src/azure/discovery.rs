//! Entra ID's discovery documents, as MSAL-based clients (Python's `azure-identity`, MSAL for
//! .NET, Java and JavaScript) read them before they ask for a token:
//!
//! - OpenID Connect discovery, `GET /{tenant}/v2.0/.well-known/openid-configuration`: where the
//!   token, authorize and device-code endpoints are (on the host and port the request came in on,
//!   so the client stays on the emulator), the issuer and the JWKS address;
//! - instance discovery, `GET /common/discovery/instance?authorization_endpoint=...`: whether an
//!   authority host is known, and where its tenant discovery document is;
//! - the JWKS, `GET /{tenant}/discovery/v2.0/keys`.
//!
//! Where the sandbox differs: its access tokens are HS256-signed with a secret only it holds, so
//! the JWKS it publishes is empty (real Entra publishes the RSA keys of its RS256 tokens); no
//! client verifies an access token for someone else's API, so none needs them. It knows only its
//! own tenants (the customer's, the customer's other directories, Anthropic's publisher tenant)
//! plus `common`, `organizations` and `consumers`; tenant domain names (`contoso.onmicrosoft.com`)
//! are not resolved. Instance discovery always points at the v2.0 document (the emulator serves
//! Entra's v2.0 endpoints only).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::errors;
use super::request::Incoming;
use super::state::AzureState;

/// The tenant aliases Entra accepts in place of a tenant id.
const TENANT_ALIASES: &[&str] = &["common", "organizations", "consumers"];

/// The authority hosts the emulator answers as (with its port): loopback and Entra's own names.
const AUTHORITY_HOSTS: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "sts.windows.net",
];

/// Whether `tenant` names a directory the emulator knows (or is one of Entra's aliases).
fn tenant_known(state: &AzureState, tenant: &str) -> bool {
    TENANT_ALIASES.iter().any(|a| a.eq_ignore_ascii_case(tenant))
        || state.tenant_id.eq_ignore_ascii_case(tenant)
        || state.other_tenant(tenant).is_some()
        || state.principals.iter().any(|p| p.tenant_id.eq_ignore_ascii_case(tenant))
}

fn tenant_not_found(tenant: &str) -> Response {
    errors::token(
        StatusCode::BAD_REQUEST,
        "invalid_tenant",
        90002,
        &format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
        ),
    )
}

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
pub fn openid_configuration(state: &AzureState, req: &Incoming, tenant: &str) -> Response {
    if !tenant_known(state, tenant) {
        return tenant_not_found(tenant);
    }
    let base = format!("https://{}", req.authority);
    // As Entra: the issuer names the tenant id, or the `{tenantid}` placeholder for an alias.
    let issuer_tenant =
        if TENANT_ALIASES.iter().any(|a| a.eq_ignore_ascii_case(tenant)) { "{tenantid}" } else { tenant };
    errors::json_response(
        StatusCode::OK,
        json!({
            "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{base}/{issuer_tenant}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
            "claims_supported": [
                "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
                "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name",
                "tid", "ver", "at_hash", "c_hash", "email"
            ],
            "kerberos_endpoint": format!("{base}/{tenant}/kerberos"),
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }),
    )
}

/// `GET /{tenant}/discovery/v2.0/keys`: no keys (see the module's note).
pub fn jwks(state: &AzureState, tenant: &str) -> Response {
    if !tenant_known(state, tenant) {
        return tenant_not_found(tenant);
    }
    errors::json_response(StatusCode::OK, json!({ "keys": [] }))
}

fn invalid_instance() -> Response {
    errors::token(StatusCode::BAD_REQUEST, "invalid_instance", 50049, "Unknown or invalid instance.")
}

/// `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=<authority>/<tenant>/oauth2/v2.0/authorize`:
/// an authority the emulator answers as (one of its host names, on the port the request came
/// in on) is known, its tenant discovery document the v2.0 one; any other is `invalid_instance`.
///
/// An authorization endpoint without a port is taken to mean the port this request came in on:
/// MSAL for Python builds it from the authority's host name alone, dropping the port, and the
/// emulator is never on 443. (Entra would answer for port 443; the sandbox's answer keeps the
/// client on the emulator.)
pub fn instance(req: &Incoming) -> Response {
    if !matches!(req.param("api-version"), Some("1.0" | "1.1")) {
        return errors::token(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900561,
            "The endpoint only accepts api-version 1.0 or 1.1.",
        );
    }
    let Some(endpoint) = req.param("authorization_endpoint").and_then(|e| url::Url::parse(e).ok()) else {
        return invalid_instance();
    };
    let own_port = req.authority.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok()).unwrap_or(443);
    let host = endpoint.host_str().unwrap_or_default().to_ascii_lowercase();
    let known = endpoint.scheme() == "https"
        && AUTHORITY_HOSTS.contains(&host.as_str())
        && endpoint.port().is_none_or(|port| port == own_port);
    let segments: Vec<&str> = endpoint.path().trim_start_matches('/').split('/').collect();
    let tenant = match segments.as_slice() {
        [tenant, "oauth2", "v2.0", "authorize"] | [tenant, "oauth2", "authorize"] if !tenant.is_empty() => *tenant,
        _ => return invalid_instance(),
    };
    if !known {
        return invalid_instance();
    }
    // Through the sandbox's proxy the request came in on 443, named as Entra names itself.
    let authority = if own_port == 443 { host } else { format!("{host}:{own_port}") };
    errors::json_response(
        StatusCode::OK,
        json!({
            "tenant_discovery_endpoint": format!("https://{authority}/{tenant}/v2.0/.well-known/openid-configuration"),
            "api-version": "1.1",
            "metadata": [{
                "preferred_network": authority,
                "preferred_cache": authority,
                "aliases": [authority],
            }],
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::{ANTHROPIC_TENANT, CUSTOMER_TENANT};

    fn get(path_and_query: &str, authority: &str) -> Incoming {
        let uri: axum::http::Uri = path_and_query.parse().unwrap();
        Incoming {
            method: axum::http::Method::GET,
            host: authority.split(':').next().unwrap().to_string(),
            authority: authority.to_string(),
            path: uri.path().to_string(),
            query: uri
                .query()
                .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default(),
            headers: axum::http::HeaderMap::new(),
            body: Vec::new(),
            peer: "127.0.0.1:1".parse().unwrap(),
            oversized: None,
        }
    }

    async fn json_of(r: Response) -> (StatusCode, serde_json::Value) {
        let status = r.status();
        let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn the_openid_document_points_back_at_the_emulator() {
        let state = AzureState::seeded();
        let req = get("/x", "localhost:8443");
        let (status, doc) = json_of(openid_configuration(&state, &req, CUSTOMER_TENANT)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(doc["token_endpoint"], format!("https://localhost:8443/{CUSTOMER_TENANT}/oauth2/v2.0/token"));
        assert_eq!(
            doc["authorization_endpoint"],
            format!("https://localhost:8443/{CUSTOMER_TENANT}/oauth2/v2.0/authorize")
        );
        assert_eq!(doc["issuer"], format!("https://localhost:8443/{CUSTOMER_TENANT}/v2.0"));
        assert_eq!(doc["jwks_uri"], format!("https://localhost:8443/{CUSTOMER_TENANT}/discovery/v2.0/keys"));
        let (_, common) = json_of(openid_configuration(&state, &req, "organizations")).await;
        assert_eq!(common["issuer"], "https://localhost:8443/{tenantid}/v2.0");
        assert_eq!(json_of(openid_configuration(&state, &req, ANTHROPIC_TENANT)).await.0, StatusCode::OK);
        let (status, err) = json_of(openid_configuration(&state, &req, "00000000-0000-0000-0000-000000000000")).await;
        assert_eq!((status, err["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_tenant")));
        assert_eq!(json_of(jwks(&state, CUSTOMER_TENANT)).await.1, serde_json::json!({ "keys": [] }));
    }

    #[tokio::test]
    async fn instance_discovery_knows_the_emulators_own_authorities_only() {
        let ask = |endpoint: &str, version: &str| {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("api-version", version)
                .append_pair("authorization_endpoint", endpoint)
                .finish();
            instance(&get(&format!("/common/discovery/instance?{query}"), "login.microsoftonline.com:8443"))
        };
        let (status, doc) = json_of(ask("https://localhost:8443/t1/oauth2/v2.0/authorize", "1.1")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(doc["tenant_discovery_endpoint"], "https://localhost:8443/t1/v2.0/.well-known/openid-configuration");
        assert_eq!(doc["metadata"][0]["aliases"][0], "localhost:8443");
        assert_eq!(
            json_of(ask("https://login.microsoftonline.com:8443/t1/oauth2/v2.0/authorize", "1.0")).await.0,
            StatusCode::OK
        );
        // MSAL for Python drops the authority's port: the port this request came in on is meant.
        let (_, doc) = json_of(ask("https://localhost/t1/oauth2/v2.0/authorize", "1.0")).await;
        assert_eq!(doc["tenant_discovery_endpoint"], "https://localhost:8443/t1/v2.0/.well-known/openid-configuration");
        for unknown in [
            "https://login.example.com:8443/t1/oauth2/v2.0/authorize",
            "https://localhost:9999/t1/oauth2/v2.0/authorize",
            "http://localhost:8443/t1/oauth2/v2.0/authorize",
            "https://localhost:8443/t1/nothing",
            "not a url",
        ] {
            let (status, err) = json_of(ask(unknown, "1.1")).await;
            assert_eq!(
                (status, err["error"].as_str()),
                (StatusCode::BAD_REQUEST, Some("invalid_instance")),
                "{unknown}"
            );
        }
        assert_eq!(
            json_of(ask("https://localhost:8443/t1/oauth2/v2.0/authorize", "2.0")).await.0,
            StatusCode::BAD_REQUEST
        );
    }
}
