//! The sandbox's Azure emulator through the OFFICIAL Rust clients (`azure_identity`'s
//! ClientSecretCredential, `azure_security_keyvault_keys`' KeyClient) over TLS with the sandbox
//! CA, plus raw HTTPS for ARM and Graph: the 401 challenge, tokens and consent, RBAC with its
//! propagation delay, the firewall, tag replacement, key state, purge protection.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use azure_security_keyvault_keys::models::{
    CreateKeyParameters, EncryptionAlgorithm, KeyClientGetKeyOptions, KeyOperation, KeyOperationParameters, KeyType,
    UpdateKeyPropertiesParameters,
};
use azure_security_keyvault_keys::{KeyClient, KeyClientOptions, ResourceExt};
use cmek_sandbox::azure::roles::KEY_VAULT_CRYPTO_USER;
use cmek_sandbox::azure::{
    AzureEmulatorConfig, CUSTOMER_TENANT, ClientCredentials, RunningAzure, SUBSCRIPTION_ID, SeedAzureKey, VAULT_NAME,
    start,
};
use serde_json::Value;

pub async fn emulator() -> RunningAzure {
    start(AzureEmulatorConfig::new()).await.expect("start the Azure emulator")
}

/// A reqwest client that trusts only the sandbox CA and resolves the Azure names to loopback.
pub fn http(az: &RunningAzure) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(az.ca_pem().as_bytes()).unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], az.port()));
    let mut builder = reqwest::Client::builder().tls_certs_only([ca]);
    for host in [
        "cmek-sandbox.vault.azure.net",
        "other.vault.azure.net",
        "login.microsoftonline.com",
        "management.azure.com",
        "graph.microsoft.com",
    ] {
        builder = builder.resolve(host, addr);
    }
    builder.build().unwrap()
}

fn client_options(az: &RunningAzure) -> ClientOptions {
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = az.authority_url();
    ClientOptions {
        transport: Some(Transport::new(Arc::new(http(az)))),
        cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
        ..Default::default()
    }
}

pub fn credential(az: &RunningAzure, who: &ClientCredentials) -> Arc<dyn TokenCredential> {
    let options = ClientSecretCredentialOptions { client_options: client_options(az) };
    ClientSecretCredential::new(
        &who.tenant_id,
        who.client_id.clone(),
        Secret::new(who.client_secret.clone()),
        Some(options),
    )
    .unwrap()
}

pub fn key_client(az: &RunningAzure, who: &ClientCredentials) -> KeyClient {
    let options = KeyClientOptions { client_options: client_options(az), ..Default::default() };
    KeyClient::new(&az.vault_url(VAULT_NAME), credential(az, who), Some(options)).unwrap()
}

fn cmek_key_parameters(tags: &[(&str, &str)]) -> CreateKeyParameters {
    CreateKeyParameters {
        kty: Some(KeyType::Rsa),
        key_size: Some(3072),
        key_ops: Some(vec![KeyOperation::WrapKey, KeyOperation::UnwrapKey]),
        tags: Some(tags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
        ..Default::default()
    }
}

fn wrap_parameters(value: &[u8]) -> KeyOperationParameters {
    KeyOperationParameters {
        algorithm: Some(EncryptionAlgorithm::RsaOaep256),
        value: Some(value.to_vec()),
        ..Default::default()
    }
}

/// The Key Vault inner error code (`ForbiddenByRbac`, `KeyDisabled`...) of a failed call.
pub fn inner_code(err: &azure_core::Error) -> String {
    match err.kind() {
        azure_core::error::ErrorKind::HttpResponse { raw_response: Some(raw), .. } => raw
            .body()
            .json::<Value>()
            .ok()
            .and_then(|v| v["error"]["innererror"]["code"].as_str().map(str::to_string))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn vault_id() -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}"
    )
}

/// Consents Anthropic's app and grants its service principal Crypto User on `key`, created at
/// `created_ms` (0: long propagated).
fn grant_anthropic(az: &RunningAzure, key: &str, created_ms: i64) -> String {
    let sp = az.consent_anthropic();
    az.with_state(|s| {
        s.add_role_assignment_at(
            &format!("{}/keys/{key}", vault_id()),
            KEY_VAULT_CRYPTO_USER,
            &sp,
            "ServicePrincipal",
            created_ms,
        )
    });
    sp
}

#[tokio::test]
async fn official_client_creates_reads_updates_wraps_and_unwraps() {
    let az = emulator().await;
    let client = key_client(&az, &az.customer());
    let key = client
        .create_key("cmek", cmek_key_parameters(&[("owner", "platform")]).try_into().unwrap(), None)
        .await
        .unwrap()
        .into_model()
        .unwrap();
    let id = key.resource_id().unwrap();
    assert_eq!(id.name, "cmek");
    let version = id.version.clone().unwrap();
    let jwk = key.key.as_ref().unwrap();
    assert_eq!(jwk.kty, Some(KeyType::Rsa));
    assert_eq!(jwk.n.as_ref().unwrap().len(), 384);
    assert_eq!(jwk.key_ops.as_ref().unwrap(), &vec!["wrapKey".to_string(), "unwrapKey".to_string()]);

    let got = client
        .get_key("cmek", Some(KeyClientGetKeyOptions { key_version: Some(version.clone()), ..Default::default() }))
        .await
        .unwrap()
        .into_model()
        .unwrap();
    assert_eq!(got.tags.unwrap()["owner"], "platform");

    // Tags REPLACE the whole set.
    let update = UpdateKeyPropertiesParameters {
        tags: Some(HashMap::from([("anthropic-org-1".to_string(), "true".to_string())])),
        ..Default::default()
    };
    let updated =
        client.update_key_properties("cmek", update.try_into().unwrap(), None).await.unwrap().into_model().unwrap();
    assert_eq!(updated.tags.unwrap(), HashMap::from([("anthropic-org-1".to_string(), "true".to_string())]));

    let dek = [7u8; 32];
    let wrapped =
        client.wrap_key("cmek", wrap_parameters(&dek).try_into().unwrap(), None).await.unwrap().into_model().unwrap();
    let ciphertext = wrapped.result.clone().unwrap();
    assert_eq!(ciphertext.len(), 384);
    let unwrapped = client
        .unwrap_key("cmek", &version, wrap_parameters(&ciphertext).try_into().unwrap(), None)
        .await
        .unwrap()
        .into_model()
        .unwrap();
    assert_eq!(unwrapped.result.unwrap(), dek);
    az.shutdown().await.unwrap();
}

#[tokio::test]
async fn first_request_without_token_gets_the_challenge() {
    let az = emulator().await;
    let response = http(&az).get(format!("{}/keys?api-version=7.5", az.vault_url(VAULT_NAME))).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert_eq!(
        challenge,
        format!(
            r#"Bearer authorization="https://login.microsoftonline.com/{CUSTOMER_TENANT}", resource="https://vault.azure.net""#
        )
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Unauthorized");

    // A token for another audience is refused too.
    let arm_token = token(&az, &az.customer(), "https://management.azure.com/.default").await;
    let response = http(&az)
        .get(format!("{}/keys?api-version=7.5", az.vault_url(VAULT_NAME)))
        .bearer_auth(arm_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

async fn token(az: &RunningAzure, who: &ClientCredentials, scope: &str) -> String {
    credential(az, who).get_token(&[scope], None).await.unwrap().token.secret().to_string()
}

#[tokio::test]
async fn anthropic_needs_consent_then_role_then_propagation() {
    let az = emulator().await;
    let anthropic = az.anthropic();
    // No service principal in the customer tenant: no token.
    let err = credential(&az, &anthropic).get_token(&["https://vault.azure.net/.default"], None).await.unwrap_err();
    assert!(format!("{err:?}").contains("AADSTS700016"), "{err:?}");

    az.seed_key(SeedAzureKey::cmek("cmek")).unwrap();
    az.set_propagation_delay(Duration::from_millis(1500));
    let sp = az.consent_anthropic();
    az.add_role_assignment(&format!("{}/keys/cmek", vault_id()), KEY_VAULT_CRYPTO_USER, &sp);
    let client = key_client(&az, &az.anthropic());
    let err = client.wrap_key("cmek", wrap_parameters(&[1u8; 32]).try_into().unwrap(), None).await.unwrap_err();
    assert_eq!(inner_code(&err), "ForbiddenByRbac", "{err:?}");
    assert_eq!(err.http_status().map(u16::from), Some(403));

    tokio::time::sleep(Duration::from_millis(1600)).await;
    let wrapped = client
        .wrap_key("cmek", wrap_parameters(&[1u8; 32]).try_into().unwrap(), None)
        .await
        .unwrap()
        .into_model()
        .unwrap();
    assert!(wrapped.result.is_some());
    // Crypto User cannot create keys.
    let err = client.create_key("other", cmek_key_parameters(&[]).try_into().unwrap(), None).await.unwrap_err();
    assert_eq!(inner_code(&err), "ForbiddenByRbac");
}

#[tokio::test]
async fn firewall_and_public_access_refuse_callers() {
    let az = emulator().await;
    az.seed_key(SeedAzureKey::cmek("cmek")).unwrap();
    grant_anthropic(&az, "cmek", 0);
    let client = key_client(&az, &az.anthropic());
    assert!(client.get_key("cmek", None).await.is_ok());

    // An ipRule set without Anthropic's range.
    az.with_state(|s| s.vault_mut(VAULT_NAME).unwrap().network_acls.ip_rules = vec!["203.0.113.10".to_string()]);
    let err = client.get_key("cmek", None).await.unwrap_err();
    assert_eq!(inner_code(&err), "ForbiddenByFirewall");
    assert!(key_client(&az, &az.customer()).get_key("cmek", None).await.is_ok());

    az.with_state(|s| s.vault_mut(VAULT_NAME).unwrap().network_acls.default_action = "Allow".to_string());
    assert!(client.get_key("cmek", None).await.is_ok());

    az.with_state(|s| s.vault_mut(VAULT_NAME).unwrap().public_network_access = "Disabled".to_string());
    let err = client.get_key("cmek", None).await.unwrap_err();
    assert_eq!(inner_code(&err), "ForbiddenByConnection");
}

#[tokio::test]
async fn disabled_expired_and_wrong_ops_keys_refuse_crypto() {
    let az = emulator().await;
    let mut disabled = SeedAzureKey::cmek("disabled");
    disabled.enabled = false;
    let mut expired = SeedAzureKey::cmek("expired");
    expired.exp = Some(chrono::Utc::now().timestamp() - 10);
    let mut future = SeedAzureKey::cmek("future");
    future.nbf = Some(chrono::Utc::now().timestamp() + 3600);
    let mut sign_only = SeedAzureKey::cmek("signonly");
    sign_only.key_ops = vec!["sign".to_string()];
    for key in [disabled, expired, future, sign_only] {
        az.seed_key(key).unwrap();
    }
    let client = key_client(&az, &az.customer());
    for (name, inner) in [
        ("disabled", "KeyDisabled"),
        ("expired", "KeyExpired"),
        ("future", "KeyNotYetValid"),
        ("signonly", "KeyOperationForbidden"),
    ] {
        let err = client.wrap_key(name, wrap_parameters(&[2u8; 32]).try_into().unwrap(), None).await.unwrap_err();
        assert_eq!(inner_code(&err), inner, "{name}");
    }
}

#[tokio::test]
async fn key_creation_is_validated() {
    let az = emulator().await;
    let client = key_client(&az, &az.customer());
    let mut too_many = cmek_key_parameters(&[]);
    too_many.tags = Some((0..16).map(|i| (format!("t{i}"), "v".to_string())).collect());
    let err = client.create_key("k", too_many.try_into().unwrap(), None).await.unwrap_err();
    assert_eq!(err.http_status().map(u16::from), Some(400));
    let mut hsm = cmek_key_parameters(&[]);
    hsm.kty = Some(KeyType::RsaHsm);
    let err = client.create_key("k", hsm.try_into().unwrap(), None).await.unwrap_err();
    assert!(format!("{err:?}").contains("Premium"), "{err:?}");
    let mut odd = cmek_key_parameters(&[]);
    odd.key_size = Some(1024);
    assert!(client.create_key("k", odd.try_into().unwrap(), None).await.is_err());
}

#[tokio::test]
async fn state_round_trips_through_serde_without_leaking_secrets_in_debug() {
    let az = emulator().await;
    az.seed_key(SeedAzureKey::cmek("cmek")).unwrap();
    let state = az.state();
    let text = serde_json::to_string(&state).unwrap();
    let back: cmek_sandbox::azure::AzureState = serde_json::from_str(&text).unwrap();
    assert_eq!(back.vaults[0].keys.len(), 1);
    let debug = format!("{state:?}");
    assert!(!debug.contains(cmek_sandbox::azure::CUSTOMER_SECRET));
    assert!(debug.contains("redacted"));
}

#[tokio::test]
async fn official_client_retries_through_injected_faults() {
    let mut config = AzureEmulatorConfig::new();
    config.faults = cmek_sandbox::azure::Faults { error_share: 0.5 };
    let az = start(config).await.unwrap();
    let client = key_client(&az, &az.customer());
    for i in 0..3 {
        let name = format!("k{i}");
        client.create_key(&name, cmek_key_parameters(&[]).try_into().unwrap(), None).await.unwrap();
        client.wrap_key(&name, wrap_parameters(&[3u8; 32]).try_into().unwrap(), None).await.unwrap();
    }
}

#[tokio::test]
async fn a_token_from_another_tenant_or_signer_is_refused() {
    let az = emulator().await;
    // Anthropic's app in its own (publisher) tenant: a valid token, but not for this vault's tenant.
    let mut home = az.anthropic();
    home.tenant_id = cmek_sandbox::azure::ANTHROPIC_TENANT.to_string();
    let home_token = token(&az, &home, "https://vault.azure.net/.default").await;
    let url = format!("{}/keys?api-version=7.5", az.vault_url(VAULT_NAME));
    let response = http(&az).get(&url).bearer_auth(&home_token).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("AKV10032"), "{body}");

    // A token signed by another emulator.
    let other = emulator().await;
    let foreign = token(&other, &other.customer(), "https://vault.azure.net/.default").await;
    let response = http(&az).get(&url).bearer_auth(&foreign).send().await.unwrap();
    assert_eq!(response.status(), 401);
    // The emulator's own customer token works.
    let mine = token(&az, &az.customer(), "https://vault.azure.net/.default").await;
    assert_eq!(http(&az).get(&url).bearer_auth(&mine).send().await.unwrap().status(), 200);
}
