//! The soft-delete bin of a vault, in Key Vault's shapes: DELETE /keys/{name} (a DeletedKeyBundle
//! with recoveryId, deletedDate and scheduledPurgeDate), GET /deletedkeys[/{name}], POST
//! /deletedkeys/{name}/recover, DELETE /deletedkeys/{name} (purge, refused under purge
//! protection). A name in the bin cannot be reused until it is recovered or purged.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::keys::{KeyRef, KvError, attributes, bundle, not_found};
use super::state::{DeletedKey, Vault};

/// How long a deleted key stays recoverable (the vault default, and the only value here).
pub const RETENTION_DAYS: i64 = 90;

/// 409 for a create whose name is in the bin.
pub fn name_in_bin(name: &str) -> KvError {
    KvError {
        status: StatusCode::CONFLICT,
        code: "Conflict",
        message: format!(
            "Key {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can be recovered or purged."
        ),
        inner: Some("ObjectIsDeletedButRecoverable"),
    }
}

fn deleted_not_found(name: &str) -> KvError {
    KvError {
        status: StatusCode::NOT_FOUND,
        code: "KeyNotFound",
        message: format!("Deleted Key not found: {name}"),
        inner: None,
    }
}

/// A DeletedKeyBundle: the key's current version plus where and until when it can be recovered.
fn deleted_bundle(vault: &Vault, base: &str, deleted: &DeletedKey) -> Result<Value, KvError> {
    let name = &deleted.key.name;
    let current = deleted.key.version(None).ok_or_else(|| deleted_not_found(name))?;
    let mut out = bundle(vault, base, name, current)?;
    out["recoveryId"] = json!(format!("{base}/deletedkeys/{name}"));
    out["deletedDate"] = json!(deleted.deleted_date);
    out["scheduledPurgeDate"] = json!(deleted.scheduled_purge_date);
    Ok(out)
}

/// `DELETE /keys/{name}`: into the bin when soft delete is on, gone otherwise.
pub fn delete(vault: &mut Vault, base: &str, name: &str, now: i64) -> Result<Value, KvError> {
    let index = vault
        .keys
        .iter()
        .position(|k| k.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| not_found(&KeyRef { name: name.to_string(), version: None }))?;
    let key = vault.keys.remove(index);
    if !vault.enable_soft_delete {
        let current = key.version(None).ok_or_else(|| deleted_not_found(name))?;
        return bundle(vault, base, &key.name, current);
    }
    let deleted = DeletedKey { key, deleted_date: now, scheduled_purge_date: now + RETENTION_DAYS * 86_400 };
    let out = deleted_bundle(vault, base, &deleted)?;
    vault.deleted_keys.push(deleted);
    Ok(out)
}

/// `GET /deletedkeys/{name}`.
pub fn get(vault: &Vault, base: &str, name: &str) -> Result<Value, KvError> {
    let deleted = vault.deleted_key(name).ok_or_else(|| deleted_not_found(name))?;
    deleted_bundle(vault, base, deleted)
}

/// `GET /deletedkeys`: DeletedKeyItems (no paging: a vault here holds few keys).
pub fn list(vault: &Vault, base: &str) -> Value {
    let items: Vec<Value> = vault
        .deleted_keys
        .iter()
        .filter_map(|d| {
            let v = d.key.version(None)?;
            let name = &d.key.name;
            let mut item = json!({
                "kid": format!("{base}/keys/{name}"),
                "attributes": attributes(vault, v),
                "recoveryId": format!("{base}/deletedkeys/{name}"),
                "deletedDate": d.deleted_date,
                "scheduledPurgeDate": d.scheduled_purge_date,
            });
            if !v.tags.is_empty() {
                item["tags"] = json!(v.tags);
            }
            Some(item)
        })
        .collect();
    json!({ "value": items, "nextLink": null })
}

/// `POST /deletedkeys/{name}/recover`: back among the keys, every version intact.
pub fn recover(vault: &mut Vault, base: &str, name: &str) -> Result<Value, KvError> {
    let index = vault
        .deleted_keys
        .iter()
        .position(|d| d.key.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| deleted_not_found(name))?;
    let key = vault.deleted_keys.remove(index).key;
    let current = key.version(None).ok_or_else(|| deleted_not_found(name))?;
    let out = bundle(vault, base, &key.name, current)?;
    vault.keys.push(key);
    Ok(out)
}

/// `DELETE /deletedkeys/{name}`: refused while purge protection is on, as Key Vault does.
pub fn purge(vault: &mut Vault, name: &str) -> Result<(), KvError> {
    if vault.deleted_key(name).is_none() {
        return Err(deleted_not_found(name));
    }
    if vault.enable_purge_protection == Some(true) {
        return Err(KvError {
            status: StatusCode::FORBIDDEN,
            code: "Forbidden",
            message: "Operation \"purge\" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.".to_string(),
            inner: Some("PurgeProtectionEnabled"),
        });
    }
    vault.deleted_keys.retain(|d| !d.key.name.eq_ignore_ascii_case(name));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::seed::{SeedAzureKey, seed_key};
    use crate::azure::state::AzureState;
    use crate::azure::{VAULT_NAME, keys};

    const BASE: &str = "https://cmek-sandbox.vault.azure.net:1";

    #[test]
    fn delete_recover_and_the_name_in_between() {
        let mut state = AzureState::seeded();
        seed_key(&mut state, SeedAzureKey::cmek("k")).unwrap();
        let vault = state.vault_mut(VAULT_NAME).unwrap();
        let bundle = delete(vault, BASE, "k", 1_000).unwrap();
        assert_eq!(bundle["recoveryId"], format!("{BASE}/deletedkeys/k"));
        assert_eq!(bundle["deletedDate"], 1_000);
        assert_eq!(bundle["scheduledPurgeDate"], 1_000 + 90 * 86_400);
        assert!(bundle["key"]["kid"].as_str().unwrap().starts_with(&format!("{BASE}/keys/k/")));
        assert!(vault.key("k").is_none());
        assert_eq!(get(vault, BASE, "k").unwrap()["recoveryId"], bundle["recoveryId"]);
        assert_eq!(list(vault, BASE)["value"].as_array().unwrap().len(), 1);

        let body = json!({"kty": "RSA", "key_size": 2048});
        let conflict = keys::create(vault, BASE, "k", &body, 2_000).unwrap_err();
        assert_eq!((conflict.status, conflict.inner), (StatusCode::CONFLICT, Some("ObjectIsDeletedButRecoverable")));
        assert!(conflict.message.starts_with("Key k is currently in a deleted but recoverable state"));
        assert_eq!(purge(vault, "k").unwrap_err().inner, Some("PurgeProtectionEnabled"));

        let recovered = recover(vault, BASE, "k").unwrap();
        assert_eq!(recovered["key"]["kid"], bundle["key"]["kid"]);
        assert!(vault.key("k").is_some() && vault.deleted_keys.is_empty());
        assert_eq!(recover(vault, BASE, "k").unwrap_err().status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn without_purge_protection_a_deleted_key_can_be_purged_and_without_soft_delete_it_is_gone() {
        let mut state = AzureState::seeded();
        seed_key(&mut state, SeedAzureKey::cmek("k")).unwrap();
        seed_key(&mut state, SeedAzureKey::cmek("j")).unwrap();
        let vault = state.vault_mut(VAULT_NAME).unwrap();
        vault.enable_purge_protection = None;
        delete(vault, BASE, "k", 1).unwrap();
        purge(vault, "k").unwrap();
        assert!(vault.deleted_keys.is_empty());
        vault.enable_soft_delete = false;
        let gone = delete(vault, BASE, "j", 1).unwrap();
        assert!(gone.get("recoveryId").is_none());
        assert!(vault.deleted_keys.is_empty() && vault.key("j").is_none());
    }
}
