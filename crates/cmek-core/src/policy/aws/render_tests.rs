//! Snapshot and unit tests of rendering the Anthropic statements (snapshots in `snapshots/`).

use super::render::*;
use super::test_fixtures::*;
use super::{ConditionValue, PolicyDocument};

#[test]
fn new_key_policy_with_compartments_is_exactly_the_correct_fixture() {
    let doc = key_policy(&grant());
    assert_eq!(doc.to_json_pretty(), fixture_text("correct.json").trim_end());
    insta::assert_snapshot!("key_policy_with_compartments", doc.to_json_pretty());
}

#[test]
fn without_compartments_the_compartment_condition_is_absent() {
    let g = AnthropicGrant { compartments: Vec::new(), ..grant() };
    let doc = key_policy(&g);
    let text = doc.to_json_pretty();
    assert!(!text.contains("compartment_uuid"), "{text}");
    assert!(!text.contains("StringEqualsIfExists"), "{text}");
    insta::assert_snapshot!("key_policy_without_compartments", text);
}

#[test]
fn decrypt_existing_data_is_rendered_only_when_asked_for() {
    assert_eq!(anthropic_statements(&grant()).len(), 2);
    let g = AnthropicGrant {
        compartments: vec![compartment(COMPARTMENT_B), compartment(COMPARTMENT_A)],
        decrypt_existing_compartments: vec![compartment(OLD_COMPARTMENT), compartment(COMPARTMENT_A)],
        ..grant()
    };
    let statements = anthropic_statements(&g);
    let sids: Vec<_> = statements.iter().map(|s| s.sid.as_deref().unwrap_or_default()).collect();
    assert_eq!(sids, [SID_CRYPTO, SID_DESCRIBE, SID_DECRYPT_EXISTING]);
    insta::assert_snapshot!("key_policy_with_decrypt_existing", key_policy(&g).to_json_pretty());
}

#[test]
fn uuid_lists_are_sorted_and_deduplicated() {
    let g = AnthropicGrant {
        org_uuids: vec![org(ORG), org(OTHER_ORG), org(&ORG.to_uppercase())],
        compartments: vec![compartment(COMPARTMENT_B), compartment(COMPARTMENT_A), compartment(COMPARTMENT_B)],
        ..grant()
    };
    let crypto = anthropic_statements(&g).remove(0);
    let values = |key: &str| -> Vec<String> {
        crypto
            .condition
            .as_ref()
            .unwrap()
            .entries()
            .filter(|(_, e)| e.key == key)
            .flat_map(|(_, e)| e.values.iter().map(ConditionValue::as_policy_string))
            .collect()
    };
    assert_eq!(values(CONTEXT_KEY_ORG), [OTHER_ORG, ORG]);
    assert_eq!(values(CONTEXT_KEY_COMPARTMENT), [COMPARTMENT_A, COMPARTMENT_B]);
    // Same grant in another order renders the same bytes.
    let shuffled = AnthropicGrant {
        org_uuids: vec![org(OTHER_ORG), org(ORG)],
        compartments: vec![compartment(COMPARTMENT_A), compartment(COMPARTMENT_B)],
        ..grant()
    };
    assert_eq!(key_policy(&g).to_json_pretty(), key_policy(&shuffled).to_json_pretty());
}

#[test]
fn describe_has_no_condition_and_the_sids_match_the_constants() {
    let statements = anthropic_statements(&grant());
    let describe = statements.iter().find(|s| s.sid.as_deref() == Some(SID_DESCRIBE)).unwrap();
    assert!(describe.condition.is_none());
    assert_eq!(account_root_admin(&account()).sid.as_deref(), Some(SID_ROOT));
    assert!(statements.iter().all(|s| s.sid.as_deref().is_some_and(|sid| ANTHROPIC_SIDS.contains(&sid))));
}

#[test]
fn values_are_substituted_structurally_never_as_text() {
    // A role "ARN" full of JSON syntax stays one string value; it cannot add structure.
    let hostile = r#"x"}, "Action": "*", "Resource": {"y": ""#;
    let g = AnthropicGrant { anthropic_role_arn: hostile.to_string(), ..grant() };
    let doc = key_policy(&g);
    let again = PolicyDocument::parse(&doc.to_json_pretty()).unwrap();
    assert!(again.same_meaning(&doc));
    let crypto = again.statement_by_sid(SID_CRYPTO).unwrap();
    assert_eq!(crypto.principals().unwrap().values_of(super::PrincipalKind::Aws).collect::<Vec<_>>(), [hostile]);
}

#[test]
fn an_empty_org_list_renders_an_empty_list_that_matches_nothing() {
    let g = AnthropicGrant { org_uuids: Vec::new(), ..grant() };
    let text = key_policy(&g).to_json_pretty();
    assert!(text.contains("\"kms:EncryptionContext:anthropic:org_uuid\": []"), "{text}");
}

#[test]
fn published_grant_uses_the_published_role() {
    let g = AnthropicGrant::published(account(), org(ORG));
    assert_eq!(g.anthropic_role_arn, crate::identities::published().aws.role_arn);
    assert!(g.compartments.is_empty() && g.decrypt_existing_compartments.is_empty());
}
