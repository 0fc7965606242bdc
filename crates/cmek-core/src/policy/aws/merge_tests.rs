//! Tests of merging the Anthropic statements into existing key policies (snapshots in `snapshots/`).

use super::merge::*;
use super::render::*;
use super::test_fixtures::*;
use super::{PolicyDocument, Statement};

fn compact(s: &Statement) -> String {
    s.to_json_value().to_string()
}

fn sids(doc: &PolicyDocument) -> Vec<String> {
    doc.statements().iter().map(|s| s.sid.clone().unwrap_or_else(|| "-".into())).collect()
}

#[test]
fn aws_default_policy_gets_the_anthropic_statements_and_keeps_its_root_statement() {
    let existing = fixture("aws-default.json");
    let merged = merge(&existing, &grant());
    assert_eq!(
        merged.changes,
        [MergeChange::Added { sid: SID_CRYPTO.into() }, MergeChange::Added { sid: SID_DESCRIBE.into() }]
    );
    // "Enable IAM User Permissions" keeps the account in control: no AccountRootAdmin is added.
    assert_eq!(sids(&merged.policy), ["Enable IAM User Permissions", SID_CRYPTO, SID_DESCRIBE]);
    assert_eq!(compact(&merged.policy.statements()[0]), compact(&existing.statements()[0]));
    assert_eq!(merged.policy.id.as_deref(), Some("key-default-1"));
    insta::assert_snapshot!("merge_into_aws_default", merged.policy.to_json_pretty());
}

#[test]
fn customer_statements_are_kept_exactly_and_in_order() {
    let existing = fixture("customer-statements.json");
    let merged = merge(&existing, &grant());
    let n = existing.statements().len();
    for (before, after) in existing.statements().iter().zip(&merged.policy.statements()[..n]) {
        assert_eq!(compact(before), compact(after));
    }
    // None of them keeps the account in control (the admins are a role and a user), so the
    // account root is added to avoid a lockout.
    assert_eq!(
        merged.changes,
        [
            MergeChange::Added { sid: SID_CRYPTO.into() },
            MergeChange::Added { sid: SID_DESCRIBE.into() },
            MergeChange::AddedAccountRootAdmin
        ]
    );
    assert_eq!(merged.policy.statements().len(), n + 3);
    insta::assert_snapshot!("merge_into_customer_statements", merged.policy.to_json_pretty());
}

#[test]
fn old_anthropic_statements_are_replaced_in_place_and_decrypt_existing_is_kept() {
    let existing = fixture("old-anthropic.json");
    let merged = merge(&existing, &grant());
    assert_eq!(
        merged.changes,
        [MergeChange::Replaced { sid: SID_CRYPTO.into() }, MergeChange::Replaced { sid: SID_DESCRIBE.into() }]
    );
    assert_eq!(sids(&merged.policy), sids(&existing));
    let rendered = anthropic_statements(&grant());
    assert!(merged.policy.statements()[1].same_meaning(&rendered[0]));
    assert!(merged.policy.statements()[3].same_meaning(&rendered[1]));
    // The customer's statement and the DecryptExistingData grant this run does not render stay as they were.
    assert_eq!(compact(&merged.policy.statements()[2]), compact(&existing.statements()[2]));
    assert_eq!(compact(&merged.policy.statements()[4]), compact(&existing.statements()[4]));
    insta::assert_snapshot!("merge_replacing_old_anthropic_statements", merged.policy.to_json_pretty());
}

#[test]
fn a_second_merge_of_a_merged_policy_is_unchanged() {
    let grants = [
        grant(),
        AnthropicGrant { compartments: Vec::new(), ..grant() },
        AnthropicGrant { decrypt_existing_compartments: vec![compartment(OLD_COMPARTMENT)], ..grant() },
    ];
    for (name, _) in FIXTURES {
        for g in &grants {
            let first = merge(&fixture(name), g);
            let second = merge(&first.policy, g);
            assert!(second.is_unchanged(), "{name}: {:?}", second.changes);
            assert_eq!(second.policy.to_json_pretty(), first.policy.to_json_pretty(), "{name}");
        }
    }
}

#[test]
fn the_correct_policy_is_already_merged() {
    let merged = merge(&fixture("correct.json"), &grant());
    assert!(merged.is_unchanged(), "{:?}", merged.changes);
    assert_eq!(merged.policy.to_json_pretty(), fixture_text("correct.json").trim_end());
}

#[test]
fn an_equivalent_statement_in_another_shape_is_left_as_the_customer_wrote_it() {
    let text = fixture_text("correct.json")
        .replace("\"kms:Encrypt\",\n        \"kms:Decrypt\"", "\"kms:decrypt\",\n        \"kms:Encrypt\"");
    let existing = PolicyDocument::parse(&text).unwrap();
    let merged = merge(&existing, &grant());
    assert!(merged.is_unchanged());
    assert_eq!(merged.policy.to_json_pretty(), existing.to_json_pretty());
}

#[test]
fn decrypt_existing_data_is_added_when_the_grant_renders_it() {
    let g = AnthropicGrant {
        compartments: vec![compartment(COMPARTMENT_B)],
        decrypt_existing_compartments: vec![compartment(COMPARTMENT_A)],
        ..grant()
    };
    let merged = merge(&fixture("correct.json"), &g);
    assert_eq!(
        merged.changes,
        [MergeChange::Replaced { sid: SID_CRYPTO.into() }, MergeChange::Added { sid: SID_DECRYPT_EXISTING.into() }]
    );
}

#[test]
fn duplicate_anthropic_sids_are_collapsed_into_the_first() {
    let mut existing = fixture("correct.json");
    let stale = existing.statements()[1].clone();
    existing.statements_mut().push(stale);
    let merged = merge(&existing, &grant());
    assert_eq!(merged.changes, [MergeChange::Removed { sid: SID_CRYPTO.into() }]);
    assert_eq!(merged.policy.to_json_pretty(), fixture_text("correct.json").trim_end());
}

#[test]
fn root_admin_takes_another_sid_when_a_customer_statement_already_uses_it() {
    let existing = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"AccountRootAdmin","Effect":"Allow",
        "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*",
        "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
    )
    .unwrap();
    let merged = merge(&existing, &grant());
    assert!(merged.changes.contains(&MergeChange::AddedAccountRootAdmin));
    assert_eq!(merged.policy.statements().last().unwrap().sid.as_deref(), Some("AccountRootAdminCmek"));
    assert!(merge(&merged.policy, &grant()).is_unchanged());
}

#[test]
fn a_single_statement_object_becomes_a_list_when_statements_are_added() {
    let existing = PolicyDocument::parse(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}}"#,
    )
    .unwrap();
    let merged = merge(&existing, &grant());
    assert_eq!(merged.policy.version, None, "the customer's document keeps its Version (or lack of one)");
    assert_eq!(merged.policy.statements().len(), 3);
    assert!(merged.policy.to_json_value()["Statement"].is_array());
}

#[test]
fn what_keeps_the_account_in_control() {
    let acct = account();
    let check = |statement: &str| {
        let s = Statement::from_json_value(&serde_json::from_str(statement).unwrap(), "S").unwrap();
        keeps_account_in_control(&s, &acct)
    };
    assert!(check(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}"#
    ));
    assert!(check(r#"{"Effect":"Allow","Principal":{"AWS":["x","111122223333"]},"Action":["*"],"Resource":["*"]}"#));
    assert!(check(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws-us-gov:iam::111122223333:root"},"Action":"KMS:*","Resource":"*","Condition":{}}"#
    ));
    for not_enough in [
        r#"{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"NotAction":"kms:Decrypt","Resource":"*"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:Describe*","Resource":"*"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"arn:aws:kms:*:111122223333:key/*"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/Admin"},"Action":"kms:*","Resource":"*"}"#,
    ] {
        assert!(!check(not_enough), "{not_enough}");
    }
}
