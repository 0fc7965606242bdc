//! Scenario tests of the evaluator against the fixture policies and the doctor catalogue's AWS rows.

use super::*;
use crate::policy::aws::render::{CONTEXT_KEY_COMPARTMENT, CONTEXT_KEY_ORG, SID_CRYPTO, SID_DESCRIBE};
use crate::policy::aws::test_fixtures::*;

fn anthropic() -> RequestPrincipal {
    RequestPrincipal::assumed_role_session(ANTHROPIC_ROLE, "cmek-validation").unwrap()
}

fn anthropic_call(action: &str) -> Request {
    Request::new(anthropic(), action, KEY_ARN, CUSTOMER_ACCOUNT)
}

/// What validation sends: the org only.
fn validate(org: &str) -> Request {
    anthropic_call("kms:Encrypt").with_context(CONTEXT_KEY_ORG, org)
}

/// What a workspace's traffic sends once attached: org and compartment.
fn attached(org: &str, compartment: &str) -> Request {
    validate(org).with_context(CONTEXT_KEY_COMPARTMENT, compartment)
}

fn outcome(policy: &str, req: &Request) -> Outcome {
    evaluate(&fixture(policy), &[], req).outcome
}

fn policy(json: &str) -> PolicyDocument {
    PolicyDocument::parse(json).unwrap()
}

use Outcome::*;

#[test]
fn correct_policy_allows_exactly_the_bound_org_and_compartment() {
    let d = evaluate(&fixture("correct.json"), &[], &validate(ORG));
    assert_eq!(d.outcome, Allowed);
    assert_eq!(d.deciding.iter().map(DecidingStatement::label).collect::<Vec<_>>(), [SID_CRYPTO]);
    assert_eq!(outcome("correct.json", &attached(ORG, COMPARTMENT_A)), Allowed);
    assert_eq!(outcome("correct.json", &attached(ORG, COMPARTMENT_A).with_context("x", "y")), Allowed);
    assert_eq!(outcome("correct.json", &validate(OTHER_ORG)), ImplicitlyDenied);
    assert_eq!(outcome("correct.json", &attached(ORG, COMPARTMENT_B)), ImplicitlyDenied);
    assert_eq!(outcome("correct.json", &attached(OTHER_ORG, COMPARTMENT_A)), ImplicitlyDenied);
    assert_eq!(outcome("correct.json", &anthropic_call("kms:Encrypt")), ImplicitlyDenied);
    assert_eq!(
        outcome("correct.json", &anthropic_call("kms:GenerateDataKey").with_context(CONTEXT_KEY_ORG, ORG)),
        ImplicitlyDenied
    );
    let implicit = evaluate(&fixture("correct.json"), &[], &validate(OTHER_ORG));
    assert!(implicit.deciding.is_empty());
}

#[test]
fn describe_key_needs_no_context() {
    let d = evaluate(&fixture("correct.json"), &[], &anthropic_call("kms:DescribeKey"));
    assert_eq!(d.outcome, Allowed);
    assert_eq!(d.deciding[0].sid.as_deref(), Some(SID_DESCRIBE));
}

#[test]
fn condition_key_names_ignore_case_but_values_do_not() {
    let shouting = anthropic_call("kms:Decrypt").with_context("KMS:ENCRYPTIONCONTEXT:ANTHROPIC:ORG_UUID", ORG);
    assert_eq!(outcome("correct.json", &shouting), Allowed);
    assert_eq!(outcome("correct.json", &validate(&ORG.to_uppercase())), ImplicitlyDenied);
    assert_eq!(outcome("correct.json", &anthropic_call("KMS:decrypt").with_context(CONTEXT_KEY_ORG, ORG)), Allowed);
}

#[test]
fn the_customer_account_keeps_control_and_strangers_get_nothing() {
    let admin = RequestPrincipal::from_arn("arn:aws:sts::111122223333:assumed-role/Admin/alice").unwrap();
    let req = Request::new(admin, "kms:ScheduleKeyDeletion", KEY_ARN, CUSTOMER_ACCOUNT);
    assert_eq!(outcome("correct.json", &req), Allowed);
    let stranger = RequestPrincipal::from_arn("arn:aws:iam::444455556666:user/mallory").unwrap();
    let req = Request::new(stranger, "kms:Decrypt", KEY_ARN, CUSTOMER_ACCOUNT).with_context(CONTEXT_KEY_ORG, ORG);
    assert_eq!(outcome("correct.json", &req), ImplicitlyDenied);
    // Another role in Anthropic's account is not the published role.
    let other = RequestPrincipal::assumed_role_session("arn:aws:iam::915198916910:role/other", "s").unwrap();
    let req = Request::new(other, "kms:Encrypt", KEY_ARN, CUSTOMER_ACCOUNT).with_context(CONTEXT_KEY_ORG, ORG);
    assert_eq!(outcome("correct.json", &req), ImplicitlyDenied);
}

#[test]
fn console_wizard_policy_is_over_broad() {
    // AWS-08: the whole Anthropic account, no condition: a wrong org is ALLOWED.
    assert_eq!(outcome("console-wizard.json", &validate(OTHER_ORG)), Allowed);
    assert_eq!(outcome("console-wizard.json", &anthropic_call("kms:ReEncryptFrom")), Allowed);
    assert_eq!(outcome("console-wizard.json", &anthropic_call("kms:GenerateDataKeyWithoutPlaintext")), Allowed);
    let any_role = RequestPrincipal::assumed_role_session("arn:aws:iam::915198916910:role/anything", "s").unwrap();
    assert_eq!(
        outcome("console-wizard.json", &Request::new(any_role, "kms:Decrypt", KEY_ARN, CUSTOMER_ACCOUNT)),
        Allowed
    );
    // Grants for AWS resources only, via the Bool condition.
    let grant = anthropic_call("kms:CreateGrant");
    assert_eq!(outcome("console-wizard.json", &grant), ImplicitlyDenied);
    assert_eq!(outcome("console-wizard.json", &grant.with_context("kms:GrantIsForAWSResource", "true")), Allowed);
}

#[test]
fn missing_org_condition_allows_any_org() {
    // AWS-07
    assert_eq!(outcome("missing-org-condition.json", &validate(OTHER_ORG)), Allowed);
    assert_eq!(outcome("missing-org-condition.json", &attached(OTHER_ORG, COMPARTMENT_A)), Allowed);
    assert_eq!(outcome("missing-org-condition.json", &attached(ORG, COMPARTMENT_B)), ImplicitlyDenied);
}

#[test]
fn plain_string_equals_on_the_compartment_breaks_validation() {
    // Validation sends no compartment, so a plain StringEquals on it can never hold.
    assert_eq!(outcome("compartment-string-equals.json", &validate(ORG)), ImplicitlyDenied);
    assert_eq!(outcome("compartment-string-equals.json", &attached(ORG, COMPARTMENT_A)), Allowed);
}

#[test]
fn a_placeholder_left_in_the_policy_denies_the_real_compartment() {
    // ANT-04: validation passes (IfExists, key absent) but real traffic is refused.
    assert_eq!(outcome("placeholder-left.json", &validate(ORG)), Allowed);
    assert_eq!(outcome("placeholder-left.json", &attached(ORG, COMPARTMENT_A)), ImplicitlyDenied);
}

#[test]
fn an_explicit_deny_with_conditions_wins_over_the_grant() {
    // AWS-13: an IP condition that does not cover Anthropic's egress.
    let from_anthropic = validate(ORG).with_context("aws:SourceIp", "160.79.104.10");
    let d = evaluate(&fixture("explicit-deny-source-ip.json"), &[], &from_anthropic);
    assert_eq!(d.outcome, ExplicitlyDenied);
    assert_eq!(d.deciding.len(), 1);
    assert_eq!((d.deciding[0].sid.as_deref(), d.deciding[0].index), (Some("DenyOutsideCorporateNetwork"), 3));
    assert_eq!(d.deciding[0].effect, Effect::Deny);
    // Without a source address the negated operator holds, so the Deny still applies.
    assert_eq!(outcome("explicit-deny-source-ip.json", &validate(ORG)), ExplicitlyDenied);
    // The Deny does not cover DescribeKey, nor callers inside the corporate ranges.
    let describe = anthropic_call("kms:DescribeKey").with_context("aws:SourceIp", "160.79.104.10");
    assert_eq!(outcome("explicit-deny-source-ip.json", &describe), Allowed);
    let customer = RequestPrincipal::from_arn("arn:aws:iam::111122223333:user/alice").unwrap();
    let inside =
        Request::new(customer, "kms:Decrypt", KEY_ARN, CUSTOMER_ACCOUNT).with_context("aws:SourceIp", "203.0.113.9");
    assert_eq!(outcome("explicit-deny-source-ip.json", &inside), Allowed);
}

#[test]
fn not_principal_spares_a_session_only_when_the_session_is_named() {
    // The role and both accounts are named, but not the session: the session is still denied.
    let d = evaluate(&fixture("not-principal-deny.json"), &[], &validate(ORG));
    assert_eq!(d.outcome, ExplicitlyDenied);
    assert_eq!(d.deciding[0].sid.as_deref(), Some("DenyEveryoneElse"));
    let text = fixture_text("not-principal-deny.json").replace(
        "\"arn:aws:iam::915198916910:root\"",
        "\"arn:aws:iam::915198916910:root\", \"arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation\"",
    );
    let named = policy(&text);
    assert_eq!(evaluate(&named, &[], &validate(ORG)).outcome, Allowed);
    // The account root is spared by naming the account; a user of that account is not.
    let root = RequestPrincipal::from_arn(CUSTOMER_ACCOUNT).unwrap();
    assert_eq!(
        outcome("not-principal-deny.json", &Request::new(root, "kms:PutKeyPolicy", KEY_ARN, CUSTOMER_ACCOUNT)),
        Allowed
    );
    let alice = RequestPrincipal::from_arn("arn:aws:iam::111122223333:user/alice").unwrap();
    assert_eq!(
        outcome("not-principal-deny.json", &Request::new(alice, "kms:PutKeyPolicy", KEY_ARN, CUSTOMER_ACCOUNT)),
        ExplicitlyDenied
    );
}

#[test]
fn not_action_denies_everything_but_the_listed_actions() {
    let mut doc = fixture("correct.json");
    let deny = policy(&format!(
        r#"{{"Statement":[{{"Effect":"Deny","Principal":{{"AWS":"{ANTHROPIC_ROLE}"}},
        "NotAction":["kms:Encrypt","kms:Decrypt","kms:DescribeKey"],"Resource":"*"}}]}}"#
    ));
    doc.statements_mut().extend(deny.statements().iter().cloned());
    let d = evaluate(&doc, &[], &anthropic_call("kms:ReEncryptFrom"));
    assert_eq!(d.outcome, ExplicitlyDenied);
    assert_eq!(d.deciding[0].label(), "Statement[3]", "no Sid: the index names it");
    assert_eq!(evaluate(&doc, &[], &validate(ORG)).outcome, Allowed);
    // An Allow with NotAction grants every other action.
    let allow = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"kms:ScheduleKeyDeletion","Resource":"*"}]}"#,
    );
    assert_eq!(evaluate(&allow, &[], &anthropic_call("kms:Decrypt")).outcome, Allowed);
    assert_eq!(evaluate(&allow, &[], &anthropic_call("kms:ScheduleKeyDeletion")).outcome, ImplicitlyDenied);
}

#[test]
fn rcp_denies_outside_principals_unless_carved_out() {
    // AWS-12
    let key = fixture("correct.json");
    let perimeter = fixture("rcp-org-perimeter.json");
    let d = evaluate(&key, std::slice::from_ref(&perimeter), &attached(ORG, COMPARTMENT_A));
    assert_eq!(d.outcome, ExplicitlyDenied);
    assert_eq!(d.deciding[0].policy, PolicySource::Rcp(0));
    assert_eq!(d.deciding[0].sid.as_deref(), Some("EnforceOrgIdentities"));
    // Anthropic is in another organisation: still denied when it says so.
    let other_org = attached(ORG, COMPARTMENT_A).with_context("aws:PrincipalOrgID", "o-anthropic");
    assert_eq!(evaluate(&key, std::slice::from_ref(&perimeter), &other_org).outcome, ExplicitlyDenied);
    // The customer's own principals pass.
    let admin = RequestPrincipal::from_arn("arn:aws:sts::111122223333:assumed-role/Admin/alice").unwrap();
    let own = Request::new(admin, "kms:DescribeKey", KEY_ARN, CUSTOMER_ACCOUNT)
        .with_context("aws:PrincipalOrgID", "o-customer1234");
    assert_eq!(evaluate(&key, std::slice::from_ref(&perimeter), &own).outcome, Allowed);
    // With the carve-out for the Anthropic role (aws:PrincipalArn is the role's ARN for a session).
    let carved = fixture("rcp-org-perimeter-with-carve-out.json");
    assert_eq!(evaluate(&key, std::slice::from_ref(&carved), &attached(ORG, COMPARTMENT_A)).outcome, Allowed);
    assert_eq!(evaluate(&key, std::slice::from_ref(&carved), &other_org).outcome, Allowed);
    let stranger = RequestPrincipal::from_arn("arn:aws:iam::444455556666:root").unwrap();
    let req = Request::new(stranger, "kms:Decrypt", KEY_ARN, CUSTOMER_ACCOUNT);
    assert_eq!(evaluate(&key, std::slice::from_ref(&carved), &req).outcome, ExplicitlyDenied);
}

#[test]
fn rcp_allows_grant_nothing_and_rcps_skip_service_principals() {
    let everything = policy(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#);
    let nothing = policy(r#"{"Statement":[]}"#);
    assert_eq!(evaluate(&nothing, &[everything], &validate(ORG)).outcome, ImplicitlyDenied);

    let deny_all = policy(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#);
    let service = RequestPrincipal::Service { name: "aws-external-anthropic.amazonaws.com".into() };
    let key = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"aws-external-anthropic.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}]}"#,
    );
    let req = Request::new(service, "kms:Decrypt", KEY_ARN, CUSTOMER_ACCOUNT);
    assert_eq!(evaluate(&key, std::slice::from_ref(&deny_all), &req).outcome, Allowed);
    // ...but a Deny in the key policy itself applies to them.
    let mut denied = key.clone();
    denied.statements_mut().extend(deny_all.statements().iter().cloned());
    assert_eq!(evaluate(&denied, &[], &req).outcome, ExplicitlyDenied);
}

#[test]
fn explicit_deny_lists_every_applicable_deny_and_allow_every_applicable_allow() {
    let doc = policy(
        r#"{"Statement":[
        {"Sid":"A1","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
        {"Sid":"A2","Effect":"Allow","Principal":{"AWS":"915198916910"},"Action":"kms:Decrypt","Resource":"*"},
        {"Sid":"A3","Effect":"Allow","Principal":{"AWS":"915198916910"},"Action":"kms:Encrypt","Resource":"*"}]}"#,
    );
    let d = evaluate(&doc, &[], &anthropic_call("kms:Decrypt"));
    assert_eq!(d.deciding.iter().map(|s| s.index).collect::<Vec<_>>(), [0, 1]);
    let mut with_denies = doc.clone();
    let denies = policy(
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"},
        {"Sid":"D2","Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
        {"Sid":"D3","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
    );
    with_denies.statements_mut().extend(denies.statements().iter().cloned());
    let d = evaluate(&with_denies, &[], &anthropic_call("kms:Decrypt"));
    assert_eq!(d.outcome, ExplicitlyDenied);
    assert_eq!(d.deciding.iter().map(DecidingStatement::label).collect::<Vec<_>>(), ["Statement[3]", "D3"]);
}

#[test]
fn unknown_operators_never_match_and_are_reported() {
    let doc = policy(
        r#"{"Statement":[
        {"Sid":"Grant","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},
        {"Sid":"Typo","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEqualz":{"k":"v"}}},
        {"Sid":"Typo2","Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEqualsAnyCase":{"k":"v"}}}]}"#,
    );
    let d = evaluate(&doc, &[], &anthropic_call("kms:Decrypt").with_context("k", "v"));
    assert_eq!(d.outcome, Allowed);
    assert_eq!(d.deciding.iter().map(DecidingStatement::label).collect::<Vec<_>>(), ["Grant"]);
    let ops: Vec<_> = d.unknown_operators.iter().map(|u| (u.sid.as_deref(), u.operator.as_str())).collect();
    assert_eq!(ops, [(Some("Typo"), "StringNotEqualz"), (Some("Typo2"), "StringEqualsAnyCase")]);
}

#[test]
fn request_principals_from_arns() {
    let s = RequestPrincipal::assumed_role_session("arn:aws:iam::915198916910:role/team/anthropic-cmek-client-us", "x")
        .unwrap();
    let RequestPrincipal::Aws { arn, account, role_arn } = &s else { panic!("{s:?}") };
    assert_eq!(arn, "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/x");
    assert_eq!(account, ANTHROPIC_ACCOUNT);
    assert_eq!(role_arn.as_deref(), Some("arn:aws:iam::915198916910:role/team/anthropic-cmek-client-us"));
    assert!(RequestPrincipal::assumed_role_session("arn:aws:iam::915198916910:user/u", "x").is_none());
    assert!(RequestPrincipal::assumed_role_session(ANTHROPIC_ROLE, "").is_none());
    assert!(RequestPrincipal::assumed_role_session(ANTHROPIC_ROLE, "a/b").is_none());
    assert!(RequestPrincipal::assumed_role_session("nonsense", "x").is_none());
    let from = RequestPrincipal::from_arn("arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/x").unwrap();
    assert_eq!(from, RequestPrincipal::assumed_role_session(ANTHROPIC_ROLE, "x").unwrap());
    assert!(RequestPrincipal::from_arn("arn:aws:s3:::bucket").is_none());
    assert!(RequestPrincipal::from_arn("arn:aws:sts::1:assumed-role/only-role").is_none());
    assert!(RequestPrincipal::from_arn("").is_none());
}

#[test]
fn role_principals_cover_their_sessions_even_with_a_path() {
    let doc = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::915198916910:role/team/anthropic-cmek-client-us"},"Action":"kms:DescribeKey","Resource":"*"}]}"#,
    );
    let session =
        RequestPrincipal::from_arn("arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/s").unwrap();
    assert_eq!(
        evaluate(&doc, &[], &Request::new(session, "kms:DescribeKey", KEY_ARN, CUSTOMER_ACCOUNT)).outcome,
        Allowed
    );
    // Exact session ARNs and user ARNs match only themselves.
    let doc = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/one","arn:aws:iam::111122223333:user/alice"]},"Action":"kms:DescribeKey","Resource":"*"}]}"#,
    );
    let check = |arn: &str| {
        let p = RequestPrincipal::from_arn(arn).unwrap();
        evaluate(&doc, &[], &Request::new(p, "kms:DescribeKey", KEY_ARN, CUSTOMER_ACCOUNT)).outcome
    };
    assert_eq!(check("arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/one"), Allowed);
    assert_eq!(check("arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/two"), ImplicitlyDenied);
    assert_eq!(check("arn:aws:iam::111122223333:user/alice"), Allowed);
    assert_eq!(check("arn:aws:iam::111122223333:user/bob"), ImplicitlyDenied);
}

#[test]
fn hostile_inputs_do_not_panic() {
    let doc = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["", ":", "arn:::::", "*"]},"Action":["", "*?*?*"],
        "Resource":["arn:", "arn:::::", "?"],"Condition":{"DateEquals":{"":["", "-1", "9999999999999999999999"]},
        "IpAddress":{"":"::/0"},"ForAllValues:":{"":""},"NumericEquals":{"":1e308}}}]}"#,
    );
    for arn in ["", ":", "arn:aws:sts::1:assumed-role//", "ü", "arn:aws:iam::ü:root"] {
        let principal = RequestPrincipal::Aws { arn: arn.into(), account: arn.into(), role_arn: Some(arn.into()) };
        let req = Request::new(principal, arn, arn, arn).with_context(arn, arn);
        let _ = evaluate(&doc, std::slice::from_ref(&doc), &req);
    }
}
