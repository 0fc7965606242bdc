//! Who is calling, and may they use the Admin API.
//!
//! Accepted, as the real API accepts them (platform-api.md, section 1): the admin key in
//! `x-api-key` or as `Authorization: Bearer`, and OAuth access tokens (`sk-ant-oat01-...`) as
//! `Authorization: Bearer` with `anthropic-beta: oauth-2025-04-20`. The admin endpoints need full
//! admin rights: the admin key, or a token whose scope has `org:admin` and whose principal is an
//! admin (a service account with organization_role admin, or a user_oauth login). Presented values
//! are compared in constant time and never echoed.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use chrono::{DateTime, Utc};

use super::error::{ApiError, ApiResult, ErrorKind};
use super::federation::model::{IssuedToken, Principal, has_scope};
use super::state::Store;
use super::wire::federation::OrganizationRole;

/// The beta an OAuth token must be sent with.
pub const OAUTH_BETA: &str = "oauth-2025-04-20";
/// The scope the admin endpoints need.
pub const ADMIN_SCOPE: &str = "org:admin";
const OAUTH_PREFIX: &str = "sk-ant-oat01-";

/// The caller of an admin request, for the handlers that care (federation administration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    AdminKey,
    OAuth { scope: String, principal: Principal },
}

/// Who sent `headers`, or the 401 they get.
pub fn identify(store: &Store, admin_key: &str, headers: &HeaderMap, now: DateTime<Utc>) -> ApiResult<Caller> {
    let expected = admin_key.as_bytes();
    let api_key = headers.get("x-api-key").map(HeaderValue::as_bytes);
    if let Some(presented) = api_key
        && !constant_time_eq(presented, expected)
    {
        return Err(ApiError::new(ErrorKind::Authentication, "invalid x-api-key"));
    }
    let bearer = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(bearer(value.as_bytes()).ok_or_else(invalid_bearer)?),
    };
    let from_bearer = match bearer {
        None => None,
        Some(token) if constant_time_eq(token, expected) => Some(Caller::AdminKey),
        Some(token) if token.starts_with(OAUTH_PREFIX.as_bytes()) => Some(oauth(store, headers, token, now)?),
        Some(_) => return Err(invalid_bearer()),
    };
    match (api_key, from_bearer) {
        (None, None) => Err(ApiError::new(ErrorKind::Authentication, "invalid x-api-key")),
        // Both sent and both right: the admin key's rights.
        (Some(_), _) => Ok(Caller::AdminKey),
        (None, Some(caller)) => Ok(caller),
    }
}

/// Refuses a caller without full admin rights, naming what is missing.
pub fn require_admin(store: &Store, caller: &Caller, method: &Method, path: &str) -> ApiResult<()> {
    let Caller::OAuth { scope, principal } = caller else { return Ok(()) };
    let who = describe(store, principal);
    if !has_scope(scope, ADMIN_SCOPE) {
        return Err(ApiError::permission(format!(
            "{method} {path} requires the {ADMIN_SCOPE} scope, which this OAuth token does not have (its scope is \
             `{scope}`; {who}). Use a token with {ADMIN_SCOPE}: `ant auth login --scope {ADMIN_SCOPE}`, or a \
             federation rule whose oauth_scope includes it and whose service account is an admin"
        )));
    }
    if let Principal::ServiceAccount { service_account_id, .. } = principal {
        let account = store.federation.service_account(service_account_id);
        let admin = account.is_some_and(|a| a.archived_at.is_none() && a.organization_role == OrganizationRole::Admin);
        if !admin {
            let role = account.map_or("none (it no longer exists)", |a| a.organization_role.as_str());
            return Err(ApiError::permission(format!(
                "{method} {path} requires the {ADMIN_SCOPE} scope held by an admin: {who}, whose organization_role is \
                 {role}. Use a federation rule that targets an admin service account"
            )));
        }
    }
    Ok(())
}

fn describe(store: &Store, principal: &Principal) -> String {
    match principal {
        Principal::ServiceAccount { service_account_id, federation_rule_id } => {
            let name = store.federation.service_account(service_account_id).map_or("?", |a| a.name.as_str());
            format!("service account {service_account_id} ({name}) through federation rule {federation_rule_id}")
        }
        Principal::User { account_email } => format!("user {account_email}"),
    }
}

fn oauth(store: &Store, headers: &HeaderMap, token: &[u8], now: DateTime<Utc>) -> ApiResult<Caller> {
    if !has_beta(headers, OAUTH_BETA) {
        return Err(ApiError::new(
            ErrorKind::Authentication,
            format!(
                "OAuth authentication is currently not supported without the beta header: send anthropic-beta: {OAUTH_BETA} with an OAuth access token"
            ),
        ));
    }
    let presented = std::str::from_utf8(token).unwrap_or_default();
    let issued: &IssuedToken = store.federation.access_token(presented).ok_or_else(|| {
        ApiError::new(
            ErrorKind::Authentication,
            format!("invalid OAuth access token: organization {} did not issue it, or it was revoked", store.org.id),
        )
    })?;
    if now >= issued.expires_at {
        return Err(ApiError::new(
            ErrorKind::Authentication,
            format!(
                "OAuth token has expired (at {}); refresh it, or exchange a new identity token",
                issued.expires_at.to_rfc3339()
            ),
        ));
    }
    Ok(Caller::OAuth { scope: issued.scope.clone(), principal: issued.principal.clone() })
}

/// Whether `anthropic-beta` (comma-separated, possibly repeated) lists `beta`.
pub fn has_beta(headers: &HeaderMap, beta: &str) -> bool {
    headers
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|b| b.trim() == beta)
}

/// The token of `Bearer <token>` (the scheme in any case).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then(|| rest.trim_ascii())
}

fn invalid_bearer() -> ApiError {
    ApiError::new(ErrorKind::Authentication, "invalid bearer token in the authorization header")
}

/// Compares without stopping at the first difference, so timing does not reveal how much of a
/// guessed key was right (only its length can show).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-ant-admin01-right";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn who(pairs: &[(&'static str, &str)]) -> ApiResult<Caller> {
        identify(&Store::seeded().unwrap(), KEY, &headers(pairs), Utc::now())
    }

    #[test]
    fn the_admin_key_either_way() {
        assert_eq!(who(&[("x-api-key", KEY)]), Ok(Caller::AdminKey));
        assert_eq!(who(&[("authorization", "Bearer sk-ant-admin01-right")]), Ok(Caller::AdminKey));
        assert_eq!(who(&[("authorization", "bearer sk-ant-admin01-right")]), Ok(Caller::AdminKey));
        let e = who(&[("x-api-key", "sk-ant-admin01-wrong")]).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Authentication, "invalid x-api-key"));
        assert!(who(&[]).is_err());
        assert!(who(&[("x-api-key", KEY), ("authorization", "Bearer nope")]).is_err());
        assert!(who(&[("authorization", "Basic c2stYW50")]).is_err());
        assert!(who(&[("authorization", "Bear")]).is_err());
    }

    #[test]
    fn oauth_tokens_need_the_beta_and_must_be_known() {
        let store = Store::seeded().unwrap();
        let token = store.federation.logins[0].access_token.expose().to_string();
        let auth = format!("Bearer {token}");
        let h = headers(&[("authorization", &auth)]);
        let e = identify(&store, KEY, &h, Utc::now()).unwrap_err();
        assert!(e.message.contains("anthropic-beta: oauth-2025-04-20"), "{}", e.message);
        let h = headers(&[("authorization", &auth), ("anthropic-beta", "files-api-2025-04-14, oauth-2025-04-20")]);
        let caller = identify(&store, KEY, &h, Utc::now()).unwrap();
        assert!(matches!(caller, Caller::OAuth { ref scope, .. } if scope == "org:admin"));
        assert!(require_admin(&store, &caller, &Method::GET, "/v1/organizations/me").is_ok());
        let later = Utc::now() + chrono::Duration::days(1);
        assert!(identify(&store, KEY, &h, later).unwrap_err().message.contains("expired"));
        let unknown = headers(&[("authorization", "Bearer sk-ant-oat01-unknown"), ("anthropic-beta", OAUTH_BETA)]);
        assert!(!identify(&store, KEY, &unknown, Utc::now()).unwrap_err().message.contains("unknown"));
    }

    #[test]
    fn constant_time_comparison_is_still_a_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
        assert!(constant_time_eq(b"", b""));
    }
}
