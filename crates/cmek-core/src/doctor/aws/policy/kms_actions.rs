//! The actions AWS KMS defines (Service Authorization Reference, "AWS Key Management Service"),
//! for telling a misspelt action from a real one. Wildcards in a policy are matched against these.

pub(crate) const KMS_ACTIONS: &[&str] = &[
    "CancelKeyDeletion",
    "ConnectCustomKeyStore",
    "CreateAlias",
    "CreateCustomKeyStore",
    "CreateGrant",
    "CreateKey",
    "Decrypt",
    "DeleteAlias",
    "DeleteCustomKeyStore",
    "DeleteImportedKeyMaterial",
    "DeriveSharedSecret",
    "DescribeCustomKeyStores",
    "DescribeKey",
    "DisableKey",
    "DisableKeyRotation",
    "DisconnectCustomKeyStore",
    "EnableKey",
    "EnableKeyRotation",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateMac",
    "GenerateRandom",
    "GetKeyPolicy",
    "GetKeyRotationStatus",
    "GetParametersForImport",
    "GetPublicKey",
    "ImportKeyMaterial",
    "ListAliases",
    "ListGrants",
    "ListKeyPolicies",
    "ListKeyRotations",
    "ListKeys",
    "ListResourceTags",
    "ListRetirableGrants",
    "PutKeyPolicy",
    "ReEncryptFrom",
    "ReEncryptTo",
    "ReplicateKey",
    "RetireGrant",
    "RevokeGrant",
    "RotateKeyOnDemand",
    "ScheduleKeyDeletion",
    "Sign",
    "SynchronizeMultiRegionKey",
    "TagResource",
    "UntagResource",
    "UpdateAlias",
    "UpdateCustomKeyStore",
    "UpdateKeyDescription",
    "UpdatePrimaryRegion",
    "Verify",
    "VerifyMac",
];

/// `*` matches any run (also none), `?` one character; compared without regard to case, as AWS
/// compares action names (the evaluator's own matcher, on lower-cased text).
pub(crate) fn glob_ignore_case(pattern: &str, text: &str) -> bool {
    crate::policy::aws::eval::glob(&pattern.to_lowercase(), &text.to_lowercase())
}

/// The KMS actions an action pattern (e.g. `kms:ReEncrypt*`, `kms:*`, `*`) covers.
pub(crate) fn covered_by(pattern: &str) -> Vec<&'static str> {
    KMS_ACTIONS.iter().copied().filter(|a| glob_ignore_case(pattern, &format!("kms:{a}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_cover_the_right_actions() {
        assert_eq!(covered_by("kms:ReEncrypt*"), ["ReEncryptFrom", "ReEncryptTo"]);
        assert_eq!(covered_by("KMS:encrypt"), ["Encrypt"]);
        assert_eq!(covered_by("*").len(), KMS_ACTIONS.len());
        assert!(covered_by("kms:Encrpyt").is_empty());
        assert!(glob_ignore_case("kms:Generate?ataKey", "kms:GenerateDataKey"));
    }
}
