//! AWS's parts of the `setup` report: the identity, key and Anthropic lines, and the JSON `aws` and
//! `key` blocks.

use cmek_core::identities;
use cmek_core::plan::aws::{AwsAnswers, AwsFacts, AwsOutcome};
use cmek_core::plan::{CloudAnswers, CloudFacts};
use cmek_core::run::CloudOutcome;
use serde_json::{Value, json};

use crate::cli::clouds::Header;

pub fn header(aws: &AwsFacts) -> Header {
    Header {
        identity: vec![match &aws.caller {
            Some(c) => format!("  AWS identity   {} (account {})", c.arn, aws.account),
            None => format!(
                "  AWS account    {} (the account of the Region's keys and aliases; who is calling is not looked up)",
                aws.account
            ),
        }],
        key: match &aws.key {
            Some(k) => format!("{} ({})", k.description.arn, k.description.state.as_str()),
            None => "none found: a new key will be created".to_string(),
        },
        anthropic: format!(
            "{} (published identity; compare with the CMEK guide)",
            identities::published().aws.role_arn
        ),
    }
}

/// The `aws` and `key` blocks (null when the run is in another cloud).
pub fn facts_json(facts: &dyn CloudFacts, answers: &dyn CloudAnswers) -> Vec<(&'static str, Value)> {
    let (Some(aws), Some(asked)) = (facts.downcast_ref::<AwsFacts>(), answers.downcast_ref::<AwsAnswers>()) else {
        return vec![("aws", Value::Null), ("key", Value::Null)];
    };
    vec![
        (
            "aws",
            json!({
                "account": aws.account.to_string(),
                "caller_arn": aws.caller.as_ref().map(|c| c.arn.clone()),
                "region": asked.region.to_string(),
            }),
        ),
        (
            "key",
            json!({
                "arn": aws.key.as_ref().map(|k| k.description.arn.to_string()),
                "exists": aws.key.is_some(),
                "alias": asked.alias.to_string(),
            }),
        ),
    ]
}

/// The key the run created or worked on, in the `key` block.
pub fn run_json(doc: &mut Value, outcome: &dyn CloudOutcome) {
    if let Some(o) = outcome.downcast_ref::<AwsOutcome>() {
        doc["key"]["arn"] = json!(o.key_arn.as_ref().map(ToString::to_string));
    }
}
