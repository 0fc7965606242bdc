//! Access tokens: opaque strings the sandbox issues, each standing for one principal, checked on
//! every call (`Authorization: Bearer <token>`). Real clients send whatever their credentials
//! produced; here a token file or `--access-token` with the issued string plays that part.

use rand::distr::{Alphanumeric, SampleString};

use super::errors::{GResult, GoogleError};
use super::request::Incoming;
use super::state::{GcpState, IssuedToken};
use crate::secret::Secret;

/// The principal behind the request's token: 401 UNAUTHENTICATED without one or with one the
/// sandbox never issued.
pub fn caller(state: &GcpState, req: &Incoming) -> GResult<String> {
    let token = req.bearer().ok_or_else(|| GoogleError::unauthenticated(true))?;
    state.principal_of(token).map(str::to_string).ok_or_else(|| GoogleError::unauthenticated(false))
}

/// The token standing for `principal`, issued now if it has none yet.
pub fn issue(state: &mut GcpState, principal: &str) -> String {
    if let Some(token) = state.token_of(principal) {
        return token.to_string();
    }
    // Shaped like Google's OAuth access tokens, so clients that sniff the prefix accept it.
    let token = format!("ya29.sandbox-{}", Alphanumeric.sample_string(&mut rand::rng(), 48));
    state.tokens.push(IssuedToken { token: Secret::new(token.clone()), principal: principal.to_string() });
    token
}
