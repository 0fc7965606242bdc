//! Whether an Azure Policy definition, as assigned, refuses public network access on a Key Vault:
//! its rule evaluated against the vault as `cmek` leaves it (public access Enabled behind a
//! default-deny firewall), and its effect (a literal or `[parameters('effect')]`, from the
//! assignment else the definition's default) is Deny. Pure: wire JSON in, a decision out.

use serde_json::{Value, json};

/// The vault after `cmek setup` turns public access on: what a Deny must not match.
fn vault_as_cmek_leaves_it(name: &str, location: &str) -> Value {
    json!({
        "type": "Microsoft.KeyVault/vaults",
        "name": name,
        "location": location,
        "properties": { "publicNetworkAccess": "Enabled", "networkAcls": { "defaultAction": "Deny" } },
    })
}

/// Whether `definition` (ARM's policyDefinition body) assigned with `parameters` denies a vault
/// with public network access on.
pub(crate) fn denies_public_access(definition: &Value, parameters: &Value, vault: &str, location: &str) -> bool {
    let rule = &definition["properties"]["policyRule"];
    effect(definition, parameters).eq_ignore_ascii_case("Deny")
        && rule.get("if").is_some_and(|c| holds(c, &vault_as_cmek_leaves_it(vault, location)))
        // A rule that never looks at public access is not this conflict (AZ-16 is about that field).
        && mentions_public_access(&rule["if"])
}

fn mentions_public_access(condition: &Value) -> bool {
    match condition {
        Value::Object(o) => o.iter().any(|(k, v)| {
            (k.eq_ignore_ascii_case("field")
                && v.as_str().is_some_and(|f| f.eq_ignore_ascii_case("Microsoft.KeyVault/vaults/publicNetworkAccess")))
                || mentions_public_access(v)
        }),
        Value::Array(a) => a.iter().any(mentions_public_access),
        _ => false,
    }
}

/// The effect as assigned: `[parameters('x')]` resolved from the assignment, else the default.
pub(crate) fn effect(definition: &Value, parameters: &Value) -> String {
    let raw = definition["properties"]["policyRule"]["then"]["effect"].as_str().unwrap_or_default().trim();
    let Some(name) = raw.strip_prefix("[parameters('").and_then(|r| r.strip_suffix("')]")) else {
        return raw.to_string();
    };
    parameters
        .get(name)
        .and_then(|p| p.get("value"))
        .or_else(|| definition["properties"]["parameters"].get(name).and_then(|p| p.get("defaultValue")))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn key<'a>(object: &'a Value, wanted: &str) -> Option<&'a Value> {
    object.as_object()?.iter().find(|(k, _)| k.eq_ignore_ascii_case(wanted)).map(|(_, v)| v)
}

/// A field's value: `type`, `name`, `location`, or a `Microsoft.KeyVault/vaults/<a.b>` alias;
/// `Null` when absent (as Azure Policy treats a missing property).
fn field<'a>(resource: &'a Value, name: &str) -> &'a Value {
    let lower = name.to_ascii_lowercase();
    if matches!(lower.as_str(), "type" | "name" | "location") {
        return &resource[lower.as_str()];
    }
    let Some(path) = lower.strip_prefix("microsoft.keyvault/vaults/") else { return &Value::Null };
    let mut at = &resource["properties"];
    for part in path.split('.') {
        match key(at, part) {
            Some(v) => at = v,
            None => return &Value::Null,
        }
    }
    at
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// The `if` of a rule: allOf, anyOf, not; field conditions equals, notEquals, in, notIn, exists,
/// like (`*` wildcards). Anything else does not hold (the assignment is then not reported).
fn holds(condition: &Value, resource: &Value) -> bool {
    if let Some(all) = key(condition, "allOf").and_then(Value::as_array) {
        return all.iter().all(|c| holds(c, resource));
    }
    if let Some(any) = key(condition, "anyOf").and_then(Value::as_array) {
        return any.iter().any(|c| holds(c, resource));
    }
    if let Some(inner) = key(condition, "not") {
        return !holds(inner, resource);
    }
    let Some(name) = key(condition, "field").and_then(Value::as_str) else { return false };
    let value = field(resource, name);
    if let Some(x) = key(condition, "equals") {
        return same(value, x);
    }
    if let Some(x) = key(condition, "notEquals") {
        return !same(value, x);
    }
    if let Some(list) = key(condition, "in").and_then(Value::as_array) {
        return list.iter().any(|x| same(value, x));
    }
    if let Some(list) = key(condition, "notIn").and_then(Value::as_array) {
        return !list.iter().any(|x| same(value, x));
    }
    if let Some(x) = key(condition, "exists") {
        let wanted = x.as_bool().unwrap_or_else(|| x.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true")));
        return value.is_null() != wanted;
    }
    if let Some(pattern) = key(condition, "like").and_then(Value::as_str) {
        return value.as_str().is_some_and(|v| like(&v.to_ascii_lowercase(), &pattern.to_ascii_lowercase()));
    }
    false
}

fn like(value: &str, pattern: &str) -> bool {
    match pattern.split_once('*') {
        None => value == pattern,
        Some((head, rest)) => {
            value.starts_with(head)
                && (0..=value.len() - head.len())
                    .any(|i| value.is_char_boundary(head.len() + i) && like(&value[head.len() + i..], rest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in "Azure Key Vault should disable public network access" (405c5871-...), as published.
    fn disable_public_access() -> Value {
        json!({
            "properties": {
                "displayName": "Azure Key Vault should disable public network access",
                "policyType": "BuiltIn",
                "mode": "Indexed",
                "parameters": { "effect": { "type": "String", "allowedValues": ["Audit", "Deny", "Disabled"], "defaultValue": "Audit" } },
                "policyRule": {
                    "if": { "allOf": [
                        { "field": "type", "equals": "Microsoft.KeyVault/vaults" },
                        { "field": "Microsoft.KeyVault/vaults/createMode", "notEquals": "recover" },
                        { "field": "Microsoft.KeyVault/vaults/publicNetworkAccess", "notEquals": "Disabled" }
                    ]},
                    "then": { "effect": "[parameters('effect')]" }
                }
            },
            "id": "/providers/Microsoft.Authorization/policyDefinitions/405c5871-3e91-4644-8a63-58e19d68ff5b",
            "name": "405c5871-3e91-4644-8a63-58e19d68ff5b"
        })
    }

    fn deny() -> Value {
        json!({ "effect": { "value": "Deny" } })
    }

    #[test]
    fn the_builtin_denies_only_when_assigned_with_deny() {
        let d = disable_public_access();
        assert!(denies_public_access(&d, &deny(), "v", "eastus2"));
        assert!(!denies_public_access(&d, &json!({}), "v", "eastus2"), "the default effect is Audit");
        assert!(!denies_public_access(&d, &json!({ "effect": { "value": "Disabled" } }), "v", "eastus2"));
        assert!(denies_public_access(&d, &json!({ "effect": { "value": "deny" } }), "v", "eastus2"));
    }

    #[test]
    fn a_default_of_deny_or_a_literal_deny_counts() {
        let mut d = disable_public_access();
        d["properties"]["parameters"]["effect"]["defaultValue"] = json!("Deny");
        assert!(denies_public_access(&d, &json!({}), "v", "eastus2"));
        let mut literal = disable_public_access();
        literal["properties"]["policyRule"]["then"]["effect"] = json!("Deny");
        assert!(denies_public_access(&literal, &json!({}), "v", "eastus2"));
    }

    #[test]
    fn other_rules_do_not_match() {
        // The firewall built-in (55615ac9-...): satisfied by the default-deny firewall cmek keeps.
        let mut firewall = disable_public_access();
        firewall["properties"]["policyRule"]["if"]["allOf"][2] =
            json!({ "field": "Microsoft.KeyVault/vaults/networkAcls.defaultAction", "notEquals": "Deny" });
        assert!(!denies_public_access(&firewall, &deny(), "v", "eastus2"));
        // The same condition on storage accounts.
        let mut storage = disable_public_access();
        storage["properties"]["policyRule"]["if"]["allOf"][0]["equals"] = json!("Microsoft.Storage/storageAccounts");
        assert!(!denies_public_access(&storage, &deny(), "v", "eastus2"));
        // A custom rule written with equals Enabled and a location limit.
        let custom = json!({ "properties": { "policyRule": {
            "if": { "allOf": [
                { "field": "type", "equals": "Microsoft.KeyVault/vaults" },
                { "field": "location", "in": ["eastus2", "westus"] },
                { "field": "Microsoft.KeyVault/vaults/publicNetworkAccess", "equals": "Enabled" }
            ]},
            "then": { "effect": "deny" } } } });
        assert!(denies_public_access(&custom, &json!({}), "v", "eastus2"));
        assert!(!denies_public_access(&custom, &json!({}), "v", "centralus"));
        assert!(like("microsoft.keyvault/vaults", "microsoft.keyvault/*"));
        assert!(!like("microsoft.storage/x", "microsoft.keyvault/*"));
    }
}
