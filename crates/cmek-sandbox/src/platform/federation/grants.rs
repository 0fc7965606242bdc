//! The token endpoint's two grants carried out on the store: the federation exchange
//! (jwt-bearer, decided by `exchange`) and the user_oauth refresh (the refresh token rotates: the
//! old one stops working). Every attempt becomes an authentication event; a denial's reason goes
//! there and nowhere else.

use chrono::{DateTime, Utc};

use super::exchange::{self, Attempt, ExchangeRequest, OwnIssuer};
use super::model::{AuthEvent, AuthOutcome, IssuedToken};
use super::seed::{USER_TOKEN_LIFETIME_SECONDS, user_token};
use crate::platform::ids;
use crate::platform::state::Store;
use crate::platform::wire::federation::TokenResponse;
use crate::secret::Secret;

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const REFRESH_TOKEN: &str = "refresh_token";

/// A denied grant: the reason is in the authentication events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denied;

pub fn exchange(
    store: &mut Store,
    own: &OwnIssuer,
    req: &ExchangeRequest,
    now: DateTime<Utc>,
) -> Result<TokenResponse, Denied> {
    let mut attempt = Attempt::default();
    let decided = exchange::decide(store, own, req, now, &mut attempt);
    let f = &mut store.federation;
    let event = |outcome, reason| AuthEvent {
        at: now,
        grant_type: JWT_BEARER.to_string(),
        outcome,
        reason,
        federation_rule_id: attempt.federation_rule_id.clone(),
        service_account_id: attempt.service_account_id.clone(),
        subject: attempt.subject.clone(),
        client_id: None,
    };
    let grant = match decided {
        Ok(grant) => grant,
        Err(reason) => {
            tracing::debug!(%reason, "federation exchange denied");
            f.record(event(AuthOutcome::Failure, Some(reason)));
            return Err(Denied);
        }
    };
    if let Some(seen) = grant.jti.clone() {
        f.remember_jti(seen, now);
    }
    let token = ids::access_token();
    f.keep_token(
        IssuedToken {
            token: Secret::new(token.clone()),
            scope: grant.scope.clone(),
            expires_at: chrono::Duration::try_seconds(grant.lifetime_seconds)
                .and_then(|d| now.checked_add_signed(d))
                .unwrap_or(now),
            principal: grant.principal,
            workspace_id: grant.workspace_id,
        },
        now,
    );
    f.record(event(AuthOutcome::Success, None));
    Ok(TokenResponse {
        access_token: token,
        token_type: "Bearer".to_string(),
        expires_in: grant.lifetime_seconds,
        scope: grant.scope,
        refresh_token: None,
    })
}

pub fn refresh(
    store: &mut Store,
    presented: &str,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<TokenResponse, Denied> {
    let f = &mut store.federation;
    let found = f.logins.iter().position(|l| l.refresh_token.matches(presented));
    let reason = match found {
        None => {
            Some("the refresh token is not current (unknown, or already rotated by an earlier refresh)".to_string())
        }
        Some(i) if f.logins[i].client_id != client_id => Some(format!(
            "client_id `{}` is not the client the refresh token was issued to",
            super::jwt::shown(client_id)
        )),
        Some(_) => None,
    };
    let mut event = AuthEvent {
        at: now,
        grant_type: REFRESH_TOKEN.to_string(),
        outcome: AuthOutcome::Failure,
        reason,
        federation_rule_id: None,
        service_account_id: None,
        subject: found.map(|i| f.logins[i].account_email.clone()),
        client_id: Some(client_id.to_string()),
    };
    let (Some(i), None) = (found, &event.reason) else {
        f.record(event);
        return Err(Denied);
    };
    let login = &mut f.logins[i];
    login.refresh_token = Secret::new(ids::refresh_token());
    login.access_token = Secret::new(ids::access_token());
    login.expires_at = now + chrono::Duration::seconds(USER_TOKEN_LIFETIME_SECONDS);
    let response = TokenResponse {
        access_token: login.access_token.expose().to_string(),
        token_type: "Bearer".to_string(),
        expires_in: USER_TOKEN_LIFETIME_SECONDS,
        scope: login.scope.clone(),
        refresh_token: Some(login.refresh_token.expose().to_string()),
    };
    let token = user_token(login);
    f.keep_token(token, now);
    event.outcome = AuthOutcome::Success;
    f.record(event);
    Ok(response)
}
