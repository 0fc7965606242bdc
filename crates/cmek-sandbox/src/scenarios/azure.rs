//! How the Azure scenarios arrange the seeded Azure world (the AWS side stays seeded).
//!
//! Vault-level scenarios change only the vault and leave the rest to `cmek setup` (consent, key,
//! role), as a customer meets them on a first run. Key-level scenarios show an earlier attempt:
//! Anthropic's app consented, Key Vault Crypto User at the key's scope, and `anthropic-cmek`
//! present with exactly one thing wrong, so validation fails on that thing alone.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::azure::roles::{KEY_VAULT_CRYPTO_USER, KEY_VAULT_READER};
use crate::azure::state::{AccessPolicy, OtherTenant, PolicyAssignment, ServicePrincipal, Vault};
use crate::azure::{
    CUSTOMER_OBJECT_ID, CUSTOMER_SOURCE_IP, CUSTOMER_TENANT, SUBSCRIPTION_ID, SeedAzureKey, VAULT_NAME,
};
use crate::platform::wire::{AzureKeyConfig, ProviderConfig};
use crate::world::Sandbox;

/// The key name `cmek` uses by default.
pub const KEY_NAME: &str = "anthropic-cmek";
/// Another key in the vault, where `azure-role-wrong-scope` put the role.
pub const SIBLING_KEY: &str = "payments-cmek";
/// The customer's other directory (`azure-tenant-mismatch`): where they sign in, not the vault's.
pub const OTHER_TENANT: &str = "9e4d7c3b-1a2f-4b5c-8d6e-7f8091a2b3c4";
/// What `azure-propagation-delay` sets.
pub const PROPAGATION_DELAY: Duration = Duration::from_secs(20);

fn with_vault(s: &Sandbox, change: impl FnOnce(&mut Vault)) -> Result<(), String> {
    s.azure.with_state(|state| match state.vault_mut(VAULT_NAME) {
        Some(vault) => {
            change(vault);
            Ok(())
        }
        None => Err(format!("the seeded vault `{VAULT_NAME}` is missing")),
    })
}

/// `anthropic-org-<the sandbox organisation>` = `true`.
pub fn org_tag(s: &Sandbox) -> BTreeMap<String, String> {
    BTreeMap::from([(format!("anthropic-org-{}", s.platform.org.id), "true".to_string())])
}

/// `anthropic-cmek`, correct and tagged for the sandbox organisation.
fn tagged_key(s: &Sandbox) -> SeedAzureKey {
    SeedAzureKey { tags: org_tag(s), ..SeedAzureKey::cmek(KEY_NAME) }
}

fn key_scope(s: &Sandbox, key: &str) -> Result<String, String> {
    let vault = s.azure.with_state(|state| state.vault_resource_id(VAULT_NAME));
    vault.map(|v| format!("{v}/keys/{key}")).ok_or_else(|| format!("the seeded vault `{VAULT_NAME}` is missing"))
}

/// Consent, then Key Vault Crypto User at `key`'s scope (long since propagated).
fn consent_and_grant(s: &Sandbox, key: &str) -> Result<String, String> {
    let sp = s.azure.consent_anthropic();
    let scope = key_scope(s, key)?;
    s.azure.with_state(|state| state.add_role_assignment_at(&scope, KEY_VAULT_CRYPTO_USER, &sp, "ServicePrincipal", 0));
    Ok(sp)
}

/// An earlier attempt: `key` seeded, Anthropic consented and granted on it.
fn earlier_attempt(s: &Sandbox, key: SeedAzureKey) -> Result<(), String> {
    s.azure.seed_key(key).map_err(|e| e.to_string())?;
    consent_and_grant(s, KEY_NAME).map(|_| ())
}

/// `anthropic-cmek`, tagged, with Anthropic never consented nor granted: a key someone registered
/// and gave up on (for scenarios about the platform side).
pub fn abandoned_key(s: &Sandbox) -> Result<(), String> {
    s.azure.seed_key(tagged_key(s)).map(|_| ()).map_err(|e| e.to_string())
}

pub fn access_policy(s: &Sandbox) -> Result<(), String> {
    with_vault(s, |v| {
        v.enable_rbac_authorization = Some(false);
        v.access_policies = vec![AccessPolicy {
            tenant_id: CUSTOMER_TENANT.to_string(),
            object_id: CUSTOMER_OBJECT_ID.to_string(),
            key_permissions: vec!["all".to_string()],
        }];
    })
}

pub fn purge_protection_off(s: &Sandbox) -> Result<(), String> {
    with_vault(s, |v| v.enable_purge_protection = None)
}

pub fn public_access_disabled(s: &Sandbox) -> Result<(), String> {
    with_vault(s, |v| v.public_network_access = "Disabled".to_string())
}

/// The name of the assignment `azure-policy-deny-public` makes at the resource group.
pub const DENY_PUBLIC_ASSIGNMENT: &str = "deny-kv-public-network";

/// Public access off, and the built-in "Azure Key Vault should disable public network access"
/// assigned with effect Deny at the vault's resource group, as a landing zone does.
pub fn policy_deny_public(s: &Sandbox) -> Result<(), String> {
    public_access_disabled(s)?;
    s.azure.with_state(|state| {
        let rg = format!("/subscriptions/{}/resourceGroups/{}", state.subscription_id, crate::azure::RESOURCE_GROUP);
        state.policy_assignments.push(PolicyAssignment {
            name: DENY_PUBLIC_ASSIGNMENT.to_string(),
            scope: rg,
            display_name: "Key Vaults must disable public network access".to_string(),
            policy_definition_id: format!(
                "/providers/Microsoft.Authorization/policyDefinitions/{}",
                crate::azure::policy::KV_DISABLE_PUBLIC_ACCESS
            ),
            parameters: serde_json::json!({ "effect": { "value": "Deny" } }),
            not_scopes: Vec::new(),
            enforcement_mode: "Default".to_string(),
        });
    });
    Ok(())
}

pub fn firewall_missing_range(s: &Sandbox) -> Result<(), String> {
    let retired = cmek_core::identities::published().egress.retired.first().map(|n| n.to_string());
    let retired = retired.ok_or("the published identities list no retired Anthropic address")?;
    with_vault(s, |v| {
        v.network_acls.default_action = "Deny".to_string();
        v.network_acls.ip_rules = vec![retired, format!("{CUSTOMER_SOURCE_IP}/32")];
    })
}

/// Anthropic's app not consented, and the customer without a directory role that may consent.
pub fn sp_missing(s: &Sandbox) -> Result<(), String> {
    s.azure.seed_key(tagged_key(s)).map_err(|e| e.to_string())?;
    s.azure.with_state(|state| {
        let customer = state.principals.iter_mut().find(|p| p.object_id == CUSTOMER_OBJECT_ID);
        let customer = customer.ok_or("the seeded customer principal is missing")?;
        customer.directory_roles.clear();
        Ok(())
    })
}

/// Crypto User on a sibling key, not on `anthropic-cmek`.
pub fn role_wrong_scope(s: &Sandbox) -> Result<(), String> {
    s.azure.seed_key(tagged_key(s)).map_err(|e| e.to_string())?;
    s.azure.seed_key(SeedAzureKey::cmek(SIBLING_KEY)).map_err(|e| e.to_string())?;
    consent_and_grant(s, SIBLING_KEY).map(|_| ())
}

pub fn propagation_delay(s: &Sandbox) -> Result<(), String> {
    s.azure.set_propagation_delay(PROPAGATION_DELAY);
    Ok(())
}

pub fn key_too_small(s: &Sandbox) -> Result<(), String> {
    earlier_attempt(s, SeedAzureKey { key_size: 2048, ..tagged_key(s) })
}

pub fn wrong_ops(s: &Sandbox) -> Result<(), String> {
    earlier_attempt(s, SeedAzureKey { key_ops: vec!["encrypt".into(), "decrypt".into()], ..tagged_key(s) })
}

pub fn tag_missing(s: &Sandbox) -> Result<(), String> {
    let tags = [("cost-center", "cc-4711"), ("owner", "platform-security"), ("environment", "production")];
    let tags = tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    earlier_attempt(s, SeedAzureKey { tags, ..SeedAzureKey::cmek(KEY_NAME) })
}

pub fn key_expired(s: &Sandbox) -> Result<(), String> {
    let yesterday = chrono::Utc::now().timestamp() - 86_400;
    earlier_attempt(s, SeedAzureKey { exp: Some(yesterday), ..tagged_key(s) })
}

pub fn key_deleted(s: &Sandbox) -> Result<(), String> {
    earlier_attempt(s, tagged_key(s))?;
    s.azure.soft_delete_key(VAULT_NAME, KEY_NAME).map_err(|e| e.to_string())
}

/// Everything right in Azure, but the platform already holds a configuration for this vault and
/// key registered with the customer's other tenant (where Anthropic's app is consented too, so
/// it gets a token there, which the vault refuses: AKV10032).
pub fn tenant_mismatch(s: &Sandbox) -> Result<(), String> {
    earlier_attempt(s, tagged_key(s))?;
    let ids = cmek_core::identities::published();
    s.azure.with_state(|state| {
        state.other_tenants.push(OtherTenant {
            tenant_id: OTHER_TENANT.to_string(),
            display_name: "cmek-sandbox corporate directory".to_string(),
            service_principals: vec![ServicePrincipal {
                id: uuid::Uuid::new_v4().to_string(),
                app_id: ids.azure.app_client_id.clone(),
                display_name: ids.azure.app_display_name.clone(),
            }],
        });
    });
    let config = ProviderConfig::Azure(AzureKeyConfig {
        vault_uri: format!("https://{VAULT_NAME}.vault.azure.net"),
        key_name: KEY_NAME.to_string(),
        tenant_id: OTHER_TENANT.to_string(),
        client_id: None,
    });
    s.platform.seed_external_key(config, "Azure CMEK (anthropic-cmek)");
    Ok(())
}

/// A finished earlier run (anthropic-cmek registered for the vault and attached to staging), then
/// the vault deleted (`az keyvault delete`): it waits, keys and all, in the subscription's deleted
/// vaults. The customer can read those (Key Vault Reader at the subscription, as
/// `az keyvault list-deleted` needs).
pub fn vault_deleted(s: &Sandbox) -> Result<(), String> {
    earlier_attempt(s, tagged_key(s))?;
    let config = ProviderConfig::Azure(AzureKeyConfig {
        vault_uri: format!("https://{VAULT_NAME}.vault.azure.net"),
        key_name: KEY_NAME.to_string(),
        tenant_id: CUSTOMER_TENANT.to_string(),
        client_id: None,
    });
    let id = s.platform.seed_external_key(config, "Azure CMEK (anthropic-cmek)");
    s.platform.attach_seeded_key(&id, "staging")?;
    s.azure.add_role_assignment(&format!("/subscriptions/{SUBSCRIPTION_ID}"), KEY_VAULT_READER, CUSTOMER_OBJECT_ID);
    s.azure.soft_delete_vault(VAULT_NAME).map_err(|e| e.to_string())
}
