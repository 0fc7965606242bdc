//! ARM `Microsoft.Authorization` policy resources: assignments (listed at a scope, `atScope()`
//! for those at it and inherited from above), built-in definitions, custom initiatives, and exemptions (listed, created,
//! deleted). Enforcement on vault writes is in `policy`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Caller;
use super::rbac::scope_covers;
use super::request::Incoming;
use super::state::{AzureState, PolicyAssignment, PolicyExemption};
use super::{arm_auth, errors, policy};

fn ok(value: Value) -> Response {
    errors::json_response(StatusCode::OK, value)
}

/// Which entries a listing at `scope` shows: `atScope()` = at the scope or above it; no filter =
/// also those below it.
fn listed(req: &Incoming, entry_scope: &str, scope: &str) -> Result<bool, errors::Refusal> {
    match req.param("$filter").map(str::trim) {
        Some(f) if f.eq_ignore_ascii_case("atScope()") => Ok(scope_covers(entry_scope, scope)),
        None => Ok(scope_covers(entry_scope, scope) || scope_covers(scope, entry_scope)),
        Some(other) => Err(Box::new(errors::arm(
            StatusCode::BAD_REQUEST,
            "UnsupportedQuery",
            &format!("The sandbox supports only $filter=atScope() on policy listings, not `{other}`."),
        ))),
    }
}

pub fn render_assignment(a: &PolicyAssignment) -> Value {
    json!({
        "id": a.id(),
        "name": a.name,
        "type": "Microsoft.Authorization/policyAssignments",
        "properties": {
            "displayName": a.display_name,
            "policyDefinitionId": a.policy_definition_id,
            "scope": a.scope,
            "notScopes": a.not_scopes,
            "parameters": a.parameters,
            "enforcementMode": a.enforcement_mode,
        },
    })
}

pub fn render_exemption(e: &PolicyExemption) -> Value {
    json!({
        "id": e.id(),
        "name": e.name,
        "type": "Microsoft.Authorization/policyExemptions",
        "properties": {
            "policyAssignmentId": e.policy_assignment_id,
            "policyDefinitionReferenceIds": e.policy_definition_reference_ids,
            "exemptionCategory": e.exemption_category,
            "expiresOn": e.expires_on,
            "description": e.description,
        },
    })
}

/// `GET {scope}/providers/Microsoft.Authorization/policyAssignments`.
pub fn list_assignments(state: &AzureState, req: &Incoming, caller: &Caller, scope: &str) -> Response {
    if let Some(denied) = arm_auth::authorize(state, caller, scope, "Microsoft.Authorization/policyAssignments/read") {
        return denied;
    }
    let mut value = Vec::new();
    for a in &state.policy_assignments {
        match listed(req, &a.scope, scope) {
            Ok(true) => value.push(render_assignment(a)),
            Ok(false) => {}
            Err(response) => return *response,
        }
    }
    ok(json!({ "value": value }))
}

/// `GET /providers/Microsoft.Authorization/policyDefinitions/{guid}`: built-ins are readable by
/// any signed-in caller.
pub fn get_definition(guid: &str) -> Response {
    match policy::builtin_definition(guid) {
        Some(d) => ok(d),
        None => errors::arm(
            StatusCode::NOT_FOUND,
            "PolicyDefinitionNotFound",
            &format!("The policy definition '{guid}' could not be found."),
        ),
    }
}

/// `GET /subscriptions/{s}/providers/Microsoft.Authorization/policySetDefinitions/{name}`.
pub fn get_set_definition(state: &AzureState, scope: &str, name: &str) -> Response {
    let id = format!("{scope}/providers/Microsoft.Authorization/policySetDefinitions/{name}");
    match policy::set_definition(state, &id) {
        Some(d) => ok(d.clone()),
        None => errors::arm(
            StatusCode::NOT_FOUND,
            "PolicySetDefinitionNotFound",
            &format!("The policy set definition '{name}' could not be found."),
        ),
    }
}

/// `GET|PUT|DELETE {scope}/providers/Microsoft.Authorization/policyExemptions[/{name}]`.
pub fn exemptions(
    state: &mut AzureState,
    req: &Incoming,
    caller: &Caller,
    scope: &str,
    name: Option<&str>,
    body: &Value,
) -> Response {
    let action = match req.method.as_str() {
        "GET" => "read",
        "PUT" => "write",
        "DELETE" => "delete",
        _ => {
            return errors::arm(StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed", "GET, PUT or DELETE an exemption.");
        }
    };
    if let Some(denied) =
        arm_auth::authorize(state, caller, scope, &format!("Microsoft.Authorization/policyExemptions/{action}"))
    {
        return denied;
    }
    let position = |s: &AzureState, n: &str| {
        s.policy_exemptions.iter().position(|e| e.name.eq_ignore_ascii_case(n) && e.scope.eq_ignore_ascii_case(scope))
    };
    match (req.method.as_str(), name) {
        ("GET", None) => {
            let mut value = Vec::new();
            for e in &state.policy_exemptions {
                match listed(req, &e.scope, scope) {
                    Ok(true) => value.push(render_exemption(e)),
                    Ok(false) => {}
                    Err(response) => return *response,
                }
            }
            ok(json!({ "value": value }))
        }
        ("GET", Some(n)) => match position(state, n) {
            Some(i) => ok(render_exemption(&state.policy_exemptions[i])),
            None => errors::arm(
                StatusCode::NOT_FOUND,
                "PolicyExemptionNotFound",
                &format!("The policy exemption '{n}' is not found."),
            ),
        },
        ("PUT", Some(n)) => match put_exemption(state, scope, n, body) {
            Ok(e) => {
                let out = render_exemption(&e);
                match position(state, n) {
                    Some(i) => state.policy_exemptions[i] = e,
                    None => state.policy_exemptions.push(e),
                }
                errors::json_response(StatusCode::CREATED, out)
            }
            Err(response) => *response,
        },
        ("DELETE", Some(n)) => match position(state, n) {
            Some(i) => ok(render_exemption(&state.policy_exemptions.remove(i))),
            None => StatusCode::NO_CONTENT.into_response(),
        },
        _ => errors::arm(StatusCode::BAD_REQUEST, "InvalidRequestUri", "An exemption needs a name."),
    }
}

fn put_exemption(
    state: &AzureState,
    scope: &str,
    name: &str,
    body: &Value,
) -> Result<PolicyExemption, errors::Refusal> {
    let bad = |m: String| Box::new(errors::arm(StatusCode::BAD_REQUEST, "InvalidRequestContent", &m));
    let p = &body["properties"];
    let assignment_id =
        p["policyAssignmentId"].as_str().ok_or_else(|| bad("properties.policyAssignmentId is required.".into()))?;
    let category = p["exemptionCategory"].as_str().unwrap_or_default();
    let category = ["Waiver", "Mitigated"]
        .into_iter()
        .find(|c| c.eq_ignore_ascii_case(category))
        .ok_or_else(|| bad(format!("properties.exemptionCategory must be Waiver or Mitigated, not '{category}'.")))?;
    let assignment = state.policy_assignments.iter().find(|a| a.id().eq_ignore_ascii_case(assignment_id));
    // Azure refuses an exemption for an assignment that does not cover its scope.
    match assignment {
        Some(a) if scope_covers(&a.scope, scope) => {}
        Some(_) => {
            return Err(bad(format!(
                "The policy assignment '{assignment_id}' does not apply at scope '{scope}': an exemption must be at or below the assignment's scope."
            )));
        }
        None => {
            return Err(Box::new(errors::arm(
                StatusCode::NOT_FOUND,
                "PolicyAssignmentNotFound",
                &format!("The policy assignment '{assignment_id}' is not found."),
            )));
        }
    }
    Ok(PolicyExemption {
        name: name.to_string(),
        scope: scope.to_string(),
        policy_assignment_id: assignment_id.to_string(),
        exemption_category: category.to_string(),
        description: p["description"].as_str().map(str::to_string),
        expires_on: p["expiresOn"].as_str().map(str::to_string),
        policy_definition_reference_ids: p["policyDefinitionReferenceIds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
    })
}
