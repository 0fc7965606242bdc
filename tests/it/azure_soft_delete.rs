//! The Azure emulator's soft-delete bin through the OFFICIAL Rust `KeyClient`: delete answers a
//! DeletedKeyBundle, the deleted key can be read and recovered, its name cannot be reused while
//! it is in the bin, purge is refused under purge protection, and RBAC names the bin's actions.

use azure_security_keyvault_keys::models::{CreateKeyParameters, KeyOperation, KeyType};
use cmek_sandbox::azure::roles::KEY_VAULT_CRYPTO_USER;
use cmek_sandbox::azure::{SUBSCRIPTION_ID, SeedAzureKey, VAULT_NAME};
use serde_json::Value;

use super::azure_emulator::{emulator, inner_code, key_client};

fn error_body(err: &azure_core::Error) -> Value {
    match err.kind() {
        azure_core::error::ErrorKind::HttpResponse { raw_response: Some(raw), .. } => {
            raw.body().json::<Value>().unwrap_or_default()
        }
        _ => Value::Null,
    }
}

fn rsa_3072() -> CreateKeyParameters {
    CreateKeyParameters {
        kty: Some(KeyType::Rsa),
        key_size: Some(3072),
        key_ops: Some(vec![KeyOperation::WrapKey, KeyOperation::UnwrapKey]),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_deleted_key_waits_in_the_bin_blocks_its_name_and_comes_back_on_recover() {
    let az = emulator().await;
    az.seed_key(SeedAzureKey::cmek("anthropic-cmek")).unwrap();
    let client = key_client(&az, &az.customer());
    let before = client.get_key("anthropic-cmek", None).await.unwrap().into_model().unwrap();

    let deleted = client.delete_key("anthropic-cmek", None).await.unwrap().into_model().unwrap();
    let recovery_id = deleted.recovery_id.clone().unwrap();
    assert!(recovery_id.ends_with("/deletedkeys/anthropic-cmek"), "{recovery_id}");
    let (deleted_at, purge_at) = (deleted.deleted_date.unwrap(), deleted.scheduled_purge_date.unwrap());
    assert_eq!((purge_at - deleted_at).whole_days(), 90);
    assert_eq!(deleted.key.unwrap().kid, before.key.as_ref().unwrap().kid);

    let err = client.get_key("anthropic-cmek", None).await.unwrap_err();
    assert_eq!(error_body(&err)["error"]["code"], "KeyNotFound");
    let in_bin = client.get_deleted_key("anthropic-cmek", None).await.unwrap().into_model().unwrap();
    assert_eq!(in_bin.recovery_id.as_deref(), Some(recovery_id.as_str()));

    let err = client.create_key("anthropic-cmek", rsa_3072().try_into().unwrap(), None).await.unwrap_err();
    assert_eq!(err.http_status().map(u16::from), Some(409));
    assert_eq!(
        error_body(&err)["error"]["message"],
        "Key anthropic-cmek is currently in a deleted but recoverable state, and its name cannot be reused; in this \
         state, the key can be recovered or purged."
    );
    let err = client.purge_deleted_key("anthropic-cmek", None).await.unwrap_err();
    assert_eq!(err.http_status().map(u16::from), Some(403), "purge protection is on in the seeded vault");

    let recovered = client.recover_deleted_key("anthropic-cmek", None).await.unwrap().into_model().unwrap();
    assert_eq!(recovered.key.unwrap().kid, before.key.unwrap().kid, "every version comes back");
    assert!(client.get_key("anthropic-cmek", None).await.is_ok());
    assert_eq!(
        client.get_deleted_key("anthropic-cmek", None).await.unwrap_err().http_status().map(u16::from),
        Some(404)
    );
}

#[tokio::test]
async fn the_bin_has_its_own_rbac_actions() {
    let az = emulator().await;
    az.seed_key(SeedAzureKey::cmek("anthropic-cmek")).unwrap();
    let sp = az.consent_anthropic();
    let vault = format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}"
    );
    az.add_role_assignment(&vault, KEY_VAULT_CRYPTO_USER, &sp);
    let anthropic = key_client(&az, &az.anthropic());
    let err = anthropic.delete_key("anthropic-cmek", None).await.unwrap_err();
    assert_eq!(inner_code(&err), "ForbiddenByRbac");
    assert!(error_body(&err)["error"]["message"].as_str().unwrap().contains("Microsoft.KeyVault/vaults/keys/delete"));

    az.soft_delete_key(VAULT_NAME, "anthropic-cmek").unwrap();
    let err = anthropic.get_deleted_key("anthropic-cmek", None).await.unwrap_err();
    assert!(
        error_body(&err)["error"]["message"].as_str().unwrap().contains("Microsoft.KeyVault/vaults/deletedKeys/read")
    );
    let err = anthropic.recover_deleted_key("anthropic-cmek", None).await.unwrap_err();
    let message = error_body(&err)["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains("Microsoft.KeyVault/vaults/deletedKeys/recover/action"), "{message}");
}
