//! Azure Policy at a vault: the assignments effective there (`atScope()`: at the vault and
//! inherited from its resource group and subscription), each definition resolved, minus those
//! whose notScopes cover the vault, those not enforced, and those exempted for it; kept when they
//! deny public network access with effect Deny (`policy_rule`).

use std::collections::HashMap;

use chrono::Utc;
use reqwest::Method;
use serde_json::Value;

use super::AzureProvider;
use super::error::AzureError;
use super::policy_rule::denies_public_access;
use super::rest::query_value;
use super::settings::ARM_SCOPE;
use crate::model::{PolicyDenialFacts, VaultResourceId};

const POLICY_API: &str = "2023-04-01";
const EXEMPTION_API: &str = "2022-07-01-preview";

impl AzureProvider {
    /// The enforced Deny assignments that refuse public network access on `vault` and do not
    /// exempt it. Needs `Microsoft.Authorization/policyAssignments/read` and
    /// `policyExemptions/read` at the vault (Reader and above).
    pub async fn policy_denials(&self, vault: &VaultResourceId) -> Result<Vec<PolicyDenialFacts>, AzureError> {
        let scope = vault.to_string();
        let filter = query_value("atScope()");
        let op = "arm:policyAssignments/read";
        let url = format!(
            "{}&$filter={filter}",
            self.arm_url(&format!("{scope}/providers/Microsoft.Authorization/policyAssignments"), POLICY_API)
        );
        let assignments: Vec<Value> = self
            .get_all_pages(op, &url, ARM_SCOPE)
            .await?
            .into_iter()
            .filter(|a| !not_enforced(a) && !excluded(a, &scope))
            .collect();
        if assignments.is_empty() {
            return Ok(Vec::new());
        }
        let op = "arm:policyExemptions/read";
        let url = format!(
            "{}&$filter={filter}",
            self.arm_url(&format!("{scope}/providers/Microsoft.Authorization/policyExemptions"), EXEMPTION_API)
        );
        let exemptions = self.get_all_pages(op, &url, ARM_SCOPE).await?;
        let exempted = |id: &str| exemptions.iter().any(|e| exempts(e, id, Utc::now().timestamp()));

        let location = self.inspect_vault(vault).await?.location;
        let mut definitions: HashMap<String, Value> = HashMap::new();
        let mut out = Vec::new();
        for a in &assignments {
            let p = &a["properties"];
            let (Some(id), Some(definition_id)) = (a["id"].as_str(), p["policyDefinitionId"].as_str()) else {
                continue;
            };
            if exempted(id) {
                continue;
            }
            // Initiatives (policySetDefinitions) are not expanded yet: only single definitions count.
            if !definition_id.to_ascii_lowercase().contains("/policydefinitions/") {
                tracing::debug!(assignment = id, definition = definition_id, "initiative assignment not expanded");
                continue;
            }
            if !definitions.contains_key(definition_id) {
                let url = self.arm_url(definition_id, POLICY_API);
                let answer = self.send_json("arm:policyDefinitions/read", Method::GET, &url, ARM_SCOPE, None).await?;
                definitions.insert(definition_id.to_string(), answer.body);
            }
            let definition = &definitions[definition_id];
            if denies_public_access(definition, &p["parameters"], &vault.vault, &location) {
                out.push(PolicyDenialFacts {
                    assignment_id: id.to_string(),
                    display_name: p["displayName"]
                        .as_str()
                        .filter(|n| !n.is_empty())
                        .or(a["name"].as_str())
                        .unwrap_or(id)
                        .to_string(),
                    scope: p["scope"].as_str().unwrap_or_default().to_string(),
                    definition_id: definition_id.to_string(),
                });
            }
        }
        Ok(out)
    }
}

fn not_enforced(assignment: &Value) -> bool {
    assignment["properties"]["enforcementMode"].as_str().is_some_and(|m| m.eq_ignore_ascii_case("DoNotEnforce"))
}

/// Whether one of the assignment's notScopes is the vault or above it.
fn excluded(assignment: &Value, vault: &str) -> bool {
    assignment["properties"]["notScopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|n| covers(n, vault))
}

fn covers(scope: &str, resource: &str) -> bool {
    let (s, r) =
        (scope.trim_end_matches('/').to_ascii_lowercase(), resource.trim_end_matches('/').to_ascii_lowercase());
    r == s || (r.starts_with(&s) && r.as_bytes().get(s.len()) == Some(&b'/'))
}

/// Whether an exemption (listed `atScope()` at the vault, so at it or above) lifts `assignment_id`
/// and has not expired.
fn exempts(exemption: &Value, assignment_id: &str, now: i64) -> bool {
    let p = &exemption["properties"];
    p["policyAssignmentId"].as_str().is_some_and(|a| a.eq_ignore_ascii_case(assignment_id))
        && p["expiresOn"]
            .as_str()
            .is_none_or(|t| chrono::DateTime::parse_from_rfc3339(t).map(|t| t.timestamp() > now).unwrap_or(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VAULT: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v";

    #[test]
    fn not_scopes_enforcement_and_exemptions_are_read() {
        assert!(excluded(&json!({ "properties": { "notScopes": ["/subscriptions/s/resourceGroups/RG"] } }), VAULT));
        assert!(!excluded(&json!({ "properties": { "notScopes": ["/subscriptions/s/resourceGroups/rg2"] } }), VAULT));
        assert!(!excluded(&json!({ "properties": {} }), VAULT));
        assert!(not_enforced(&json!({ "properties": { "enforcementMode": "DoNotEnforce" } })));
        let e = |expires: Value| json!({ "properties": { "policyAssignmentId": "/a/ID", "expiresOn": expires } });
        assert!(exempts(&e(Value::Null), "/a/id", 0));
        assert!(exempts(&e(json!("2030-01-01T00:00:00Z")), "/a/id", 0));
        assert!(!exempts(&e(json!("2020-01-01T00:00:00Z")), "/a/id", Utc::now().timestamp()));
        assert!(!exempts(&e(Value::Null), "/a/other", 0));
    }
}
