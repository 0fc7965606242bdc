//! What an AWS run leaves, as its report names it: the KMS key.

use crate::model::aws::KmsKeyArn;
use crate::run::CloudOutcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOutcome {
    /// The key the run created, or the existing key it worked on.
    pub key_arn: Option<KmsKeyArn>,
}

impl CloudOutcome for AwsOutcome {
    fn key(&self) -> Option<String> {
        self.key_arn.as_ref().map(ToString::to_string)
    }

    fn key_label(&self) -> &'static str {
        "KMS key"
    }
}
