//! ARM vault changes the plan may make: the network settings (public access, the firewall's
//! default action and IP rules) and purge protection. Both are PATCHes of the vault; the network
//! change sends the vault's current `networkAcls` back with only the asked parts replaced, so the
//! bypass setting and virtual-network rules stay as they were.

use reqwest::Method;
use serde_json::{Value, json};

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::settings::ARM_SCOPE;
use super::vaults::{VAULTS_API, vault_facts};
use cmek_core::model::azure::{AzureVaultFacts, VaultResourceId};

/// The new network settings of a vault. `None` leaves a setting as it is; `ip_rules` is the
/// full new list (addresses or CIDR ranges) and replaces the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultNetworkChange {
    /// `Enabled` or `Disabled`.
    pub public_network_access: Option<String>,
    /// The firewall's default action: `Allow` or `Deny`.
    pub default_action: Option<String>,
    pub ip_rules: Vec<String>,
}

/// A vault as read before its network changes: the facts the change is checked against, and the
/// JSON the change is built on (one read for both).
#[derive(Debug, Clone)]
pub struct VaultSnapshot {
    pub facts: AzureVaultFacts,
    body: Value,
}

impl AzureProvider {
    /// The vault's properties, kept for a network change (diagnostic settings are not read).
    pub async fn vault_snapshot(&self, id: &VaultResourceId) -> Result<VaultSnapshot, AzureError> {
        let url = self.arm_url(&id.to_string(), VAULTS_API);
        let body = self.send_json("arm:vaults/read", Method::GET, &url, ARM_SCOPE, None).await?.body;
        Ok(VaultSnapshot { facts: vault_facts(&body), body })
    }

    /// Writes the vault's network settings over `current` (as read just before); returns the
    /// vault as ARM describes it afterwards.
    pub async fn change_vault_network(
        &self,
        id: &VaultResourceId,
        current: &VaultSnapshot,
        change: &VaultNetworkChange,
    ) -> Result<AzureVaultFacts, AzureError> {
        let op = "arm:vaults/write";
        let access = change.public_network_access.as_deref().map(|a| one_of(op, "publicNetworkAccess", a, &ACCESS));
        let access = access.transpose()?;
        let default = change.default_action.as_deref().map(|d| one_of(op, "networkAcls.defaultAction", d, &ACTIONS));
        let default = default.transpose()?;
        for rule in &change.ip_rules {
            checked_rule(op, rule)?;
        }
        let url = self.arm_url(&id.to_string(), VAULTS_API);
        let body = patch_body(&current.body, access, default, &change.ip_rules);
        let answer = self.send_json(op, Method::PATCH, &url, ARM_SCOPE, Some(&body)).await?;
        Ok(vault_facts(&answer.body))
    }

    /// Turns purge protection on (irreversible: Azure refuses to turn it off again).
    pub async fn enable_purge_protection(&self, id: &VaultResourceId) -> Result<AzureVaultFacts, AzureError> {
        let url = self.arm_url(&id.to_string(), VAULTS_API);
        let body = json!({ "properties": { "enablePurgeProtection": true } });
        let answer = self.send_json("arm:vaults/write", Method::PATCH, &url, ARM_SCOPE, Some(&body)).await?;
        Ok(vault_facts(&answer.body))
    }
}

const ACCESS: [&str; 2] = ["Enabled", "Disabled"];
const ACTIONS: [&str; 2] = ["Allow", "Deny"];

/// The PATCH body: the current `networkAcls` with the default action and IP rules replaced.
fn patch_body(current: &Value, access: Option<&'static str>, default: Option<&'static str>, rules: &[String]) -> Value {
    let mut acls = match &current["properties"]["networkAcls"] {
        Value::Object(o) => Value::Object(o.clone()),
        _ => json!({ "bypass": "AzureServices", "defaultAction": "Allow" }),
    };
    if let Some(d) = default {
        acls["defaultAction"] = json!(d);
    }
    acls["ipRules"] = Value::Array(rules.iter().map(|r| json!({ "value": r })).collect());
    let mut properties = json!({ "networkAcls": acls });
    if let Some(a) = access {
        properties["publicNetworkAccess"] = json!(a);
    }
    json!({ "properties": properties })
}

fn one_of(op: &'static str, what: &str, value: &str, allowed: &[&'static str]) -> Result<&'static str, AzureError> {
    allowed.iter().copied().find(|a| a.eq_ignore_ascii_case(value)).ok_or_else(|| {
        AzureError::new(
            AzureErrorKind::InvalidInput,
            op,
            format!("{what} `{value}` is not one of {}", allowed.join(", ")),
        )
    })
}

fn checked_rule(op: &'static str, rule: &str) -> Result<(), AzureError> {
    if rule.parse::<ipnet::IpNet>().is_ok() || rule.parse::<std::net::IpAddr>().is_ok() {
        Ok(())
    } else {
        Err(AzureError::new(
            AzureErrorKind::InvalidInput,
            op,
            format!("`{rule}` is not an IP address or CIDR range (e.g. 160.79.104.0/21)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_keeps_bypass_and_vnet_rules_and_replaces_the_rules() {
        let current = json!({ "properties": { "networkAcls": {
            "bypass": "None", "defaultAction": "Allow",
            "ipRules": [{ "value": "203.0.113.7" }], "virtualNetworkRules": [{ "id": "/subnets/a" }] } } });
        let rules = vec!["203.0.113.7".to_string(), "160.79.104.0/21".to_string()];
        let body = patch_body(&current, Some("Enabled"), Some("Deny"), &rules);
        let acls = &body["properties"]["networkAcls"];
        assert_eq!(acls["bypass"], "None");
        assert_eq!(acls["defaultAction"], "Deny");
        assert_eq!(acls["virtualNetworkRules"][0]["id"], "/subnets/a");
        assert_eq!(acls["ipRules"], json!([{ "value": "203.0.113.7" }, { "value": "160.79.104.0/21" }]));
        assert_eq!(body["properties"]["publicNetworkAccess"], "Enabled");
        let body = patch_body(&json!({}), None, None, &[]);
        assert!(body["properties"].get("publicNetworkAccess").is_none());
        assert_eq!(body["properties"]["networkAcls"]["defaultAction"], "Allow");
    }

    #[test]
    fn bad_values_are_refused_before_any_call() {
        assert_eq!(one_of("op", "x", "enabled", &ACCESS).unwrap(), "Enabled");
        assert_eq!(one_of("op", "x", "Open", &ACCESS).unwrap_err().kind, AzureErrorKind::InvalidInput);
        assert!(checked_rule("op", "160.79.104.0/21").is_ok() && checked_rule("op", "10.0.0.1").is_ok());
        assert!(checked_rule("op", "anthropic").unwrap_err().message.contains("`anthropic`"));
    }
}
