//! ARM's authentication and control-plane authorisation: a management token for the customer
//! tenant, and an RBAC role granting the action at the scope (`AuthorizationFailed` otherwise).

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::auth::{self, AuthError, Caller};
use super::errors;
use super::rbac;
use super::request::Incoming;
use super::state::AzureState;
use super::tokens::ARM_RESOURCE;

/// The authenticated caller, or the 401 ARM answers.
pub fn authenticate(state: &AzureState, req: &Incoming) -> Result<Caller, errors::Refusal> {
    let caller = match auth::authenticate(state, req, &[ARM_RESOURCE]) {
        Ok(c) => c,
        Err(AuthError::Missing) => {
            return Err(unauthorized(
                state,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
            ));
        }
        Err(AuthError::Invalid(e)) => {
            return Err(unauthorized(
                state,
                "InvalidAuthenticationToken",
                &format!("The access token is invalid: {e}."),
            ));
        }
    };
    if !caller.claims.tid.eq_ignore_ascii_case(&state.tenant_id) {
        return Err(unauthorized(
            state,
            "InvalidAuthenticationTokenTenant",
            &format!(
                "The access token is from the wrong issuer '{}'. It must match the tenant associated with this subscription.",
                caller.claims.iss
            ),
        ));
    }
    Ok(caller)
}

fn unauthorized(state: &AzureState, code: &str, message: &str) -> errors::Refusal {
    let mut response = errors::arm(StatusCode::UNAUTHORIZED, code, message);
    let value = format!(
        r#"Bearer authorization_uri="https://login.microsoftonline.com/{}", error="invalid_token""#,
        state.tenant_id
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, value);
    }
    Box::new(response)
}

/// `None` when some role of the caller at a scope covering `scope` grants `action`.
pub fn authorize(state: &AzureState, caller: &Caller, scope: &str, action: &str) -> Option<Response> {
    if rbac::control_allowed(&state.role_assignments, &caller.claims.oid, scope, action) {
        return None;
    }
    let oid = &caller.claims.oid;
    Some(errors::arm(
        StatusCode::FORBIDDEN,
        "AuthorizationFailed",
        &format!(
            "The client '{oid}' with object id '{oid}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."
        ),
    ))
}
