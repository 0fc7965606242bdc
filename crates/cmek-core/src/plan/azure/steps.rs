//! The Azure steps of a plan: consent, the vault's network and purge protection, the key and its
//! tags, and the role assignment.

use std::collections::BTreeMap;

use crate::model::azure::{AzureKeyName, VaultResourceId, VaultUri};
use crate::plan::{CloudStep, Reversibility};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AzureStep {
    /// Create the service principal of Anthropic's app in the tenant (consent).
    ConsentServicePrincipal { app_id: String, tenant_id: String },
    /// Let Anthropic's egress reach the vault: add IP rules, drop retired Anthropic addresses, and
    /// (when approved) turn public access on behind a default-deny firewall.
    UpdateVaultNetwork {
        vault: VaultResourceId,
        enable_public_access: bool,
        /// Set the firewall's default action to Deny (always together with `enable_public_access`).
        default_deny: bool,
        add_ip_rules: Vec<String>,
        remove_ip_rules: Vec<String>,
    },
    /// Turn purge protection on: IRREVERSIBLE.
    EnablePurgeProtection { vault: VaultResourceId },
    /// Create an RSA key with `key_ops` wrapKey+unwrapKey and the organisation tag.
    CreateKey { vault_uri: VaultUri, name: AzureKeyName, size: u32, hsm: bool, tags: BTreeMap<String, String> },
    /// Add tags to the key's current version, keeping every existing tag.
    MergeKeyTags { vault_uri: VaultUri, name: AzureKeyName, add: BTreeMap<String, String>, kept: usize },
    /// Give Anthropic's service principal Key Vault Crypto User at `scope` (the key's).
    /// `principal_id` is `None` when the principal is created by this run.
    AssignRole { scope: String, role_definition_guid: String, role_name: String, principal_id: Option<String> },
}

impl CloudStep for AzureStep {
    fn kind(&self) -> &'static str {
        match self {
            AzureStep::ConsentServicePrincipal { .. } => "consent_service_principal",
            AzureStep::UpdateVaultNetwork { .. } => "update_vault_network",
            AzureStep::EnablePurgeProtection { .. } => "enable_purge_protection",
            AzureStep::CreateKey { .. } => "create_azure_key",
            AzureStep::MergeKeyTags { .. } => "merge_azure_key_tags",
            AzureStep::AssignRole { .. } => "assign_azure_role",
        }
    }

    /// The role assignment needs only the key: it runs beside the registration.
    fn runs_alongside(&self) -> bool {
        matches!(self, AzureStep::AssignRole { .. })
    }

    /// The consent works on the tenant, the key's creation or tagging on the vault as inspected;
    /// none needs another's result (the role assignment, which needs both, is not one of them).
    fn independent(&self) -> bool {
        matches!(
            self,
            AzureStep::ConsentServicePrincipal { .. } | AzureStep::CreateKey { .. } | AzureStep::MergeKeyTags { .. }
        )
    }

    fn title(&self) -> String {
        match self {
            AzureStep::ConsentServicePrincipal { app_id, tenant_id } => {
                format!("consent: create the service principal of Anthropic's app {app_id} in tenant {tenant_id}")
            }
            AzureStep::UpdateVaultNetwork { vault, enable_public_access, add_ip_rules, remove_ip_rules, .. } => {
                let mut parts = Vec::new();
                if *enable_public_access {
                    parts.push("turn public access on behind a default-deny firewall".to_string());
                }
                if !add_ip_rules.is_empty() {
                    parts.push(format!("allow {}", add_ip_rules.join(", ")));
                }
                if !remove_ip_rules.is_empty() {
                    parts.push(format!("remove retired Anthropic addresses {}", remove_ip_rules.join(", ")));
                }
                if parts.is_empty() {
                    parts.push("admits Anthropic, nothing to change".to_string());
                }
                format!("vault {} network: {}", vault.vault, parts.join("; "))
            }
            AzureStep::EnablePurgeProtection { vault } => {
                format!("turn purge protection on for vault {}: IRREVERSIBLE", vault.vault)
            }
            AzureStep::CreateKey { vault_uri, name, size, hsm, .. } => format!(
                "create {} {size}-bit key {name} in {vault_uri} (wrapKey, unwrapKey) with the organisation tag",
                if *hsm { "an RSA-HSM" } else { "an RSA" }
            ),
            AzureStep::MergeKeyTags { name, add, kept, .. } => format!(
                "tag key {name} with {} (keeping its {kept} other tag{})",
                add.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "),
                if *kept == 1 { "" } else { "s" }
            ),
            AzureStep::AssignRole { scope, role_name, .. } => {
                format!("assign {role_name} to Anthropic's service principal at {scope}")
            }
        }
    }

    fn reversibility(&self) -> Reversibility {
        match self {
            AzureStep::CreateKey { .. } => Reversibility::SoftDeleteOnly,
            AzureStep::EnablePurgeProtection { .. } => Reversibility::Permanent,
            AzureStep::ConsentServicePrincipal { .. }
            | AzureStep::UpdateVaultNetwork { .. }
            | AzureStep::MergeKeyTags { .. }
            | AzureStep::AssignRole { .. } => Reversibility::Reversible,
        }
    }
}
