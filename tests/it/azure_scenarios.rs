//! Every `azure-*` sandbox scenario, started with `Sandbox::start`: the arranged state checked
//! through the real Azure provider (as the customer) and through the platform's validation (as
//! Anthropic), and the validation sentence mapped to the AZ id doctor reports for it.

use cmek::providers::azure::StaticClientSecret;
use cmek::providers::azure::{AzureEndpoints, AzureErrorKind, AzureProvider, AzureSettings, ForbiddenBy};
use cmek_core::model::azure::{AzureKeyName, VaultResourceId, VaultUri};
use cmek_sandbox::Sandbox;
use cmek_sandbox::azure::roles::KEY_VAULT_CRYPTO_USER;
use cmek_sandbox::azure::{ANTHROPIC_SOURCE_IP, CUSTOMER_TENANT, VAULT_NAME};
use cmek_sandbox::platform::seed::ORG_ID;
use cmek_sandbox::scenarios::azure::{KEY_NAME, OTHER_TENANT, PROPAGATION_DELAY, SIBLING_KEY};

use super::platform_azure::{
    client, consent_and_grant, key_id, key_scope, register_and_validate, sandbox, tagged_key, validate,
    vault_resource_id,
};

/// The Azure provider as the customer, with exactly what `cmek sandbox` hands a client.
fn customer(s: &Sandbox) -> AzureProvider {
    let az = s.endpoints().unwrap().azure;
    let settings = AzureSettings {
        subscription: None,
        endpoints: AzureEndpoints {
            arm: az.arm,
            graph: az.graph,
            authority: az.authority,
            vault_suffix: format!(":{}", az.port),
        },
        ca_pem: Some(az.ca_pem),
        resolve_to_loopback: Some(az.port),
        static_client_secret: Some(StaticClientSecret {
            tenant_id: az.tenant_id,
            client_id: az.client_id,
            client_secret: az.client_secret,
        }),
    };
    AzureProvider::connect(&settings, &|_| None).unwrap()
}

fn vault_uri() -> VaultUri {
    VaultUri::parse(&format!("https://{VAULT_NAME}.vault.azure.net")).unwrap()
}

fn key_name() -> AzureKeyName {
    AzureKeyName::parse(KEY_NAME).unwrap()
}

fn az_ids(sentence: &str) -> Vec<&'static str> {
    cmek_core::doctor::validation_text::causes(cmek_core::model::ProviderKind::Azure, sentence)
        .iter()
        .map(|c| c.id)
        .collect()
}

async fn vault(s: &Sandbox) -> cmek_core::model::azure::AzureVaultFacts {
    customer(s).read_vault(&VaultResourceId::parse(&vault_resource_id()).unwrap()).await.unwrap()
}

/// Validation of `anthropic-cmek` registered with the vault's tenant: the failure sentence.
async fn failure(s: &Sandbox) -> String {
    register_and_validate(s, KEY_NAME, CUSTOMER_TENANT).await.expect("validation must fail in this scenario")
}

/// For vault scenarios: what setup would add (key, consent, role), so validation meets the vault.
fn complete_the_rest(s: &Sandbox) {
    s.azure.seed_key(tagged_key()).unwrap();
    consent_and_grant(s, KEY_NAME);
}

#[tokio::test]
async fn access_policy_vault_refuses_anthropic_by_policy() {
    let s = sandbox("azure-access-policy").await;
    let v = vault(&s).await;
    assert_eq!(v.rbac_authorization, Some(false));
    complete_the_rest(&s);
    let e = failure(&s).await;
    assert!(e.starts_with("ForbiddenByPolicy:") && e.contains(&key_id(KEY_NAME)), "{e}");
    assert_eq!(az_ids(&e), ["AZ-01"]);
    // The customer's own access policy still works.
    assert!(customer(&s).inspect_key(&vault_uri(), &key_name()).await.unwrap().is_some());
}

#[tokio::test]
async fn purge_protection_off_is_visible_and_does_not_stop_validation() {
    let s = sandbox("azure-purge-protection-off").await;
    assert_eq!(vault(&s).await.purge_protection, None);
    complete_the_rest(&s);
    assert_eq!(register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await, None);
}

#[tokio::test]
async fn public_access_disabled_refuses_the_connection() {
    let s = sandbox("azure-public-access-disabled").await;
    assert_eq!(vault(&s).await.public_network_access.as_deref(), Some("Disabled"));
    complete_the_rest(&s);
    let e = failure(&s).await;
    assert!(e.starts_with("ForbiddenByConnection:") && e.contains("Public network access is disabled"), "{e}");
    assert_eq!(az_ids(&e), ["AZ-03"]);
}

#[tokio::test]
async fn a_firewall_without_anthropics_range_refuses_its_address() {
    let s = sandbox("azure-firewall-missing-range").await;
    let v = vault(&s).await;
    assert_eq!(v.network_default_action.as_deref(), Some("Deny"));
    assert_eq!(v.ip_rules, ["34.162.46.92/32", "203.0.113.10/32"]);
    complete_the_rest(&s);
    let e = failure(&s).await;
    assert!(e.contains(&format!("Client address: {ANTHROPIC_SOURCE_IP}")), "{e}");
    assert_eq!(az_ids(&e), ["AZ-04"]);
    // The customer's own address is still admitted.
    assert!(customer(&s).inspect_key(&vault_uri(), &key_name()).await.unwrap().is_some());
}

#[tokio::test]
async fn without_consent_or_the_role_to_consent_both_sides_say_so() {
    let s = sandbox("azure-sp-missing").await;
    let app = cmek_core::identities::published().azure.app_client_id.clone();
    let provider = customer(&s);
    assert_eq!(provider.find_service_principal(&app).await.unwrap(), None);
    let err = provider.create_service_principal(&app).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Forbidden(ForbiddenBy::DirectoryRole), "{err}");
    let e = failure(&s).await;
    assert!(e.starts_with("AADSTS700016:") && e.contains(CUSTOMER_TENANT), "{e}");
    assert_eq!(az_ids(&e), ["AZ-06"]);
}

#[tokio::test]
async fn a_role_on_a_sibling_key_does_not_reach_ours() {
    let s = sandbox("azure-role-wrong-scope").await;
    let app = cmek_core::identities::published().azure.app_client_id.clone();
    let provider = customer(&s);
    let sp = provider.find_service_principal(&app).await.unwrap().expect("consented");
    let on_sibling = provider.role_assignments(&key_scope(SIBLING_KEY), Some(&sp.object_id)).await.unwrap();
    assert_eq!(on_sibling.len(), 1, "{on_sibling:?}");
    assert!(on_sibling[0].role_definition_id.ends_with(KEY_VAULT_CRYPTO_USER));
    let on_ours = provider.role_assignments(&key_scope(KEY_NAME), Some(&sp.object_id)).await.unwrap();
    assert!(on_ours.is_empty(), "{on_ours:?}");
    assert!(provider.inspect_key(&vault_uri(), &key_name()).await.unwrap().is_some(), "our key is there");
    let e = failure(&s).await;
    assert!(e.starts_with("ForbiddenByRbac:") && e.contains(&key_id(KEY_NAME)), "{e}");
    assert_eq!(az_ids(&e), ["AZ-08", "AZ-07"]);
}

#[tokio::test]
async fn a_propagation_delay_refuses_a_fresh_assignment_only() {
    let s = sandbox("azure-propagation-delay").await;
    assert_eq!(s.azure.state().propagation_delay_ms, PROPAGATION_DELAY.as_millis() as u64);
    s.azure.seed_key(tagged_key()).unwrap();
    let sp = s.azure.consent_anthropic();
    s.azure.add_role_assignment(&key_scope(KEY_NAME), KEY_VAULT_CRYPTO_USER, &sp);
    let e = failure(&s).await;
    assert!(cmek_core::doctor::azure::validation_text::is_rbac_refusal(&e), "{e}");
    assert_eq!(az_ids(&e), ["AZ-08", "AZ-07"]);
    // Nothing else is wrong: the same assignment, once propagated, passes.
    s.azure.with_state(|st| st.role_assignments.iter_mut().for_each(|a| a.created_ms = 0));
    let id = client(&s).all_external_keys().await.unwrap()[0].id.clone();
    assert_eq!(validate(&s, &id).await, None);
}

#[tokio::test]
async fn a_2048_bit_key_is_refused_for_its_size() {
    let s = sandbox("azure-key-too-small").await;
    let key = customer(&s).inspect_key(&vault_uri(), &key_name()).await.unwrap().unwrap();
    assert_eq!((key.kty.as_deref(), key.key_size), (Some("RSA"), Some(2048)));
    let e = failure(&s).await;
    assert!(e.contains("is RSA 2048-bit; Anthropic needs an RSA or RSA-HSM key of at least 3072 bits"), "{e}");
    assert_eq!(az_ids(&e), ["AZ-09"]);
}

#[tokio::test]
async fn encrypt_decrypt_ops_lack_wrap_and_unwrap() {
    let s = sandbox("azure-wrong-ops").await;
    let key = customer(&s).inspect_key(&vault_uri(), &key_name()).await.unwrap().unwrap();
    assert_eq!(key.key_ops, ["encrypt", "decrypt"]);
    let e = failure(&s).await;
    assert!(e.contains("key_ops [encrypt, decrypt]") && e.contains("wrapKey/unwrapKey"), "{e}");
    assert_eq!(az_ids(&e), ["AZ-09"]);
}

#[tokio::test]
async fn three_customer_tags_but_no_org_tag() {
    let s = sandbox("azure-tag-missing").await;
    let key = customer(&s).inspect_key(&vault_uri(), &key_name()).await.unwrap().unwrap();
    assert_eq!(key.tags.len(), 3);
    assert!(!key.tags.keys().any(|k| k.starts_with("anthropic-org-")));
    let e = failure(&s).await;
    assert!(e.contains(&format!("anthropic-org-{ORG_ID}=true")) && e.contains("tag"), "{e}");
    assert_eq!(az_ids(&e), ["AZ-10"]);
}

#[tokio::test]
async fn an_expired_key_is_refused() {
    let s = sandbox("azure-key-expired").await;
    let key = customer(&s).inspect_key(&vault_uri(), &key_name()).await.unwrap().unwrap();
    assert!(key.expires.unwrap() < chrono::Utc::now().timestamp());
    let e = failure(&s).await;
    assert!(e.starts_with(&format!("KeyExpired: {} expired at", key_id(KEY_NAME))), "{e}");
    assert_eq!(az_ids(&e), ["AZ-11"]);
}

#[tokio::test]
async fn a_key_in_the_soft_delete_bin_is_not_found_and_blocks_its_name() {
    let s = sandbox("azure-key-deleted").await;
    let provider = customer(&s);
    assert_eq!(provider.inspect_key(&vault_uri(), &key_name()).await.unwrap(), None);
    let new = cmek::providers::azure::NewAzureKey { size: 3072, hsm: false, tags: Default::default() };
    let err = provider.create_key(&vault_uri(), &key_name(), &new).await.unwrap_err();
    assert_eq!(err.kind, AzureErrorKind::Conflict, "{err}");
    assert!(err.message.contains("deleted but recoverable"), "{err}");
    let e = failure(&s).await;
    assert!(e.starts_with("KeyNotFound: A key with (name/id) anthropic-cmek was not found"), "{e}");
    assert_eq!(az_ids(&e), ["AZ-12"]);
}

#[tokio::test]
async fn a_configuration_registered_with_the_other_tenant_is_refused_by_the_vault() {
    let s = sandbox("azure-tenant-mismatch").await;
    let keys = client(&s).all_external_keys().await.unwrap();
    assert_eq!(keys.len(), 1);
    let Some(config) = cmek_core::model::azure::AzureKeyConfig::read(&keys[0].provider_config) else {
        panic!("an Azure configuration is seeded: {keys:?}")
    };
    assert_eq!((config.key_name.as_str(), config.tenant_id.as_str()), (KEY_NAME, OTHER_TENANT));
    assert_eq!(vault(&s).await.tenant_id, CUSTOMER_TENANT, "the vault's tenant differs from the registered one");
    let e = validate(&s, &keys[0].id).await.expect("the registered tenant is wrong");
    assert!(
        e.starts_with(&format!(
            "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{CUSTOMER_TENANT}/, found \
             https://sts.windows.net/{OTHER_TENANT}/."
        )),
        "{e}"
    );
    assert_eq!(az_ids(&e), ["AZ-13"]);
    // Registered with the vault's tenant, the same key validates.
    assert_eq!(register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await, None);
}

#[tokio::test]
async fn other_scenarios_leave_azure_seeded() {
    let s = sandbox("rcp-deny").await;
    let v = vault(&s).await;
    assert_eq!((v.rbac_authorization, v.purge_protection), (Some(true), Some(true)));
    assert!(s.azure.state().vault(VAULT_NAME).unwrap().keys.is_empty());
}

#[test]
fn the_azure_scenarios_are_listed() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .args(["sandbox", "--list-scenarios"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "azure-access-policy",
        "azure-purge-protection-off",
        "azure-public-access-disabled",
        "azure-firewall-missing-range",
        "azure-sp-missing",
        "azure-role-wrong-scope",
        "azure-propagation-delay",
        "azure-key-too-small",
        "azure-wrong-ops",
        "azure-tag-missing",
        "azure-key-expired",
        "azure-tenant-mismatch",
        "azure-key-deleted",
    ] {
        assert!(text.lines().any(|l| l.starts_with(&format!("{name} "))), "{name} is not listed:\n{text}");
    }
}
