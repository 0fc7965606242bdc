//! ARM role assignments: list those that apply at a scope (at it and inherited from above) for a
//! principal, and assign a role to a service principal (idempotent: the assignment's name comes
//! from what it assigns, and an existing equivalent one is returned).

use reqwest::Method;
use serde_json::{Value, json};

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::rest::query_value;
use super::settings::ARM_SCOPE;
use cmek_core::model::azure::RoleAssignmentFacts;

const AUTHORIZATION_API: &str = "2022-04-01";

impl AzureProvider {
    /// Assignments effective at `scope` (at it or inherited), optionally for one principal.
    pub async fn role_assignments(
        &self,
        scope: &str,
        principal_id: Option<&str>,
    ) -> Result<Vec<RoleAssignmentFacts>, AzureError> {
        let op = "arm:roleAssignments/read";
        let scope = checked_scope(op, scope)?;
        let path = format!("{scope}/providers/Microsoft.Authorization/roleAssignments");
        let url = format!("{}&$filter={}", self.arm_url(&path, AUTHORIZATION_API), query_value("atScope()"));
        let listed = self.get_all_pages(op, &url, ARM_SCOPE).await?;
        Ok(listed
            .iter()
            .filter_map(assignment_facts)
            .filter(|a| principal_id.is_none_or(|p| a.principal_id.eq_ignore_ascii_case(p)))
            .collect())
    }

    /// Assigns `role_definition` (a GUID, or a full role definition id) to the service principal
    /// `principal_id` at `scope`. If the same assignment exists there, returns it.
    pub async fn assign_role(
        &self,
        scope: &str,
        role_definition: &str,
        principal_id: &str,
    ) -> Result<RoleAssignmentFacts, AzureError> {
        let op = "arm:roleAssignments/write";
        let scope = checked_scope(op, scope)?;
        let role_definition_id = full_role_definition_id(op, &scope, role_definition)?;
        let name = assignment_name(&scope, &role_definition_id, principal_id);
        let path = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}");
        let body = json!({ "properties": {
            "roleDefinitionId": role_definition_id,
            "principalId": principal_id,
            "principalType": "ServicePrincipal",
        }});
        let url = self.arm_url(&path, AUTHORIZATION_API);
        match self.send_json(op, Method::PUT, &url, ARM_SCOPE, Some(&body)).await {
            Ok(answer) => assignment_facts(&answer.body)
                .ok_or_else(|| AzureError::new(AzureErrorKind::Other, op, "ARM answered without an assignment")),
            Err(e) if e.code.as_deref() == Some("RoleAssignmentExists") => {
                let role_guid = role_definition_id.rsplit('/').next().unwrap_or_default().to_string();
                let existing = self.role_assignments(&scope, Some(principal_id)).await?;
                existing.into_iter().find(|a| a.grants(&role_guid) && a.scope.eq_ignore_ascii_case(&scope)).ok_or(e)
            }
            Err(e) => Err(e),
        }
    }
}

/// The assignment's name (a GUID), the same for the same scope, role and principal: two runs that
/// assign at once PUT the same resource, so the PUT is idempotent and can be retried, and Azure
/// ends with one assignment, not two.
fn assignment_name(scope: &str, role_definition_id: &str, principal_id: &str) -> uuid::Uuid {
    let seed = format!(
        "cmek-role-assignment|{}|{}|{}",
        scope.to_ascii_lowercase(),
        role_definition_id.to_ascii_lowercase(),
        principal_id.to_ascii_lowercase()
    );
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, seed.as_bytes())
}

/// A scope is an ARM path: starts with `/subscriptions/`, no query or fragment.
fn checked_scope(op: &'static str, scope: &str) -> Result<String, AzureError> {
    let scope = scope.trim().trim_end_matches('/');
    let ok = scope.to_ascii_lowercase().starts_with("/subscriptions/")
        && !scope.contains(['?', '#', ' ', '%'])
        && !scope.split('/').any(|s| s == "..");
    if ok {
        Ok(scope.to_string())
    } else {
        Err(AzureError::new(
            AzureErrorKind::InvalidInput,
            op,
            format!("`{scope}` is not an ARM scope (expected /subscriptions/<id>/...)"),
        ))
    }
}

/// `/subscriptions/<s>/providers/Microsoft.Authorization/roleDefinitions/<guid>` for a bare GUID.
fn full_role_definition_id(op: &'static str, scope: &str, role: &str) -> Result<String, AzureError> {
    if role.starts_with('/') {
        return Ok(role.to_string());
    }
    let guid = uuid::Uuid::parse_str(role).map_err(|_| {
        AzureError::new(AzureErrorKind::InvalidInput, op, format!("`{role}` is not a role definition id"))
    })?;
    let subscription = scope.split('/').nth(2).unwrap_or_default();
    Ok(format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}"))
}

fn assignment_facts(v: &Value) -> Option<RoleAssignmentFacts> {
    let p = &v["properties"];
    Some(RoleAssignmentFacts {
        id: v["id"].as_str()?.to_string(),
        scope: p["scope"].as_str().unwrap_or_default().to_string(),
        role_definition_id: p["roleDefinitionId"].as_str()?.to_string(),
        principal_id: p["principalId"].as_str()?.to_string(),
        principal_type: p["principalType"].as_str().map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_role_ids_are_checked() {
        assert!(checked_scope("op", "/subscriptions/s/resourceGroups/rg").is_ok());
        assert!(checked_scope("op", "https://evil").is_err());
        assert!(checked_scope("op", "/subscriptions/s/../x").is_err());
        assert_eq!(
            full_role_definition_id(
                "op",
                "/subscriptions/abc/resourceGroups/rg",
                "12338af0-0e69-4776-bea7-57ae8d297424"
            )
            .unwrap(),
            "/subscriptions/abc/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424"
        );
        assert!(full_role_definition_id("op", "/subscriptions/abc", "crypto user").is_err());
    }

    #[test]
    fn the_same_assignment_gets_the_same_name_and_another_does_not() {
        let a = assignment_name("/subscriptions/s/rg/x", "/subscriptions/s/roleDefinitions/r", "P1");
        assert_eq!(a, assignment_name("/SUBSCRIPTIONS/s/rg/x", "/subscriptions/s/roledefinitions/r", "p1"));
        assert_ne!(a, assignment_name("/subscriptions/s/rg/x", "/subscriptions/s/roleDefinitions/r", "P2"));
    }
}
