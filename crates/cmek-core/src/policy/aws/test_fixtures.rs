//! Shared test data: the fixture policies under `tests/fixtures/policies/` and the ids they use.

use super::PolicyDocument;
use super::render::AnthropicGrant;
use crate::model::aws::AwsAccountId;
use crate::model::{CompartmentId, OrgUuid};

pub const CUSTOMER_ACCOUNT: &str = "111122223333";
pub const ANTHROPIC_ACCOUNT: &str = "915198916910";
pub const ANTHROPIC_ROLE: &str = "arn:aws:iam::915198916910:role/anthropic-cmek-client-us";
pub const KEY_ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
pub const ORG: &str = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";
pub const OTHER_ORG: &str = "0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c";
pub const COMPARTMENT_A: &str = "5f3a9c2e-7b1d-4e8f-9a6c-0d2e4f6a8b1c";
pub const COMPARTMENT_B: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
/// The compartment of a workspace the key protected before (see `old-anthropic.json`).
pub const OLD_COMPARTMENT: &str = "d4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a";

macro_rules! fixture_text {
    ($name:literal) => {
        include_str!(concat!("../../../../../tests/fixtures/policies/", $name))
    };
}

/// Every fixture, by file name.
pub const FIXTURES: &[(&str, &str)] = &[
    ("aws-default.json", fixture_text!("aws-default.json")),
    ("compartment-string-equals.json", fixture_text!("compartment-string-equals.json")),
    ("console-wizard.json", fixture_text!("console-wizard.json")),
    ("correct.json", fixture_text!("correct.json")),
    ("customer-statements.json", fixture_text!("customer-statements.json")),
    ("explicit-deny-source-ip.json", fixture_text!("explicit-deny-source-ip.json")),
    ("missing-org-condition.json", fixture_text!("missing-org-condition.json")),
    ("not-principal-deny.json", fixture_text!("not-principal-deny.json")),
    ("old-anthropic.json", fixture_text!("old-anthropic.json")),
    ("placeholder-left.json", fixture_text!("placeholder-left.json")),
    ("rcp-org-perimeter-with-carve-out.json", fixture_text!("rcp-org-perimeter-with-carve-out.json")),
    ("rcp-org-perimeter.json", fixture_text!("rcp-org-perimeter.json")),
];

pub fn fixture_text(name: &str) -> &'static str {
    FIXTURES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).unwrap_or_else(|| panic!("no fixture {name}"))
}

pub fn fixture(name: &str) -> PolicyDocument {
    PolicyDocument::parse(fixture_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn account() -> AwsAccountId {
    CUSTOMER_ACCOUNT.parse().unwrap()
}

pub fn org(s: &str) -> OrgUuid {
    s.parse().unwrap()
}

pub fn compartment(s: &str) -> CompartmentId {
    s.parse().unwrap()
}

/// The grant `correct.json` was rendered from: one org, pinned to compartment A.
pub fn grant() -> AnthropicGrant {
    AnthropicGrant {
        account: account(),
        org_uuids: vec![org(ORG)],
        compartments: vec![compartment(COMPARTMENT_A)],
        anthropic_role_arn: ANTHROPIC_ROLE.to_string(),
        decrypt_existing_compartments: Vec::new(),
    }
}

/// What Anthropic's validation call looks like: the published role's session, Encrypt, org context.
pub fn anthropic_validation() -> super::eval::Request {
    let principal = super::eval::RequestPrincipal::assumed_role_session(ANTHROPIC_ROLE, "cmek-validation").unwrap();
    super::eval::Request::new(principal, "kms:Encrypt", KEY_ARN, CUSTOMER_ACCOUNT)
        .with_context(super::render::CONTEXT_KEY_ORG, ORG)
}

#[test]
fn every_fixture_parses_and_prints_back_to_the_same_meaning() {
    for (name, text) in FIXTURES {
        let doc = PolicyDocument::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = PolicyDocument::parse(&doc.to_json_pretty()).unwrap();
        assert!(doc.same_meaning(&again), "{name}");
        // Compact text compares key order too (JSON value equality would not).
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(doc.to_json_compact(), original.to_string(), "{name} must print back exactly");
    }
}

#[test]
fn every_truncation_and_byte_flip_of_every_fixture_parses_or_errors_without_panicking() {
    for (_, text) in FIXTURES {
        for (cut, _) in text.char_indices() {
            let _ = PolicyDocument::parse(&text[..cut]);
        }
        // Swap structural characters for others, so the JSON stays well-formed more often.
        for (at, c) in text.char_indices().filter(|(_, c)| "\"[]{}:,*".contains(*c)) {
            for replacement in ["1", "[]", "{}", "null", "\"\""] {
                let mutated = format!("{}{replacement}{}", &text[..at], &text[at + c.len_utf8()..]);
                if let Ok(doc) = PolicyDocument::parse(&mutated) {
                    let merged = super::merge::merge(&doc, &grant());
                    let _ = super::diff::diff(Some(&doc), &merged.policy).to_unified();
                    let _ = super::eval::evaluate(&doc, std::slice::from_ref(&doc), &anthropic_validation());
                }
            }
        }
    }
}
