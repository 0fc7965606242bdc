//! Key settings: rotation (GetKeyRotationStatus, EnableKeyRotation, DisableKeyRotation,
//! RotateKeyOnDemand, which adds a material version while older versions still decrypt) and
//! tags (TagResource, UntagResource, ListResourceTags).

use chrono::TimeDelta;
use serde_json::{Map, Value, json};

use super::authorize::{ExtraContext, Reach};
use super::errors::KmsError;
use super::ids;
use super::keys::{self, Forms};
use super::kms::{KmsCall, Output, key_at, key_at_mut};
use super::pagination;
use super::protocol_json::{check_length, epoch};
use super::state::{AwsState, KeyRecord, KeyState, Rotation};

const DEFAULT_ROTATION_DAYS: i64 = 365;
/// How many tags a key may carry.
const MAX_TAGS: usize = 50;

/// Tag keys 1-128 characters, values 0-256, and no `aws:` prefix (reserved).
pub(super) fn check_tags(tags: &[(String, String)]) -> Result<(), KmsError> {
    for (key, value) in tags {
        check_length(key, "TagKey", 1, 128)?;
        check_length(value, "TagValue", 0, 256)?;
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(KmsError::new("TagException", "Tags beginning with aws: are reserved."));
        }
    }
    Ok(())
}

/// Automatic rotation exists only for symmetric keys with KMS-made material.
fn require_rotatable(key: &KeyRecord) -> Result<(), KmsError> {
    if key.key_spec != "SYMMETRIC_DEFAULT" || key.origin != "AWS_KMS" {
        return Err(KmsError::new(
            "UnsupportedOperationException",
            format!("{} does not support automatic key rotation.", key.arn()),
        ));
    }
    Ok(())
}

fn require_enabled_for_rotation(key: &KeyRecord) -> Result<(), KmsError> {
    require_rotatable(key)?;
    keys::require_usable(key)
}

pub(super) fn get_key_rotation_status(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index = call.authorized_key(
        state,
        "KeyId",
        Forms::Keys,
        "kms:GetKeyRotationStatus",
        Reach::CrossAccount,
        ExtraContext::new(),
    )?;
    let key = key_at(state, index)?;
    require_rotatable(key)?;
    let mut out = json!({ "KeyRotationEnabled": key.rotation.is_some(), "KeyId": key.arn() });
    if let Some(rotation) = &key.rotation {
        out["RotationPeriodInDays"] = json!(rotation.period_days);
        out["NextRotationDate"] = epoch(rotation.next_rotation);
    }
    Ok(Some(out))
}

pub(super) fn enable_key_rotation(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let days = call.input.integer_in("RotationPeriodInDays", 90, 2560)?.unwrap_or(DEFAULT_ROTATION_DAYS);
    let index = call.authorized_key(
        state,
        "KeyId",
        Forms::Keys,
        "kms:EnableKeyRotation",
        Reach::SameAccount,
        ExtraContext::new(),
    )?;
    let now = call.who.now;
    let key = key_at_mut(state, index)?;
    require_enabled_for_rotation(key)?;
    key.rotation =
        Some(Rotation { period_days: u32::try_from(days).unwrap_or(365), next_rotation: now + TimeDelta::days(days) });
    Ok(None)
}

pub(super) fn disable_key_rotation(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index = call.authorized_key(
        state,
        "KeyId",
        Forms::Keys,
        "kms:DisableKeyRotation",
        Reach::SameAccount,
        ExtraContext::new(),
    )?;
    let key = key_at_mut(state, index)?;
    require_enabled_for_rotation(key)?;
    key.rotation = None;
    Ok(None)
}

pub(super) fn rotate_key_on_demand(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index = call.authorized_key(
        state,
        "KeyId",
        Forms::Keys,
        "kms:RotateKeyOnDemand",
        Reach::SameAccount,
        ExtraContext::new(),
    )?;
    let key = key_at_mut(state, index)?;
    require_enabled_for_rotation(key)?;
    key.material.push(ids::key_material());
    Ok(Some(json!({ "KeyId": key.arn() })))
}

pub(super) fn tag_resource(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let tags = call.input.tags("Tags")?;
    check_tags(&tags)?;
    let index =
        call.authorized_key(state, "KeyId", Forms::Keys, "kms:TagResource", Reach::SameAccount, ExtraContext::new())?;
    let key = key_at_mut(state, index)?;
    if key.state == KeyState::PendingDeletion {
        return Err(keys::state_error(key, KeyState::PendingDeletion));
    }
    let mut merged = key.tags.clone();
    for (k, v) in tags {
        match merged.iter_mut().find(|(existing, _)| *existing == k) {
            Some(slot) => slot.1 = v,
            None => merged.push((k, v)),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(KmsError::new("TagException", format!("A KMS key can have at most {MAX_TAGS} tags.")));
    }
    key.tags = merged;
    Ok(None)
}

pub(super) fn untag_resource(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let names = call.input.strings("TagKeys")?;
    let index =
        call.authorized_key(state, "KeyId", Forms::Keys, "kms:UntagResource", Reach::SameAccount, ExtraContext::new())?;
    let key = key_at_mut(state, index)?;
    if key.state == KeyState::PendingDeletion {
        return Err(keys::state_error(key, KeyState::PendingDeletion));
    }
    key.tags.retain(|(k, _)| !names.contains(k));
    Ok(None)
}

pub(super) fn list_resource_tags(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index = call.authorized_key(
        state,
        "KeyId",
        Forms::Keys,
        "kms:ListResourceTags",
        Reach::SameAccount,
        ExtraContext::new(),
    )?;
    let tags: Vec<Value> =
        key_at(state, index)?.tags.iter().map(|(k, v)| json!({"TagKey": k, "TagValue": v})).collect();
    let page = pagination::page(tags, call.input, 50, 50)?;
    let mut out = Map::new();
    out.insert("Tags".into(), Value::Array(page.items.clone()));
    Ok(Some(page.finish(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked() {
        assert!(check_tags(&[("purpose".into(), "cmek".into())]).is_ok());
        assert!(check_tags(&[("k".into(), String::new())]).is_ok());
        assert_eq!(check_tags(&[("AWS:x".into(), "v".into())]).unwrap_err().code, "TagException");
        assert_eq!(check_tags(&[(String::new(), "v".into())]).unwrap_err().code, "ValidationException");
        assert_eq!(check_tags(&[("k".into(), "v".repeat(257))]).unwrap_err().code, "ValidationException");
    }
}
