//! cryptoKeyVersions: list, get, create (a new ENABLED version, not made primary), patch
//! (`updateMask=state`: ENABLED <-> DISABLED only), destroy (DESTROY_SCHEDULED, destroyed after
//! the key's destroyScheduledDuration) and restore (back to DISABLED), as the GCP-04/05 fixes use.

use chrono::Duration;
use serde_json::Value;

use super::call::{Call, list_answer};
use super::enums::{ProtectionLevel, VersionState};
use super::errors::{GResult, GoogleError};
use super::iam;
use super::names::{CryptoKeyName, VersionName, check_location};
use super::ops_keys::new_version;
use super::pagination::page;
use super::state::CryptoKeyVersion;
use super::wire::{check_fields, field, version_json};

const VERSION_FIELDS: &[&str] = &[
    "name",
    "state",
    "protectionLevel",
    "algorithm",
    "createTime",
    "generateTime",
    "destroyTime",
    "destroyEventTime",
    "attestation",
    "importJob",
    "importTime",
    "importFailureReason",
    "generationFailureReason",
    "externalDestructionFailureReason",
    "reimportEligible",
    "externalProtectionLevelOptions",
];

fn not_found(name: &VersionName) -> GoogleError {
    GoogleError::not_found(format!("CryptoKeyVersion {name} not found."))
}

fn version<'a>(call: &'a Call, name: &VersionName) -> GResult<&'a CryptoKeyVersion> {
    call.key(&name.key)?.version(name.version).ok_or_else(|| not_found(name))
}

pub fn list(call: &Call, key: &CryptoKeyName) -> GResult<Value> {
    check_location(key.project(), &key.ring.parent.location)?;
    call.on_key(key, iam::VERSIONS_LIST, &key.to_string())?;
    let versions: Vec<&CryptoKeyVersion> = call.key(key)?.versions.iter().collect();
    // Sorted by number, not by name (version 10 comes after 9).
    let page = page(versions, |v| format!("{:010}", v.id), call.req)?;
    let items = page.items.iter().map(|v| version_json(key, v, call.form)).collect();
    Ok(list_answer("cryptoKeyVersions", items, page.next_page_token, page.total_size))
}

pub fn get(call: &Call, name: &VersionName) -> GResult<Value> {
    check_location(name.key.project(), &name.key.ring.parent.location)?;
    call.on_key(&name.key, iam::VERSIONS_GET, &name.to_string())?;
    Ok(version_json(&name.key, version(call, name)?, call.form))
}

pub fn create(call: &mut Call, key_name: &CryptoKeyName) -> GResult<Value> {
    call.on_key(key_name, iam::VERSIONS_CREATE, &key_name.to_string())?;
    check_fields(&call.req.json()?, "crypto_key_version", VERSION_FIELDS)?;
    let key = call.key(key_name)?;
    if key.import_only {
        return Err(GoogleError::failed_precondition(format!("{key_name} is import-only: import a version instead.")));
    }
    if matches!(key.version_template.protection_level, ProtectionLevel::External | ProtectionLevel::ExternalVpc) {
        return Err(GoogleError::failed_precondition(format!(
            "{key_name} has protection level {}: its versions need an external key, which the sandbox does not emulate.",
            key.version_template.protection_level
        )));
    }
    let version = new_version(key.next_version_id(), key.version_template, VersionState::Enabled, call.now)?;
    let form = call.form;
    let answer = version_json(key_name, &version, form);
    call.key_mut(key_name)?.versions.push(version);
    Ok(answer)
}

/// `updateMask=state` with `{"state": "ENABLED"|"DISABLED"}`.
pub fn patch(call: &mut Call, name: &VersionName) -> GResult<Value> {
    call.on_key(&name.key, iam::VERSIONS_UPDATE, &name.to_string())?;
    let mask = call.update_mask()?;
    if let Some(other) = mask.iter().find(|p| *p != "state") {
        return Err(GoogleError::invalid_argument(format!(
            "The update_mask path '{other}' is not supported for a CryptoKeyVersion: only state can be updated."
        )));
    }
    let body = call.req.json()?;
    check_fields(&body, "crypto_key_version", VERSION_FIELDS)?;
    let wanted = match field(&body, "state") {
        None => VersionState::Unspecified,
        Some(v) => VersionState::from_json(v).ok_or_else(|| {
            GoogleError::invalid_argument(format!(
                "Invalid value at 'crypto_key_version.state' \
                 (type.googleapis.com/google.cloud.kms.v1.CryptoKeyVersion.CryptoKeyVersionState), {v}"
            ))
        })?,
    };
    if !matches!(wanted, VersionState::Enabled | VersionState::Disabled) {
        return Err(GoogleError::invalid_argument(format!(
            "CryptoKeyVersion.state can only be updated to ENABLED or DISABLED, not {wanted}."
        )));
    }
    let current = version(call, name)?.state;
    if !matches!(current, VersionState::Enabled | VersionState::Disabled) {
        return Err(GoogleError::failed_precondition(format!(
            "{name} is in state {current}; only ENABLED and DISABLED versions can be enabled or disabled \
             (restore a version scheduled for destruction first)."
        )));
    }
    let form = call.form;
    let key = call.key_mut(&name.key)?;
    let v = key.version_mut(name.version).ok_or_else(|| not_found(name))?;
    v.state = wanted;
    Ok(version_json(&name.key, v, form))
}

pub fn destroy(call: &mut Call, name: &VersionName) -> GResult<Value> {
    call.on_key(&name.key, iam::VERSIONS_DESTROY, &name.to_string())?;
    check_fields(&call.req.json()?, "destroy_crypto_key_version_request", &["name"])?;
    let current = version(call, name)?.state;
    if !matches!(current, VersionState::Enabled | VersionState::Disabled) {
        return Err(GoogleError::failed_precondition(format!(
            "{name} is in state {current} and cannot be scheduled for destruction."
        )));
    }
    let (now, form) = (call.now, call.form);
    let key = call.key_mut(&name.key)?;
    let after = Duration::seconds(key.destroy_scheduled_duration_secs);
    let v = key.version_mut(name.version).ok_or_else(|| not_found(name))?;
    v.state = VersionState::DestroyScheduled;
    v.destroy_time = Some(now + after);
    Ok(version_json(&name.key, v, form))
}

pub fn restore(call: &mut Call, name: &VersionName) -> GResult<Value> {
    call.on_key(&name.key, iam::VERSIONS_RESTORE, &name.to_string())?;
    check_fields(&call.req.json()?, "restore_crypto_key_version_request", &["name"])?;
    let current = version(call, name)?.state;
    if current != VersionState::DestroyScheduled {
        return Err(GoogleError::failed_precondition(format!(
            "{name} is in state {current}; only a version scheduled for destruction can be restored."
        )));
    }
    let form = call.form;
    let key = call.key_mut(&name.key)?;
    let v = key.version_mut(name.version).ok_or_else(|| not_found(name))?;
    v.state = VersionState::Disabled;
    v.destroy_time = None;
    Ok(version_json(&name.key, v, form))
}
