//! The platform emulator validating Azure keys as Anthropic's multi-tenant app against the Azure
//! emulator (platform-api.md, section 8): a whole sandbox (`Sandbox::start`), the key registered
//! and validated through the platform client, on `POST .../validate` and on attach.

use std::collections::BTreeMap;

use cmek::platform::auth::Credential;
use cmek::platform::types::{CreateExternalKey, UpdateWorkspace, ValidationStatus};
use cmek::platform::{Client, ClientConfig};
use cmek_core::model::azure::AzureKeyConfig;
use cmek_sandbox::azure::roles::{KEY_VAULT_CRYPTO_USER, KEY_VAULT_READER};
use cmek_sandbox::azure::{CUSTOMER_TENANT, SeedAzureKey, VAULT_NAME};
use cmek_sandbox::platform::seed::ORG_ID;
use cmek_sandbox::scenarios;
use cmek_sandbox::{Sandbox, SandboxOptions};

pub const KEY_NAME: &str = "anthropic-cmek";

pub async fn sandbox(scenario: &str) -> Sandbox {
    Sandbox::start(SandboxOptions::new(scenarios::find(scenario).unwrap_or_else(|| panic!("no scenario {scenario}"))))
        .await
        .expect("start the sandbox")
}

pub fn client(s: &Sandbox) -> Client {
    let e = s.endpoints().unwrap();
    Client::new(ClientConfig::new(e.base_url, Credential::AdminKey(e.admin_key))).unwrap()
}

pub fn key_scope(key: &str) -> String {
    format!("{}/keys/{key}", vault_resource_id())
}

pub fn vault_resource_id() -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}",
        cmek_sandbox::azure::SUBSCRIPTION_ID,
        cmek_sandbox::azure::RESOURCE_GROUP
    )
}

pub fn org_tag() -> BTreeMap<String, String> {
    BTreeMap::from([(format!("anthropic-org-{ORG_ID}"), "true".to_string())])
}

/// A correct CMEK key named `anthropic-cmek`, tagged for the sandbox organisation.
pub fn tagged_key() -> SeedAzureKey {
    SeedAzureKey { tags: org_tag(), ..SeedAzureKey::cmek(KEY_NAME) }
}

/// Consent plus Key Vault Crypto User at the key's scope, granted long ago (past the sandbox's
/// propagation delay); returns the service principal's id.
pub fn consent_and_grant(s: &Sandbox, key: &str) -> String {
    let sp = s.azure.consent_anthropic();
    grant_long_ago(s, &key_scope(key), KEY_VAULT_CRYPTO_USER, &sp);
    sp
}

/// A role assignment made long ago: it counts at once, whatever the propagation delay.
pub fn grant_long_ago(s: &Sandbox, scope: &str, role: &str, principal: &str) {
    s.azure.with_state(|st| st.add_role_assignment_at(scope, role, principal, "ServicePrincipal", 0));
}

pub fn key_id(key: &str) -> String {
    format!("https://{VAULT_NAME}.vault.azure.net/keys/{key}")
}

/// Registers `vault + key` with `tenant` and validates it: the error sentence, or `None` on success.
pub async fn register_and_validate(s: &Sandbox, key: &str, tenant: &str) -> Option<String> {
    let client = client(s);
    let created = client.create_external_key(&azure_config(key, tenant), &cmek_core::clouds::same_key).await.unwrap();
    validate(s, &created.id).await
}

pub async fn validate(s: &Sandbox, id: &str) -> Option<String> {
    let result = client(s).validate_external_key(id).await.unwrap();
    match result.status {
        ValidationStatus::Success => {
            assert_eq!(result.error, None);
            None
        }
        ValidationStatus::Failure => Some(result.error.expect("a failure carries its sentence")),
    }
}

pub fn azure_config(key: &str, tenant: &str) -> CreateExternalKey {
    CreateExternalKey {
        provider_config: AzureKeyConfig {
            vault_uri: format!("https://{VAULT_NAME}.vault.azure.net"),
            key_name: key.to_string(),
            tenant_id: tenant.to_string(),
            client_id: None,
        }
        .to_config(),
        display_name: Some("Azure CMEK".to_string()),
        geo: None,
        user_profile_id: None,
    }
}

#[tokio::test]
async fn a_consented_granted_tagged_key_validates_and_attaches() {
    let s = sandbox("default").await;
    s.azure.seed_key(tagged_key()).unwrap();
    consent_and_grant(&s, KEY_NAME);
    let client = client(&s);
    let key = client
        .create_external_key(&azure_config(KEY_NAME, CUSTOMER_TENANT), &cmek_core::clouds::same_key)
        .await
        .unwrap();
    assert_eq!(validate(&s, &key.id).await, None);

    let production = s.platform.workspaces.iter().find(|w| w.name == "production").unwrap().id.clone();
    let body = UpdateWorkspace { external_key_id: Some(key.id.clone()), ..Default::default() };
    let attached = client.update_workspace(&production, &body).await.unwrap();
    assert_eq!(attached.external_key_id.as_deref(), Some(key.id.as_str()));
}

#[tokio::test]
async fn without_consent_anthropic_cannot_sign_in() {
    let s = sandbox("default").await;
    s.azure.seed_key(tagged_key()).unwrap();
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(
        e.starts_with(&format!(
            "AADSTS700016: Application with identifier '8635ae1a-3e5d-44e8-a4ed-e0f614466f87' was not found in the \
             directory '{CUSTOMER_TENANT}'."
        )),
        "{e}"
    );
    assert!(e.contains(&key_id(KEY_NAME)), "{e}");
}

#[tokio::test]
async fn without_a_role_rbac_refuses_and_a_read_only_role_refuses_the_wrap() {
    let s = sandbox("default").await;
    s.azure.seed_key(tagged_key()).unwrap();
    let sp = s.azure.consent_anthropic();
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(e.starts_with("ForbiddenByRbac:") && e.contains("Microsoft.KeyVault/vaults/keys/read"), "{e}");
    assert!(cmek_core::doctor::azure::validation_text::is_rbac_refusal(&e));

    grant_long_ago(&s, &key_scope(KEY_NAME), KEY_VAULT_READER, &sp);
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(e.starts_with("ForbiddenByRbac:") && e.contains("Microsoft.KeyVault/vaults/keys/wrap/action"), "{e}");
}

#[tokio::test]
async fn a_missing_key_disabled_key_and_future_key_each_say_so() {
    let s = sandbox("default").await;
    consent_and_grant(&s, KEY_NAME);
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(e.starts_with("KeyNotFound: A key with (name/id) anthropic-cmek was not found in this key vault"), "{e}");

    s.azure.seed_key(SeedAzureKey { enabled: false, ..tagged_key() }).unwrap();
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(e.starts_with(&format!("KeyDisabled: {} is disabled", key_id(KEY_NAME))), "{e}");

    let later = chrono::Utc::now().timestamp() + 86_400;
    s.azure.seed_key(SeedAzureKey { nbf: Some(later), ..tagged_key() }).unwrap();
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(e.contains("is not yet valid"), "{e}");
}

#[tokio::test]
async fn an_attach_of_a_failing_key_is_refused_and_leaves_the_workspace_unattached() {
    let s = sandbox("default").await;
    s.azure.seed_key(SeedAzureKey { tags: BTreeMap::new(), ..tagged_key() }).unwrap();
    consent_and_grant(&s, KEY_NAME);
    let client = client(&s);
    let key = client
        .create_external_key(&azure_config(KEY_NAME, CUSTOMER_TENANT), &cmek_core::clouds::same_key)
        .await
        .unwrap();
    let production = s.platform.workspaces.iter().find(|w| w.name == "production").unwrap().id.clone();
    let body = UpdateWorkspace { external_key_id: Some(key.id.clone()), ..Default::default() };
    let err = client.update_workspace(&production, &body).await.unwrap_err().to_string();
    assert!(err.contains("OrgTagMissing:") && err.contains(&format!("anthropic-org-{ORG_ID}=true")), "{err}");
    assert_eq!(client.get_workspace(&production).await.unwrap().external_key_id, None);
}

#[tokio::test]
async fn a_slow_vault_times_out_after_the_limit() {
    let s = sandbox("default").await;
    s.azure.seed_key(tagged_key()).unwrap();
    consent_and_grant(&s, KEY_NAME);
    s.platform.set_validation_timeout(std::time::Duration::from_millis(1));
    let e = register_and_validate(&s, KEY_NAME, CUSTOMER_TENANT).await.unwrap();
    assert!(e.starts_with("Timeout: validation timed out:") && e.contains(&key_id(KEY_NAME)), "{e}");
}
