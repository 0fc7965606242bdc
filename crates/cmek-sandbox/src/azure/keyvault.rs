//! The Key Vault keys data plane (`https://<vault>.vault.azure.net/keys/...`): the 401 challenge,
//! token and tenant checks, the vault firewall, RBAC or access policies, then create, get,
//! update, list, wrapKey, unwrapKey, encrypt and decrypt (real RSA-OAEP), delete and the
//! soft-delete bin (`deleted_keys`), refusing what Key Vault refuses.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::acl::{self, NetworkDenial};
use super::auth::{self, AuthError, Caller};
use super::deleted_keys;
use super::errors;
use super::keys::{self, CryptOp, KeyRef};
use super::rbac::{self, Decision};
use super::request::Incoming;
use super::roles::KeyAction;
use super::state::AzureState;
use super::tokens::VAULT_RESOURCE;

/// The operation a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    List,
    Create { name: String },
    Get { name: String, version: Option<String> },
    Update { name: String, version: Option<String> },
    Wrap { name: String, version: Option<String> },
    Unwrap { name: String, version: Option<String> },
    Encrypt { name: String, version: Option<String> },
    Decrypt { name: String, version: Option<String> },
    Delete { name: String },
    ListDeleted,
    GetDeleted { name: String },
    Recover { name: String },
    Purge { name: String },
}

impl Op {
    fn action(&self) -> KeyAction {
        match self {
            Op::List | Op::Get { .. } => KeyAction::Read,
            Op::Create { .. } => KeyAction::Create,
            Op::Update { .. } => KeyAction::Update,
            Op::Wrap { .. } => KeyAction::Wrap,
            Op::Unwrap { .. } => KeyAction::Unwrap,
            Op::Encrypt { .. } => KeyAction::Encrypt,
            Op::Decrypt { .. } => KeyAction::Decrypt,
            Op::Delete { .. } => KeyAction::Delete,
            Op::ListDeleted | Op::GetDeleted { .. } => KeyAction::ReadDeleted,
            Op::Recover { .. } => KeyAction::Recover,
            Op::Purge { .. } => KeyAction::Purge,
        }
    }

    /// The live key the operation targets: its scope is what RBAC checks. Operations on the bin
    /// are checked at the vault's scope (a deleted key is no longer a resource of its own).
    fn key_name(&self) -> Option<&str> {
        match self {
            Op::List | Op::ListDeleted | Op::GetDeleted { .. } | Op::Recover { .. } | Op::Purge { .. } => None,
            Op::Create { name }
            | Op::Get { name, .. }
            | Op::Update { name, .. }
            | Op::Wrap { name, .. }
            | Op::Unwrap { name, .. }
            | Op::Encrypt { name, .. }
            | Op::Decrypt { name, .. }
            | Op::Delete { name } => Some(name),
        }
    }
}

fn version(segment: Option<&&str>) -> Option<String> {
    segment.filter(|s| !s.is_empty()).map(|s| s.to_string())
}

/// Maps method and path to an operation (an empty version segment means the latest).
fn parse(req: &Incoming) -> Option<Op> {
    let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let method = req.method.as_str();
    let (first, rest) = segments.split_first()?;
    if first.eq_ignore_ascii_case("deletedkeys") {
        return parse_deleted(method, rest);
    }
    if !first.eq_ignore_ascii_case("keys") {
        return None;
    }
    let rest: Vec<&str> = match rest {
        [] | [""] => return (method == "GET").then_some(Op::List),
        r => r.to_vec(),
    };
    let name = rest.first()?.to_string();
    match (method, rest.len(), rest.last().map(|s| s.to_ascii_lowercase())) {
        ("POST", 2, Some(last)) if last == "create" => Some(Op::Create { name }),
        ("POST", 3, Some(last)) if last == "wrapkey" => Some(Op::Wrap { name, version: version(rest.get(1)) }),
        ("POST", 3, Some(last)) if last == "unwrapkey" => Some(Op::Unwrap { name, version: version(rest.get(1)) }),
        ("POST", 3, Some(last)) if last == "encrypt" => Some(Op::Encrypt { name, version: version(rest.get(1)) }),
        ("POST", 3, Some(last)) if last == "decrypt" => Some(Op::Decrypt { name, version: version(rest.get(1)) }),
        ("GET", 1 | 2, _) => Some(Op::Get { name, version: version(rest.get(1)) }),
        ("PATCH", 1 | 2, _) => Some(Op::Update { name, version: version(rest.get(1)) }),
        ("DELETE", 1, _) => Some(Op::Delete { name }),
        _ => None,
    }
}

/// `/deletedkeys[/{name}[/recover]]`.
fn parse_deleted(method: &str, rest: &[&str]) -> Option<Op> {
    match (method, rest) {
        ("GET", [] | [""]) => Some(Op::ListDeleted),
        ("GET", [name]) => Some(Op::GetDeleted { name: name.to_string() }),
        ("DELETE", [name]) => Some(Op::Purge { name: name.to_string() }),
        ("POST", [name, last]) if last.eq_ignore_ascii_case("recover") => Some(Op::Recover { name: name.to_string() }),
        _ => None,
    }
}

/// Handles one data-plane request to `vault_name`.
pub fn handle(state: &mut AzureState, req: &Incoming, vault_name: &str, now_ms: i64) -> Response {
    let Some(vault) = state.vault(vault_name) else {
        return errors::key_vault(
            StatusCode::NOT_FOUND,
            "VaultNotFound",
            &format!("The vault `{vault_name}` does not exist."),
            None,
        );
    };
    let (vault_tenant, location, vault_id, vault_display) =
        (vault.tenant_id.clone(), vault.location.clone(), state.vault_id(vault), vault.name.clone());
    let caller = match auth::authenticate(state, req, &[VAULT_RESOURCE]) {
        Ok(caller) => caller,
        Err(AuthError::Missing) => {
            return challenge(&vault_tenant, "AKV10000: Request is missing a Bearer or PoP token.");
        }
        Err(AuthError::Invalid(e)) => return challenge(&vault_tenant, &format!("AKV10022: {e}.")),
    };
    if !caller.claims.tid.eq_ignore_ascii_case(&vault_tenant) {
        return challenge(
            &vault_tenant,
            &format!(
                "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{vault_tenant}/, found {}.",
                caller.claims.iss
            ),
        );
    }
    if req.param("api-version").is_none() {
        return errors::key_vault(
            StatusCode::BAD_REQUEST,
            "BadParameter",
            "The 'api-version' query parameter is missing.",
            None,
        );
    }
    let vault_line = format!("Vault: {vault_display};location={location}");
    if let Some(vault) = state.vault(vault_name)
        && let Err(denial) = acl::check(vault, caller.source_ip)
    {
        let who = auth::describe(&caller.claims);
        return match denial {
            NetworkDenial::PublicAccessDisabled => errors::key_vault(
                StatusCode::FORBIDDEN,
                "Forbidden",
                &format!(
                    "Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: {who}\r\n{vault_line}"
                ),
                Some("ForbiddenByConnection"),
            ),
            NetworkDenial::Firewall => errors::key_vault(
                StatusCode::FORBIDDEN,
                "Forbidden",
                &format!(
                    "Client address is not authorized and caller is not a trusted service.\r\nClient address: {}\r\nCaller: {who}\r\n{vault_line}",
                    caller.source_ip
                ),
                Some("ForbiddenByFirewall"),
            ),
        };
    }
    let Some(op) = parse(req) else {
        return errors::key_vault(
            StatusCode::BAD_REQUEST,
            "BadParameter",
            &format!("{} {} is not a supported operation.", req.method, req.path),
            None,
        );
    };
    let resource = match op.key_name() {
        Some(name) => format!("{vault_id}/keys/{name}"),
        None => vault_id.clone(),
    };
    if let Some(denied) = authorize(state, vault_name, &caller, &resource, op.action(), now_ms, &vault_line) {
        return denied;
    }
    let base = format!("https://{}", req.authority);
    let Some(vault) = state.vault_mut(vault_name) else {
        return errors::key_vault(StatusCode::NOT_FOUND, "VaultNotFound", "The vault no longer exists.", None);
    };
    let body = match op {
        Op::Create { .. }
        | Op::Update { .. }
        | Op::Wrap { .. }
        | Op::Unwrap { .. }
        | Op::Encrypt { .. }
        | Op::Decrypt { .. } => req.json(),
        _ => Ok(json!({})),
    };
    let body = match body {
        Ok(b) => b,
        Err(message) => return errors::key_vault(StatusCode::BAD_REQUEST, "BadParameter", &message, None),
    };
    let now = now_ms / 1000;
    let result = match op {
        Op::List => Ok(keys::list(vault, &base)),
        Op::Create { name } => keys::create(vault, &base, &name, &body, now),
        Op::Get { name, version } => keys::get(vault, &base, &KeyRef { name, version }),
        Op::Update { name, version } => keys::update(vault, &base, &KeyRef { name, version }, &body, now),
        Op::Wrap { name, version } => keys::crypt(vault, &base, &KeyRef { name, version }, &body, now, CryptOp::Wrap),
        Op::Unwrap { name, version } => {
            keys::crypt(vault, &base, &KeyRef { name, version }, &body, now, CryptOp::Unwrap)
        }
        Op::Encrypt { name, version } => {
            keys::crypt(vault, &base, &KeyRef { name, version }, &body, now, CryptOp::Encrypt)
        }
        Op::Decrypt { name, version } => {
            keys::crypt(vault, &base, &KeyRef { name, version }, &body, now, CryptOp::Decrypt)
        }
        Op::Delete { name } => deleted_keys::delete(vault, &base, &name, now),
        Op::ListDeleted => Ok(deleted_keys::list(vault, &base)),
        Op::GetDeleted { name } => deleted_keys::get(vault, &base, &name),
        Op::Recover { name } => deleted_keys::recover(vault, &base, &name),
        Op::Purge { name } => match deleted_keys::purge(vault, &name) {
            Ok(()) => return StatusCode::NO_CONTENT.into_response(),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(value) => errors::json_response(StatusCode::OK, value),
        Err(e) => errors::key_vault(e.status, e.code, &e.message, e.inner),
    }
}

/// RBAC for RBAC vaults, access policies otherwise; `None` when allowed.
fn authorize(
    state: &AzureState,
    vault_name: &str,
    caller: &Caller,
    resource: &str,
    action: KeyAction,
    now_ms: i64,
    vault_line: &str,
) -> Option<Response> {
    let vault = state.vault(vault_name)?;
    let who = auth::describe(&caller.claims);
    if vault.rbac() {
        let decision = rbac::data_decision(
            &state.role_assignments,
            &caller.claims.oid,
            resource,
            action,
            now_ms,
            state.propagation_delay_ms,
        );
        if decision == Decision::Allowed {
            return None;
        }
        let message = format!(
            "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: {who}\r\nAction: '{}'\r\nResource: '{}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\n{vault_line}\r\n",
            action.data_action(),
            resource.to_ascii_lowercase()
        );
        return Some(errors::key_vault(StatusCode::FORBIDDEN, "Forbidden", &message, Some("ForbiddenByRbac")));
    }
    if rbac::access_policy_allows(vault, &caller.claims.tid, &caller.claims.oid, action) {
        return None;
    }
    let message = format!(
        "The user, group or application '{who}' does not have keys {} permission on key vault '{vault_line}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
        action.permission()
    );
    Some(errors::key_vault(StatusCode::FORBIDDEN, "Forbidden", &message, Some("ForbiddenByPolicy")))
}

/// 401 with Key Vault's challenge (what challenge-based clients discover the tenant and scope from).
fn challenge(tenant: &str, message: &str) -> Response {
    let mut response = errors::key_vault(StatusCode::UNAUTHORIZED, "Unauthorized", message, None);
    let value = format!(
        r#"Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="https://vault.azure.net""#
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, value);
    }
    response
}
