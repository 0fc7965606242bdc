//! The evaluator over every fixture policy and the requests CMEK depends on, snapshotted as a
//! table a reviewer can check line by line against AWS's documented behaviour.

use std::collections::BTreeMap;

use super::{Decision, Outcome, evaluate};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::anthropic::{encryption_context, request};
use crate::policy::aws::test_fixtures::{
    COMPARTMENT_A, COMPARTMENT_B, CUSTOMER_ACCOUNT, FIXTURES, KEY_ARN, ORG, OTHER_ORG, fixture,
};

/// (label, action, encryption context)
fn probes() -> Vec<(&'static str, &'static str, BTreeMap<String, String>)> {
    vec![
        ("describe", "kms:DescribeKey", BTreeMap::new()),
        ("validate encrypt", "kms:Encrypt", encryption_context(ORG, None)),
        ("validate decrypt", "kms:Decrypt", encryption_context(ORG, None)),
        ("attach A encrypt", "kms:Encrypt", encryption_context(ORG, Some(COMPARTMENT_A))),
        ("attach B encrypt", "kms:Encrypt", encryption_context(ORG, Some(COMPARTMENT_B))),
        ("other org encrypt", "kms:Encrypt", encryption_context(OTHER_ORG, None)),
        ("no context encrypt", "kms:Encrypt", BTreeMap::new()),
        ("re-encrypt", "kms:ReEncryptFrom", encryption_context(ORG, None)),
    ]
}

fn cell(d: &Decision) -> String {
    let outcome = match d.outcome {
        Outcome::Allowed => "allow",
        Outcome::ImplicitlyDenied => "implicit-deny",
        Outcome::ExplicitlyDenied => "EXPLICIT-DENY",
    };
    let by: Vec<String> = d.deciding.iter().map(|s| s.label()).collect();
    if by.is_empty() { outcome.to_string() } else { format!("{outcome} by {}", by.join(", ")) }
}

#[test]
fn anthropic_requests_against_every_key_policy_fixture() {
    let mut out = String::new();
    for (name, _) in FIXTURES.iter().filter(|(n, _)| !n.starts_with("rcp-")) {
        let policy = fixture(name);
        out.push_str(&format!("{name}\n"));
        for (label, action, ctx) in probes() {
            let d = evaluate(&policy, &[], &request(action, KEY_ARN, CUSTOMER_ACCOUNT, &ctx));
            out.push_str(&format!("  {label:<20} {}\n", cell(&d)));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn resource_control_policies_with_and_without_a_carve_out() {
    let key_policy = fixture("correct.json");
    let ctx = encryption_context(ORG, None);
    let mut out = String::new();
    for rcp_name in ["rcp-org-perimeter.json", "rcp-org-perimeter-with-carve-out.json"] {
        let rcps: Vec<PolicyDocument> = vec![fixture(rcp_name)];
        let anthropic = evaluate(&key_policy, &rcps, &request("kms:Encrypt", KEY_ARN, CUSTOMER_ACCOUNT, &ctx));
        let mut in_org = request("kms:Encrypt", KEY_ARN, CUSTOMER_ACCOUNT, &ctx);
        in_org.principal =
            super::RequestPrincipal::from_arn(&format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:role/app")).unwrap();
        in_org.context.insert("aws:PrincipalOrgID".into(), vec!["o-customer1234".into()]);
        let customer = evaluate(&key_policy, &rcps, &in_org);
        out.push_str(&format!(
            "{rcp_name}\n  anthropic role       {}\n  customer in org      {}\n",
            cell(&anthropic),
            cell(&customer)
        ));
    }
    insta::assert_snapshot!(out);
}
