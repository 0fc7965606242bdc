//! getIamPolicy / setIamPolicy / testIamPermissions on key rings, crypto keys and (Resource
//! Manager's) projects: version 3 policies with conditions kept, etags compared on set (a stale
//! one is 409 ABORTED: read-modify-write again), the default update mask `bindings,etag`
//! (auditConfigs change only when named, projects only), and domain-restricted sharing refusing
//! new members outside the permitted customers.

use serde_json::{Map, Value, json};

use super::access::{self, Api};
use super::call::Call;
use super::errors::{GResult, GoogleError};
use super::iam;
use super::names::{CryptoKeyName, KeyRingName};
use super::state::{Binding, Expr, GcpState, Policy, new_etag, normalise};
use super::wire::{check_fields, field, parse_bytes, parse_int64, policy_json};

/// Whose policy.
#[derive(Debug, Clone)]
pub enum Owner {
    KeyRing(KeyRingName),
    CryptoKey(CryptoKeyName),
    Project(String),
}

impl Owner {
    fn project(&self) -> &str {
        match self {
            Owner::KeyRing(r) => r.project(),
            Owner::CryptoKey(k) => k.project(),
            Owner::Project(p) => p,
        }
    }

    fn resource(&self) -> String {
        match self {
            Owner::KeyRing(r) => r.to_string(),
            Owner::CryptoKey(k) => k.to_string(),
            Owner::Project(p) => format!("projects/{p}"),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Owner::KeyRing(_) => "KeyRing",
            Owner::CryptoKey(_) => "CryptoKey",
            Owner::Project(_) => "Project",
        }
    }

    fn api(&self) -> Api {
        if matches!(self, Owner::Project(_)) { Api::ResourceManager } else { Api::Kms }
    }

    fn permissions(&self) -> (&'static str, &'static str) {
        match self {
            Owner::KeyRing(_) => (iam::KEY_RINGS_GET_IAM, iam::KEY_RINGS_SET_IAM),
            Owner::CryptoKey(_) => (iam::KEYS_GET_IAM, iam::KEYS_SET_IAM),
            Owner::Project(_) => (iam::PROJECT_GET_IAM, iam::PROJECT_SET_IAM),
        }
    }

    /// The policies at and above the resource, below the project.
    fn below_project<'a>(&self, state: &'a GcpState) -> Vec<&'a Policy> {
        match self {
            Owner::KeyRing(r) => access::ring_policies(state, r),
            Owner::CryptoKey(k) => access::key_policies(state, k),
            Owner::Project(_) => Vec::new(),
        }
    }

    fn policy<'a>(&self, state: &'a GcpState) -> Option<&'a Policy> {
        match self {
            Owner::KeyRing(r) => state.key_ring(r).map(|r| &r.iam_policy),
            Owner::CryptoKey(k) => state.crypto_key(k).map(|k| &k.iam_policy),
            Owner::Project(p) => state.project(p).map(|p| &p.iam_policy),
        }
    }

    fn policy_mut<'a>(&self, state: &'a mut GcpState) -> Option<&'a mut Policy> {
        match self {
            Owner::KeyRing(r) => state.key_ring_mut(r).map(|r| &mut r.iam_policy),
            Owner::CryptoKey(k) => state.crypto_key_mut(k).map(|k| &mut k.iam_policy),
            Owner::Project(p) => state.project_mut(p).map(|p| &mut p.iam_policy),
        }
    }

    fn authorize(&self, call: &Call, permission: &str) -> GResult<()> {
        let below = self.below_project(call.state);
        access::authorize(call.state, &call.principal, self.api(), self.project(), permission, &self.resource(), &below)
    }

    fn current<'a>(&self, state: &'a GcpState) -> GResult<&'a Policy> {
        self.policy(state)
            .ok_or_else(|| GoogleError::not_found(format!("{} {} not found.", self.kind(), self.resource())))
    }
}

/// `options.requestedPolicyVersion` from the query (GET) or the body (POST): 0, 1 or 3.
fn requested_version(call: &Call) -> GResult<i64> {
    let from_query = call.req.param("options.requestedPolicyVersion").map(Value::from);
    let body = call.req.json()?;
    let from_body =
        field(&body, "options").and_then(|o| o.as_object()).and_then(|o| field(o, "requestedPolicyVersion")).cloned();
    let Some(raw) = from_query.or(from_body) else { return Ok(0) };
    let version = parse_int64(&raw, "options.requested_policy_version")?;
    if matches!(version, 0 | 1 | 3) {
        Ok(version)
    } else {
        Err(GoogleError::invalid_argument(format!(
            "Invalid requested policy version {version}: use 1 or 3 (3 to read conditional bindings)."
        )))
    }
}

pub fn get(call: &Call, owner: &Owner) -> GResult<Value> {
    owner.authorize(call, owner.permissions().0)?;
    requested_version(call)?;
    Ok(policy_json(owner.current(call.state)?))
}

fn text(value: &Value, field: &str) -> GResult<String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| GoogleError::invalid_argument(format!("Invalid value at '{field}' (TYPE_STRING), {value}")))
}

fn read_condition(value: &Value) -> GResult<Expr> {
    let obj = value
        .as_object()
        .ok_or_else(|| GoogleError::invalid_argument("Invalid value at 'policy.bindings.condition'."))?;
    check_fields(obj, "policy.bindings.condition", &["expression", "title", "description", "location"])?;
    let optional = |name: &str| field(obj, name).map(|v| text(v, name)).transpose();
    let expression = optional("expression")?.filter(|e| !e.trim().is_empty());
    Ok(Expr {
        expression: expression
            .ok_or_else(|| GoogleError::invalid_argument("A binding's condition must have an expression."))?,
        title: optional("title")?,
        description: optional("description")?,
        location: optional("location")?,
    })
}

fn read_binding(value: &Value) -> GResult<Binding> {
    let obj = value.as_object().ok_or_else(|| GoogleError::invalid_argument("Invalid value at 'policy.bindings'."))?;
    check_fields(obj, "policy.bindings", &["role", "members", "condition"])?;
    let role = field(obj, "role").map(|r| text(r, "policy.bindings.role")).transpose()?.unwrap_or_default();
    if !iam::known_role(&role) {
        return Err(GoogleError::invalid_argument(format!("Role {role} is not supported for this resource.")));
    }
    let members = match field(obj, "members") {
        None => Vec::new(),
        Some(Value::Array(list)) => {
            list.iter().map(|m| text(m, "policy.bindings.members")).collect::<GResult<Vec<_>>>()?
        }
        Some(other) => {
            return Err(GoogleError::invalid_argument(format!("Invalid value at 'policy.bindings.members', {other}")));
        }
    };
    if let Some(bad) = members.iter().find(|m| !iam::valid_member(m)) {
        return Err(GoogleError::invalid_argument(format!("Invalid principal in the policy: '{bad}'.")));
    }
    let condition = field(obj, "condition").map(read_condition).transpose()?;
    Ok(Binding { role, members, condition })
}

/// Members added by `new` that the project's domain restriction refuses.
fn refused_members(state: &GcpState, project: &str, old: &Policy, new: &[Binding]) -> Vec<String> {
    let Some(allowed) = state.project(project).and_then(|p| p.allowed_member_domains.as_ref()) else {
        return Vec::new();
    };
    let existing: Vec<&String> = old.bindings.iter().flat_map(|b| &b.members).collect();
    let permitted = |member: &str| {
        iam::member_domain(member).is_some_and(|d| {
            allowed.iter().any(|a| {
                d.eq_ignore_ascii_case(a) || d.to_ascii_lowercase().ends_with(&format!(".{}", a.to_ascii_lowercase()))
            })
        })
    };
    let mut refused: Vec<String> =
        new.iter().flat_map(|b| &b.members).filter(|m| !existing.contains(m) && !permitted(m)).cloned().collect();
    refused.sort();
    refused.dedup();
    refused
}

pub fn set(call: &mut Call, owner: &Owner) -> GResult<Value> {
    owner.authorize(call, owner.permissions().1)?;
    let body = call.req.json()?;
    check_fields(&body, "set_iam_policy_request", &["resource", "policy", "updateMask"])?;
    let policy = field(&body, "policy")
        .and_then(Value::as_object)
        .ok_or_else(|| GoogleError::invalid_argument("policy must be specified."))?;
    check_fields(policy, "policy", &["version", "etag", "bindings", "auditConfigs"])?;
    let mask: Vec<String> = match field(&body, "updateMask") {
        Some(m) => text(m, "update_mask")?.split(',').map(|p| super::call::camel_case(p.trim())).collect(),
        None => vec!["bindings".into(), "etag".into()],
    };
    if let Some(bad) = mask.iter().find(|p| !matches!(p.as_str(), "bindings" | "etag" | "auditConfigs" | "version")) {
        return Err(GoogleError::invalid_argument(format!("Invalid update_mask path '{bad}'.")));
    }
    let version = field(policy, "version").map(|v| parse_int64(v, "policy.version")).transpose()?.unwrap_or(0);
    if !matches!(version, 0 | 1 | 3) {
        return Err(GoogleError::invalid_argument(format!("Invalid policy version {version}: use 1 or 3.")));
    }
    let mut bindings = match field(policy, "bindings") {
        None => Vec::new(),
        Some(Value::Array(list)) => list.iter().map(read_binding).collect::<GResult<Vec<_>>>()?,
        Some(other) => {
            return Err(GoogleError::invalid_argument(format!("Invalid value at 'policy.bindings', {other}")));
        }
    };
    let conditional = bindings.iter().any(|b| b.condition.is_some());
    if conditional && version != 3 {
        return Err(GoogleError::invalid_argument(format!(
            "The policy has conditional role bindings, which need policy version 3 (the request has version {version})."
        )));
    }
    let audit_configs = match field(policy, "auditConfigs") {
        None => Vec::new(),
        Some(Value::Array(list)) if matches!(owner, Owner::Project(_)) => list.clone(),
        Some(Value::Array(_)) => {
            return Err(GoogleError::invalid_argument(
                "auditConfigs can only be set on projects, folders and organizations.",
            ));
        }
        Some(other) => {
            return Err(GoogleError::invalid_argument(format!("Invalid value at 'policy.audit_configs', {other}")));
        }
    };
    let current = owner.current(call.state)?;
    if let Some(sent) = field(policy, "etag") {
        let sent_bytes = parse_bytes(sent, "policy.etag")?;
        let current_bytes = parse_bytes(&Value::from(current.etag.clone()), "etag").unwrap_or_default();
        if !sent_bytes.is_empty() && sent_bytes != current_bytes {
            return Err(GoogleError::aborted(format!(
                "There were concurrent policy changes. Please retry the whole read-modify-write with exponential \
                 backoff. The request's ETag '\"{}\"' did not match the current policy's ETag '\"{}\"'.",
                sent.as_str().unwrap_or_default(),
                current.etag
            )));
        }
    }
    let refused = refused_members(call.state, owner.project(), current, &bindings);
    if !refused.is_empty() {
        let project = call.state.project(owner.project()).map_or(owner.project(), |p| p.project_id.as_str());
        return Err(GoogleError::domain_restricted(project, &refused));
    }
    normalise(&mut bindings);
    let mut updated = current.clone();
    if mask.iter().any(|p| p == "bindings") {
        updated.bindings = bindings;
    }
    if mask.iter().any(|p| p == "auditConfigs") {
        updated.audit_configs = audit_configs;
    }
    updated.version = if updated.bindings.iter().any(|b| b.condition.is_some()) { 3 } else { version.max(1) };
    updated.etag = new_etag();
    let answer = policy_json(&updated);
    if let Some(slot) = owner.policy_mut(call.state) {
        *slot = updated;
    }
    Ok(answer)
}

pub fn test_permissions(call: &Call, owner: &Owner) -> GResult<Value> {
    access::service_checks(call.state, &call.principal, owner.api(), owner.project())?;
    let body = call.req.json()?;
    check_fields(&body, "test_iam_permissions_request", &["resource", "permissions"])?;
    let asked: Vec<String> = match field(&body, "permissions") {
        None => Vec::new(),
        Some(Value::Array(list)) => list.iter().map(|p| text(p, "permissions")).collect::<GResult<_>>()?,
        Some(other) => return Err(GoogleError::invalid_argument(format!("Invalid value at 'permissions', {other}"))),
    };
    owner.current(call.state)?;
    let below = owner.below_project(call.state);
    let held: Vec<&String> =
        asked.iter().filter(|p| access::holds(call.state, &call.principal, owner.project(), p, &below)).collect();
    let mut out = Map::new();
    if !held.is_empty() {
        out.insert("permissions".into(), json!(held));
    }
    Ok(Value::Object(out))
}
