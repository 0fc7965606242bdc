//! ARM `Microsoft.KeyVault/vaults`: the representation GET and listings return, and PATCH
//! (purge protection and soft delete cannot be turned off once on).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::errors;
use super::state::{AccessPolicy, AzureState, Vault};

/// The ARM representation of a vault.
pub fn render(state: &AzureState, v: &Vault) -> Value {
    let mut properties = json!({
        "tenantId": v.tenant_id,
        "sku": { "family": "A", "name": v.sku },
        "accessPolicies": v.access_policies.iter().map(|p| json!({
            "tenantId": p.tenant_id, "objectId": p.object_id, "permissions": { "keys": p.key_permissions, "secrets": [], "certificates": [] }
        })).collect::<Vec<_>>(),
        "enabledForDeployment": false,
        "enabledForDiskEncryption": false,
        "enabledForTemplateDeployment": false,
        "enableSoftDelete": v.enable_soft_delete,
        "softDeleteRetentionInDays": 90,
        "vaultUri": format!("https://{}.vault.azure.net/", v.name),
        "provisioningState": "Succeeded",
        "publicNetworkAccess": v.public_network_access,
        "networkAcls": {
            "bypass": v.network_acls.bypass,
            "defaultAction": v.network_acls.default_action,
            "ipRules": v.network_acls.ip_rules.iter().map(|r| json!({ "value": r })).collect::<Vec<_>>(),
            "virtualNetworkRules": [],
        },
    });
    if let Some(rbac) = v.enable_rbac_authorization {
        properties["enableRbacAuthorization"] = json!(rbac);
    }
    if let Some(purge) = v.enable_purge_protection {
        properties["enablePurgeProtection"] = json!(purge);
    }
    json!({
        "id": state.vault_id(v),
        "name": v.name,
        "type": "Microsoft.KeyVault/vaults",
        "location": v.location,
        "tags": {},
        "properties": properties,
    })
}

fn bad(message: &str) -> errors::Refusal {
    Box::new(errors::arm(StatusCode::BAD_REQUEST, "BadRequest", message))
}

fn string_in(value: &Value, allowed: &[&str], what: &str) -> Result<String, errors::Refusal> {
    let text = value.as_str().unwrap_or_default();
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(text))
        .map(|a| a.to_string())
        .ok_or_else(|| bad(&format!("{what} must be one of {}.", allowed.join(", "))))
}

/// Applies a PATCH body (`{"properties": {...}}`) to a copy of `vault`, refusing what Azure refuses.
pub fn patch(vault: &Vault, body: &Value) -> Result<Vault, errors::Refusal> {
    let mut v = vault.clone();
    let Some(p) = body.get("properties") else { return Ok(v) };
    let flag = |name: &str| -> Result<Option<bool>, errors::Refusal> {
        match p.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(b) => b.as_bool().map(Some).ok_or_else(|| bad(&format!("{name} must be a boolean."))),
        }
    };
    if let Some(rbac) = flag("enableRbacAuthorization")? {
        v.enable_rbac_authorization = Some(rbac);
    }
    if let Some(purge) = flag("enablePurgeProtection")? {
        if !purge && vault.enable_purge_protection == Some(true) {
            return Err(bad(
                "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.",
            ));
        }
        v.enable_purge_protection = Some(purge);
    }
    if let Some(soft) = flag("enableSoftDelete")? {
        if !soft && vault.enable_soft_delete {
            return Err(bad(
                "The property \"enableSoftDelete\" cannot be set to false. Enabling the soft delete for a vault is an irreversible action.",
            ));
        }
        v.enable_soft_delete = soft;
    }
    if let Some(access) = p.get("publicNetworkAccess").filter(|x| !x.is_null()) {
        v.public_network_access = string_in(access, &["Enabled", "Disabled"], "publicNetworkAccess")?;
    }
    if let Some(acls) = p.get("networkAcls").filter(|x| !x.is_null()) {
        if let Some(d) = acls.get("defaultAction") {
            v.network_acls.default_action = string_in(d, &["Allow", "Deny"], "networkAcls.defaultAction")?;
        }
        if let Some(b) = acls.get("bypass") {
            v.network_acls.bypass = string_in(b, &["AzureServices", "None"], "networkAcls.bypass")?;
        }
        if let Some(rules) = acls.get("ipRules") {
            let rules = rules.as_array().ok_or_else(|| bad("networkAcls.ipRules must be an array."))?;
            let mut parsed = Vec::new();
            for r in rules {
                let value = r.get("value").and_then(Value::as_str).ok_or_else(|| bad("Each ipRule needs a value."))?;
                if value.parse::<ipnet::IpNet>().is_err() && value.parse::<std::net::IpAddr>().is_err() {
                    return Err(bad(&format!("`{value}` is not a valid IP address or CIDR range.")));
                }
                parsed.push(value.to_string());
            }
            v.network_acls.ip_rules = parsed;
        }
    }
    if let Some(sku) = p.get("sku").and_then(|s| s.get("name")) {
        v.sku = string_in(sku, &["standard", "premium"], "sku.name")?;
    }
    if let Some(policies) = p.get("accessPolicies").filter(|x| !x.is_null()) {
        let list = policies.as_array().ok_or_else(|| bad("accessPolicies must be an array."))?;
        v.access_policies = list
            .iter()
            .map(|a| AccessPolicy {
                tenant_id: a.get("tenantId").and_then(Value::as_str).unwrap_or(&vault.tenant_id).to_string(),
                object_id: a.get("objectId").and_then(Value::as_str).unwrap_or_default().to_string(),
                key_permissions: a
                    .pointer("/permissions/keys")
                    .and_then(Value::as_array)
                    .map(|k| k.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default(),
            })
            .collect();
    }
    Ok(v)
}
