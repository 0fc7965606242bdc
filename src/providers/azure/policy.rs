//! Azure Policy at a vault: the assignments effective there (`atScope()`: at the vault and
//! inherited from its resource group and subscription), each definition resolved (an initiative's
//! members each with its parameters), minus those
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
use cmek_core::model::azure::{PolicyDenialFacts, VaultResourceId};

const POLICY_API: &str = "2023-04-01";
const EXEMPTION_API: &str = "2022-07-01-preview";

impl AzureProvider {
    /// The enforced Deny assignments that refuse public network access on `vault` and do not
    /// exempt it. Needs `Microsoft.Authorization/policyAssignments/read` and
    /// `policyExemptions/read` at the vault (Reader and above).
    /// `location` is the vault's region (a definition may deny only in some regions).
    pub async fn policy_denials(
        &self,
        vault: &VaultResourceId,
        location: &str,
    ) -> Result<Vec<PolicyDenialFacts>, AzureError> {
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
        let now = Utc::now().timestamp();
        let exempted = |id: &str, reference: Option<&str>| exemptions.iter().any(|e| exempts(e, id, reference, now));

        let mut cache: HashMap<String, Value> = HashMap::new();
        let mut out = Vec::new();
        for a in &assignments {
            let p = &a["properties"];
            let (Some(id), Some(assigned)) = (a["id"].as_str(), p["policyDefinitionId"].as_str()) else {
                continue;
            };
            if exempted(id, None) {
                continue;
            }
            // An initiative: each member with its parameters resolved through the initiative's.
            let members: Vec<(Option<String>, String, Value)> = if is_set(assigned) {
                let set = self.definition(&mut cache, "arm:policySetDefinitions/read", assigned).await?;
                set_members(&set, &p["parameters"])
            } else {
                vec![(None, assigned.to_string(), p["parameters"].clone())]
            };
            for (reference, definition_id, parameters) in members {
                if reference.as_deref().is_some_and(|r| exempted(id, Some(r))) {
                    continue;
                }
                let definition = self.definition(&mut cache, "arm:policyDefinitions/read", &definition_id).await?;
                if denies_public_access(&definition, &parameters, &vault.vault, location) {
                    out.push(PolicyDenialFacts {
                        assignment_id: id.to_string(),
                        display_name: p["displayName"]
                            .as_str()
                            .filter(|n| !n.is_empty())
                            .or(a["name"].as_str())
                            .unwrap_or(id)
                            .to_string(),
                        scope: p["scope"].as_str().unwrap_or_default().to_string(),
                        definition_id,
                        definition_reference_id: reference,
                    });
                }
            }
        }
        Ok(out)
    }
}

impl AzureProvider {
    /// A policy or policy set definition by id, read once per run.
    async fn definition(
        &self,
        cache: &mut HashMap<String, Value>,
        op: &'static str,
        id: &str,
    ) -> Result<Value, AzureError> {
        let key = id.to_ascii_lowercase();
        if let Some(found) = cache.get(&key) {
            return Ok(found.clone());
        }
        let answer = self.send_json(op, Method::GET, &self.arm_url(id, POLICY_API), ARM_SCOPE, None).await?;
        cache.insert(key, answer.body.clone());
        Ok(answer.body)
    }
}

fn is_set(definition_id: &str) -> bool {
    definition_id.to_ascii_lowercase().contains("/policysetdefinitions/")
}

/// An initiative's members: (reference id, definition id, parameters in assignment shape), each
/// `[parameters('x')]` resolved from the assignment's parameters, else the initiative's default.
fn set_members(set: &Value, assignment_parameters: &Value) -> Vec<(Option<String>, String, Value)> {
    let declared = &set["properties"]["parameters"];
    let resolve = |v: &Value| match v
        .as_str()
        .and_then(|r| r.trim().strip_prefix("[parameters('"))
        .and_then(|r| r.strip_suffix("')]"))
    {
        Some(name) => assignment_parameters
            .get(name)
            .and_then(|p| p.get("value"))
            .or_else(|| declared.get(name).and_then(|p| p.get("defaultValue")))
            .cloned()
            .unwrap_or(Value::Null),
        None => v.clone(),
    };
    set["properties"]["policyDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let definition_id = m["policyDefinitionId"].as_str()?.to_string();
            let parameters: serde_json::Map<String, Value> = m["parameters"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), serde_json::json!({ "value": resolve(&v["value"]) })))
                .collect();
            Some((
                m["policyDefinitionReferenceId"].as_str().map(str::to_string),
                definition_id,
                Value::Object(parameters),
            ))
        })
        .collect()
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
/// (with `reference`: that member of its initiative; without: all of it) and has not expired.
fn exempts(exemption: &Value, assignment_id: &str, reference: Option<&str>, now: i64) -> bool {
    let p = &exemption["properties"];
    let members: Vec<&str> =
        p["policyDefinitionReferenceIds"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let covers_member =
        members.is_empty() || reference.is_some_and(|r| members.iter().any(|m| m.eq_ignore_ascii_case(r)));
    covers_member
        && p["policyAssignmentId"].as_str().is_some_and(|a| a.eq_ignore_ascii_case(assignment_id))
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
        assert!(exempts(&e(Value::Null), "/a/id", None, 0));
        assert!(exempts(&e(json!("2030-01-01T00:00:00Z")), "/a/id", None, 0));
        assert!(!exempts(&e(json!("2020-01-01T00:00:00Z")), "/a/id", None, Utc::now().timestamp()));
        assert!(!exempts(&e(Value::Null), "/a/other", None, 0));
        let member = json!({ "properties": { "policyAssignmentId": "/a/id", "policyDefinitionReferenceIds": ["kv"] } });
        assert!(exempts(&member, "/a/id", Some("KV"), 0));
        assert!(!exempts(&member, "/a/id", Some("storage"), 0));
        assert!(!exempts(&member, "/a/id", None, 0), "a member exemption does not lift the whole initiative");
    }

    #[test]
    fn initiative_members_take_the_assignments_values_else_the_defaults() {
        let set = json!({ "properties": {
            "parameters": { "kvEffect": { "defaultValue": "Audit" }, "stEffect": { "defaultValue": "Deny" } },
            "policyDefinitions": [
                { "policyDefinitionReferenceId": "KeyVaultDenyPaasPublicNetwork",
                  "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/405c5871-3e91-4644-8a63-58e19d68ff5b",
                  "parameters": { "effect": { "value": "[parameters('kvEffect')]" } } },
                { "policyDefinitionReferenceId": "StorageDenyPublic",
                  "policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/x",
                  "parameters": { "effect": { "value": "[parameters('stEffect')]" } } }
            ] } });
        let members = set_members(&set, &json!({ "kvEffect": { "value": "Deny" } }));
        assert_eq!(members[0].0.as_deref(), Some("KeyVaultDenyPaasPublicNetwork"));
        assert_eq!(members[0].2, json!({ "effect": { "value": "Deny" } }));
        assert_eq!(members[1].2, json!({ "effect": { "value": "Deny" } }), "the initiative's default");
        assert_eq!(set_members(&set, &json!({}))[0].2, json!({ "effect": { "value": "Audit" } }));
    }
}
