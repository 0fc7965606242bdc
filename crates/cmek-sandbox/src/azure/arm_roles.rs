//! ARM `Microsoft.Authorization`: role assignments (list with `$filter=atScope()` and/or
//! `principalId eq '...'`, PUT with 409 `RoleAssignmentExists` for a duplicate, GET, DELETE) and
//! the built-in role definitions.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::errors;
use super::rbac::scope_covers;
use super::roles::{self, RoleDefinition};
use super::state::{AzureState, RoleAssignment};

fn definition_id(state: &AzureState, id: &str) -> String {
    format!("/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{id}", state.subscription_id)
}

fn millis_to_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339()
}

pub fn render_assignment(state: &AzureState, a: &RoleAssignment) -> Value {
    json!({
        "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{}", a.scope, a.name),
        "name": a.name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": definition_id(state, &a.role_definition_id),
            "principalId": a.principal_id,
            "principalType": a.principal_type,
            "scope": a.scope,
            "condition": null,
            "createdOn": millis_to_rfc3339(a.created_ms),
            "updatedOn": millis_to_rfc3339(a.created_ms),
        },
    })
}

/// The filter of a list request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AssignmentFilter {
    pub at_scope: bool,
    pub principal_id: Option<String>,
}

/// Parses `atScope()`, `principalId eq '<id>'` and both joined with `and`.
pub fn parse_filter(filter: Option<&str>) -> Result<AssignmentFilter, String> {
    let mut out = AssignmentFilter::default();
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else { return Ok(out) };
    for clause in filter.split(" and ") {
        let clause = clause.trim();
        if clause.eq_ignore_ascii_case("atScope()") {
            out.at_scope = true;
        } else if let Some(rest) = clause.strip_prefix("principalId eq ") {
            out.principal_id = Some(rest.trim().trim_matches('\'').to_string());
        } else {
            return Err(format!(
                "The filter '{clause}' is not supported. Supported filters are atScope() and principalId eq '{{value}}'."
            ));
        }
    }
    Ok(out)
}

/// Lists assignments relevant to `scope`: at or above it (`atScope()`), or also below it.
pub fn list(state: &AzureState, scope: &str, filter: &AssignmentFilter) -> Value {
    let value: Vec<Value> = state
        .role_assignments
        .iter()
        .filter(|a| scope_covers(&a.scope, scope) || (!filter.at_scope && scope_covers(scope, &a.scope)))
        .filter(|a| filter.principal_id.as_ref().is_none_or(|p| a.principal_id.eq_ignore_ascii_case(p)))
        .map(|a| render_assignment(state, a))
        .collect();
    json!({ "value": value })
}

fn bad(code: &str, message: &str) -> Response {
    errors::arm(StatusCode::BAD_REQUEST, code, message)
}

/// `PUT <scope>/providers/Microsoft.Authorization/roleAssignments/<name>`.
pub fn put(state: &mut AzureState, scope: &str, name: &str, body: &Value, now_ms: i64) -> Response {
    if uuid::Uuid::parse_str(name).is_err() {
        return bad(
            "InvalidRoleAssignmentId",
            &format!("The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID."),
        );
    }
    let p = body.get("properties").unwrap_or(&Value::Null);
    let field = |n: &str| p.get(n).and_then(Value::as_str).unwrap_or_default().to_string();
    let role_id = field("roleDefinitionId").rsplit('/').next().unwrap_or_default().to_string();
    let principal_id = field("principalId");
    let principal_type = match field("principalType") {
        t if t.is_empty() => "ServicePrincipal".to_string(),
        t => t,
    };
    if roles::definition(&role_id).is_none() {
        return bad(
            "RoleDefinitionDoesNotExist",
            &format!("The specified role definition with ID '{role_id}' does not exist."),
        );
    }
    let known = state.service_principals.iter().any(|s| s.id.eq_ignore_ascii_case(&principal_id))
        || state.principals.iter().any(|s| {
            s.object_id.eq_ignore_ascii_case(&principal_id) && s.tenant_id.eq_ignore_ascii_case(&state.tenant_id)
        });
    if !known {
        return bad(
            "PrincipalNotFound",
            &format!(
                "Principal {} does not exist in the directory {}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype",
                principal_id.replace('-', ""),
                state.tenant_id
            ),
        );
    }
    let same = |a: &RoleAssignment| {
        a.scope.eq_ignore_ascii_case(scope)
            && a.role_definition_id.eq_ignore_ascii_case(&role_id)
            && a.principal_id.eq_ignore_ascii_case(&principal_id)
    };
    if let Some(existing) = state.role_assignments.iter().find(|a| a.name.eq_ignore_ascii_case(name)) {
        if same(existing) {
            return errors::json_response(StatusCode::OK, render_assignment(state, existing));
        }
        return errors::arm(
            StatusCode::CONFLICT,
            "RoleAssignmentUpdateNotPermitted",
            "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
        );
    }
    if state.role_assignments.iter().any(same) {
        return errors::arm(StatusCode::CONFLICT, "RoleAssignmentExists", "The role assignment already exists.");
    }
    let assignment = RoleAssignment {
        name: name.to_ascii_lowercase(),
        scope: scope.to_string(),
        role_definition_id: role_id.to_ascii_lowercase(),
        principal_id,
        principal_type,
        created_ms: now_ms,
    };
    let out = render_assignment(state, &assignment);
    state.role_assignments.push(assignment);
    errors::json_response(StatusCode::CREATED, out)
}

pub fn render_definition(state: &AzureState, d: &RoleDefinition) -> Value {
    json!({
        "id": definition_id(state, d.id),
        "name": d.id,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": d.name,
            "type": "BuiltInRole",
            "description": d.description,
            "assignableScopes": ["/"],
            "permissions": [{ "actions": d.actions, "notActions": [], "dataActions": d.data_actions, "notDataActions": [] }],
        },
    })
}

/// Lists role definitions, optionally `$filter=roleName eq '<name>'`.
pub fn list_definitions(state: &AzureState, filter: Option<&str>) -> Value {
    let name = filter.and_then(|f| f.trim().strip_prefix("roleName eq ")).map(|n| n.trim().trim_matches('\''));
    let value: Vec<Value> = roles::DEFINITIONS
        .iter()
        .filter(|d| name.is_none_or(|n| d.name.eq_ignore_ascii_case(n)))
        .map(|d| render_definition(state, d))
        .collect();
    json!({ "value": value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse() {
        assert_eq!(parse_filter(None).unwrap(), AssignmentFilter::default());
        assert_eq!(parse_filter(Some("atScope()")).unwrap(), AssignmentFilter { at_scope: true, principal_id: None });
        assert_eq!(
            parse_filter(Some("atScope() and principalId eq 'abc'")).unwrap(),
            AssignmentFilter { at_scope: true, principal_id: Some("abc".into()) }
        );
        assert!(parse_filter(Some("roleName eq 'x'")).is_err());
    }
}
