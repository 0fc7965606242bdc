//! ARM vaults: list the subscription's vaults and inspect one (properties that decide whether
//! Anthropic can use it, plus whether a diagnostic setting routes `AuditEvent`).

use reqwest::Method;
use serde_json::Value;

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::rest::query_value;
use super::settings::ARM_SCOPE;
use cmek_core::model::azure::{AzureVaultFacts, VaultResourceId, VaultUri};

pub(crate) const VAULTS_API: &str = "2023-07-01";
const SUBSCRIPTIONS_API: &str = "2022-12-01";
const DIAGNOSTICS_API: &str = "2021-05-01-preview";

impl AzureProvider {
    /// The subscription from the settings, else the first one the caller can see.
    pub async fn subscription(&self) -> Result<String, AzureError> {
        if let Some(s) = &self.settings.subscription {
            return Ok(s.clone());
        }
        let op = "arm:subscriptions/read";
        let url = self.arm_url("/subscriptions", SUBSCRIPTIONS_API);
        let answer = self.send_json(op, Method::GET, &url, ARM_SCOPE, None).await?;
        answer.body["value"]
            .as_array()
            .and_then(|subs| subs.iter().find_map(|s| s["subscriptionId"].as_str()))
            .map(str::to_string)
            .ok_or_else(|| {
                AzureError::new(
                    AzureErrorKind::NotFound,
                    op,
                    "the signed-in identity sees no subscription: pass one, or check `az account list`",
                )
            })
    }

    /// Every vault in the subscription (`audit_event_routed` is not read here: `None`).
    pub async fn list_vaults(&self) -> Result<Vec<AzureVaultFacts>, AzureError> {
        let op = "arm:vaults/list";
        let subscription = self.subscription().await?;
        let path = format!("/subscriptions/{}/providers/Microsoft.KeyVault/vaults", query_value(&subscription));
        let url = self.arm_url(&path, VAULTS_API);
        let vaults = self.get_all_pages(op, &url, ARM_SCOPE).await?.iter().map(vault_facts).collect();
        Ok(vaults)
    }

    /// The vault whose `vaultUri` is `uri`, inspected; `Ok(None)` when no vault in the
    /// subscription has it (wrong URI, other subscription, or deleted: AZ-14, AZ-12). The listing
    /// describes each vault in full, so only its diagnostic settings are read after it.
    pub async fn find_vault_by_uri(&self, uri: &VaultUri) -> Result<Option<AzureVaultFacts>, AzureError> {
        let listed = self.list_vaults().await?;
        let Some(mut found) = listed.into_iter().find(|v| VaultUri::parse(&v.uri).is_ok_and(|u| &u == uri)) else {
            return Ok(None);
        };
        let id = VaultResourceId::parse(&found.id).map_err(|e| {
            AzureError::new(AzureErrorKind::Other, "arm:vaults/list", format!("ARM listed an unreadable vault id: {e}"))
        })?;
        found.audit_event_routed = self.audit_event_routed(&id).await;
        Ok(Some(found))
    }

    /// One vault's properties (`audit_event_routed` is not read here: `None`).
    pub async fn read_vault(&self, id: &VaultResourceId) -> Result<AzureVaultFacts, AzureError> {
        let url = self.arm_url(&id.to_string(), VAULTS_API);
        let answer = self.send_json("arm:vaults/read", Method::GET, &url, ARM_SCOPE, None).await?;
        Ok(vault_facts(&answer.body))
    }

    /// Whether a diagnostic setting of the vault routes `AuditEvent`; `None` when they cannot be
    /// read (e.g. no permission): a finding, not a failure.
    pub async fn audit_event_routed(&self, id: &VaultResourceId) -> Option<bool> {
        let diagnostics = format!("{id}/providers/Microsoft.Insights/diagnosticSettings");
        let url = self.arm_url(&diagnostics, DIAGNOSTICS_API);
        match self.send_json("arm:diagnosticSettings/read", Method::GET, &url, ARM_SCOPE, None).await {
            Ok(answer) => Some(routes_audit_event(&answer.body)),
            Err(e) => {
                tracing::debug!(error = %e, "diagnostic settings unreadable");
                None
            }
        }
    }
}

/// ARM's vault JSON to facts; absent values stay `None` (they are findings, not errors).
pub(crate) fn vault_facts(v: &Value) -> AzureVaultFacts {
    let p = &v["properties"];
    let text = |x: &Value| x.as_str().map(str::to_string);
    AzureVaultFacts {
        id: text(&v["id"]).unwrap_or_default(),
        name: text(&v["name"]).unwrap_or_default(),
        uri: text(&p["vaultUri"]).unwrap_or_default(),
        tenant_id: text(&p["tenantId"]).unwrap_or_default(),
        location: text(&v["location"]).unwrap_or_default(),
        sku: text(&p["sku"]["name"]).unwrap_or_default(),
        rbac_authorization: p["enableRbacAuthorization"].as_bool(),
        purge_protection: p["enablePurgeProtection"].as_bool(),
        soft_delete: p["enableSoftDelete"].as_bool(),
        public_network_access: text(&p["publicNetworkAccess"]),
        network_default_action: text(&p["networkAcls"]["defaultAction"]),
        network_bypass: text(&p["networkAcls"]["bypass"]),
        ip_rules: p["networkAcls"]["ipRules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["value"].as_str().map(str::to_string))
            .collect(),
        audit_event_routed: None,
    }
}

/// Whether an enabled log entry covers `AuditEvent` (by category, or the `audit`/`allLogs` groups).
fn routes_audit_event(settings: &Value) -> bool {
    settings["value"].as_array().into_iter().flatten().any(|s| {
        s["properties"]["logs"].as_array().into_iter().flatten().any(|log| {
            let enabled = log["enabled"].as_bool().unwrap_or(false);
            let category = log["category"].as_str().is_some_and(|c| c.eq_ignore_ascii_case("AuditEvent"));
            let group = log["categoryGroup"]
                .as_str()
                .is_some_and(|g| g.eq_ignore_ascii_case("audit") || g.eq_ignore_ascii_case("allLogs"));
            enabled && (category || group)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_properties_stay_unknown_and_audit_groups_count() {
        let facts = vault_facts(&json!({ "id": "/x", "properties": { "enableRbacAuthorization": null } }));
        assert_eq!(facts.rbac_authorization, None);
        assert!(facts.ip_rules.is_empty());
        assert!(routes_audit_event(&json!({ "value": [{ "properties": { "logs": [
            { "categoryGroup": "allLogs", "enabled": true }] } }] })));
        assert!(!routes_audit_event(&json!({ "value": [{ "properties": { "logs": [
            { "category": "AuditEvent", "enabled": false }] } }] })));
        assert!(!routes_audit_event(&json!({ "value": [] })));
    }
}
