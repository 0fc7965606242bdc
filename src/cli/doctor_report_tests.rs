//! The doctor report as people and programs read it, rendered from pure data.

use super::*;
use crate::output::Format;
use cmek_core::doctor::validation::ValidationSummary;
use cmek_core::doctor::{Finding, Report, Status, Target, rank};
use cmek_core::plan::Severity;

fn report() -> Report {
    let mut findings = vec![
        Finding::pass("ANT-01", Severity::High, "platform", "the admin credential is accepted by the Admin API"),
        Finding::new(
            "ANT-10",
            Severity::Low,
            Status::Warn,
            "platform",
            "every registered key configuration is attached",
        )
        .observed("unattached: ekey_01old (test key)")
        .fix("attach it or delete it"),
        Finding::new("ANT-06", Severity::High, Status::Fail, "validation", "the platform validates the key")
            .observed("AccessDenied: ... with an explicit deny in a resource control policy")
            .expected("status: success")
            .fix("explained by AWS-12: fix those, then run cmek doctor again"),
        Finding::pass("AWS-01", Severity::Critical, "key", "key is enabled"),
        Finding::new("AWS-17", Severity::Low, Status::Warn, "key", "automatic key rotation is on")
            .observed("rotation is off for arn:aws:kms:us-east-2:111122223333:key/1234abcd")
            .fix("aws kms enable-key-rotation --key-id arn:aws:kms:us-east-2:111122223333:key/1234abcd")
            .terraform("resource \"aws_kms_key\" \"cmek\" { enable_key_rotation = true }"),
        Finding::new(
            "AWS-12",
            Severity::High,
            Status::Fail,
            "key policy",
            "no Resource Control Policy denies Anthropic's role",
        )
        .observed("the platform's validation error points here")
        .why("an RCP Deny overrides every Allow of the key policy")
        .fix("add a carve-out to the RCP for arn:aws:iam::915198916910:role/anthropic-cmek-client-us")
        .explains(true),
        Finding::unknown("AWS-16", Severity::Medium, "key", "deletion guardrails", "doctor does not read alarms"),
        Finding::pass("AWS-07", Severity::High, "key policy", "Anthropic's grant is bound to your organisation"),
    ];
    rank(&mut findings, |_| 0);
    Report {
        target: Target {
            selector: "external_key",
            external_key_id: Some("ekey_01doctor".into()),
            workspace: None,
            provider: Some("aws"),
            key: Some("arn:aws:kms:us-east-2:111122223333:key/1234abcd".into()),
        },
        validation: Some(ValidationSummary {
            status: "failure",
            error: Some("AccessDenied: ... with an explicit deny in a resource control policy".into()),
            explained_by: vec!["AWS-12"],
        }),
        findings,
    }
}

fn text(verbose: u8) -> String {
    render_text(&Output::new(Format::Text, true, true, verbose), &report())
}

#[test]
fn text_one_line_per_group_with_the_non_passing_findings() {
    insta::assert_snapshot!(text(0));
}

#[test]
fn verbose_text_shows_every_finding_in_full() {
    insta::assert_snapshot!(text(1));
}

#[test]
fn json_carries_every_schema_field() {
    let doc = render_json(&report());
    assert_eq!(doc["schema"], "cmek.doctor/v1");
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["healthy"], false);
    for f in doc["findings"].as_array().unwrap() {
        for key in [
            "id",
            "severity",
            "status",
            "group",
            "title",
            "observed",
            "expected",
            "why",
            "fix",
            "terraform",
            "explains_validation",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
    insta::assert_json_snapshot!(doc);
}
