//! The key policies scenarios seed, built from the sandbox's own account, organisation and
//! workspaces: the correct one, and the broken ones customers really end up with.

use serde_json::{Value, json};

use crate::aws::{CUSTOMER_ACCOUNT, CUSTOMER_ORGANIZATION};
use crate::platform::seed::{ORG_ID, STAGING};
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};

fn grant(compartments: &[&str]) -> AnthropicGrant {
    // The sandbox's seed constants are valid by construction (unit-tested below): a failure here is
    // a build defect, like a broken compiled-in asset.
    let account = CUSTOMER_ACCOUNT.parse().expect("the sandbox account id is valid");
    let org = ORG_ID.parse().expect("the sandbox organisation UUID is valid");
    let mut g = AnthropicGrant::published(account, org);
    g.compartments = compartments.iter().filter_map(|c| c.parse().ok()).collect();
    g
}

fn rendered(compartments: &[&str]) -> Value {
    serde_json::from_str(&key_policy(&grant(compartments)).to_json_pretty()).unwrap_or(Value::Null)
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The statement with `sid` in a rendered policy.
fn statement_mut<'a>(policy: &'a mut Value, sid: &str) -> Option<&'a mut Value> {
    policy["Statement"].as_array_mut()?.iter_mut().find(|s| s["Sid"] == sid)
}

/// Only the customer's own statements: what a key has before anyone grants Anthropic.
pub fn customer_statements() -> String {
    pretty(&json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:root")},
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "AllowDataPipelineRole",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/data-pipeline")},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-2.amazonaws.com"}}
            }
        ]
    }))
}

/// What the AWS console's "other AWS accounts" wizard writes: the whole Anthropic account, broad
/// actions, no condition. Validation refuses it.
pub fn console_wizard() -> String {
    pretty(&json!({
        "Id": "key-consolepolicy-3",
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:root")},
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "Allow use of the key",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::915198916910:root"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*"
            }
        ]
    }))
}

/// The Anthropic statements without the organisation condition.
pub fn missing_org_condition() -> String {
    let mut p = rendered(&[]);
    if let Some(s) = statement_mut(&mut p, "AllowAnthropicCMEKCrypto")
        && let Some(obj) = s.as_object_mut()
    {
        obj.remove("Condition");
    }
    pretty(&p)
}

/// The documented template pasted with its `<compartment-uuid>` placeholder still in place.
pub fn placeholder_left() -> String {
    let mut p = rendered(&[STAGING.compartment_id]);
    if let Some(s) = statement_mut(&mut p, "AllowAnthropicCMEKCrypto") {
        s["Condition"]["StringEqualsIfExists"]["kms:EncryptionContext:anthropic:compartment_uuid"] =
            json!(["<compartment-uuid>"]);
    }
    pretty(&p)
}

/// Correct, but pinned to the staging workspace only: production is missing from the list.
pub fn pinned_to_staging() -> String {
    pretty(&rendered(&[STAGING.compartment_id]))
}

/// The policy `cmek` itself would write, not pinned to workspaces.
pub fn correct() -> String {
    pretty(&rendered(&[]))
}

/// An RCP that keeps KMS to principals of the customer's AWS organisation, with no carve-out.
pub fn rcp_org_perimeter() -> String {
    pretty(&json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EnforceOrgIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "kms:*",
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": CUSTOMER_ORGANIZATION},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}
            }
        }]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmek_core::policy::aws::PolicyDocument;

    #[test]
    fn every_scenario_policy_parses_and_uses_the_sandbox_values() {
        assert!(CUSTOMER_ACCOUNT.parse::<cmek_core::model::aws::AwsAccountId>().is_ok());
        assert!(ORG_ID.parse::<cmek_core::model::OrgUuid>().is_ok());
        for text in [
            customer_statements(),
            console_wizard(),
            missing_org_condition(),
            placeholder_left(),
            pinned_to_staging(),
            correct(),
            rcp_org_perimeter(),
        ] {
            PolicyDocument::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        }
        assert!(correct().contains(ORG_ID));
        assert!(!missing_org_condition().contains(ORG_ID));
        assert!(placeholder_left().contains("<compartment-uuid>"));
        assert!(pinned_to_staging().contains(STAGING.compartment_id));
    }
}
