//! The Azure provider's vault changes and soft-delete look-up against the sandbox's Azure
//! emulator: the network PATCH (rules replaced, bypass kept, bad values refused before any call),
//! purge protection, `deleted_key_exists`, and `deleted_vaults`.

use cmek::providers::azure::{
    AzureEndpoints, AzureError, AzureErrorKind, AzureProvider, AzureSettings, StaticClientSecret, VaultNetworkChange,
};
use cmek_core::model::azure::{AzureKeyName, AzureVaultFacts, VaultResourceId, VaultUri};
use cmek_sandbox::azure::state::DeletedKey;
use cmek_sandbox::azure::{RESOURCE_GROUP, RunningAzure, SUBSCRIPTION_ID, SeedAzureKey, VAULT_NAME};
use secrecy::SecretString;

use super::azure_emulator::emulator;

fn provider(az: &RunningAzure) -> AzureProvider {
    let port = az.port();
    let customer = az.customer();
    let settings = AzureSettings {
        subscription: None,
        endpoints: AzureEndpoints {
            arm: format!("https://management.azure.com:{port}"),
            graph: format!("https://graph.microsoft.com:{port}"),
            authority: az.authority_url(),
            vault_suffix: format!(":{port}"),
        },
        ca_pem: Some(az.ca_pem().to_string()),
        resolve_to_loopback: Some(port),
        static_client_secret: Some(StaticClientSecret {
            tenant_id: customer.tenant_id,
            client_id: customer.client_id,
            client_secret: SecretString::from(customer.client_secret),
        }),
    };
    AzureProvider::connect(&settings, &|_| None).unwrap()
}

fn vault_id() -> VaultResourceId {
    VaultResourceId::parse(&format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}"
    ))
    .unwrap()
}

#[tokio::test]
async fn the_network_change_replaces_the_rules_and_keeps_the_bypass() {
    let az = emulator().await;
    let azure = provider(&az);
    az.with_state(|s| {
        let v = s.vault_mut(VAULT_NAME).unwrap();
        v.public_network_access = "Disabled".into();
        v.network_acls.default_action = "Allow".into();
        v.network_acls.bypass = "None".into();
    });
    let before = azure.read_vault(&vault_id()).await.unwrap();
    let mut rules = before.ip_rules.clone();
    rules.push("203.0.113.0/24".into());
    let change = VaultNetworkChange {
        public_network_access: Some("Enabled".into()),
        default_action: Some("Deny".into()),
        ip_rules: rules.clone(),
    };
    let after = change_network(&azure, &change).await.unwrap();
    assert_eq!(after.public_network_access.as_deref(), Some("Enabled"));
    assert_eq!(after.network_default_action.as_deref(), Some("Deny"));
    assert_eq!(after.ip_rules, rules);
    assert_eq!(az.state().vault(VAULT_NAME).unwrap().network_acls.bypass, "None", "bypass kept");

    // Leaving the access and action alone, removing a rule.
    let fewer = VaultNetworkChange { public_network_access: None, default_action: None, ip_rules: rules[..1].to_vec() };
    let after = change_network(&azure, &fewer).await.unwrap();
    assert_eq!(after.ip_rules, rules[..1].to_vec());
    assert_eq!(after.network_default_action.as_deref(), Some("Deny"));

    let bad = VaultNetworkChange { ip_rules: vec!["anthropic".into()], ..fewer.clone() };
    let err = change_network(&azure, &bad).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::InvalidInput);
    assert!(err.message.contains("`anthropic`"), "{err}");
    let bad = VaultNetworkChange { public_network_access: Some("Open".into()), ..fewer };
    assert_eq!(change_network(&azure, &bad).await.unwrap_err().kind, AzureErrorKind::InvalidInput);
    assert_eq!(az.state().vault(VAULT_NAME).unwrap().network_acls.ip_rules, rules[..1].to_vec(), "nothing written");
}

#[tokio::test]
async fn purge_protection_is_turned_on() {
    let az = emulator().await;
    let azure = provider(&az);
    az.with_state(|s| s.vault_mut(VAULT_NAME).unwrap().enable_purge_protection = None);
    assert_eq!(azure.read_vault(&vault_id()).await.unwrap().purge_protection, None);
    let after = azure.enable_purge_protection(&vault_id()).await.unwrap();
    assert_eq!(after.purge_protection, Some(true));
    // Again: still on, no error.
    assert_eq!(azure.enable_purge_protection(&vault_id()).await.unwrap().purge_protection, Some(true));
}

#[tokio::test]
async fn the_soft_delete_bin_is_looked_up_by_name() {
    let az = emulator().await;
    let azure = provider(&az);
    let uri = VaultUri::parse(&format!("https://{VAULT_NAME}.vault.azure.net")).unwrap();
    let name = AzureKeyName::parse("never-existed").unwrap();
    assert_eq!(azure.deleted_key_exists(&uri, &name).await, Ok(false));

    az.seed_key(SeedAzureKey::cmek("anthropic-cmek")).unwrap();
    az.with_state(|s| {
        let v = s.vault_mut(VAULT_NAME).unwrap();
        let at = v.keys.iter().position(|k| k.name == "anthropic-cmek").unwrap();
        let key = v.keys.remove(at);
        v.deleted_keys.push(DeletedKey { key, deleted_date: 1_700_000_000, scheduled_purge_date: 1_900_000_000 });
    });
    let deleted = AzureKeyName::parse("anthropic-cmek").unwrap();
    assert_eq!(azure.deleted_key_exists(&uri, &deleted).await, Ok(true));
    assert_eq!(azure.inspect_key(&uri, &deleted).await, Ok(None), "not a live key any more");
}

#[tokio::test]
async fn deleted_vaults_lists_the_bin_in_model_terms_and_says_when_it_may_not_be_read() {
    let az = emulator().await;
    let azure = provider(&az);
    az.soft_delete_vault(VAULT_NAME).unwrap();
    let err = azure.deleted_vaults().await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Forbidden(cmek::providers::azure::ForbiddenBy::Rbac), "{err}");
    az.add_role_assignment(
        &format!("/subscriptions/{SUBSCRIPTION_ID}"),
        cmek_sandbox::azure::roles::KEY_VAULT_READER,
        cmek_sandbox::azure::CUSTOMER_OBJECT_ID,
    );
    let bin = azure.deleted_vaults().await.unwrap();
    assert_eq!(bin.len(), 1, "{bin:?}");
    assert_eq!(bin[0].name, VAULT_NAME);
    assert_eq!(bin[0].vault_id, vault_id().to_string());
    assert_eq!(bin[0].resource_group().as_deref(), Some(RESOURCE_GROUP));
    assert_eq!(bin[0].purge_protection, Some(true));
    assert!(bin[0].deletion_date.is_some() && bin[0].scheduled_purge_date.is_some(), "{bin:?}");
    assert_eq!(
        bin[0].recover_command(),
        format!("az keyvault recover --name {VAULT_NAME} --resource-group {RESOURCE_GROUP}")
    );
}

/// The network change as the engine makes it: the vault read, then written over what was read.
async fn change_network(azure: &AzureProvider, change: &VaultNetworkChange) -> Result<AzureVaultFacts, AzureError> {
    let current = azure.vault_snapshot(&vault_id()).await?;
    azure.change_vault_network(&vault_id(), &current, change).await
}
