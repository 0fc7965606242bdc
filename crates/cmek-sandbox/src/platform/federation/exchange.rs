//! The jwt-bearer grant's decision: may this assertion, presented for this rule, become a token?
//!
//! Pure over the store and the clock. Checks in the order the reasons are most useful: the
//! organisation, the rule, its issuer and service account (an `org:admin` rule needs an admin),
//! the assertion's signature against the issuer's JWKS, then `iss`, validity window (`iat` and
//! `exp` required), `aud`, `sub`, exact claims, `jti` reuse, and which workspace the token is for
//! (the service account must be a member). The first failure is the reason; the caller answers a
//! bare 401 and keeps the reason for the authentication events.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::jwt::{PublicJwk, shown, verify_rs256};
use super::model::{Principal, SeenJti, has_scope};
use crate::platform::auth::ADMIN_SCOPE;
use crate::platform::state::Store;
use crate::platform::wire::federation::{FederationIssuer, FederationRule, JwksSource, OrganizationRole};

/// Clock skew tolerated on `nbf` and `iat`.
const LEEWAY_SECONDS: i64 = 60;
/// The shortest token a rule gives.
const MIN_TOKEN_SECONDS: i64 = 60;

/// The exchange's inputs (`POST /v1/oauth/token`).
#[derive(Debug, Clone, Copy)]
pub struct ExchangeRequest<'a> {
    pub assertion: &'a str,
    pub federation_rule_id: &'a str,
    pub organization_id: &'a str,
    pub service_account_id: Option<&'a str>,
    pub workspace_id: Option<&'a str>,
}

/// The sandbox's own issuer: where it is and its public key.
pub struct OwnIssuer {
    pub url: String,
    pub jwk: Value,
}

/// What a successful exchange issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub scope: String,
    pub lifetime_seconds: i64,
    pub principal: Principal,
    pub workspace_id: Option<String>,
    /// To remember, when the issuer checks `jti` and the assertion has one.
    pub jti: Option<SeenJti>,
}

/// What is known of an attempt, for its authentication event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attempt {
    pub federation_rule_id: Option<String>,
    pub service_account_id: Option<String>,
    pub subject: Option<String>,
}

pub fn decide(
    store: &Store,
    own: &OwnIssuer,
    req: &ExchangeRequest,
    now: DateTime<Utc>,
    attempt: &mut Attempt,
) -> Result<Grant, String> {
    let f = &store.federation;
    if req.organization_id != store.org.id {
        return Err(format!("organization_id `{}` is not organization {}", shown(req.organization_id), store.org.id));
    }
    let rule = f.rule(req.federation_rule_id).ok_or_else(|| {
        format!("federation rule `{}` does not exist in organization {}", shown(req.federation_rule_id), store.org.id)
    })?;
    attempt.federation_rule_id = Some(rule.id.clone());
    attempt.service_account_id = Some(rule.service_account_id().to_string());
    if rule.archived_at.is_some() {
        return Err(format!("federation rule {} ({}) is archived", rule.id, rule.name));
    }
    let issuer =
        f.issuer(&rule.issuer_id).ok_or_else(|| format!("the rule's issuer {} does not exist", rule.issuer_id))?;
    if issuer.archived_at.is_some() {
        return Err(format!("the rule's issuer {} ({}) is archived", issuer.id, issuer.name));
    }
    let account = f
        .service_account(rule.service_account_id())
        .ok_or_else(|| format!("the rule's service account {} does not exist", rule.service_account_id()))?;
    if account.archived_at.is_some() {
        return Err(format!("the rule's service account {} ({}) is archived", account.id, account.name));
    }
    if has_scope(&rule.oauth_scope, ADMIN_SCOPE) && account.organization_role != OrganizationRole::Admin {
        return Err(format!(
            "rule {} grants {ADMIN_SCOPE} but its service account {} ({}) has organization_role {}",
            rule.id,
            account.id,
            account.name,
            account.organization_role.as_str()
        ));
    }
    if let Some(asked) = req.service_account_id
        && asked != account.id
    {
        return Err(format!(
            "service_account_id `{}` is not the service account of rule {} ({})",
            shown(asked),
            rule.id,
            account.id
        ));
    }
    let claims = verify_rs256(req.assertion, &keys_for(issuer, own)?)?;
    attempt.subject = claims.get("sub").and_then(Value::as_str).map(str::to_string);
    let exp = check_window(issuer, &claims, now)?;
    check_match(issuer, rule, &claims)?;
    let jti = claims.get("jti").and_then(Value::as_str).filter(|_| issuer.check_jti);
    if let Some(j) = jti
        && f.jti_seen(j, now)
    {
        return Err(format!("the JWT's jti `{}` was already used (issuer {} checks jti)", shown(j), issuer.id));
    }
    let jti = jti.map(|j| SeenJti {
        jti: j.to_string(),
        expires_at: DateTime::from_timestamp(exp, 0).unwrap_or(DateTime::<Utc>::MAX_UTC),
    });
    let workspace = workspace(store, rule, req.workspace_id)?;
    if !f.is_member(&account.id, &workspace, &store.default_workspace_id) {
        return Err(format!(
            "service account {} ({}) is not a member of workspace {workspace}",
            account.id, account.name
        ));
    }
    // A token lives no longer than twice what is left of the assertion, and at least a minute.
    let remaining = exp.saturating_sub(now.timestamp());
    Ok(Grant {
        scope: rule.oauth_scope.clone(),
        lifetime_seconds: rule.token_lifetime_seconds.min(remaining.saturating_mul(2)).max(MIN_TOKEN_SECONDS),
        principal: Principal::ServiceAccount {
            service_account_id: account.id.clone(),
            federation_rule_id: rule.id.clone(),
        },
        workspace_id: Some(workspace),
        jti,
    })
}

/// The keys an issuer's assertions are checked with: the sandbox's own (its discovery document
/// and JWKS are served by this listener), or the ones given inline.
fn keys_for(issuer: &FederationIssuer, own: &OwnIssuer) -> Result<Vec<PublicJwk>, String> {
    let own_jwks = format!("{}/jwks", own.url);
    match &issuer.jwks {
        JwksSource::Discovery if issuer.issuer_url == own.url => {
            Ok(PublicJwk::from_json(&own.jwk).into_iter().collect())
        }
        JwksSource::ExplicitUrl { url } if *url == own_jwks => Ok(PublicJwk::from_json(&own.jwk).into_iter().collect()),
        JwksSource::Inline { keys } => Ok(keys.iter().filter_map(PublicJwk::from_json).collect()),
        _ => Err(format!(
            "the JWKS of issuer {} ({}) cannot be fetched: the sandbox reaches only its own issuer and inline JWKS",
            issuer.id, issuer.issuer_url
        )),
    }
}

/// `iss`, then the validity window; the expiry, when all is well.
fn check_window(issuer: &FederationIssuer, claims: &Map<String, Value>, now: DateTime<Utc>) -> Result<i64, String> {
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if iss != issuer.issuer_url {
        return Err(format!("the JWT's iss `{}` is not the rule's issuer `{}`", shown(iss), issuer.issuer_url));
    }
    let now = now.timestamp();
    let exp = seconds(claims, "exp").ok_or("the JWT has no numeric exp")?;
    let iat = seconds(claims, "iat").ok_or("the JWT has no numeric iat")?;
    // No leeway past `exp`: a `jti` is forgotten once its assertion has expired
    // (`FederationState::remember_jti`), so a leeway here would reopen a replay window.
    if now >= exp {
        return Err(format!("the JWT expired at {} ({} s ago)", rfc3339(exp), now.saturating_sub(exp)));
    }
    if let Some(nbf) = seconds(claims, "nbf")
        && nbf > now.saturating_add(LEEWAY_SECONDS)
    {
        return Err(format!("the JWT is not valid before {}", rfc3339(nbf)));
    }
    if iat > now.saturating_add(LEEWAY_SECONDS) {
        return Err(format!("the JWT was issued in the future ({})", rfc3339(iat)));
    }
    let (max, lives) = (issuer.max_jwt_lifetime_seconds, exp.saturating_sub(iat));
    if lives > max {
        return Err(format!(
            "the JWT lives {lives} s (iat to exp), longer than issuer {}'s limit of {max} s",
            issuer.id
        ));
    }
    Ok(exp)
}

fn check_match(issuer: &FederationIssuer, rule: &FederationRule, claims: &Map<String, Value>) -> Result<(), String> {
    let m = &rule.rule_match;
    if let Some(audience) = &m.audience {
        let listed = match claims.get("aud") {
            Some(Value::String(a)) => a == audience,
            Some(Value::Array(all)) => all.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        };
        if !listed {
            let found = claims.get("aud").map(Value::to_string).unwrap_or_else(|| "none".into());
            return Err(format!("the JWT's aud {} does not include the rule's audience `{audience}`", shown(&found)));
        }
    }
    let sub = claims.get("sub").and_then(Value::as_str).ok_or("the JWT has no sub")?;
    if let Some(pattern) = &m.subject_prefix {
        let matches = match pattern.strip_suffix('*') {
            Some(prefix) => sub.starts_with(prefix),
            None => sub == pattern,
        };
        if !matches {
            return Err(format!(
                "the JWT's sub `{}` does not match rule {}'s subject_prefix `{pattern}`",
                shown(sub),
                rule.id
            ));
        }
    }
    if m.condition.is_some() {
        return Err(format!("rule {} has a CEL condition, which the sandbox does not evaluate", rule.id));
    }
    for (name, wanted) in m.claims.iter().flatten() {
        let found = claims.get(name).and_then(Value::as_str);
        if found != Some(wanted.as_str()) {
            return Err(format!(
                "the JWT's claim `{name}` is {} but rule {} requires `{wanted}` (issuer {})",
                found.map_or("missing".to_string(), |v| format!("`{}`", shown(v))),
                rule.id,
                issuer.id
            ));
        }
    }
    Ok(())
}

/// The workspace the token is for (a federation token is always for one): the one asked for,
/// which the rule must be enabled for; else the rule's only workspace; else the default one if the
/// rule covers it. A rule enabled for several other workspaces needs the request to say which.
fn workspace(store: &Store, rule: &FederationRule, asked: Option<&str>) -> Result<String, String> {
    let default = store.default_workspace_id.as_str();
    let enabled = &rule.workspace_ids;
    let covers = |id: &str| rule.applies_to_all_workspaces || enabled.iter().any(|w| w == id);
    let asked = match asked {
        Some("default") => Some(default),
        other => other,
    };
    if let Some(id) = asked {
        if !store.workspace(id).is_ok_and(|w| w.archived_at.is_none()) {
            return Err(format!(
                "workspace_id `{}` is not an active workspace of organization {}",
                shown(id),
                store.org.id
            ));
        }
        if !covers(id) {
            return Err(format!("rule {} is not enabled for workspace {id} (it is for: {})", rule.id, list(enabled)));
        }
        return Ok(id.to_string());
    }
    match enabled.as_slice() {
        [only] if !rule.applies_to_all_workspaces => Ok(only.clone()),
        _ if covers(default) => Ok(default.to_string()),
        [] => Err(format!("rule {} is enabled for no workspace", rule.id)),
        several => Err(format!(
            "rule {} is enabled for {} workspaces ({}) and the request named none: send workspace_id \
             (ANTHROPIC_WORKSPACE_ID)",
            rule.id,
            several.len(),
            list(several)
        )),
    }
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
}

/// A NumericDate claim (integer or fractional seconds).
fn seconds(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    let value = claims.get(name)?;
    value.as_i64().or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
}

fn rfc3339(seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(seconds, 0).map_or_else(|| seconds.to_string(), |t| t.to_rfc3339())
}
