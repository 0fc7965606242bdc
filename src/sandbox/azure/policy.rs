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

/// Whether `assignment` applies at `resource_id`: assigned at or above it, not in its notScopes,
/// and not exempted there (an unexpired exemption at or above the resource).
pub fn applies(state: &AzureState, assignment: &PolicyAssignment, resource_id: &str, now_secs: i64) -> bool {
    if !scope_covers(&assignment.scope, resource_id)
        || assignment.not_scopes.iter().any(|n| scope_covers(n, resource_id))
    {
        return false;
    }
    let id = assignment.id();
    !state.policy_exemptions.iter().any(|e| {
        e.policy_assignment_id.eq_ignore_ascii_case(&id)
            && scope_covers(&e.scope, resource_id)
            && e.expires_on.as_deref().is_none_or(|t| {
                chrono::DateTime::parse_from_rfc3339(t).map(|t| t.timestamp() > now_secs).unwrap_or(true)
            })
    })
}

/// The enforced Deny assignments (with their definitions) that refuse `resource` (ARM's shape of
/// the vault after the write) at `resource_id`.
pub fn denials(
    state: &AzureState,
    resource_id: &str,
    resource: &Value,
    now_secs: i64,
) -> Vec<(PolicyAssignment, Value)> {
    state
        .policy_assignments
        .iter()
        .filter(|a| !a.enforcement_mode.eq_ignore_ascii_case("DoNotEnforce"))
        .filter(|a| applies(state, a, resource_id, now_secs))
        .filter_map(|a| definition_for(&a.policy_definition_id).map(|d| (a.clone(), d)))
        .filter(|(a, d)| effect(d, &a.parameters).eq_ignore_ascii_case("Deny"))
        .filter(|(_, d)| d.pointer("/properties/policyRule/if").is_some_and(|c| condition_holds(c, resource)))
        .collect()
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
