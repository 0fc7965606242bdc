//! Azure Resource Manager (`https://management.azure.com`): subscriptions, vaults, role
//! assignments and definitions, diagnostic settings. Routes by path; every call needs a
//! management token for the customer tenant and an `api-version`; control-plane RBAC applies.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::request::Incoming;
use super::state::AzureState;
use super::{arm_auth, arm_deleted_vaults, arm_policy, arm_roles, arm_vaults, errors, policy};

const AUTHORIZATION: &str = "/providers/microsoft.authorization/";
const INSIGHTS: &str = "/providers/microsoft.insights/diagnosticsettings";

/// Splits `<scope><marker><rest>` (marker matched case-insensitively).
fn split_at<'a>(path: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let at = path.to_ascii_lowercase().find(marker)?;
    Some((&path[..at], &path[at + marker.len()..]))
}

pub fn handle(state: &mut AzureState, req: &Incoming, now_ms: i64) -> Response {
    if req.param("api-version").is_none() {
        return errors::arm(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        );
    }
    let caller = match arm_auth::authenticate(state, req) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let path = req.path.trim_end_matches('/').to_string();
    let body = match req.method {
        Method::PUT | Method::PATCH => match req.json() {
            Ok(b) => b,
            Err(m) => return errors::arm(StatusCode::BAD_REQUEST, "InvalidRequestContent", &m),
        },
        _ => json!({}),
    };
    if let Some((scope, rest)) = split_at(&path, AUTHORIZATION) {
        return authorization(state, req, &caller, scope, rest, &body, now_ms);
    }
    if let Some((vault_path, rest)) = split_at(&path, INSIGHTS) {
        return diagnostics(state, req, &caller, vault_path, rest.trim_start_matches('/'), &body);
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match (req.method.as_str(), lower.as_slice()) {
        ("GET", ["subscriptions"]) => ok(json!({ "value": [subscription(state)] })),
        ("GET", ["subscriptions", s]) if subscription_matches(state, s) => ok(subscription(state)),
        (_, ["subscriptions", s, ..]) if !subscription_matches(state, s) => errors::arm(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            &format!("The subscription '{}' could not be found.", segments.get(1).unwrap_or(&"")),
        ),
        // Listings show only the vaults the caller may read.
        ("GET", ["subscriptions", _, "providers", "microsoft.keyvault", "vaults"]) => {
            ok(json!({ "value": readable_vaults(state, &caller, None) }))
        }
        ("GET", ["subscriptions", _, "resourcegroups", rg, "providers", "microsoft.keyvault", "vaults"]) => {
            ok(json!({ "value": readable_vaults(state, &caller, Some(rg)) }))
        }
        ("GET", ["subscriptions", _, "providers", "microsoft.keyvault", "deletedvaults"]) => {
            arm_deleted_vaults::list(state, &caller)
        }
        ("GET", ["subscriptions", _, "providers", "microsoft.keyvault", "locations", loc, "deletedvaults", v]) => {
            arm_deleted_vaults::get(state, &caller, loc, v)
        }
        (
            "POST",
            ["subscriptions", _, "providers", "microsoft.keyvault", "locations", loc, "deletedvaults", v, "purge"],
        ) => arm_deleted_vaults::purge(state, &caller, loc, v),
        ("DELETE", ["subscriptions", _, "resourcegroups", rg, "providers", "microsoft.keyvault", "vaults", v]) => {
            arm_deleted_vaults::delete(state, &caller, rg, v, now_ms)
        }
        ("PUT", ["subscriptions", _, "resourcegroups", rg, "providers", "microsoft.keyvault", "vaults", v]) => {
            arm_deleted_vaults::put(state, &caller, rg, v, &body)
        }
        (method, ["subscriptions", _, "resourcegroups", rg, "providers", "microsoft.keyvault", "vaults", v]) => {
            vault(state, &caller, method, rg, v, &body, now_ms)
        }
        _ => errors::arm(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            &format!("The sandbox does not emulate {} {}.", req.method, req.path),
        ),
    }
}

fn ok(value: Value) -> Response {
    errors::json_response(StatusCode::OK, value)
}

fn subscription_matches(state: &AzureState, s: &str) -> bool {
    s.eq_ignore_ascii_case(&state.subscription_id)
}

fn subscription(state: &AzureState) -> Value {
    json!({
        "id": format!("/subscriptions/{}", state.subscription_id),
        "subscriptionId": state.subscription_id,
        "tenantId": state.tenant_id,
        "displayName": state.subscription_name,
        "state": "Enabled",
    })
}

fn readable_vaults(state: &AzureState, caller: &super::auth::Caller, rg: Option<&str>) -> Vec<Value> {
    state
        .vaults
        .iter()
        .filter(|v| rg.is_none_or(|rg| v.resource_group.eq_ignore_ascii_case(rg)))
        .filter(|v| arm_auth::authorize(state, caller, &state.vault_id(v), "Microsoft.KeyVault/vaults/read").is_none())
        .map(|v| arm_vaults::render(state, v))
        .collect()
}

fn not_found_vault(rg: &str, v: &str) -> Response {
    errors::arm(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        &format!(
            "The Resource 'Microsoft.KeyVault/vaults/{v}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        ),
    )
}

fn vault(
    state: &mut AzureState,
    caller: &super::auth::Caller,
    method: &str,
    rg: &str,
    name: &str,
    body: &Value,
    now_ms: i64,
) -> Response {
    let Some(existing) = state.vault(name).filter(|v| v.resource_group.eq_ignore_ascii_case(rg)).cloned() else {
        return not_found_vault(rg, name);
    };
    let id = state.vault_id(&existing);
    match method {
        "GET" => match arm_auth::authorize(state, caller, &id, "Microsoft.KeyVault/vaults/read") {
            Some(denied) => denied,
            None => ok(arm_vaults::render(state, &existing)),
        },
        "PATCH" => {
            if let Some(denied) = arm_auth::authorize(state, caller, &id, "Microsoft.KeyVault/vaults/write") {
                return denied;
            }
            let updated = match arm_vaults::patch(&existing, body) {
                Ok(v) => v,
                Err(response) => return *response,
            };
            let out = arm_vaults::render(state, &updated);
            // Azure Policy judges the vault as the write would leave it.
            let denied = policy::denials(state, &id, &out, now_ms / 1000);
            if !denied.is_empty() {
                return errors::arm(
                    StatusCode::FORBIDDEN,
                    "RequestDisallowedByPolicy",
                    &policy::disallowed_message(name, &denied),
                );
            }
            if let Some(slot) = state.vault_mut(name) {
                *slot = updated;
            }
            ok(out)
        }
        _ => errors::arm(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The sandbox supports GET, PATCH, DELETE and PUT (createMode: recover) on vaults.",
        ),
    }
}

fn authorization(
    state: &mut AzureState,
    req: &Incoming,
    caller: &super::auth::Caller,
    scope: &str,
    rest: &str,
    body: &Value,
    now_ms: i64,
) -> Response {
    let parts: Vec<&str> = rest.split('/').collect();
    let kind = parts.first().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    let name = parts.get(1).copied();
    match (req.method.as_str(), kind.as_str(), name) {
        ("GET", "roleassignments", None) => {
            if let Some(denied) =
                arm_auth::authorize(state, caller, scope, "Microsoft.Authorization/roleAssignments/read")
            {
                return denied;
            }
            match arm_roles::parse_filter(req.param("$filter")) {
                Ok(filter) => ok(arm_roles::list(state, scope, &filter)),
                Err(m) => errors::arm(StatusCode::BAD_REQUEST, "UnsupportedQuery", &m),
            }
        }
        ("PUT", "roleassignments", Some(name)) => {
            if let Some(denied) =
                arm_auth::authorize(state, caller, scope, "Microsoft.Authorization/roleAssignments/write")
            {
                return denied;
            }
            arm_roles::put(state, scope, name, body, now_ms)
        }
        (method @ ("GET" | "DELETE"), "roleassignments", Some(name)) => {
            let action = if method == "GET" { "read" } else { "delete" };
            if let Some(denied) =
                arm_auth::authorize(state, caller, scope, &format!("Microsoft.Authorization/roleAssignments/{action}"))
            {
                return denied;
            }
            let found = state
                .role_assignments
                .iter()
                .position(|a| a.name.eq_ignore_ascii_case(name) && a.scope.eq_ignore_ascii_case(scope));
            match (method, found) {
                ("GET", Some(i)) => ok(arm_roles::render_assignment(state, &state.role_assignments[i])),
                ("DELETE", Some(i)) => {
                    let removed = state.role_assignments.remove(i);
                    ok(arm_roles::render_assignment(state, &removed))
                }
                ("DELETE", None) => StatusCode::NO_CONTENT.into_response(),
                _ => errors::arm(
                    StatusCode::NOT_FOUND,
                    "RoleAssignmentNotFound",
                    &format!("The role assignment '{name}' is not found."),
                ),
            }
        }
        ("GET", "policyassignments", None) => arm_policy::list_assignments(state, req, caller, scope),
        ("GET", "policydefinitions", Some(guid)) if scope.is_empty() => arm_policy::get_definition(guid),
        ("GET", "policysetdefinitions", Some(name)) => arm_policy::get_set_definition(state, scope, name),
        (_, "policyexemptions", name) => arm_policy::exemptions(state, req, caller, scope, name, body),
        ("GET", "roledefinitions", None) => ok(arm_roles::list_definitions(state, req.param("$filter"))),
        ("GET", "roledefinitions", Some(id)) => match super::roles::definition(id) {
            Some(d) => ok(arm_roles::render_definition(state, d)),
            None => errors::arm(
                StatusCode::NOT_FOUND,
                "RoleDefinitionDoesNotExist",
                &format!("The specified role definition with ID '{id}' does not exist."),
            ),
        },
        _ => errors::arm(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            &format!("The sandbox does not emulate {} {}.", req.method, req.path),
        ),
    }
}

fn diagnostics(
    state: &mut AzureState,
    req: &Incoming,
    caller: &super::auth::Caller,
    vault_path: &str,
    name: &str,
    body: &Value,
) -> Response {
    let Some(vault) = state.vaults.iter().find(|v| state.vault_id(v).eq_ignore_ascii_case(vault_path)).cloned() else {
        let v = vault_path.rsplit('/').next().unwrap_or_default();
        return not_found_vault("", v);
    };
    let id = state.vault_id(&vault);
    let render = |s: &Value| {
        let n = s.get("name").and_then(Value::as_str).unwrap_or_default();
        json!({
            "id": format!("{id}/providers/microsoft.insights/diagnosticSettings/{n}"),
            "name": n,
            "type": "Microsoft.Insights/diagnosticSettings",
            "properties": s.get("properties").cloned().unwrap_or(json!({})),
        })
    };
    let find = |n: &str| {
        vault
            .diagnostic_settings
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(n)))
    };
    match (req.method.as_str(), name) {
        ("GET", "") => match arm_auth::authorize(state, caller, &id, "Microsoft.Insights/diagnosticSettings/read") {
            Some(d) => d,
            None => ok(json!({ "value": vault.diagnostic_settings.iter().map(render).collect::<Vec<_>>() })),
        },
        ("GET", n) => {
            match (arm_auth::authorize(state, caller, &id, "Microsoft.Insights/diagnosticSettings/read"), find(n)) {
                (Some(d), _) => d,
                (None, Some(s)) => ok(render(s)),
                (None, None) => errors::arm(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    &format!("The diagnostic setting '{n}' doesn't exist."),
                ),
            }
        }
        ("PUT", n) if !n.is_empty() => {
            if let Some(d) = arm_auth::authorize(state, caller, &id, "Microsoft.Insights/diagnosticSettings/write") {
                return d;
            }
            let setting = json!({ "name": n, "properties": body.get("properties").cloned().unwrap_or(json!({})) });
            let out = render(&setting);
            if let Some(v) = state.vault_mut(&vault.name) {
                v.diagnostic_settings
                    .retain(|s| !s.get("name").and_then(Value::as_str).is_some_and(|x| x.eq_ignore_ascii_case(n)));
                v.diagnostic_settings.push(setting);
            }
            ok(out)
        }
        _ => errors::arm(
            StatusCode::NOT_FOUND,
            "InvalidResourceType",
            &format!("The sandbox does not emulate {} {}.", req.method, req.path),
        ),
    }
}
