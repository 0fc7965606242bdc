//! SDK output types -> domain types (`model`). The only place that reads `KeyMetadata`.
//!
//! A value KMS returns that does not parse (an ARN, an account id) is reported as an `AwsError` of
//! kind `Other` naming the value, never silently replaced.

use aws_sdk_kms::types::KeyMetadata;
use chrono::{DateTime, Utc};

use super::error::{AwsError, AwsErrorKind};
use cmek_core::model::aws::{AwsAccountId, AwsKeyDescription, AwsKeyState, KmsKeyArn, KmsKeyId};

/// Reduces DescribeKey/CreateKey's `KeyMetadata`; `operation` names the call in errors.
pub(super) fn key_description(meta: &KeyMetadata, operation: &'static str) -> Result<AwsKeyDescription, AwsError> {
    let unexpected = |what: &str, value: &str, why: String| {
        AwsError::new(AwsErrorKind::Other, operation, format!("KMS returned an unexpected {what} `{value}`: {why}"))
    };
    let arn_text = meta
        .arn()
        .ok_or_else(|| AwsError::new(AwsErrorKind::Other, operation, "KMS returned key metadata without an ARN"))?;
    let arn: KmsKeyArn = arn_text.parse().map_err(|e| unexpected("key ARN", arn_text, format!("{e}")))?;
    let key_id: KmsKeyId = meta.key_id().parse().map_err(|e| unexpected("key id", meta.key_id(), format!("{e}")))?;
    let account: AwsAccountId = match meta.aws_account_id() {
        Some(a) => a.parse().map_err(|e| unexpected("account id", a, format!("{e}")))?,
        None => arn.account.clone(),
    };
    let state = match meta.key_state() {
        Some(s) => AwsKeyState::from_kms(s.as_str()),
        // Older answers carry only the `Enabled` flag.
        None if meta.enabled() => AwsKeyState::Enabled,
        None => AwsKeyState::Disabled,
    };
    Ok(AwsKeyDescription {
        region: arn.region.clone(),
        arn,
        key_id,
        account,
        state,
        spec: meta.key_spec().map(|s| s.as_str().to_string()).unwrap_or_default(),
        usage: meta.key_usage().map(|u| u.as_str().to_string()).unwrap_or_default(),
        origin: meta.origin().map(|o| o.as_str().to_string()).unwrap_or_default(),
        multi_region: meta.multi_region().unwrap_or(false),
        description: meta.description().unwrap_or_default().to_string(),
        creation_date: meta.creation_date().and_then(to_chrono),
        deletion_date: meta.deletion_date().and_then(to_chrono),
        manager: meta.key_manager().map(|m| m.as_str().to_string()).unwrap_or_default(),
    })
}

fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

#[cfg(test)]
mod tests {
    use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState, KeyUsageType, OriginType};

    use super::*;

    const KEY_ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn metadata() -> aws_sdk_kms::types::builders::KeyMetadataBuilder {
        KeyMetadata::builder()
            .key_id(KEY_ID)
            .arn(ARN)
            .aws_account_id("111122223333")
            .key_state(KeyState::PendingDeletion)
            .key_spec(KeySpec::SymmetricDefault)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .origin(OriginType::AwsKms)
            .key_manager(KeyManagerType::Customer)
            .multi_region(false)
            .description("CMEK for Claude")
            .creation_date(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .deletion_date(aws_smithy_types::DateTime::from_secs(1_700_600_000))
    }

    #[test]
    fn metadata_becomes_a_description() {
        let d = key_description(&metadata().build().unwrap(), "kms:DescribeKey").unwrap();
        assert_eq!(d.arn.to_string(), ARN);
        assert_eq!(d.key_id.as_str(), KEY_ID);
        assert_eq!(d.region.as_str(), "us-east-2");
        assert_eq!(d.account.as_str(), "111122223333");
        assert_eq!(d.state, AwsKeyState::PendingDeletion);
        assert_eq!(
            (d.spec.as_str(), d.usage.as_str(), d.origin.as_str()),
            ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS")
        );
        assert_eq!(d.manager, "CUSTOMER");
        assert!(!d.multi_region);
        assert_eq!(d.creation_date.unwrap().timestamp(), 1_700_000_000);
        assert_eq!(d.deletion_date.unwrap().timestamp(), 1_700_600_000);
    }

    #[test]
    fn unexpected_arn_is_named() {
        let meta = metadata().arn("arn:aws:kms:nowhere").build().unwrap();
        let e = key_description(&meta, "kms:DescribeKey").unwrap_err();
        assert_eq!(e.kind, AwsErrorKind::Other);
        assert!(e.message.contains("arn:aws:kms:nowhere"), "{e}");
    }
}
