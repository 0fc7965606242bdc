//! Keys as operations meet them: which key a `KeyId` names (key id, key ARN, alias name or alias
//! ARN, each only where AWS accepts it), whether its state allows a call, and `KeyMetadata`.
//!
//! KMS is regional: a bare key id or alias name is looked up in the caller's account and the
//! region of the request's SigV4 scope; an ARN names its own account, and must name that region.

use serde_json::{Value, json};

use super::errors::KmsError;
use super::protocol_json::{check_length, epoch};
use super::state::{AwsState, KeyRecord, KeyState};
use cmek_core::model::aws::{KmsKeyArn, KmsKeyId, KmsResource};

/// Which `KeyId` forms an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Forms {
    /// Key id or key ARN (management operations).
    Keys,
    /// Also alias name and alias ARN (DescribeKey and the cryptographic operations).
    KeysAndAliases,
}

/// The key a `KeyId` named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    pub index: usize,
    /// The alias name (`alias/...`) when the key was named through an alias (`kms:RequestAlias`).
    pub alias: Option<String>,
}

fn invalid_key_id(text: &str) -> KmsError {
    KmsError::not_found(format!("Invalid keyId '{}'", super::errors::shorten(text)))
}

fn key_not_found(region: &str, account: &str, id: &str) -> KmsError {
    KmsError::not_found(format!("Key 'arn:aws:kms:{region}:{account}:key/{id}' does not exist"))
}

/// Finds the key `key_id` names, for a caller of `account` calling `region`.
pub(super) fn resolve(
    state: &AwsState,
    key_id: &str,
    account: &str,
    region: &str,
    forms: Forms,
) -> Result<Resolved, KmsError> {
    check_length(key_id, "KeyId", 1, 2048)?;
    let aliases_ok = forms == Forms::KeysAndAliases;
    if key_id.starts_with("arn:") {
        let arn: KmsKeyArn = key_id.parse().map_err(|_| {
            KmsError::new("InvalidArnException", format!("Invalid arn {}", super::errors::shorten(key_id)))
        })?;
        if arn.region.as_str() != region {
            return Err(KmsError::not_found(format!("Invalid arn {}", arn.region)));
        }
        return match &arn.resource {
            KmsResource::Key(id) => state
                .key_index(arn.account.as_str(), region, id.as_str())
                .map(|index| Resolved { index, alias: None })
                .ok_or_else(|| key_not_found(region, arn.account.as_str(), id.as_str())),
            KmsResource::Alias(name) if aliases_ok => by_alias(state, arn.account.as_str(), region, name.as_str()),
            KmsResource::Alias(_) => Err(invalid_key_id(key_id)),
        };
    }
    if key_id.starts_with("alias/") {
        return if aliases_ok { by_alias(state, account, region, key_id) } else { Err(invalid_key_id(key_id)) };
    }
    let id: KmsKeyId = key_id.parse().map_err(|_| invalid_key_id(key_id))?;
    state
        .key_index(account, region, id.as_str())
        .map(|index| Resolved { index, alias: None })
        .ok_or_else(|| key_not_found(region, account, id.as_str()))
}

fn by_alias(state: &AwsState, account: &str, region: &str, name: &str) -> Result<Resolved, KmsError> {
    let alias = state
        .alias_index(account, region, name)
        .and_then(|i| state.aliases.get(i))
        .ok_or_else(|| KmsError::not_found(format!("Alias 'arn:aws:kms:{region}:{account}:{name}' is not found.")))?;
    state
        .key_index(account, region, &alias.target_key_id)
        .map(|index| Resolved { index, alias: Some(name.to_string()) })
        .ok_or_else(|| key_not_found(region, account, &alias.target_key_id))
}

/// The state check of the cryptographic operations.
pub(super) fn require_usable(key: &KeyRecord) -> Result<(), KmsError> {
    match key.state {
        KeyState::Enabled => Ok(()),
        KeyState::Disabled => Err(KmsError::new("DisabledException", format!("{} is disabled.", key.arn()))),
        other => Err(state_error(key, other)),
    }
}

/// The state check of calls that any state but PendingDeletion allows.
pub(super) fn require_not_pending_deletion(key: &KeyRecord) -> Result<(), KmsError> {
    match key.state {
        KeyState::PendingDeletion => Err(state_error(key, KeyState::PendingDeletion)),
        _ => Ok(()),
    }
}

/// `KMSInvalidStateException: <arn> is pending deletion.` (or `pending import.`, ...).
pub(super) fn state_error(key: &KeyRecord, state: KeyState) -> KmsError {
    let what = match state {
        KeyState::PendingDeletion => "pending deletion",
        KeyState::PendingImport => "pending import",
        KeyState::Disabled => "disabled",
        KeyState::Enabled => "enabled",
    };
    KmsError::invalid_state(format!("{} is {what}.", key.arn()))
}

/// The encryption algorithms a key spec supports (empty for signing and MAC keys).
pub(super) fn encryption_algorithms(spec: &str, usage: &str) -> Vec<&'static str> {
    match (spec, usage) {
        ("SYMMETRIC_DEFAULT", _) => vec!["SYMMETRIC_DEFAULT"],
        (s, "ENCRYPT_DECRYPT") if s.starts_with("RSA_") => vec!["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        _ => Vec::new(),
    }
}

/// `KeyMetadata` as DescribeKey and CreateKey return it.
pub(super) fn metadata(key: &KeyRecord) -> Value {
    let arn = key.arn();
    let mut m = json!({
        "AWSAccountId": key.account,
        "KeyId": key.id,
        "Arn": arn,
        "CreationDate": epoch(key.created),
        "Enabled": key.state == KeyState::Enabled,
        "Description": key.description,
        "KeyUsage": key.key_usage,
        "KeyState": key.state.as_str(),
        "Origin": key.origin,
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": key.key_spec,
        "KeySpec": key.key_spec,
        "MultiRegion": key.multi_region,
    });
    let algorithms = encryption_algorithms(&key.key_spec, &key.key_usage);
    if !algorithms.is_empty() {
        m["EncryptionAlgorithms"] = json!(algorithms);
    }
    match key.key_usage.as_str() {
        "SIGN_VERIFY" if key.key_spec.starts_with("RSA_") => {
            m["SigningAlgorithms"] = json!([
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512"
            ]);
        }
        "SIGN_VERIFY" => m["SigningAlgorithms"] = json!(["ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512"]),
        "GENERATE_VERIFY_MAC" => m["MacAlgorithms"] = json!([key.key_spec.replacen("HMAC_", "HMAC_SHA_", 1)]),
        _ => {}
    }
    if let Some(date) = key.deletion_date {
        m["DeletionDate"] = epoch(date);
    }
    if let Some(days) = key.pending_window_days {
        m["PendingDeletionWindowInDays"] = json!(days);
    }
    if key.multi_region {
        m["MultiRegionConfiguration"] = json!({
            "MultiRegionKeyType": "PRIMARY",
            "PrimaryKey": {"Arn": arn, "Region": key.region},
            "ReplicaKeys": []
        });
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ops_keys::test_key;
    use crate::aws::state::AliasRecord;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "us-east-2";

    fn state_with_key() -> (AwsState, String) {
        let mut state = AwsState::seeded();
        let key = test_key(ACCOUNT, REGION);
        let id = key.id.clone();
        state.keys.push(key);
        let now = chrono::Utc::now();
        state.aliases.push(AliasRecord {
            account: ACCOUNT.into(),
            region: REGION.into(),
            name: "alias/cmek".into(),
            target_key_id: id.clone(),
            created: now,
            updated: now,
        });
        (state, id)
    }

    #[test]
    fn every_form_resolves_where_accepted() {
        let (state, id) = state_with_key();
        let arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}");
        let alias_arn = format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/cmek");
        for form in [id.as_str(), arn.as_str()] {
            assert_eq!(resolve(&state, form, ACCOUNT, REGION, Forms::Keys).unwrap().index, 0, "{form}");
        }
        for form in ["alias/cmek", alias_arn.as_str()] {
            let r = resolve(&state, form, ACCOUNT, REGION, Forms::KeysAndAliases).unwrap();
            assert_eq!(r.alias.as_deref(), Some("alias/cmek"));
            let e = resolve(&state, form, ACCOUNT, REGION, Forms::Keys).unwrap_err();
            assert_eq!(e.code, "NotFoundException", "{form}");
        }
        // ARNs name their account; bare ids are the caller's.
        assert!(resolve(&state, &arn, "915198916910", REGION, Forms::Keys).is_ok());
        let e = resolve(&state, &id, "915198916910", REGION, Forms::Keys).unwrap_err();
        assert!(e.message.contains("915198916910") && e.message.contains("does not exist"), "{}", e.message);
        // Keys are regional.
        assert_eq!(resolve(&state, &id, ACCOUNT, "us-west-2", Forms::Keys).unwrap_err().code, "NotFoundException");
        assert_eq!(
            resolve(&state, &arn, ACCOUNT, "us-west-2", Forms::Keys).unwrap_err().message,
            "Invalid arn us-east-2"
        );
    }

    #[test]
    fn malformed_key_ids_are_refused_as_aws_refuses_them() {
        let (state, _) = state_with_key();
        assert_eq!(resolve(&state, "", ACCOUNT, REGION, Forms::Keys).unwrap_err().code, "ValidationException");
        assert_eq!(resolve(&state, "nope", ACCOUNT, REGION, Forms::Keys).unwrap_err().message, "Invalid keyId 'nope'");
        assert_eq!(
            resolve(&state, "arn:aws:kms:nowhere", ACCOUNT, REGION, Forms::Keys).unwrap_err().code,
            "InvalidArnException"
        );
        let e = resolve(&state, "alias/missing", ACCOUNT, REGION, Forms::KeysAndAliases).unwrap_err();
        assert_eq!(e.message, format!("Alias 'arn:aws:kms:{REGION}:{ACCOUNT}:alias/missing' is not found."));
        assert_eq!(
            resolve(&state, &"x".repeat(3000), ACCOUNT, REGION, Forms::Keys).unwrap_err().code,
            "ValidationException"
        );
    }

    #[test]
    fn state_checks_and_metadata() {
        let (mut state, _) = state_with_key();
        let key = &mut state.keys[0];
        assert!(require_usable(key).is_ok());
        let m = metadata(key);
        assert_eq!(m["KeyState"], "Enabled");
        assert_eq!(m["EncryptionAlgorithms"], json!(["SYMMETRIC_DEFAULT"]));
        assert_eq!(m["KeyManager"], "CUSTOMER");
        assert!(m["CreationDate"].is_f64() || m["CreationDate"].is_number());
        key.state = KeyState::Disabled;
        let e = require_usable(key).unwrap_err();
        assert_eq!((e.code, e.message.ends_with(" is disabled.")), ("DisabledException", true));
        key.state = KeyState::PendingDeletion;
        let e = require_usable(key).unwrap_err();
        assert_eq!(e.code, "KMSInvalidStateException");
        assert_eq!(e.message, format!("{} is pending deletion.", key.arn()));
        assert!(require_not_pending_deletion(key).is_err());
    }
}
