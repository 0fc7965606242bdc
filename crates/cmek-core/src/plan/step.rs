//! The actions a plan is made of, each with its state and whether it can be undone.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::model::{
    AwsRegion, AzureKeyName, CompartmentId, KmsAliasName, KmsKeyArn, TenantId, VaultResourceId, VaultUri,
};
use crate::policy::PolicyDocument;
use crate::policy::diff::PolicyDiff;
use crate::policy::merge::MergeChange;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Create a symmetric single-Region key with the rendered policy, and its alias.
    CreateKey { region: AwsRegion, alias: KmsAliasName, description: String, policy: PolicyDocument, diff: PolicyDiff },
    /// Replace the key policy with the merged one (the old one is backed up first).
    UpdateKeyPolicy {
        key: KmsKeyArn,
        before: String,
        after: PolicyDocument,
        diff: PolicyDiff,
        changes: Vec<MergeChange>,
    },
    /// Azure: create the service principal of Anthropic's app in the tenant (consent).
    ConsentServicePrincipal { app_id: String, tenant_id: String },
    /// Azure: let Anthropic's egress reach the vault: add IP rules, drop retired Anthropic
    /// addresses, and (when approved) turn public access on behind a default-deny firewall.
    UpdateVaultNetwork {
        vault: VaultResourceId,
        enable_public_access: bool,
        /// Set the firewall's default action to Deny (always together with `enable_public_access`).
        default_deny: bool,
        add_ip_rules: Vec<String>,
        remove_ip_rules: Vec<String>,
    },
    /// Azure: turn purge protection on: IRREVERSIBLE.
    EnablePurgeProtection { vault: VaultResourceId },
    /// Azure: create an RSA key with `key_ops` wrapKey+unwrapKey and the organisation tag.
    CreateAzureKey { vault_uri: VaultUri, name: AzureKeyName, size: u32, hsm: bool, tags: BTreeMap<String, String> },
    /// Azure: add tags to the key's current version, keeping every existing tag.
    MergeAzureKeyTags { vault_uri: VaultUri, name: AzureKeyName, add: BTreeMap<String, String>, kept: usize },
    /// Azure: give Anthropic's service principal Key Vault Crypto User at `scope` (the key's).
    /// `principal_id` is `None` when the principal is created by this run.
    AssignAzureRole { scope: String, role_definition_guid: String, role_name: String, principal_id: Option<String> },
    /// Register the key with the organisation.
    RegisterKey { target: KeyTarget, display_name: String, existing_id: Option<String> },
    /// Ask the platform to prove it can use the key (no workspace context). `propagation_wait`:
    /// retry with back-off for up to this long while a failure says a role assignment has not
    /// taken effect yet (Azure RBAC).
    Validate { propagation_wait: Option<Duration> },
    /// Attach the key to the workspace: PERMANENT.
    Attach { workspace_id: String, workspace_name: String, compartment: CompartmentId },
}

/// The key a `RegisterKey` step registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyTarget {
    /// `kms_arn` `None`: the key this run creates.
    Aws {
        kms_arn: Option<KmsKeyArn>,
        region: AwsRegion,
    },
    Azure {
        vault_uri: VaultUri,
        key_name: AzureKeyName,
        tenant_id: TenantId,
    },
}

/// Whether an action can be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reversibility {
    /// Undone by an ordinary call (e.g. restore the backed-up policy, delete the registration).
    Reversible,
    /// Can be scheduled for deletion (7-30 days), never instantly removed.
    ScheduledDeletionOnly,
    /// Can be deleted, but stays recoverable (soft-deleted) for the vault's retention period.
    SoftDeleteOnly,
    /// Changes nothing.
    ReadOnly,
    /// Cannot be undone at all.
    Permanent,
}

impl Reversibility {
    /// How the plan shows it to a person.
    pub fn label(self) -> &'static str {
        match self {
            Reversibility::Reversible => "reversible",
            Reversibility::ScheduledDeletionOnly => "undo = schedule deletion, 7-30 days",
            Reversibility::SoftDeleteOnly => "undo = delete; kept soft-deleted for the vault's retention period",
            Reversibility::ReadOnly => "read-only",
            Reversibility::Permanent => "cannot be undone",
        }
    }
}

impl Action {
    pub fn reversibility(&self) -> Reversibility {
        match self {
            Action::CreateKey { .. } => Reversibility::ScheduledDeletionOnly,
            Action::CreateAzureKey { .. } => Reversibility::SoftDeleteOnly,
            Action::UpdateKeyPolicy { .. }
            | Action::RegisterKey { .. }
            | Action::ConsentServicePrincipal { .. }
            | Action::UpdateVaultNetwork { .. }
            | Action::MergeAzureKeyTags { .. }
            | Action::AssignAzureRole { .. } => Reversibility::Reversible,
            Action::Validate { .. } => Reversibility::ReadOnly,
            Action::Attach { .. } | Action::EnablePurgeProtection { .. } => Reversibility::Permanent,
        }
    }

    /// A stable machine name for JSON output and the journal.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::CreateKey { .. } => "create_key",
            Action::UpdateKeyPolicy { .. } => "update_key_policy",
            Action::ConsentServicePrincipal { .. } => "consent_service_principal",
            Action::UpdateVaultNetwork { .. } => "update_vault_network",
            Action::EnablePurgeProtection { .. } => "enable_purge_protection",
            Action::CreateAzureKey { .. } => "create_azure_key",
            Action::MergeAzureKeyTags { .. } => "merge_azure_key_tags",
            Action::AssignAzureRole { .. } => "assign_azure_role",
            Action::RegisterKey { .. } => "register_key",
            Action::Validate { .. } => "validate",
            Action::Attach { .. } => "attach",
        }
    }

    /// One line saying what the action does, naming its values.
    pub fn title(&self) -> String {
        match self {
            Action::CreateKey { region, alias, .. } => {
                format!(
                    "create a symmetric KMS key in {region} with the Anthropic key policy, alias {alias}, rotation on"
                )
            }
            Action::UpdateKeyPolicy { key, .. } => format!("update the key policy of {key} (old policy backed up)"),
            Action::ConsentServicePrincipal { app_id, tenant_id } => {
                format!("consent: create the service principal of Anthropic's app {app_id} in tenant {tenant_id}")
            }
            Action::UpdateVaultNetwork { vault, enable_public_access, add_ip_rules, remove_ip_rules, .. } => {
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
            Action::EnablePurgeProtection { vault } => {
                format!("turn purge protection on for vault {}: IRREVERSIBLE", vault.vault)
            }
            Action::CreateAzureKey { vault_uri, name, size, hsm, .. } => format!(
                "create {} {size}-bit key {name} in {vault_uri} (wrapKey, unwrapKey) with the organisation tag",
                if *hsm { "an RSA-HSM" } else { "an RSA" }
            ),
            Action::MergeAzureKeyTags { name, add, kept, .. } => format!(
                "tag key {name} with {} (keeping its {kept} other tag{})",
                add.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "),
                if *kept == 1 { "" } else { "s" }
            ),
            Action::AssignAzureRole { scope, role_name, .. } => {
                format!("assign {role_name} to Anthropic's service principal at {scope}")
            }
            Action::RegisterKey { target: KeyTarget::Aws { kms_arn: Some(arn), .. }, .. } => {
                format!("register {arn} with the organisation")
            }
            Action::RegisterKey { target: KeyTarget::Aws { kms_arn: None, .. }, .. } => {
                "register the new key with the organisation".to_string()
            }
            Action::RegisterKey { target: KeyTarget::Azure { vault_uri, key_name, tenant_id }, .. } => {
                format!("register {vault_uri}/keys/{key_name} (tenant {tenant_id}) with the organisation")
            }
            Action::Validate { .. } => "validate: the platform encrypts and decrypts with the key".to_string(),
            Action::Attach { workspace_name, workspace_id, .. } => {
                format!("attach the key to workspace {workspace_name} ({workspace_id}): PERMANENT")
            }
        }
    }
}

/// Where a step stands before the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepState {
    /// Will be done.
    Planned,
    /// Nothing to do; the reason says what is already right.
    AlreadyDone(String),
    /// Needs an explicit confirmation; the text says how to give it.
    Gated(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub action: Action,
    pub state: StepState,
}
