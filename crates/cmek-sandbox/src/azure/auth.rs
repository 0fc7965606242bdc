//! Authenticating API calls: the bearer token's signature, validity and audience, and where the
//! caller is deemed to call from (its principal's documented address, else the TCP peer).

use std::net::IpAddr;

use super::jwt::{Claims, Signer, TokenError};
use super::request::Incoming;
use super::state::AzureState;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: Claims,
    /// The address the vault firewall sees.
    pub source_ip: IpAddr,
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    Missing,
    Invalid(TokenError),
}

/// Verifies the bearer token for one of `audiences`.
pub fn authenticate(state: &AzureState, req: &Incoming, audiences: &[&str]) -> Result<Caller, AuthError> {
    let token = req.bearer().ok_or(AuthError::Missing)?;
    let now = chrono::Utc::now().timestamp();
    let claims =
        Signer::new(state.token_key.expose().as_bytes()).verify(token, now, audiences).map_err(AuthError::Invalid)?;
    let source_ip = state.principal_by_app(&claims.appid).map_or(req.peer.ip(), |p| p.source_ip);
    Ok(Caller { claims, source_ip })
}

/// `appid=..;oid=..;iss=..` as Key Vault prints the caller.
pub fn describe(claims: &Claims) -> String {
    format!("appid={};oid={};iss={}", claims.appid, claims.oid, claims.iss)
}
