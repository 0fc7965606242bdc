//! Snapshots of the complete, ranked findings for a few telling policies: what users see in
//! `cmek policy check --output json` (and doctor's key-policy group).

use super::*;
use crate::policy::aws::test_fixtures::{COMPARTMENT_A, KEY_ARN, ORG, compartment, fixture_text, org};

fn snapshot(name: &str, rcps: Option<Vec<NamedPolicy>>) {
    let ctx = KeyPolicyContext {
        compartments: vec![compartment(COMPARTMENT_A)],
        key_arn: Some(KEY_ARN.to_string()),
        rcps,
        ..KeyPolicyContext::new(org(ORG))
    };
    let findings = check_key_policy(fixture_text(name), &ctx);
    insta::assert_json_snapshot!(name.trim_end_matches(".json"), findings);
}

#[test]
fn correct_policy() {
    let rcp = NamedPolicy {
        name: "rcp-org-perimeter-with-carve-out.json".into(),
        text: fixture_text("rcp-org-perimeter-with-carve-out.json").into(),
    };
    snapshot("correct.json", Some(vec![rcp]));
}

#[test]
fn console_wizard_policy() {
    snapshot("console-wizard.json", None);
}

#[test]
fn placeholder_policy() {
    snapshot("placeholder-left.json", None);
}

#[test]
fn source_ip_deny_policy() {
    snapshot("explicit-deny-source-ip.json", None);
}
