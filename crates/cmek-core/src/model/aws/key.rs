//! What `cmek` knows about a KMS key after inspecting it: plain data, no SDK types.

use chrono::{DateTime, Utc};

use super::{AwsAccountId, AwsRegion, KmsAliasName, KmsKeyArn, KmsKeyId};

/// `KeyState` as KMS reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum AwsKeyState {
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
    PendingReplicaDeletion,
    Unavailable,
    Creating,
    Updating,
    Other(String),
}

impl AwsKeyState {
    pub fn from_kms(s: &str) -> Self {
        match s {
            "Enabled" => Self::Enabled,
            "Disabled" => Self::Disabled,
            "PendingDeletion" => Self::PendingDeletion,
            "PendingImport" => Self::PendingImport,
            "PendingReplicaDeletion" => Self::PendingReplicaDeletion,
            "Unavailable" => Self::Unavailable,
            "Creating" => Self::Creating,
            "Updating" => Self::Updating,
            other => Self::Other(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Self::Enabled => "Enabled",
            Self::Disabled => "Disabled",
            Self::PendingDeletion => "PendingDeletion",
            Self::PendingImport => "PendingImport",
            Self::PendingReplicaDeletion => "PendingReplicaDeletion",
            Self::Unavailable => "Unavailable",
            Self::Creating => "Creating",
            Self::Updating => "Updating",
            Self::Other(s) => s,
        }
    }
}

/// `DescribeKey`'s answer, reduced to what CMEK cares about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AwsKeyDescription {
    pub arn: KmsKeyArn,
    pub key_id: KmsKeyId,
    pub account: AwsAccountId,
    pub region: AwsRegion,
    pub state: AwsKeyState,
    /// `KeySpec`, e.g. `SYMMETRIC_DEFAULT`.
    pub spec: String,
    /// `KeyUsage`, e.g. `ENCRYPT_DECRYPT`.
    pub usage: String,
    /// `Origin`, e.g. `AWS_KMS`.
    pub origin: String,
    pub multi_region: bool,
    pub description: String,
    pub creation_date: Option<DateTime<Utc>>,
    pub deletion_date: Option<DateTime<Utc>>,
    /// `KeyManager`: `CUSTOMER` or `AWS`.
    pub manager: String,
}

/// Everything inspection gathered about one key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AwsKeyFacts {
    pub description: AwsKeyDescription,
    /// The `default` key policy, verbatim JSON as KMS returned it.
    pub policy: String,
    pub aliases: Vec<KmsAliasName>,
    /// `None` when the caller may not read the rotation status.
    pub rotation_enabled: Option<bool>,
    /// The key's tags (empty when they may not be read); cmek's marker is among them
    /// (`marker::KeyMarker`) when cmek made the key.
    pub tags: Vec<(String, String)>,
}

/// The caller's identity, from STS `GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AwsCallerIdentity {
    pub account: AwsAccountId,
    pub arn: String,
    pub user_id: String,
}

#[cfg(any(test, feature = "test-fixtures"))]
impl AwsKeyDescription {
    /// A key CMEK accepts as it is: enabled, symmetric, single-Region, us-east-2, account 111122223333.
    pub fn sample() -> Self {
        let region: AwsRegion = "us-east-2".parse().unwrap();
        let account: AwsAccountId = "111122223333".parse().unwrap();
        let key_id: KmsKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab".parse().unwrap();
        AwsKeyDescription {
            arn: KmsKeyArn::for_key(region.clone(), account.clone(), key_id.clone()),
            key_id,
            account,
            region,
            state: AwsKeyState::Enabled,
            spec: "SYMMETRIC_DEFAULT".into(),
            usage: "ENCRYPT_DECRYPT".into(),
            origin: "AWS_KMS".into(),
            multi_region: false,
            description: String::new(),
            creation_date: None,
            deletion_date: None,
            manager: "CUSTOMER".into(),
        }
    }
}
