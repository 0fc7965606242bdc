//! One test per rule: a policy that shows the problem, and the finding it yields (id, status, and
//! the statement and values named in `observed`).

use serde_json::{Value, json};

use super::*;
use crate::policy::aws::render::key_policy;
use crate::policy::aws::test_fixtures::{
    COMPARTMENT_A, COMPARTMENT_B, KEY_ARN, OLD_COMPARTMENT, ORG, compartment, fixture_text, grant, org,
};

fn ctx() -> KeyPolicyContext {
    KeyPolicyContext { compartments: vec![compartment(COMPARTMENT_A)], ..KeyPolicyContext::new(org(ORG)) }
}

/// The policy cmek renders for the fixtures' grant (org, pinned to compartment A), as JSON to edit.
fn correct() -> Value {
    key_policy(&grant()).to_json_value()
}

fn check(policy: &Value, ctx: &KeyPolicyContext) -> Vec<Finding> {
    check_key_policy(&policy.to_string(), ctx)
}

fn failing(findings: &[Finding]) -> Vec<&'static str> {
    let mut ids: Vec<&str> =
        findings.iter().filter(|f| matches!(f.status, Status::Fail | Status::Warn)).map(|f| f.id).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The observed texts of the failing findings with this id, joined.
fn observed(findings: &[Finding], id: &str) -> String {
    findings
        .iter()
        .filter(|f| f.id == id && f.status != Status::Pass)
        .filter_map(|f| f.observed.clone())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn statement<'a>(policy: &'a mut Value, sid: &str) -> &'a mut Value {
    policy["Statement"].as_array_mut().unwrap().iter_mut().find(|s| s["Sid"] == sid).unwrap()
}

#[test]
fn the_policy_cmek_renders_passes_every_rule() {
    let findings = check(&correct(), &ctx());
    assert_eq!(failing(&findings), Vec::<&str>::new(), "{findings:#?}");
    let mut ids: Vec<&str> = findings.iter().map(|f| f.id).collect();
    ids.sort();
    ids.dedup();
    for id in [
        "AWS-05", "AWS-06", "AWS-07", "AWS-08", "AWS-09", "AWS-10", "AWS-11", "AWS-12", "AWS-13", "AWS-14", "ANT-03",
        "ANT-04", "ANT-05", "ANT-11",
    ] {
        assert!(ids.contains(&id), "{id} was not checked: {ids:?}");
    }
    let rcp = findings.iter().find(|f| f.id == "AWS-12").unwrap();
    assert_eq!(rcp.status, Status::Unknown, "no RCP given: cannot say");
    assert!(findings.iter().all(|f| f.group == GROUP));
}

#[test]
fn aws_10_names_the_json_path_of_each_problem() {
    let f = check_key_policy("{\"Statement\": [", &ctx());
    assert_eq!(f[0].id, "AWS-10");
    assert!(f[0].observed.as_deref().unwrap().contains("line 1"), "{f:?}");
    assert!(f.iter().filter(|x| x.id != "AWS-10").all(|x| x.status == Status::Unknown));

    let f = check_key_policy(
        r#"{"Statement":[{"Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
        &ctx(),
    );
    assert!(observed(&f, "AWS-10").contains("Statement[0].Effect"), "{f:?}");

    let mut p = correct();
    statement(&mut p, "AllowAnthropicCMEKCrypto")["Action"] = json!(["kms:Encrypt", "kms:Decrpyt"]);
    statement(&mut p, "AllowAnthropicCMEKDescribe")["Principal"] = json!({"AWS": "anthropic-cmek-client-us"});
    statement(&mut p, "AccountRootAdmin")["Condition"] = json!({"StringEqualsAnyCase": {"aws:PrincipalTag/x": "y"}});
    let f = check(&p, &ctx());
    let seen = observed(&f, "AWS-10");
    assert!(seen.contains("Statement[1].Action: \"kms:Decrpyt\" matches no KMS action"), "{seen}");
    assert!(seen.contains("Statement[2].Principal.AWS: \"anthropic-cmek-client-us\" is not an IAM ARN"), "{seen}");
    assert!(seen.contains("Statement[0].Condition.StringEqualsAnyCase"), "{seen}");
}

#[test]
fn aws_05_no_grant_for_the_published_role() {
    let mut p = correct();
    p["Statement"].as_array_mut().unwrap().retain(|s| s["Sid"] != "AllowAnthropicCMEKCrypto");
    let f = check(&p, &ctx());
    let aws05: Vec<&Finding> = f.iter().filter(|x| x.id == "AWS-05" && x.status == Status::Fail).collect();
    assert!(!aws05.is_empty(), "{f:#?}");
    assert!(aws05[0].fix.as_deref().unwrap().contains("cmek setup --non-interactive --provider aws"), "{aws05:?}");
    assert!(aws05[0].fix.as_deref().unwrap().contains("AllowAnthropicCMEKCrypto"));
    assert!(aws05[0].terraform.as_deref().unwrap().contains("aws_kms_key_policy"));
    assert!(failing(&f).contains(&"AWS-07"));
}

#[test]
fn aws_06_context_condition_on_describe_key() {
    let mut p = correct();
    statement(&mut p, "AllowAnthropicCMEKDescribe")["Condition"] =
        json!({"StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": ORG}});
    let f = check(&p, &ctx());
    assert!(f.iter().any(|x| x.id == "AWS-06" && x.status == Status::Fail), "{f:#?}");
    assert!(
        observed(&f, "AWS-06").contains("statement \"AllowAnthropicCMEKDescribe\" allows kms:DescribeKey only with")
    );
}

#[test]
fn aws_07_org_binding_missing_wrong_or_under_another_operator() {
    let cases = [
        (json!({}), "has no condition on kms:EncryptionContext:anthropic:org_uuid"),
        (
            json!({"StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": "0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c"}}),
            "binds kms:EncryptionContext:anthropic:org_uuid to 0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c, not to",
        ),
        (
            json!({"StringEqualsIfExists": {"kms:EncryptionContext:anthropic:org_uuid": ORG}}),
            "with StringEqualsIfExists",
        ),
    ];
    for (condition, needle) in cases {
        let mut p = correct();
        statement(&mut p, "AllowAnthropicCMEKCrypto")["Condition"] = condition;
        let f = check(&p, &ctx());
        assert!(observed(&f, "AWS-07").contains(needle), "{needle}: {f:#?}");
    }
}

#[test]
fn aws_08_console_wizard_grant_is_over_broad() {
    let f = check_key_policy(fixture_text("console-wizard.json"), &ctx());
    let seen = observed(&f, "AWS-08");
    assert!(seen.contains("statement \"Allow use of the key\" grants the whole Anthropic account"), "{seen}");
    assert!(seen.contains("grants Anthropic kms:ReEncrypt* (kms:ReEncryptFrom, kms:ReEncryptTo)"), "{seen}");
    assert!(seen.contains("without any condition"), "{seen}");
    assert!(seen.contains("another organisation") || seen.contains("is allowed by"), "negative probe: {seen}");
}

#[test]
fn aws_08_star_principal_and_not_principal_allow() {
    let mut p = correct();
    p["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}));
    p["Statement"].as_array_mut().unwrap().push(json!({
        "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/x"}, "Action": "kms:Encrypt", "Resource": "*"}));
    let seen = observed(&check(&p, &ctx()), "AWS-08");
    assert!(seen.contains("statement \"Everyone\" allows every principal (\"*\") without any condition"), "{seen}");
    assert!(seen.contains("Statement[4] uses NotPrincipal in an Allow"), "{seen}");
}

#[test]
fn aws_08_another_compartment_allowed_when_pinning_was_asked_for() {
    let mut p = correct();
    statement(&mut p, "AllowAnthropicCMEKCrypto")["Condition"] =
        json!({"StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": ORG}});
    let f = check(&p, &ctx());
    assert!(observed(&f, "AWS-08").contains("compartment_uuid=00000000-0000-4000-8000-00000000000"), "{f:#?}");
}

#[test]
fn aws_09_risky_operators() {
    let mut p = correct();
    statement(&mut p, "AllowAnthropicCMEKCrypto")["Condition"] = json!({
        "ForAllValues:StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": ORG},
        "StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": ORG, "aws:PrincipalArn": "arn:aws:iam::*"},
        "StringLike": {"kms:EncryptionContext:anthropic:compartment_uuid": COMPARTMENT_A}
    });
    let f = check(&p, &ctx());
    let seen = observed(&f, "AWS-09");
    assert!(seen.contains("ForAllValues on a single-valued key"), "{seen}");
    assert!(seen.contains("a wildcard in an equality operator"), "{seen}");
    assert!(seen.contains("a Like operator without a wildcard"), "{seen}");
    let aws09 = f.iter().find(|x| x.id == "AWS-09" && x.status == Status::Fail).unwrap();
    assert!(!aws09.is_serious_failure(), "medium: does not fail the run");
}

#[test]
fn aws_11_nobody_keeps_control() {
    let mut p = correct();
    p["Statement"].as_array_mut().unwrap().retain(|s| s["Sid"] != "AccountRootAdmin");
    let with_arn = KeyPolicyContext { key_arn: Some(KEY_ARN.into()), ..ctx() };
    let f = check(&p, &with_arn);
    let aws11 = f.iter().find(|x| x.id == "AWS-11").unwrap();
    assert_eq!(aws11.status, Status::Fail, "{aws11:?}");
    assert!(aws11.observed.as_deref().unwrap().contains("arn:aws:iam::111122223333:root"), "{aws11:?}");
    assert!(aws11.fix.as_deref().unwrap().contains("\"Sid\":\"AccountRootAdmin\""), "{aws11:?}");

    // An admin role of the account that can still change the policy keeps control.
    p["Statement"].as_array_mut().unwrap().push(json!({"Sid": "KeyAdmins", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/KeyAdmin"}, "Action": "kms:Put*", "Resource": "*"}));
    let aws11 = check(&p, &with_arn).into_iter().find(|x| x.id == "AWS-11").unwrap();
    assert_eq!(aws11.status, Status::Pass, "{aws11:?}");
}

#[test]
fn aws_12_an_rcp_without_carve_out_denies_anthropic() {
    let rcp = |name: &str| NamedPolicy { name: name.into(), text: fixture_text(name).into() };
    let denied = KeyPolicyContext { rcps: Some(vec![rcp("rcp-org-perimeter.json")]), ..ctx() };
    let f = check(&correct(), &denied);
    let seen = observed(&f, "AWS-12");
    assert!(seen.contains("RCP 0 (rcp-org-perimeter.json) EnforceOrgIdentities"), "{f:#?}");
    let carved = KeyPolicyContext { rcps: Some(vec![rcp("rcp-org-perimeter-with-carve-out.json")]), ..ctx() };
    let f = check(&correct(), &carved);
    assert_eq!(f.iter().find(|x| x.id == "AWS-12").unwrap().status, Status::Pass);
}

#[test]
fn aws_13_source_ip_deny_and_vpc_conditions() {
    let f = check_key_policy(fixture_text("explicit-deny-source-ip.json"), &ctx());
    let seen = observed(&f, "AWS-13");
    assert!(seen.contains("statement \"DenyOutsideCorporateNetwork\" (Deny) NotIpAddress aws:SourceIp"), "{seen}");

    let mut p = correct();
    statement(&mut p, "AllowAnthropicCMEKDescribe")["Condition"] =
        json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}});
    statement(&mut p, "AllowAnthropicCMEKCrypto")["Condition"]["IpAddress"] =
        json!({"aws:SourceIp": "160.79.104.0/22"});
    let seen = observed(&check(&p, &ctx()), "AWS-13");
    assert!(seen.contains("aws:SourceVpce vpce-1a2b"), "{seen}");
    assert!(seen.contains("IpAddress aws:SourceIp 160.79.104.0/22"), "half the range is not enough: {seen}");

    let mut p = correct();
    statement(&mut p, "AllowAnthropicCMEKCrypto")["Condition"]["IpAddress"] =
        json!({"aws:SourceIp": "160.79.104.0/21"});
    let f = check(&p, &ctx());
    assert_eq!(failing(&f), Vec::<&str>::new(), "{f:#?}");
}

#[test]
fn aws_14_attached_workspaces_must_stay_decryptable() {
    let attached = KeyPolicyContext { attached_compartments: vec![compartment(OLD_COMPARTMENT)], ..ctx() };
    let f = check(&correct(), &attached);
    let aws14 = f.iter().find(|x| x.id == "AWS-14").unwrap();
    assert_eq!(aws14.status, Status::Fail);
    assert!(aws14.observed.as_deref().unwrap().contains(OLD_COMPARTMENT));
    assert!(aws14.fix.as_deref().unwrap().contains("AllowAnthropicCMEKDecryptExistingData"));
    assert!(aws14.fix.as_deref().unwrap().contains(OLD_COMPARTMENT));

    let mut g = grant();
    g.decrypt_existing_compartments = vec![compartment(OLD_COMPARTMENT)];
    let f = check(&key_policy(&g).to_json_value(), &attached);
    assert_eq!(f.iter().find(|x| x.id == "AWS-14").unwrap().status, Status::Pass, "{f:#?}");
}

#[test]
fn ant_03_org_uuid_in_the_wrong_form() {
    for bad in [format!("org_{ORG}"), ORG.to_uppercase()] {
        let mut p = correct();
        statement(&mut p, "AllowAnthropicCMEKCrypto")["Condition"]["StringEquals"] =
            json!({"kms:EncryptionContext:anthropic:org_uuid": bad});
        let seen = observed(&check(&p, &ctx()), "ANT-03");
        assert!(seen.contains(&format!("statement \"AllowAnthropicCMEKCrypto\" has \"{bad}\"")), "{seen}");
    }
}

#[test]
fn ant_04_placeholder_left_names_the_path() {
    let f = check_key_policy(fixture_text("placeholder-left.json"), &ctx());
    let seen = observed(&f, "ANT-04");
    assert_eq!(
        seen,
        "Statement[1].Condition.StringEqualsIfExists.kms:EncryptionContext:anthropic:compartment_uuid = \
         \"<compartment-uuid>\""
    );
    // The suggested setup names the workspace, so following it pins the key to that workspace
    // rather than dropping the placeholder into an org-wide grant.
    let with_workspace = KeyPolicyContext { workspaces: vec!["wrkspc_01prod".into()], ..ctx() };
    let f = check_key_policy(fixture_text("placeholder-left.json"), &with_workspace);
    let fix = f.iter().find(|f| f.id == "ANT-04").and_then(|f| f.fix.clone()).unwrap_or_default();
    assert!(fix.contains("--workspace wrkspc_01prod"), "{fix}");
}

#[test]
fn ant_04_ignores_angle_brackets_in_names() {
    let mut p = correct();
    statement(&mut p, "AccountRootAdmin")["Sid"] = json!("Admins <platform team>");
    let f = check(&p, &ctx());
    assert_eq!(f.iter().find(|x| x.id == "ANT-04").unwrap().status, Status::Pass, "{f:#?}");
}

#[test]
fn ant_05_target_workspace_not_pinned() {
    let both = KeyPolicyContext { compartments: vec![compartment(COMPARTMENT_A), compartment(COMPARTMENT_B)], ..ctx() };
    let f = check(&correct(), &both);
    let seen = observed(&f, "ANT-05");
    assert!(seen.contains(&format!("compartment(s) {COMPARTMENT_B} not among the pinned {COMPARTMENT_A}")), "{seen}");
    let ant05 = f.iter().find(|x| x.id == "ANT-05" && x.status == Status::Fail).unwrap();
    assert!(ant05.fix.as_deref().unwrap().contains(COMPARTMENT_A), "the fix keeps the pinned ones: {ant05:?}");
}

#[test]
fn ant_11_unpublished_anthropic_looking_principals() {
    for (principal, reason) in [
        ("arn:aws:iam::915198916910:role/anthropic-cmek-client-eu", "another principal in Anthropic's account"),
        ("arn:aws:iam::915198916911:role/anthropic-cmek-client-us", "Anthropic-looking name in another account"),
        ("arn:aws:iam::915198916917:role/cmek", "differs from Anthropic's 915198916910"),
    ] {
        let mut p = correct();
        statement(&mut p, "AllowAnthropicCMEKDescribe")["Principal"] = json!({"AWS": principal});
        let f = check(&p, &ctx());
        let ant11 = f.iter().find(|x| x.id == "ANT-11").unwrap();
        assert_eq!(ant11.status, Status::Fail, "{principal}");
        assert!(ant11.observed.as_deref().unwrap().contains(reason), "{ant11:?}");
        assert!(ant11.is_serious_failure());
    }
}

#[test]
fn the_account_is_taken_from_the_key_arn_or_the_policy() {
    let policy = PolicyDocument::parse(fixture_text("console-wizard.json")).unwrap();
    let (account, known) = resolve_account(&ctx(), &policy);
    assert_eq!((account.as_str(), known), ("111122223333", false));
    let with_arn = KeyPolicyContext { key_arn: Some(KEY_ARN.replace("111122223333", "444455556666")), ..ctx() };
    assert_eq!(resolve_account(&with_arn, &policy), ("444455556666".to_string(), true));
}

#[test]
fn no_input_panics() {
    for (_, text) in crate::policy::aws::test_fixtures::FIXTURES {
        for (cut, _) in text.char_indices().step_by(7) {
            let _ = check_key_policy(&text[..cut], &ctx());
        }
    }
}
