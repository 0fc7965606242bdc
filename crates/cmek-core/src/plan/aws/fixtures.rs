//! AWS facts for the planner's tests and other modules': the customer's account signed in as
//! `user/admin`, with or without the key behind the alias.

use crate::model::aws::{AwsCallerIdentity, AwsKeyFacts};
use crate::plan::aws::AwsFacts;
use crate::policy::aws::test_fixtures::CUSTOMER_ACCOUNT;

/// What inspection found: `key` behind the alias (a fresh account when `None`), no orphans.
pub fn facts(key: Option<AwsKeyFacts>) -> AwsFacts {
    AwsFacts {
        account: CUSTOMER_ACCOUNT.parse().unwrap(),
        caller: Some(AwsCallerIdentity {
            account: CUSTOMER_ACCOUNT.parse().unwrap(),
            arn: format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:user/admin"),
            user_id: "AIDAEXAMPLE".into(),
        }),
        alias_target: key.as_ref().map(|k| k.description.arn.clone()),
        key,
        orphans: Vec::new(),
    }
}
