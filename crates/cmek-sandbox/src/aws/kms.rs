//! The KMS operation table: which handler serves `TrentService.<Op>`, and what every handler gets
//! (the authenticated requester, the request's members, the RCPs in force).

use serde_json::Value;

use super::authorize::{self, ExtraContext, Reach, Requester};
use super::errors::KmsError;
use super::keys::{self, Forms};
use super::protocol_json::Input;
use super::state::{AwsState, KeyRecord};
use super::{ops_aliases, ops_crypto, ops_keys, ops_policy, ops_settings};
use cmek_core::policy::aws::PolicyDocument;

/// One KMS request, authenticated.
pub(super) struct KmsCall<'a> {
    pub who: Requester<'a>,
    pub input: &'a Input,
    pub rcps: &'a [PolicyDocument],
}

/// An operation's output: a JSON object, or nothing (an empty body).
pub(super) type Output = Result<Option<Value>, KmsError>;

/// KMS operations this emulator does not implement (they exist in AWS, so they are named as such).
const NOT_EMULATED: &[&str] = &[
    "ConnectCustomKeyStore",
    "CreateCustomKeyStore",
    "CreateGrant",
    "DeleteCustomKeyStore",
    "DeleteImportedKeyMaterial",
    "DeriveSharedSecret",
    "DescribeCustomKeyStores",
    "DisconnectCustomKeyStore",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "GenerateRandom",
    "GetKeyLastUsage",
    "GetParametersForImport",
    "GetPublicKey",
    "ImportKeyMaterial",
    "ListGrants",
    "ListKeyRotations",
    "ListRetirableGrants",
    "ReEncrypt",
    "ReplicateKey",
    "RetireGrant",
    "RevokeGrant",
    "Sign",
    "UpdateCustomKeyStore",
    "UpdateKeyDescription",
    "UpdatePrimaryRegion",
    "Verify",
    "VerifyMac",
];

pub(super) fn dispatch(op: &str, state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    match op {
        "CreateKey" => ops_keys::create_key(state, call),
        "DescribeKey" => ops_keys::describe_key(state, call),
        "ListKeys" => ops_keys::list_keys(state, call),
        "EnableKey" => ops_keys::enable_key(state, call),
        "DisableKey" => ops_keys::disable_key(state, call),
        "ScheduleKeyDeletion" => ops_keys::schedule_key_deletion(state, call),
        "CancelKeyDeletion" => ops_keys::cancel_key_deletion(state, call),
        "GetKeyPolicy" => ops_policy::get_key_policy(state, call),
        "PutKeyPolicy" => ops_policy::put_key_policy(state, call),
        "ListKeyPolicies" => ops_policy::list_key_policies(state, call),
        "GetKeyRotationStatus" => ops_settings::get_key_rotation_status(state, call),
        "EnableKeyRotation" => ops_settings::enable_key_rotation(state, call),
        "DisableKeyRotation" => ops_settings::disable_key_rotation(state, call),
        "RotateKeyOnDemand" => ops_settings::rotate_key_on_demand(state, call),
        "TagResource" => ops_settings::tag_resource(state, call),
        "UntagResource" => ops_settings::untag_resource(state, call),
        "ListResourceTags" => ops_settings::list_resource_tags(state, call),
        "CreateAlias" => ops_aliases::create_alias(state, call),
        "UpdateAlias" => ops_aliases::update_alias(state, call),
        "DeleteAlias" => ops_aliases::delete_alias(state, call),
        "ListAliases" => ops_aliases::list_aliases(state, call),
        "Encrypt" => ops_crypto::encrypt(state, call),
        "Decrypt" => ops_crypto::decrypt(state, call),
        "GenerateDataKey" => ops_crypto::generate_data_key(state, call, true),
        "GenerateDataKeyWithoutPlaintext" => ops_crypto::generate_data_key(state, call, false),
        other if NOT_EMULATED.contains(&other) => Err(KmsError::new(
            "UnknownOperationException",
            format!("The sandbox's KMS emulator does not implement {other}."),
        )),
        other => Err(KmsError::new(
            "UnknownOperationException",
            format!("{} is not a KMS operation.", super::errors::shorten(other)),
        )),
    }
}

impl KmsCall<'_> {
    pub fn account(&self) -> &str {
        &self.who.caller.account
    }

    /// The key the member `member` names, after the caller was authorised for `action` on it.
    /// A key named through an alias adds `kms:RequestAlias` to the request context.
    pub fn authorized_key(
        &self,
        state: &AwsState,
        member: &str,
        forms: Forms,
        action: &str,
        reach: Reach,
        mut extra: ExtraContext,
    ) -> Result<usize, KmsError> {
        let key_id = self.input.required_string(member)?;
        let resolved = keys::resolve(state, key_id, self.account(), self.who.region, forms)?;
        if let Some(alias) = resolved.alias {
            extra.insert("kms:RequestAlias".into(), vec![alias]);
        }
        let key = key_at(state, resolved.index)?;
        authorize::authorize(state, &self.who, self.rcps, key, action, reach, &extra)?;
        Ok(resolved.index)
    }
}

/// The key at a position a lookup just returned.
pub(super) fn key_at(state: &AwsState, index: usize) -> Result<&KeyRecord, KmsError> {
    state.keys.get(index).ok_or_else(|| KmsError::internal("a key disappeared while the request was served"))
}

pub(super) fn key_at_mut(state: &mut AwsState, index: usize) -> Result<&mut KeyRecord, KmsError> {
    state.keys.get_mut(index).ok_or_else(|| KmsError::internal("a key disappeared while the request was served"))
}
