//! Issuing access tokens: Entra ID's v2 token endpoint (client credentials with a secret) and the
//! App Service managed-identity endpoint (`IDENTITY_ENDPOINT` + `X-IDENTITY-HEADER`, api-version
//! 2019-08-01). A multi-tenant app gets a token in another tenant only if its service principal
//! exists there (consent), and then its `oid` is that service principal's id.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::errors;
use super::jwt::{Claims, Signer};
use super::request::Incoming;
use super::state::{AzureState, Principal};

/// How long issued tokens live.
pub const TOKEN_LIFETIME_SECS: i64 = 3600;

/// The resources (token audiences) the emulator serves.
pub const VAULT_RESOURCE: &str = "https://vault.azure.net";
pub const ARM_RESOURCE: &str = "https://management.azure.com/";
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// The canonical audience for a requested resource, if the emulator serves it.
pub fn audience_for(resource: &str) -> Option<&'static str> {
    match resource.trim_end_matches('/').to_ascii_lowercase().as_str() {
        "https://vault.azure.net" => Some(VAULT_RESOURCE),
        "https://management.azure.com" | "https://management.core.windows.net" => Some(ARM_RESOURCE),
        "https://graph.microsoft.com" => Some(GRAPH_RESOURCE),
        _ => None,
    }
}

/// `POST /{tenant}/oauth2/v2.0/token` (client credentials).
pub fn entra_token(state: &AzureState, req: &Incoming, tenant: &str) -> Response {
    let form = req.form();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        return errors::token(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            "The app requested an unsupported grant type. The sandbox supports client_credentials only.",
        );
    }
    let client_id = field("client_id");
    let Some(resource) = field("scope").split_whitespace().find_map(|s| s.strip_suffix("/.default")) else {
        return errors::token(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
        );
    };
    let Some(principal) = state.principal_by_app(client_id).filter(|p| p.secret.is_some()) else {
        return unknown_app(client_id, tenant);
    };
    let secret_ok = principal.secret.as_ref().is_some_and(|s| s.matches(field("client_secret")));
    if !secret_ok {
        return errors::token(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
    }
    match issue(state, principal, tenant, resource) {
        Ok((token, _)) => errors::json_response(
            StatusCode::OK,
            json!({ "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECS - 1, "ext_expires_in": TOKEN_LIFETIME_SECS - 1, "access_token": token }),
        ),
        Err(response) => *response,
    }
}

/// `GET /msi/token?resource=...&api-version=2019-08-01` with `X-IDENTITY-HEADER`.
pub fn managed_identity_token(state: &AzureState, req: &Incoming, identity_header: &crate::secret::Secret) -> Response {
    let header_ok = req.header("x-identity-header").is_some_and(|h| identity_header.matches(h));
    if !header_ok {
        return errors::json_response(
            StatusCode::UNAUTHORIZED,
            json!({ "statusCode": 401, "message": "The X-IDENTITY-HEADER header is missing or wrong." }),
        );
    }
    if req.param("api-version") != Some("2019-08-01") {
        return errors::json_response(
            StatusCode::BAD_REQUEST,
            json!({ "statusCode": 400, "message": "api-version must be 2019-08-01." }),
        );
    }
    let Some(resource) = req.param("resource") else {
        return errors::json_response(
            StatusCode::BAD_REQUEST,
            json!({ "statusCode": 400, "message": "resource is required." }),
        );
    };
    let wanted = req.param("client_id").or(req.param("principal_id")).or(req.param("object_id"));
    let principal = state
        .principals
        .iter()
        .filter(|p| p.managed_identity)
        .find(|p| wanted.is_none_or(|w| p.app_id.eq_ignore_ascii_case(w) || p.object_id.eq_ignore_ascii_case(w)));
    let Some(principal) = principal else {
        return errors::json_response(
            StatusCode::BAD_REQUEST,
            json!({ "statusCode": 400, "message": "No managed identity matches the request." }),
        );
    };
    match issue(state, principal, &principal.tenant_id.clone(), resource) {
        Ok((token, exp)) => errors::json_response(
            StatusCode::OK,
            json!({
                "access_token": token,
                "expires_on": exp.to_string(),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": principal.app_id,
            }),
        ),
        Err(response) => *response,
    }
}

/// A signed token for `principal` in `tenant` for `resource`, with its expiry (Unix seconds).
fn issue(
    state: &AzureState,
    principal: &Principal,
    tenant: &str,
    resource: &str,
) -> Result<(String, i64), errors::Refusal> {
    let Some(aud) = audience_for(resource) else {
        return Err(Box::new(errors::token(
            StatusCode::BAD_REQUEST,
            "invalid_resource",
            500011,
            &format!("The resource principal named {resource} was not found in the tenant named {tenant}."),
        )));
    };
    let oid = if principal.tenant_id.eq_ignore_ascii_case(tenant) {
        principal.object_id.clone()
    } else if principal.multi_tenant && tenant.eq_ignore_ascii_case(&state.tenant_id) {
        match state.service_principal_by_app(&principal.app_id) {
            Some(sp) => sp.id.clone(),
            None => return Err(Box::new(unknown_app(&principal.app_id, tenant))),
        }
    } else if tenant.eq_ignore_ascii_case(&state.tenant_id) {
        return Err(Box::new(unknown_app(&principal.app_id, tenant)));
    } else if let Some(other) = state.other_tenant(tenant) {
        // Another directory of the customer's: the same rules, with its own consents.
        match other.service_principals.iter().find(|sp| sp.app_id.eq_ignore_ascii_case(&principal.app_id)) {
            Some(sp) if principal.multi_tenant => sp.id.clone(),
            _ => return Err(Box::new(unknown_app(&principal.app_id, tenant))),
        }
    } else {
        return Err(Box::new(errors::token(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        )));
    };
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        aud: aud.to_string(),
        iss: format!("https://sts.windows.net/{tenant}/"),
        tid: tenant.to_ascii_lowercase(),
        oid,
        appid: principal.app_id.clone(),
        iat: now,
        nbf: now - 300,
        exp: now + TOKEN_LIFETIME_SECS,
    };
    let token = Signer::new(state.token_key.expose().as_bytes()).sign(&claims);
    Ok((token, claims.exp))
}

fn unknown_app(client_id: &str, tenant: &str) -> Response {
    errors::token(
        StatusCode::BAD_REQUEST,
        "unauthorized_client",
        700016,
        &format!(
            "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::state::{OtherTenant, ServicePrincipal};
    use crate::azure::{CUSTOMER_APP_ID, CUSTOMER_TENANT};

    const OTHER: &str = "9e4d7c3b-1a2f-4b5c-8d6e-7f8091a2b3c4";

    fn claims_of(state: &AzureState, token: &str) -> Claims {
        Signer::new(state.token_key.expose().as_bytes())
            .verify(token, chrono::Utc::now().timestamp(), &[VAULT_RESOURCE])
            .unwrap()
    }

    #[test]
    fn a_multi_tenant_app_gets_tokens_only_where_it_is_consented() {
        let mut state = AzureState::seeded();
        let app = cmek_core::identities::published().azure.app_client_id.clone();
        let anthropic = state.principal_by_app(&app).unwrap().clone();
        assert!(issue(&state, &anthropic, CUSTOMER_TENANT, VAULT_RESOURCE).is_err(), "not consented");
        assert!(issue(&state, &anthropic, OTHER, VAULT_RESOURCE).is_err(), "an unknown tenant");

        let sp = ServicePrincipal { id: "sp-other".into(), app_id: app.clone(), display_name: "a".into() };
        state.other_tenants.push(OtherTenant {
            tenant_id: OTHER.into(),
            display_name: "o".into(),
            service_principals: vec![sp],
        });
        let (token, _) = issue(&state, &anthropic, OTHER, VAULT_RESOURCE).unwrap();
        let claims = claims_of(&state, &token);
        assert_eq!((claims.tid.as_str(), claims.oid.as_str()), (OTHER, "sp-other"));
        assert_eq!(claims.iss, format!("https://sts.windows.net/{OTHER}/"));

        // A single-tenant app is not let into the other directory, consented or not.
        let customer = state.principal_by_app(CUSTOMER_APP_ID).unwrap().clone();
        assert!(issue(&state, &customer, OTHER, VAULT_RESOURCE).is_err());
    }
}
