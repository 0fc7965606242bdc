//! The wizard's AWS KMS part: the identity Welcome shows, and the Key screen (a new key's region
//! and alias, or an existing key: found under the alias, or typed).

mod key_screen;
#[cfg(test)]
mod tests;
mod typed_values;

pub use key_screen::{AwsKeyScreen, KeyFocus, KeyRow};
pub use typed_values::{check_alias, check_key_ref, check_region};

use crate::model::aws::{AwsCallerIdentity, AwsKeyState, AwsRegion, KmsAliasName, KmsKeyArn};
use crate::wizard::cloud::{CloudOverview, CloudQuestion, CloudReply};

/// Who the AWS credentials are (Welcome's line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsOverview(pub AwsCallerIdentity);

impl CloudOverview for AwsOverview {
    fn summary(&self) -> String {
        format!("{} (account {})", self.0.arn, self.0.account)
    }
}

/// An existing key the user may pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCandidate {
    pub arn: KmsKeyArn,
    pub alias: Option<KmsAliasName>,
    pub state: AwsKeyState,
    /// One line on what was found (e.g. "named by alias/anthropic-cmek; already registered").
    pub note: String,
}

/// The Key screen asks which keys an alias names in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysUnderAlias {
    pub region: AwsRegion,
    pub alias: KmsAliasName,
}

impl CloudQuestion for KeysUnderAlias {}

/// The keys found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysFound(pub Vec<KeyCandidate>);

impl CloudReply for KeysFound {}
