//! The fields of an AWS `provider_config`: `kms_arn` and the optional `region` (the deprecated
//! `role_arn` is ignored by the platform: never written, ignored when read).

use super::KmsKeyArn;
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsKeyConfig {
    pub kms_arn: String,
    pub region: Option<String>,
}

impl AwsKeyConfig {
    /// The fields of an AWS configuration; `None` for another provider's or one without `kms_arn`.
    pub fn read(config: &ProviderConfig) -> Option<Self> {
        if !config.is(ProviderKind::Aws) {
            return None;
        }
        Some(Self { kms_arn: config.text("kms_arn")?.to_string(), region: config.text("region").map(str::to_string) })
    }

    pub fn to_config(&self) -> ProviderConfig {
        ProviderConfig::new(ProviderKind::Aws).with("kms_arn", Some(&self.kms_arn)).with("region", self.region.as_ref())
    }

    /// Account, Region and key id (a table keeps the account and Region when it must cut),
    /// and the ARN itself; an ARN that does not parse is shown as it is.
    pub fn coordinates(&self) -> KeyCoordinates {
        let Ok(arn) = self.kms_arn.parse::<KmsKeyArn>() else { return KeyCoordinates::raw("arn", &self.kms_arn) };
        let resource = match arn.key_id() {
            Some(id) => id.to_string(),
            None => arn.to_string().rsplit(':').next().unwrap_or_default().to_string(),
        };
        KeyCoordinates {
            summary: format!("{} {} {resource}", arn.account, arn.region),
            fields: vec![
                ("account", arn.account.to_string()),
                ("region", arn.region.to_string()),
                ("key_id", resource),
                ("arn", self.kms_arn.clone()),
            ],
        }
    }

    /// Whether two configurations name the same key. The region counts only when both have it
    /// (the platform may fill it in when it was not sent).
    pub fn same_key(&self, other: &Self) -> bool {
        self.kms_arn == other.kms_arn
            && match (&self.region, &other.region) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }
}
