//! What inspection found in AWS: the account and who is calling, and the key (named, or found
//! by its alias).

use crate::model::aws::{AwsAccountId, AwsCallerIdentity, AwsKeyFacts, KmsKeyArn};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFacts {
    /// The account the credentials act in: the new key's home and its policy's account statement.
    pub account: AwsAccountId,
    /// Who is calling (STS), when it was asked: a run that finds the key by its alias reads the
    /// account from the Region's listings (every alias ARN names it) and spends no call on it.
    pub caller: Option<AwsCallerIdentity>,
    /// The key named by `--key`, or found by alias; `None` means one will be created.
    pub key: Option<AwsKeyFacts>,
    /// When no key was named: whether the alias exists (it then points at `key`).
    pub alias_target: Option<KmsKeyArn>,
    /// When the alias does not exist: keys cmek made for this alias that no alias points at (a
    /// run died before CreateAlias, or another run is between the two). The planner adopts one
    /// made for this organisation instead of creating another.
    pub orphans: Vec<AwsKeyFacts>,
}
