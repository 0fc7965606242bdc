//! Table tests of condition evaluation: every operator family, IfExists, set operators, Null.

use super::*;
use crate::policy::aws::test_fixtures::*;

fn anthropic_call(action: &str) -> Request {
    let principal = RequestPrincipal::assumed_role_session(ANTHROPIC_ROLE, "cmek-validation").unwrap();
    Request::new(principal, action, KEY_ARN, CUSTOMER_ACCOUNT)
}

/// Evaluates one condition block against a context (principal, action and resource always match).
fn condition_holds(condition: &str, context: &[(&str, &str)]) -> bool {
    let doc = PolicyDocument::parse(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{condition}}}]}}"#
    ))
    .unwrap();
    let mut req = anthropic_call("kms:Decrypt");
    for (k, v) in context {
        req = req.with_context(*k, *v);
    }
    evaluate(&doc, &[], &req).is_allowed()
}

#[test]
fn if_exists_and_negated_operators_with_the_key_absent() {
    assert!(condition_holds(r#"{"StringEqualsIfExists":{"k":"v"}}"#, &[]));
    assert!(!condition_holds(r#"{"StringEqualsIfExists":{"k":"v"}}"#, &[("k", "w")]));
    assert!(!condition_holds(r#"{"StringEquals":{"k":"v"}}"#, &[]));
    assert!(condition_holds(r#"{"StringNotEquals":{"k":"v"}}"#, &[]));
    assert!(condition_holds(r#"{"ArnNotLike":{"k":"arn:aws:iam::*:root"}}"#, &[]));
    assert!(condition_holds(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, &[]));
    assert!(!condition_holds(r#"{"NumericLessThan":{"n":"5"}}"#, &[]));
    assert!(condition_holds(r#"{"NumericLessThanIfExists":{"n":"5"}}"#, &[]));
}

#[test]
fn values_are_ored_keys_and_operators_anded() {
    let c = r#"{"StringEquals":{"a":["1","2"],"b":"x"},"StringLike":{"c":"pre*"}}"#;
    assert!(condition_holds(c, &[("a", "2"), ("b", "x"), ("c", "prefix")]));
    assert!(!condition_holds(c, &[("a", "3"), ("b", "x"), ("c", "prefix")]));
    assert!(!condition_holds(c, &[("a", "1"), ("b", "y"), ("c", "prefix")]));
    assert!(!condition_holds(c, &[("a", "1"), ("b", "x"), ("c", "Prefix")]));
    // A negated operator holds only when the value matches NONE of the listed values.
    assert!(condition_holds(r#"{"StringNotEquals":{"a":["1","2"]}}"#, &[("a", "3")]));
    assert!(!condition_holds(r#"{"StringNotEquals":{"a":["1","2"]}}"#, &[("a", "2")]));
}

#[test]
fn set_operators() {
    let all = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#;
    assert!(condition_holds(all, &[]), "ForAllValues with the key absent is true");
    assert!(condition_holds(all, &[("aws:TagKeys", "env"), ("aws:TagKeys", "team")]));
    assert!(!condition_holds(all, &[("aws:TagKeys", "env"), ("aws:TagKeys", "cost")]));
    let any = r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}"#;
    assert!(!condition_holds(any, &[]), "ForAnyValue with the key absent is false");
    assert!(condition_holds(any, &[("aws:TagKeys", "cost"), ("aws:TagKeys", "env")]));
    assert!(!condition_holds(any, &[("aws:TagKeys", "cost")]));
    let any_not = r#"{"ForAnyValue:StringNotLike":{"aws:TagKeys":"env*"}}"#;
    assert!(condition_holds(any_not, &[("aws:TagKeys", "environment"), ("aws:TagKeys", "cost")]));
    assert!(!condition_holds(any_not, &[("aws:TagKeys", "environment")]));
    // A multivalued key needs a set operator: a plain operator does not hold on it.
    assert!(!condition_holds(
        r#"{"StringEquals":{"aws:TagKeys":["env","cost"]}}"#,
        &[("aws:TagKeys", "env"), ("aws:TagKeys", "cost")]
    ));
}

#[test]
fn null_operator() {
    assert!(condition_holds(r#"{"Null":{"k":"true"}}"#, &[]));
    assert!(!condition_holds(r#"{"Null":{"k":"true"}}"#, &[("k", "v")]));
    assert!(condition_holds(r#"{"Null":{"k":false}}"#, &[("k", "v")]));
    assert!(!condition_holds(r#"{"Null":{"k":"false"}}"#, &[]));
    assert!(!condition_holds(r#"{"Null":{"k":"maybe"}}"#, &[]));
}

/// Context key/value pairs of a request.
type Ctx<'a> = &'a [(&'a str, &'a str)];

#[test]
fn every_operator_family() {
    let cases: &[(&str, Ctx, bool)] = &[
        (r#"{"StringEqualsIgnoreCase":{"k":"ABC"}}"#, &[("k", "abc")], true),
        (r#"{"StringNotEqualsIgnoreCase":{"k":"ABC"}}"#, &[("k", "abc")], false),
        (r#"{"StringNotEqualsIgnoreCase":{"k":"ABC"}}"#, &[("k", "abd")], true),
        (r#"{"StringLike":{"k":"a?c*"}}"#, &[("k", "abcdef")], true),
        (r#"{"StringNotLike":{"k":"a?c*"}}"#, &[("k", "abdef")], true),
        (r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::915198916910:role/anthropic-cmek-client-us"}}"#, &[], true),
        (r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::915198916910:role/*"}}"#, &[], true),
        (
            r#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::915198916910:role/anthropic-cmek-client-us"}}"#,
            &[],
            false,
        ),
        (r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:*"}}"#, &[], true),
        (r#"{"Bool":{"aws:SecureTransport":true}}"#, &[("aws:SecureTransport", "true")], true),
        (r#"{"Bool":{"aws:SecureTransport":"false"}}"#, &[("aws:SecureTransport", "true")], false),
        (r#"{"NumericEquals":{"n":10}}"#, &[("n", "10")], true),
        (r#"{"NumericNotEquals":{"n":10}}"#, &[("n", "11")], true),
        (r#"{"NumericLessThan":{"n":10}}"#, &[("n", "9.5")], true),
        (r#"{"NumericLessThanEquals":{"n":10}}"#, &[("n", "10")], true),
        (r#"{"NumericGreaterThan":{"n":10}}"#, &[("n", "10")], false),
        (r#"{"NumericGreaterThanEquals":{"n":10}}"#, &[("n", "10")], true),
        (r#"{"DateEquals":{"aws:CurrentTime":"2026-01-31T12:00:00Z"}}"#, &[("aws:CurrentTime", "1769860800")], true),
        (r#"{"DateNotEquals":{"aws:CurrentTime":"2026-01-31"}}"#, &[("aws:CurrentTime", "2026-02-01")], true),
        (r#"{"DateLessThan":{"aws:CurrentTime":"2026-01-31"}}"#, &[("aws:CurrentTime", "2025-12-31T23:59:59Z")], true),
        (
            r#"{"DateLessThanEquals":{"aws:CurrentTime":"2026-01-31"}}"#,
            &[("aws:CurrentTime", "2026-01-31T00:00:00Z")],
            true,
        ),
        (r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-31"}}"#, &[("aws:CurrentTime", "2026-01-31")], false),
        (
            r#"{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-31"}}"#,
            &[("aws:CurrentTime", "2026-02-01T00:00:00+01:00")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","160.79.104.0/21"]}}"#,
            &[("aws:SourceIp", "160.79.111.255")],
            true,
        ),
        (r#"{"NotIpAddress":{"aws:SourceIp":"160.79.104.0/21"}}"#, &[("aws:SourceIp", "160.79.104.1")], false),
        (r#"{"BinaryEquals":{"k":"QmluYXJ5VmFsdWU="}}"#, &[("k", "QmluYXJ5VmFsdWU=")], true),
        (r#"{"StringEquals":{"aws:PrincipalAccount":"915198916910","kms:CallerAccount":"915198916910"}}"#, &[], true),
        (r#"{"StringEquals":{"aws:ResourceAccount":"111122223333"}}"#, &[], true),
        (r#"{"Bool":{"aws:PrincipalIsAWSService":"false"}}"#, &[], true),
        // What the request gives wins over the derived value.
        (r#"{"StringEquals":{"aws:PrincipalAccount":"915198916910"}}"#, &[("aws:principalaccount", "1")], false),
    ];
    for (condition, context, expected) in cases {
        assert_eq!(condition_holds(condition, context), *expected, "{condition} with {context:?}");
    }
}
