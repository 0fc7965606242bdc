//! The Azure provider (`cmek::providers::azure`) against the sandbox's Azure emulator: the
//! credential chain, whoami, vaults and audit routing, consent, keys and tag merging, role
//! assignments, the wrap/unwrap probe, and error kinds with their next steps.

use std::collections::{BTreeMap, HashMap};

use cmek::providers::azure::{
    AzureEndpoints, AzureErrorKind, AzureProvider, AzureSettings, ForbiddenBy, NewAzureKey, StaticClientSecret,
};
use cmek_core::model::azure::{AzureKeyName, VaultResourceId, VaultUri};
use cmek_sandbox::azure::roles::{KEY_VAULT_ADMINISTRATOR, KEY_VAULT_CRYPTO_USER};
use cmek_sandbox::azure::{
    CUSTOMER_APP_ID, CUSTOMER_OBJECT_ID, CUSTOMER_SOURCE_IP, CUSTOMER_TENANT, RESOURCE_GROUP, RunningAzure,
    SUBSCRIPTION_ID, VAULT_NAME,
};
use secrecy::SecretString;

use super::azure_emulator::emulator;

const ANTHROPIC_APP_ID: &str = "8635ae1a-3e5d-44e8-a4ed-e0f614466f87";

fn settings(az: &RunningAzure, with_secret: bool) -> AzureSettings {
    let port = az.port();
    let customer = az.customer();
    AzureSettings {
        subscription: None,
        endpoints: AzureEndpoints {
            arm: format!("https://management.azure.com:{port}"),
            graph: format!("https://graph.microsoft.com:{port}"),
            authority: az.authority_url(),
            vault_suffix: format!(":{port}"),
        },
        ca_pem: Some(az.ca_pem().to_string()),
        resolve_to_loopback: Some(port),
        static_client_secret: with_secret.then(|| StaticClientSecret {
            tenant_id: customer.tenant_id,
            client_id: customer.client_id,
            client_secret: SecretString::from(customer.client_secret),
        }),
    }
}

pub fn provider_for(az: &RunningAzure) -> AzureProvider {
    AzureProvider::connect(&settings(az, true), &|_| None).unwrap()
}

fn vault_id() -> VaultResourceId {
    VaultResourceId::parse(&format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}"
    ))
    .unwrap()
}

fn vault_uri() -> VaultUri {
    VaultUri::parse(&format!("https://{VAULT_NAME}.vault.azure.net/")).unwrap()
}

fn org_tag() -> (String, String) {
    ("anthropic-org-4f9b2c1e-7a3d-4e8f-9b0a-1c2d3e4f5a6b".to_string(), "true".to_string())
}

fn cmek_key(tags: &[(&str, &str)]) -> NewAzureKey {
    NewAzureKey { size: 3072, hsm: false, tags: tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
}

#[tokio::test]
async fn chain_reads_the_client_secret_from_the_env_lookup_and_whoami_reads_the_claims() {
    let az = emulator().await;
    let customer = az.customer();
    let env: HashMap<&str, String> = HashMap::from([
        ("AZURE_TENANT_ID", customer.tenant_id.clone()),
        ("AZURE_CLIENT_ID", customer.client_id.clone()),
        ("AZURE_CLIENT_SECRET", customer.client_secret.clone()),
    ]);
    let lookup = |name: &str| env.get(name).cloned();
    let provider = AzureProvider::connect(&settings(&az, false), &lookup).unwrap();
    assert_eq!(provider.credential_sources()[0], "client secret (AZURE_CLIENT_SECRET)");
    assert!(provider.credential_sources().contains(&"Azure CLI (az login)"));
    assert!(!format!("{provider:?}").contains(&customer.client_secret));
    let me = provider.whoami().await.unwrap();
    assert_eq!(me.tenant_id, CUSTOMER_TENANT);
    assert_eq!(me.object_id.as_deref(), Some(CUSTOMER_OBJECT_ID));
    assert_eq!(me.app_id.as_deref(), Some(CUSTOMER_APP_ID));
    assert_eq!(provider.credential_source(), Some("client secret (AZURE_CLIENT_SECRET)"));

    // A wrong secret in the env: no source works, and the error says how to sign in.
    let bad: HashMap<&str, String> = HashMap::from([
        ("AZURE_TENANT_ID", customer.tenant_id.clone()),
        ("AZURE_CLIENT_ID", customer.client_id.clone()),
        ("AZURE_CLIENT_SECRET", "wrong".to_string()),
    ]);
    let lookup = |name: &str| bad.get(name).cloned();
    let provider = AzureProvider::connect(&settings(&az, false), &lookup).unwrap();
    let err = provider.list_vaults().await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Unauthenticated, "{err}");
    assert!(err.next_step().unwrap().contains("az login"));
    assert!(!err.to_string().contains("wrong"), "{err}");
}

#[tokio::test]
async fn vaults_are_listed_and_the_seeded_vault_is_inspected() {
    let az = emulator().await;
    let provider = provider_for(&az);
    let vaults = provider.list_vaults().await.unwrap();
    assert_eq!(vaults.len(), 1);
    assert_eq!(vaults[0].name, VAULT_NAME);
    let facts = provider.read_vault(&vault_id()).await.unwrap();
    assert_eq!(facts.rbac_authorization, Some(true));
    assert_eq!(facts.purge_protection, Some(true));
    assert_eq!(facts.soft_delete, Some(true));
    assert_eq!(facts.public_network_access.as_deref(), Some("Enabled"));
    assert_eq!(facts.network_default_action.as_deref(), Some("Deny"));
    assert!(facts.ip_rules.iter().any(|r| r == "160.79.104.0/21"), "{:?}", facts.ip_rules);
    assert_eq!(facts.audit_event_routed, None, "read apart, by audit_event_routed");
    assert_eq!(provider.audit_event_routed(&vault_id()).await, Some(true));
    assert_eq!(facts.tenant_id, CUSTOMER_TENANT);
    assert_eq!(facts.sku, "standard");
    assert_eq!(VaultUri::parse(&facts.uri).unwrap(), vault_uri());
    let routed = cmek_core::model::azure::AzureVaultFacts { audit_event_routed: Some(true), ..facts.clone() };
    assert_eq!(provider.find_vault_by_uri(&vault_uri()).await.unwrap(), Some(routed));
    let elsewhere = VaultUri::parse("https://other-vault.vault.azure.net").unwrap();
    assert_eq!(provider.find_vault_by_uri(&elsewhere).await.unwrap(), None);

    // Without diagnostic settings, no AuditEvent route; the access-policy model shows as None.
    az.with_state(|s| {
        let v = s.vault_mut(VAULT_NAME).unwrap();
        v.diagnostic_settings.clear();
        v.enable_rbac_authorization = None;
    });
    assert_eq!(provider.audit_event_routed(&vault_id()).await, Some(false));
    assert_eq!(provider.read_vault(&vault_id()).await.unwrap().rbac_authorization, None);

    let missing = VaultResourceId::parse(&vault_id().to_string().replace(VAULT_NAME, "no-such-vault")).unwrap();
    let err = provider.read_vault(&missing).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::NotFound, "{err}");
    assert!(err.next_step().is_some());
}

#[tokio::test]
async fn consent_finds_creates_and_finds_again_and_needs_a_directory_role() {
    let az = emulator().await;
    let provider = provider_for(&az);
    assert_eq!(provider.find_service_principal(ANTHROPIC_APP_ID).await.unwrap(), None);
    let created = provider.create_service_principal(ANTHROPIC_APP_ID).await.unwrap();
    assert_eq!(created.app_id, ANTHROPIC_APP_ID);
    let found = provider.find_service_principal(ANTHROPIC_APP_ID).await.unwrap().unwrap();
    assert_eq!(found.object_id, created.object_id);
    // Creating again returns the existing one.
    let again = provider.create_service_principal(ANTHROPIC_APP_ID).await.unwrap();
    assert_eq!(again.object_id, created.object_id);
    let err = provider.find_service_principal("appId eq 'x' or true").await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::InvalidInput);

    // Without the directory role, Graph refuses consent and the next step names the roles.
    let az = emulator().await;
    az.with_state(|s| s.principals.iter_mut().for_each(|p| p.directory_roles.clear()));
    let err = provider_for(&az).create_service_principal(ANTHROPIC_APP_ID).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Forbidden(ForbiddenBy::DirectoryRole), "{err}");
    assert_eq!(err.code.as_deref(), Some("Authorization_RequestDenied"));
    let step = err.next_step().unwrap();
    assert!(step.contains("Application Administrator") && step.contains("Cloud Application Administrator"));
}

#[tokio::test]
async fn keys_are_created_inspected_tagged_and_probed() {
    let az = emulator().await;
    let provider = provider_for(&az);
    let name = AzureKeyName::parse("anthropic-cmek").unwrap();
    assert_eq!(provider.inspect_key(&vault_uri(), &name).await.unwrap(), None);

    let (tag, value) = org_tag();
    let key =
        provider.create_key(&vault_uri(), &name, &cmek_key(&[(&tag, &value), ("owner", "platform")])).await.unwrap();
    assert_eq!(key.kty.as_deref(), Some("RSA"));
    assert_eq!(key.key_size, Some(3072));
    assert_eq!(key.key_ops, vec!["wrapKey".to_string(), "unwrapKey".to_string()]);
    assert_eq!(key.enabled, Some(true));
    assert_eq!(key.tags[&tag], "true");
    let seen = provider.inspect_key(&vault_uri(), &name).await.unwrap().unwrap();
    assert_eq!(seen.version, key.version);
    assert!(seen.version.is_some());

    // Merging keeps the existing tags.
    let add = BTreeMap::from([("cost-centre".to_string(), "42".to_string())]);
    let merged = provider.merge_key_tags(&vault_uri(), &name, &add).await.unwrap();
    assert_eq!(merged.len(), 3);
    assert_eq!(merged["owner"], "platform");
    assert_eq!(merged[&tag], "true");
    let seen = provider.inspect_key(&vault_uri(), &name).await.unwrap().unwrap();
    assert_eq!(seen.tags, merged);

    // Above 15 tags: refused before any write (and too many to add: before any call).
    let many: BTreeMap<String, String> = (0..13).map(|i| (format!("t{i}"), "v".to_string())).collect();
    let err = provider.merge_key_tags(&vault_uri(), &name, &many).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::InvalidInput);
    assert!(err.message.contains("15"), "{err}");
    assert_eq!(provider.inspect_key(&vault_uri(), &name).await.unwrap().unwrap().tags, merged);
    let too_many: BTreeMap<String, String> = (0..16).map(|i| (format!("t{i}"), "v".to_string())).collect();
    let nowhere = VaultUri::parse("https://not-served-here.vault.azure.net").unwrap();
    let err = provider.merge_key_tags(&nowhere, &name, &too_many).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::InvalidInput, "refused without a call: {err}");

    provider.wrap_unwrap_probe(&vault_uri(), &name).await.unwrap();

    let err = provider
        .create_key(&vault_uri(), &name, &NewAzureKey { size: 2048, hsm: false, tags: BTreeMap::new() })
        .await
        .unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::InvalidInput);
}

#[tokio::test]
async fn role_assignment_at_key_scope_is_created_once() {
    let az = emulator().await;
    let provider = provider_for(&az);
    let name = AzureKeyName::parse("anthropic-cmek").unwrap();
    provider.create_key(&vault_uri(), &name, &cmek_key(&[])).await.unwrap();
    let sp = provider.create_service_principal(ANTHROPIC_APP_ID).await.unwrap();
    let scope = vault_id().key_scope(&name);
    assert!(provider.role_assignments(&scope, Some(&sp.object_id)).await.unwrap().is_empty());

    let first = provider.assign_role(&scope, KEY_VAULT_CRYPTO_USER, &sp.object_id).await.unwrap();
    assert_eq!(first.scope, scope);
    assert!(first.grants(KEY_VAULT_CRYPTO_USER));
    assert_eq!(first.principal_type.as_deref(), Some("ServicePrincipal"));
    let second = provider.assign_role(&scope, KEY_VAULT_CRYPTO_USER, &sp.object_id).await.unwrap();
    assert_eq!(second.id, first.id);

    let at_key = provider.role_assignments(&scope, Some(&sp.object_id)).await.unwrap();
    assert_eq!(at_key, vec![first]);
    // The customer's roles at the resource group are inherited at the key.
    let mine = provider.role_assignments(&scope, Some(CUSTOMER_OBJECT_ID)).await.unwrap();
    assert_eq!(mine.len(), 2);

    let err = provider.assign_role(&scope, KEY_VAULT_CRYPTO_USER, "11111111-2222-4333-8444-555555555555").await;
    assert_eq!(err.unwrap_err().kind, AzureErrorKind::InvalidInput);
}

#[tokio::test]
async fn the_firewall_and_disabled_public_access_are_reported_as_such() {
    let az = emulator().await;
    let provider = provider_for(&az);
    let name = AzureKeyName::parse("anthropic-cmek").unwrap();
    provider.create_key(&vault_uri(), &name, &cmek_key(&[])).await.unwrap();

    az.with_state(|s| {
        s.vault_mut(VAULT_NAME).unwrap().network_acls.ip_rules.retain(|r| !r.starts_with(CUSTOMER_SOURCE_IP));
    });
    let err = provider.inspect_key(&vault_uri(), &name).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Forbidden(ForbiddenBy::Firewall), "{err}");
    assert!(err.next_step().unwrap().contains("160.79.104.0/21"));

    az.with_state(|s| s.vault_mut(VAULT_NAME).unwrap().public_network_access = "Disabled".to_string());
    let err = provider.wrap_unwrap_probe(&vault_uri(), &name).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Forbidden(ForbiddenBy::Connection), "{err}");
}

#[tokio::test]
async fn a_data_plane_role_missing_is_forbidden_by_rbac_and_says_propagation_takes_minutes() {
    let az = emulator().await;
    let provider = provider_for(&az);
    let name = AzureKeyName::parse("anthropic-cmek").unwrap();
    // Owner (control plane) stays; Key Vault Administrator (data plane) goes.
    az.with_state(|s| s.role_assignments.retain(|a| !a.role_definition_id.ends_with(KEY_VAULT_ADMINISTRATOR)));
    let err = provider.inspect_key(&vault_uri(), &name).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Forbidden(ForbiddenBy::Rbac), "{err}");
    assert_eq!(err.code.as_deref(), Some("ForbiddenByRbac"));
    assert!(err.next_step().unwrap().contains("few minutes"));
    // ARM still answers: the vault is readable with Owner.
    assert_eq!(provider.read_vault(&vault_id()).await.unwrap().purge_protection, Some(true));
}

/// A refused explicit secret ends the chain: cmek never falls through to an ambient identity
/// (managed identity, `az login`) and acts as someone else.
#[tokio::test]
async fn a_refused_configured_secret_is_reported_and_no_other_identity_is_tried() {
    let az = emulator().await;
    let mut s = settings(&az, true);
    if let Some(secret) = s.static_client_secret.as_mut() {
        secret.client_secret = SecretString::from("not-the-secret".to_string());
    }
    let (endpoint, header) = az.managed_identity();
    let env: HashMap<&str, String> = HashMap::from([("IDENTITY_ENDPOINT", endpoint), ("IDENTITY_HEADER", header)]);
    let lookup = |name: &str| env.get(name).cloned();
    let provider = AzureProvider::connect(&s, &lookup).unwrap();
    let err = provider.whoami().await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Unauthenticated, "{err:?}");
    assert!(err.message.contains("client secret (settings)") && err.message.contains("was refused"), "{err}");
    assert_eq!(provider.credential_source(), None, "the managed identity that would have worked was not used");
}
