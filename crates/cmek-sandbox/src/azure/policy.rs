//! Azure Policy as the emulator enforces it: the built-in definitions it knows (copied in shape
//! and content from Azure's published built-ins), a rule evaluator for the conditions they use,
//! and the Deny decision ARM takes on a vault write.
//!
//! ARM evaluates a PATCH against the resource as it would be after the change, so under
//! "Azure Key Vault should disable public network access" with effect Deny, any write that leaves
//! `publicNetworkAccess` other than `Disabled` is refused, not only the one that turns it on.

use serde_json::{Value, json};

use super::rbac::scope_covers;
use super::state::{AzureState, PolicyAssignment};

/// "Azure Key Vault should disable public network access" (built-in, version 1.0.0).
pub const KV_DISABLE_PUBLIC_ACCESS: &str = "405c5871-3e91-4644-8a63-58e19d68ff5b";
/// "Azure Key Vault should have firewall enabled" (built-in, version 3.0.0).
pub const KV_FIREWALL_ENABLED: &str = "55615ac9-af46-4a59-874e-391cc3dfb490";

fn effect_parameter() -> Value {
    json!({
        "effect": {
            "type": "String",
            "metadata": { "displayName": "Effect", "description": "Enable or disable the execution of the policy" },
            "allowedValues": ["Audit", "Deny", "Disabled"],
            "defaultValue": "Audit",
        }
    })
}

fn builtin(guid: &str, display_name: &str, description: &str, version: &str, last: Value) -> Value {
    json!({
        "properties": {
            "displayName": display_name,
            "policyType": "BuiltIn",
            "mode": "Indexed",
            "description": description,
            "metadata": { "version": version, "category": "Key Vault" },
            "parameters": effect_parameter(),
            "policyRule": {
                "if": { "allOf": [
                    { "field": "type", "equals": "Microsoft.KeyVault/vaults" },
                    { "field": "Microsoft.KeyVault/vaults/createMode", "notEquals": "recover" },
                    last,
                ]},
                "then": { "effect": "[parameters('effect')]" },
            },
        },
        "id": format!("/providers/Microsoft.Authorization/policyDefinitions/{guid}"),
        "type": "Microsoft.Authorization/policyDefinitions",
        "name": guid,
    })
}

/// A built-in definition by GUID, in ARM's wire shape.
pub fn builtin_definition(guid: &str) -> Option<Value> {
    if guid.eq_ignore_ascii_case(KV_DISABLE_PUBLIC_ACCESS) {
        return Some(builtin(
            KV_DISABLE_PUBLIC_ACCESS,
            "Azure Key Vault should disable public network access",
            "Disable public network access for your key vault so that it's not accessible over the public internet. \
             This can reduce data leakage risks. Learn more at: https://aka.ms/akvprivatelink.",
            "1.0.0",
            json!({ "field": "Microsoft.KeyVault/vaults/publicNetworkAccess", "notEquals": "Disabled" }),
        ));
    }
    if guid.eq_ignore_ascii_case(KV_FIREWALL_ENABLED) {
        return Some(builtin(
            KV_FIREWALL_ENABLED,
            "Azure Key Vault should have firewall enabled",
            "Enable the key vault firewall so that the key vault is not accessible by default to any public IPs. \
             You can then configure specific IP ranges to limit access to those networks. Learn more at: \
             https://docs.microsoft.com/azure/key-vault/general/network-security",
            "3.0.0",
            json!({ "field": "Microsoft.KeyVault/vaults/networkAcls.defaultAction", "notEquals": "Deny" }),
        ));
    }
    None
}

/// The definition a `policyDefinitionId` names, when it is a built-in the emulator knows.
pub fn definition_for(policy_definition_id: &str) -> Option<Value> {
    let lower = policy_definition_id.to_ascii_lowercase();
    let guid = lower.strip_prefix("/providers/microsoft.authorization/policydefinitions/")?;
    builtin_definition(guid)
}

/// A field's value in an ARM resource (`type`, `name`, `location`, or a property alias such as
/// `Microsoft.KeyVault/vaults/networkAcls.defaultAction`); `Null` when absent.
fn field<'a>(resource: &'a Value, name: &str) -> &'a Value {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "type" | "name" | "location" => &resource[lower.as_str()],
        _ => {
            let Some(path) = lower.strip_prefix("microsoft.keyvault/vaults/") else { return &Value::Null };
            let mut at = &resource["properties"];
            for part in path.split('.') {
                let key = at.as_object().and_then(|o| o.keys().find(|k| k.eq_ignore_ascii_case(part)));
                at = match key {
                    Some(k) => &at[k.as_str()],
                    None => return &Value::Null,
                };
            }
            at
        }
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// Evaluates a policy rule's `if` against `resource`. Operators: allOf, anyOf, not, and field
/// conditions with equals, notEquals, in, notIn, exists (an absent field equals nothing).
pub fn condition_holds(condition: &Value, resource: &Value) -> bool {
    if let Some(all) = condition.get("allOf").or_else(|| condition.get("allof")).and_then(Value::as_array) {
        return all.iter().all(|c| condition_holds(c, resource));
    }
    if let Some(any) = condition.get("anyOf").or_else(|| condition.get("anyof")).and_then(Value::as_array) {
        return any.iter().any(|c| condition_holds(c, resource));
    }
    if let Some(inner) = condition.get("not") {
        return !condition_holds(inner, resource);
    }
    let Some(name) = condition.get("field").and_then(Value::as_str) else { return false };
    let value = field(resource, name);
    if let Some(expected) = condition.get("equals") {
        return same(value, expected);
    }
    if let Some(expected) = condition.get("notEquals") {
        return !same(value, expected);
    }
    if let Some(list) = condition.get("in").and_then(Value::as_array) {
        return list.iter().any(|x| same(value, x));
    }
    if let Some(list) = condition.get("notIn").and_then(Value::as_array) {
        return !list.iter().any(|x| same(value, x));
    }
    if let Some(exists) = condition.get("exists") {
        let wanted =
            exists.as_bool().unwrap_or_else(|| exists.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")));
        return value.is_null() != wanted;
    }
    false
}

/// The effect an assignment gives its definition: a literal, or `[parameters('x')]` resolved from
/// the assignment's parameters, else the definition's default.
pub fn effect(definition: &Value, assignment_parameters: &Value) -> String {
    let raw = definition.pointer("/properties/policyRule/then/effect").and_then(Value::as_str).unwrap_or_default();
    let Some(parameter) = raw.strip_prefix("[parameters('").and_then(|r| r.strip_suffix("')]")) else {
        return raw.to_string();
    };
    assignment_parameters
        .pointer(&format!("/{parameter}/value"))
        .or_else(|| definition.pointer(&format!("/properties/parameters/{parameter}/defaultValue")))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Whether `assignment` reaches `resource_id`: assigned at or above it, not in its notScopes.
pub fn applies(assignment: &PolicyAssignment, resource_id: &str) -> bool {
    scope_covers(&assignment.scope, resource_id) && !assignment.not_scopes.iter().any(|n| scope_covers(n, resource_id))
}

/// Whether an unexpired exemption at or above `resource_id` lifts `assignment` there (for an
/// initiative, the member `reference_id`, unless the exemption names none and so covers all).
pub fn exempted(
    state: &AzureState,
    assignment: &PolicyAssignment,
    reference_id: Option<&str>,
    resource_id: &str,
    now_secs: i64,
) -> bool {
    let id = assignment.id();
    state.policy_exemptions.iter().any(|e| {
        e.policy_assignment_id.eq_ignore_ascii_case(&id)
            && scope_covers(&e.scope, resource_id)
            && (e.policy_definition_reference_ids.is_empty()
                || reference_id
                    .is_some_and(|r| e.policy_definition_reference_ids.iter().any(|x| x.eq_ignore_ascii_case(r))))
            && e.expires_on.as_deref().is_none_or(|t| {
                chrono::DateTime::parse_from_rfc3339(t).map(|t| t.timestamp() > now_secs).unwrap_or(true)
            })
    })
}

/// A custom initiative by id.
pub fn set_definition<'a>(state: &'a AzureState, id: &str) -> Option<&'a Value> {
    state.policy_set_definitions.iter().find(|d| d["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)))
}

/// `[parameters('x')]` resolved from the assignment's parameters, else the declaring
/// definition's default; anything else as written.
fn resolve(value: &Value, assignment_parameters: &Value, declared: &Value) -> Value {
    match value.as_str().and_then(|r| r.strip_prefix("[parameters('")).and_then(|r| r.strip_suffix("')]")) {
        Some(name) => assignment_parameters
            .pointer(&format!("/{name}/value"))
            .or_else(|| declared.pointer(&format!("/{name}/defaultValue")))
            .cloned()
            .unwrap_or(Value::Null),
        None => value.clone(),
    }
}

/// What an assignment evaluates: its definition with its parameters, or each member of its
/// initiative (reference id, definition, the member's parameters resolved through the initiative's).
pub fn members(state: &AzureState, assignment: &PolicyAssignment) -> Vec<(Option<String>, Value, Value)> {
    if let Some(d) = definition_for(&assignment.policy_definition_id) {
        return vec![(None, d, assignment.parameters.clone())];
    }
    let Some(set) = set_definition(state, &assignment.policy_definition_id) else { return Vec::new() };
    let declared = &set["properties"]["parameters"];
    set["properties"]["policyDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let definition = definition_for(m["policyDefinitionId"].as_str()?)?;
            let parameters: serde_json::Map<String, Value> = m["parameters"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), json!({ "value": resolve(&v["value"], &assignment.parameters, declared) })))
                .collect();
            Some((m["policyDefinitionReferenceId"].as_str().map(str::to_string), definition, Value::Object(parameters)))
        })
        .collect()
}

/// The enforced Deny assignments (with the refusing definition) that refuse `resource` (ARM's
/// shape of the vault after the write) at `resource_id`.
pub fn denials(
    state: &AzureState,
    resource_id: &str,
    resource: &Value,
    now_secs: i64,
) -> Vec<(PolicyAssignment, Value)> {
    let mut out = Vec::new();
    for a in state.policy_assignments.iter().filter(|a| !a.enforcement_mode.eq_ignore_ascii_case("DoNotEnforce")) {
        if !applies(a, resource_id) {
            continue;
        }
        for (reference, definition, parameters) in members(state, a) {
            let refuses = effect(&definition, &parameters).eq_ignore_ascii_case("Deny")
                && definition.pointer("/properties/policyRule/if").is_some_and(|c| condition_holds(c, resource));
            if refuses && !exempted(state, a, reference.as_deref(), resource_id, now_secs) {
                out.push((a.clone(), definition));
            }
        }
    }
    out
}

/// ARM's 403 `RequestDisallowedByPolicy` message for `resource_name`, naming each assignment.
pub fn disallowed_message(resource_name: &str, denied: &[(PolicyAssignment, Value)]) -> String {
    let identifiers: Vec<Value> = denied
        .iter()
        .map(|(a, d)| {
            json!({
                "policyAssignment": { "name": a.display_name, "id": a.id() },
                "policyDefinition": {
                    "name": d.pointer("/properties/displayName").cloned().unwrap_or(Value::Null),
                    "id": d["id"],
                },
            })
        })
        .collect();
    format!("Resource '{resource_name}' was disallowed by policy. Policy identifiers: '{}'.", Value::Array(identifiers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(public: &str, default_action: &str) -> Value {
        json!({ "type": "Microsoft.KeyVault/vaults", "name": "v", "properties": {
            "publicNetworkAccess": public, "networkAcls": { "defaultAction": default_action } } })
    }

    #[test]
    fn the_public_access_builtin_matches_any_vault_not_disabled() {
        let d = builtin_definition(KV_DISABLE_PUBLIC_ACCESS).unwrap();
        let rule = d.pointer("/properties/policyRule/if").unwrap();
        assert!(condition_holds(rule, &vault("Enabled", "Deny")));
        assert!(!condition_holds(rule, &vault("Disabled", "Deny")));
        assert!(!condition_holds(rule, &json!({ "type": "Microsoft.Storage/storageAccounts" })));
        let fw = builtin_definition(KV_FIREWALL_ENABLED).unwrap();
        let rule = fw.pointer("/properties/policyRule/if").unwrap();
        assert!(!condition_holds(rule, &vault("Enabled", "Deny")));
        assert!(condition_holds(rule, &vault("Enabled", "Allow")));
    }

    #[test]
    fn the_effect_comes_from_the_assignment_else_the_default() {
        let d = builtin_definition(KV_DISABLE_PUBLIC_ACCESS).unwrap();
        assert_eq!(effect(&d, &json!({})), "Audit");
        assert_eq!(effect(&d, &json!({ "effect": { "value": "Deny" } })), "Deny");
    }
}
