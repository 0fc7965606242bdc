//! Key lifecycle operations: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
//! ScheduleKeyDeletion (7-30 days) and CancelKeyDeletion (the key comes back Disabled).

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use super::authorize::{ExtraContext, Reach};
use super::errors::KmsError;
use super::ids;
use super::keys::{self, Forms};
use super::kms::{KmsCall, Output, key_at_mut};
use super::ops_settings::check_tags;
use super::pagination;
use super::policy_check;
use super::protocol_json::epoch;
use super::state::{AwsState, KeyRecord, KeyState};

const KEY_USAGES: [&str; 4] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];
const KEY_SPECS: [&str; 13] = [
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
];
const ORIGINS: [&str; 4] = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];

/// Everything a new key is made of.
pub(super) struct NewKey {
    pub account: String,
    pub region: String,
    pub policy: String,
    pub description: String,
    pub key_spec: String,
    pub key_usage: String,
    pub origin: String,
    pub multi_region: bool,
    pub tags: Vec<(String, String)>,
}

/// A key record with fresh id and material (none for an EXTERNAL key, which waits for import).
pub(super) fn new_key(k: NewKey, now: DateTime<Utc>) -> KeyRecord {
    let external = k.origin == "EXTERNAL";
    KeyRecord {
        id: ids::key_id(k.multi_region),
        account: k.account,
        region: k.region,
        description: k.description,
        state: if external { KeyState::PendingImport } else { KeyState::Enabled },
        created: now,
        deletion_date: None,
        pending_window_days: None,
        key_spec: k.key_spec,
        key_usage: k.key_usage,
        origin: k.origin,
        multi_region: k.multi_region,
        policy: k.policy,
        tags: k.tags,
        rotation: None,
        material: if external { Vec::new() } else { vec![ids::key_material()] },
    }
}

fn enum_value<'a>(value: Option<&'a str>, member: &str, allowed: &[&str]) -> Result<Option<&'a str>, KmsError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(KmsError::constraint(
            v,
            member,
            &format!("Member must satisfy enum value set: [{}]", allowed.join(", ")),
        )),
        other => Ok(other),
    }
}

/// Which key usages a key spec supports.
fn usage_fits(spec: &str, usage: &str) -> bool {
    match spec {
        "SYMMETRIC_DEFAULT" => usage == "ENCRYPT_DECRYPT",
        s if s.starts_with("RSA_") => matches!(usage, "ENCRYPT_DECRYPT" | "SIGN_VERIFY"),
        s if s.starts_with("ECC_NIST_") => matches!(usage, "SIGN_VERIFY" | "KEY_AGREEMENT"),
        "ECC_SECG_P256K1" => usage == "SIGN_VERIFY",
        s if s.starts_with("HMAC_") => usage == "GENERATE_VERIFY_MAC",
        _ => false,
    }
}

pub(super) fn create_key(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let input = call.input;
    let description = input.bounded_string("Description", 0, 8192)?.unwrap_or_default().to_string();
    let usage = enum_value(input.string("KeyUsage")?, "keyUsage", &KEY_USAGES)?;
    let spec = enum_value(input.string("KeySpec")?, "keySpec", &KEY_SPECS)?;
    let legacy_spec = enum_value(input.string("CustomerMasterKeySpec")?, "customerMasterKeySpec", &KEY_SPECS)?;
    if spec.is_some() && legacy_spec.is_some() {
        return Err(KmsError::validation(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.",
        ));
    }
    let spec = spec.or(legacy_spec).unwrap_or("SYMMETRIC_DEFAULT");
    let usage = usage.unwrap_or("ENCRYPT_DECRYPT");
    if spec == "SM2" {
        return Err(KmsError::validation("KeySpec SM2 is supported only in China Regions."));
    }
    if !usage_fits(spec, usage) {
        return Err(KmsError::validation(format!("KeyUsage {usage} is not compatible with KeySpec {spec}.")));
    }
    let origin = enum_value(input.string("Origin")?, "origin", &ORIGINS)?.unwrap_or("AWS_KMS");
    if let Some(store) = input.string("CustomKeyStoreId")? {
        return Err(KmsError::new(
            "CustomKeyStoreNotFoundException",
            format!(
                "Custom key store '{}' does not exist (the sandbox has no custom key stores).",
                super::errors::shorten(store)
            ),
        ));
    }
    if matches!(origin, "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE") {
        return Err(KmsError::new(
            "UnsupportedOperationException",
            format!("Origin {origin} needs a custom key store; the sandbox has none."),
        ));
    }
    if origin == "EXTERNAL" && spec != "SYMMETRIC_DEFAULT" {
        return Err(KmsError::new(
            "UnsupportedOperationException",
            "The sandbox imports key material only for symmetric encryption keys.",
        ));
    }
    let tags = input.tags("Tags")?;
    check_tags(&tags)?;
    let bypass = input.bool("BypassPolicyLockoutSafetyCheck")?.unwrap_or(false);
    let (policy, given) = match input.string("Policy")? {
        Some(text) => (text.to_string(), Some(policy_check::validate(state, text)?)),
        None => (policy_check::default_policy(call.account()), None),
    };
    let mut merged_tags: Vec<(String, String)> = Vec::new();
    for (k, v) in tags {
        merged_tags.retain(|(existing, _)| *existing != k);
        merged_tags.push((k, v));
    }
    let key = new_key(
        NewKey {
            account: call.account().to_string(),
            region: call.who.region.to_string(),
            policy,
            description,
            key_spec: spec.to_string(),
            key_usage: usage.to_string(),
            origin: origin.to_string(),
            multi_region: input.bool("MultiRegion")?.unwrap_or(false),
            tags: merged_tags,
        },
        call.who.now,
    );
    // A key created without a policy gets the default one, which the lockout check does not cover.
    if let (Some(doc), false) = (&given, bypass) {
        policy_check::check_lockout(state, &call.who, &key, doc)?;
    }
    let metadata = keys::metadata(&key);
    state.keys.push(key);
    Ok(Some(json!({ "KeyMetadata": metadata })))
}

pub(super) fn describe_key(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index = call.authorized_key(
        state,
        "KeyId",
        Forms::KeysAndAliases,
        "kms:DescribeKey",
        Reach::CrossAccount,
        ExtraContext::new(),
    )?;
    let key = super::kms::key_at(state, index)?;
    Ok(Some(json!({ "KeyMetadata": keys::metadata(key) })))
}

pub(super) fn list_keys(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let mine: Vec<Value> = state
        .keys
        .iter()
        .filter(|k| k.account == call.account() && k.region == call.who.region)
        .map(|k| json!({"KeyId": k.id, "KeyArn": k.arn()}))
        .collect();
    let page = pagination::page(mine, call.input, 100, 1000)?;
    let mut out = Map::new();
    out.insert("Keys".into(), Value::Array(page.items.clone()));
    Ok(Some(page.finish(out)))
}

/// Resolves and authorises a management call on the key in `KeyId` (key id or ARN, own account).
fn managed_key<'s>(state: &'s mut AwsState, call: &KmsCall<'_>, action: &str) -> Result<&'s mut KeyRecord, KmsError> {
    let index = call.authorized_key(state, "KeyId", Forms::Keys, action, Reach::SameAccount, ExtraContext::new())?;
    key_at_mut(state, index)
}

pub(super) fn enable_key(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let key = managed_key(state, call, "kms:EnableKey")?;
    match key.state {
        KeyState::Enabled | KeyState::Disabled => key.state = KeyState::Enabled,
        other => return Err(keys::state_error(key, other)),
    }
    Ok(None)
}

pub(super) fn disable_key(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let key = managed_key(state, call, "kms:DisableKey")?;
    match key.state {
        KeyState::Enabled | KeyState::Disabled => key.state = KeyState::Disabled,
        other => return Err(keys::state_error(key, other)),
    }
    Ok(None)
}

pub(super) fn schedule_key_deletion(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let days = call.input.integer_in("PendingWindowInDays", 7, 30)?.unwrap_or(30);
    let now = call.who.now;
    let key = managed_key(state, call, "kms:ScheduleKeyDeletion")?;
    keys::require_not_pending_deletion(key)?;
    let deletion = now + TimeDelta::days(days);
    key.state = KeyState::PendingDeletion;
    key.deletion_date = Some(deletion);
    key.pending_window_days = u32::try_from(days).ok();
    Ok(Some(json!({
        "KeyId": key.arn(),
        "DeletionDate": epoch(deletion),
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": days,
    })))
}

pub(super) fn cancel_key_deletion(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let key = managed_key(state, call, "kms:CancelKeyDeletion")?;
    if key.state != KeyState::PendingDeletion {
        return Err(KmsError::invalid_state(format!("{} is not pending deletion.", key.arn())));
    }
    key.state = KeyState::Disabled;
    key.deletion_date = None;
    key.pending_window_days = None;
    Ok(Some(json!({ "KeyId": key.arn() })))
}

/// An enabled symmetric key with the default policy, for unit tests.
#[cfg(test)]
pub(super) fn test_key(account: &str, region: &str) -> KeyRecord {
    new_key(
        NewKey {
            account: account.into(),
            region: region.into(),
            policy: policy_check::default_policy(account),
            description: String::new(),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            key_usage: "ENCRYPT_DECRYPT".into(),
            origin: "AWS_KMS".into(),
            multi_region: false,
            tags: Vec::new(),
        },
        Utc::now(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_specs_and_usages_pair_as_aws_allows() {
        assert!(usage_fits("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"));
        assert!(!usage_fits("SYMMETRIC_DEFAULT", "SIGN_VERIFY"));
        assert!(usage_fits("RSA_3072", "SIGN_VERIFY"));
        assert!(usage_fits("HMAC_256", "GENERATE_VERIFY_MAC"));
        assert!(!usage_fits("ECC_SECG_P256K1", "KEY_AGREEMENT"));
        let e = enum_value(Some("BOGUS"), "keyUsage", &KEY_USAGES).unwrap_err();
        assert!(e.message.contains("Member must satisfy enum value set: [ENCRYPT_DECRYPT"), "{}", e.message);
    }

    #[test]
    fn external_keys_wait_for_material() {
        let k = test_key("111122223333", "us-east-2");
        assert_eq!((k.state, k.material.len()), (KeyState::Enabled, 1));
        let external = NewKey {
            account: k.account.clone(),
            region: k.region.clone(),
            policy: k.policy.clone(),
            description: String::new(),
            key_spec: "SYMMETRIC_DEFAULT".into(),
            key_usage: "ENCRYPT_DECRYPT".into(),
            origin: "EXTERNAL".into(),
            multi_region: true,
            tags: Vec::new(),
        };
        let k = new_key(external, Utc::now());
        assert_eq!((k.state, k.material.len()), (KeyState::PendingImport, 0));
        assert!(k.id.starts_with("mrk-"));
    }
}
