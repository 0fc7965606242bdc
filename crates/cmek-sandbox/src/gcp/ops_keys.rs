//! cryptoKeys: create (`cryptoKeyId`, `skipInitialVersionCreation`; version 1 ENABLED and
//! primary unless skipped), get, list, patch with `updateMask` (labels REPLACE the whole map, as
//! Google does: clients must read, merge and write), updatePrimaryVersion. Keys cannot be deleted.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::call::{Call, list_answer};
use super::crypto;
use super::enums::{Algorithm, ProtectionLevel, Purpose, VersionState};
use super::errors::{GResult, GoogleError};
use super::iam;
use super::key_input::{DEFAULT_DESTROY_SCHEDULED, KeyInput};
use super::names::{CryptoKeyName, KeyRingName, check_id, check_location};
use super::pagination::page;
use super::state::{CryptoKey, CryptoKeyVersion, Policy, VersionTemplate};
use super::wire::{crypto_key_json, field, parse_bool, parse_int64};
use crate::secret::Secret;

fn is_external(level: ProtectionLevel) -> bool {
    matches!(level, ProtectionLevel::External | ProtectionLevel::ExternalVpc)
}

/// A new version with fresh material, in `state`.
pub fn new_version(
    id: u32,
    template: VersionTemplate,
    state: VersionState,
    now: DateTime<Utc>,
) -> GResult<CryptoKeyVersion> {
    let material = crypto::new_material().map_err(|_| GoogleError::internal("Key generation failed."))?;
    Ok(CryptoKeyVersion {
        id,
        state,
        protection_level: template.protection_level,
        algorithm: template.algorithm,
        create_time: now,
        generate_time: Some(now),
        destroy_time: None,
        destroy_event_time: None,
        material: Some(Secret::new(super::wire::b64(&material))),
    })
}

/// The version template a new key gets: what was asked, with Cloud KMS's defaults and pairings.
fn template(input: &KeyInput, purpose: Purpose, skip: bool) -> GResult<VersionTemplate> {
    let protection_level = match input.protection_level {
        None | Some(ProtectionLevel::Unspecified) => ProtectionLevel::Software,
        Some(level) => level,
    };
    let algorithm = match input.algorithm {
        Some(a) if a != Algorithm::Unspecified => a,
        _ if purpose == Purpose::EncryptDecrypt && is_external(protection_level) => {
            Algorithm::ExternalSymmetricEncryption
        }
        _ if purpose == Purpose::EncryptDecrypt => Algorithm::GoogleSymmetricEncryption,
        _ => {
            return Err(GoogleError::invalid_argument(format!(
                "CryptoKey.version_template.algorithm must be specified for keys with purpose {purpose}."
            )));
        }
    };
    if algorithm.purpose() != purpose {
        return Err(GoogleError::invalid_argument(format!(
            "The algorithm {algorithm} is not valid for a CryptoKey with purpose {purpose}."
        )));
    }
    if is_external(protection_level) != (algorithm == Algorithm::ExternalSymmetricEncryption) {
        return Err(GoogleError::invalid_argument(format!(
            "The algorithm {algorithm} is not valid for protection level {protection_level}."
        )));
    }
    if is_external(protection_level) && !skip {
        return Err(GoogleError::invalid_argument(
            "Keys with protection level EXTERNAL or EXTERNAL_VPC must be created with skip_initial_version_creation.",
        ));
    }
    Ok(VersionTemplate { protection_level, algorithm })
}

pub fn create(call: &mut Call, ring: &KeyRingName) -> GResult<Value> {
    check_location(ring.project(), &ring.parent.location)?;
    call.on_ring(ring, iam::KEYS_CREATE)?;
    let id = call.req.param("cryptoKeyId").unwrap_or_default().to_string();
    check_id("crypto_key_id", &id)?;
    let skip = match call.req.param("skipInitialVersionCreation") {
        Some(v) => parse_bool(&Value::from(v), "skip_initial_version_creation")?,
        None => false,
    };
    let input = KeyInput::read(&call.req.json()?)?;
    let purpose = input
        .purpose
        .filter(|p| *p != Purpose::Unspecified)
        .ok_or_else(|| GoogleError::invalid_argument("CryptoKey.purpose must be specified."))?;
    let template = template(&input, purpose, skip)?;
    let import_only = input.import_only.unwrap_or(false);
    if import_only && !skip {
        return Err(GoogleError::invalid_argument(
            "Import-only CryptoKeys must be created with skip_initial_version_creation.",
        ));
    }
    if input.rotation_period.is_some() && purpose != Purpose::EncryptDecrypt {
        return Err(GoogleError::invalid_argument("Automatic rotation is only supported for ENCRYPT_DECRYPT keys."));
    }
    call.ring(ring)?;
    let name = CryptoKeyName { ring: ring.clone(), key: id.clone() };
    if call.state.crypto_key(&name).is_some() {
        return Err(GoogleError::already_exists(format!("CryptoKey {name} already exists.")));
    }
    let now = call.now;
    let versions = if skip { Vec::new() } else { vec![new_version(1, template, VersionState::Enabled, now)?] };
    let key = CryptoKey {
        crypto_key_id: id,
        create_time: now,
        purpose,
        labels: input.labels.unwrap_or_default(),
        rotation_period_secs: input.rotation_period,
        next_rotation_time: input.next_rotation_time,
        version_template: template,
        import_only,
        destroy_scheduled_duration_secs: input.destroy_scheduled_duration.unwrap_or(DEFAULT_DESTROY_SCHEDULED),
        // Only symmetric keys have a primary version.
        primary: (!skip && purpose == Purpose::EncryptDecrypt).then_some(1),
        versions,
        iam_policy: Policy::empty(),
    };
    let answer = crypto_key_json(&name, &key, call.form);
    let target =
        call.state.key_ring_mut(ring).ok_or_else(|| GoogleError::not_found(format!("KeyRing {ring} not found.")))?;
    target.crypto_keys.push(key);
    Ok(answer)
}

pub fn get(call: &Call, name: &CryptoKeyName) -> GResult<Value> {
    check_location(name.project(), &name.ring.parent.location)?;
    call.on_key(name, iam::KEYS_GET, &name.to_string())?;
    Ok(crypto_key_json(name, call.key(name)?, call.form))
}

pub fn list(call: &Call, ring: &KeyRingName) -> GResult<Value> {
    check_location(ring.project(), &ring.parent.location)?;
    call.on_ring(ring, iam::KEYS_LIST)?;
    let keys: Vec<(CryptoKeyName, &CryptoKey)> = call
        .ring(ring)?
        .crypto_keys
        .iter()
        .map(|k| (CryptoKeyName { ring: ring.clone(), key: k.crypto_key_id.clone() }, k))
        .collect();
    let page = page(keys, |(n, _)| n.to_string(), call.req)?;
    let items = page.items.iter().map(|(n, k)| crypto_key_json(n, k, call.form)).collect();
    Ok(list_answer("cryptoKeys", items, page.next_page_token, page.total_size))
}

/// PATCH with `updateMask`: each named field takes the body's value, or is cleared when the body
/// has none (so `labels` in the mask REPLACES the whole map).
pub fn patch(call: &mut Call, name: &CryptoKeyName) -> GResult<Value> {
    check_location(name.project(), &name.ring.parent.location)?;
    call.on_key(name, iam::KEYS_UPDATE, &name.to_string())?;
    let mask = call.update_mask()?;
    let input = KeyInput::read(&call.req.json()?)?;
    let key = call.key(name)?;
    let mut updated = key.clone();
    for path in &mask {
        match path.as_str() {
            "labels" => updated.labels = input.labels.clone().unwrap_or_default(),
            "rotationPeriod" => {
                if input.rotation_period.is_some() && key.purpose != Purpose::EncryptDecrypt {
                    return Err(GoogleError::invalid_argument(
                        "Automatic rotation is only supported for ENCRYPT_DECRYPT keys.",
                    ));
                }
                updated.rotation_period_secs = input.rotation_period;
            }
            "nextRotationTime" => updated.next_rotation_time = input.next_rotation_time,
            "versionTemplate" | "versionTemplate.algorithm" | "versionTemplate.protectionLevel" => {
                let algorithm =
                    input.algorithm.filter(|a| *a != Algorithm::Unspecified).unwrap_or(key.version_template.algorithm);
                if algorithm.purpose() != key.purpose {
                    return Err(GoogleError::invalid_argument(format!(
                        "The algorithm {algorithm} is not valid for a CryptoKey with purpose {}.",
                        key.purpose
                    )));
                }
                if input
                    .protection_level
                    .is_some_and(|l| l != ProtectionLevel::Unspecified && l != key.version_template.protection_level)
                {
                    return Err(GoogleError::invalid_argument(
                        "CryptoKey.version_template.protection_level cannot be changed after creation.",
                    ));
                }
                updated.version_template.algorithm = algorithm;
            }
            other => {
                return Err(GoogleError::invalid_argument(format!(
                    "The update_mask path '{other}' is not supported: updatable fields are labels, rotation_period, \
                     next_rotation_time and version_template.algorithm."
                )));
            }
        }
    }
    let answer = crypto_key_json(name, &updated, call.form);
    *call.key_mut(name)? = updated;
    Ok(answer)
}

/// `:updatePrimaryVersion` with `{"cryptoKeyVersionId": "2"}`: the version must be ENABLED.
pub fn update_primary(call: &mut Call, name: &CryptoKeyName) -> GResult<Value> {
    call.on_key(name, iam::KEYS_UPDATE, &name.to_string())?;
    let body = call.req.json()?;
    super::wire::check_fields(&body, "update_crypto_key_primary_version_request", &["name", "cryptoKeyVersionId"])?;
    let raw = field(&body, "cryptoKeyVersionId")
        .ok_or_else(|| GoogleError::invalid_argument("crypto_key_version_id must be specified."))?;
    let id = parse_int64(raw, "crypto_key_version_id")
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| GoogleError::invalid_argument(format!("Invalid crypto_key_version_id {raw}.")))?;
    let key = call.key(name)?;
    if key.purpose != Purpose::EncryptDecrypt {
        return Err(GoogleError::failed_precondition(format!(
            "{name} has purpose {}; only ENCRYPT_DECRYPT keys have a primary version.",
            key.purpose
        )));
    }
    let version = key
        .version(id)
        .ok_or_else(|| GoogleError::not_found(format!("CryptoKeyVersion {} not found.", name.version(id))))?;
    if version.state != VersionState::Enabled {
        return Err(GoogleError::failed_precondition(format!(
            "{} is not enabled, current state is: {}.",
            name.version(id),
            version.state
        )));
    }
    let form = call.form;
    let key = call.key_mut(name)?;
    key.primary = Some(id);
    Ok(crypto_key_json(name, key, form))
}
