//! The export per cloud, new and existing objects, snapshotted as a reviewer reads `main.tf`; every
//! path written is on the checked list; the AWS policy is the plan's, byte for byte.

use chrono::{TimeZone, Utc};

use super::hcl::Placement;
use super::*;
use crate::model::aws::{AwsKeyDescription, AwsKeyFacts, AwsKeyState};
use crate::model::{OrgUuid, WorkspaceRef};
use crate::plan::aws::{AwsAnswers, AwsFacts};
use crate::plan::azure::{AzureAnswers, fixtures as az};
use crate::plan::gcp::{GcpAnswers, fixtures as gc};
use crate::plan::{CloudAnswers, CloudFacts, OrgFacts, WorkspaceFacts, build};
use crate::policy::aws::test_fixtures::ORG;

fn workspace() -> WorkspaceFacts {
    WorkspaceFacts {
        id: "wrkspc_01production".into(),
        name: "production".into(),
        compartment: "5f3a9c2e-7b1d-4e8f-9a6c-0d2e4f6a8b1c".parse().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap(),
        just_created: false,
    }
}

fn request_parts(cloud: impl CloudAnswers, facts: impl CloudFacts) -> (SetupAnswers, SetupFacts) {
    let mut answers = SetupAnswers::new(cloud);
    answers.workspaces = vec!["production".parse::<WorkspaceRef>().unwrap()];
    let facts = SetupFacts {
        attach_reports_validation: true,
        org: OrgFacts { uuid: ORG.parse::<OrgUuid>().unwrap(), name: Some("Example Org".into()) },
        workspaces: vec![workspace()],
        registered: Vec::new(),
        cloud: Box::new(facts),
    };
    (answers, facts)
}

/// Renders main.tf (and its files) for these facts, `--import` or not.
fn export(answers: &SetupAnswers, facts: &SetupFacts, import: bool, placement: Placement) -> TerraformExport {
    let plan = build(answers, facts).unwrap();
    let req = ExportRequest { answers, facts, plan: &plan, import };
    render(&req, placement).unwrap_or_else(|e| panic!("{e}"))
}

/// The checked list holds every path the export writes.
fn assert_documented(answers: &SetupAnswers, facts: &SetupFacts, import: bool) {
    let plan = build(answers, facts).unwrap();
    let req = ExportRequest { answers, facts, plan: &plan, import };
    let config = crate::clouds::get(facts.provider()).unwrap().terraform_export(&req).unwrap();
    for path in documented::emitted(&items(&req, &config)) {
        assert!(documented::documentation(&path).is_some(), "{path} is written but not on the checked list");
    }
}

fn aws_answers() -> AwsAnswers {
    AwsAnswers::default()
}

fn aws_facts(key: Option<AwsKeyFacts>) -> AwsFacts {
    crate::plan::aws::fixtures::facts(key)
}

/// A customer's key with their own statement (a `${aws:username}` policy variable in it) and tags.
fn customer_key() -> AwsKeyFacts {
    let policy = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Enable IAM User Permissions",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "SelfService",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:user/${aws:username}"},
      "Action": "kms:DescribeKey",
      "Resource": "*"
    }
  ]
}"#;
    AwsKeyFacts {
        description: AwsKeyDescription {
            description: "Payments \"prod\" key".into(),
            state: AwsKeyState::Enabled,
            ..AwsKeyDescription::sample()
        },
        policy: policy.into(),
        aliases: vec!["alias/anthropic-cmek".parse().unwrap()],
        rotation_enabled: Some(true),
        tags: vec![("team".into(), "payments".into())],
    }
}

#[test]
fn aws_new_key_with_the_rendered_policy() {
    let (answers, facts) = request_parts(aws_answers(), aws_facts(None));
    let out = export(&answers, &facts, true, Placement::Files);
    assert_eq!(out.resources, ["aws_kms_key.cmek", "aws_kms_key_policy.cmek", "aws_kms_alias.cmek"]);
    assert!(out.existing.is_empty(), "nothing exists, so nothing is imported");
    let plan = build(&answers, &facts).unwrap();
    assert_eq!(out.files[1].0, aws::POLICY_FILE);
    assert_eq!(out.files[1].1, plan.document.unwrap().after, "the policy file is the plan's policy, byte for byte");
    assert!(out.files[0].1.contains("deletion_window_in_days  = 30"), "{}", out.files[0].1);
    insta::assert_snapshot!(out.files[0].1);
    assert_documented(&answers, &facts, true);
}

#[test]
fn aws_existing_key_merges_the_customers_policy_and_imports() {
    let (answers, facts) = request_parts(aws_answers(), aws_facts(Some(customer_key())));
    let out = export(&answers, &facts, true, Placement::Inline);
    assert_eq!(out.existing, ["aws_kms_key.cmek", "aws_kms_key_policy.cmek", "aws_kms_alias.cmek"]);
    assert_eq!(out.files.len(), 1, "inline: the policy is a heredoc in main.tf");
    let main = &out.files[0].1;
    assert!(main.contains("\"arn:aws:iam::111122223333:user/$${aws:username}\""), "escaped: {main}");
    assert!(main.contains("import {\n  to = aws_kms_key.cmek\n  id = \"1234abcd-12ab-34cd-56ef-1234567890ab\"\n}"));
    insta::assert_snapshot!(main);
    assert_documented(&answers, &facts, true);

    // With files: the merged policy, exactly as cmek writes it (and GetKeyPolicy then returns).
    let files = export(&answers, &facts, true, Placement::Files);
    let plan = build(&answers, &facts).unwrap();
    assert_eq!(files.files[1].1, plan.document.unwrap().after);
    assert!(files.files[1].1.contains("SelfService"), "the customer's statement is kept");
}

#[test]
fn aws_converged_key_exports_the_policy_on_the_key_verbatim() {
    // After setup the key holds the policy cmek wrote; the export takes it as GetKeyPolicy gave it.
    let (answers, facts) = request_parts(aws_answers(), aws_facts(Some(customer_key())));
    let applied = build(&answers, &facts).unwrap().document.unwrap().after;
    let mut key = customer_key();
    key.policy = applied.clone();
    let (answers, facts) = request_parts(aws_answers(), aws_facts(Some(key)));
    let out = export(&answers, &facts, false, Placement::Files);
    assert_eq!(out.files[1].1, applied);
    assert!(out.files[0].1.contains("--import to adopt them"), "{}", out.files[0].1);
    assert!(!out.files[0].1.contains("import {"));
}

#[test]
fn a_blocked_plan_is_not_exported() {
    let mut key = customer_key();
    key.policy = "{not json".into();
    let (answers, facts) = request_parts(aws_answers(), aws_facts(Some(key)));
    let plan = build(&answers, &facts).unwrap();
    let req = ExportRequest { answers: &answers, facts: &facts, plan: &plan, import: false };
    match render(&req, Placement::Files) {
        Err(ExportError::Blocked(ids)) => assert!(ids.contains(&"AWS-10".to_string()), "{ids:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn azure_fresh_vault_gets_consent_key_role_and_guardrails() {
    let (answers, facts) = request_parts(AzureAnswers::default(), az::sandbox());
    let out = export(&answers, &facts, true, Placement::Files);
    assert_eq!(
        out.resources,
        [
            "azuread_service_principal.anthropic",
            "azurerm_key_vault.vault",
            "azurerm_key_vault_key.cmek",
            "azurerm_role_assignment.anthropic_crypto_user"
        ]
    );
    assert_eq!(out.existing, ["azurerm_key_vault.vault"], "the vault always exists: cmek never creates one");
    insta::assert_snapshot!(out.files[0].1);
    assert_documented(&answers, &facts, true);
}

#[test]
fn azure_converged_imports_the_key_by_version_and_the_role_by_id() {
    let (answers, facts) = request_parts(AzureAnswers::default(), az::converged());
    let out = export(&answers, &facts, true, Placement::Files);
    let main = &out.files[0].1;
    assert!(main.contains(&format!("id = \"{}\"", az::good_key().kid.unwrap())), "{main}");
    assert!(main.contains("/roleAssignments/0f0e0d0c-0b0a-4908-8706-050403020100\""), "{main}");
    assert!(!main.contains("depends_on"), "an existing key needs no ordering");
    insta::assert_snapshot!(main);
    assert_documented(&answers, &facts, true);
}

#[test]
fn azure_firewall_rules_are_the_plans() {
    let mut f = az::sandbox();
    f.vault.ip_rules = vec!["203.0.113.10/32".into()];
    let (answers, facts) = request_parts(AzureAnswers::default(), f);
    let main = export(&answers, &facts, false, Placement::Files).files.remove(0).1;
    assert!(main.contains("ip_rules       = [\"203.0.113.10/32\", \"160.79.104.0/21\"]"), "{main}");
}

#[test]
fn gcp_new_key_ring_key_and_both_roles() {
    let (answers, facts) = request_parts(GcpAnswers::default(), gc::sandbox());
    let out = export(&answers, &facts, true, Placement::Files);
    assert!(out.existing.is_empty());
    insta::assert_snapshot!(out.files[0].1);
    assert_documented(&answers, &facts, true);
}

#[test]
fn gcp_existing_key_keeps_its_labels_and_imports_what_exists() {
    let (answers, facts) = request_parts(GcpAnswers::default(), gc::with_key(gc::existing_key()));
    let out = export(&answers, &facts, true, Placement::Files);
    assert_eq!(out.existing, ["google_kms_key_ring.cmek", "google_kms_crypto_key.cmek"], "no Anthropic role yet");
    let main = &out.files[0].1;
    assert!(
        main.contains("\"cost-center\"") && main.contains(&format!("anthropic-org-{ORG}")),
        "labels merged: {main}"
    );

    let (answers, facts) = request_parts(GcpAnswers::default(), gc::converged());
    let out = export(&answers, &facts, true, Placement::Files);
    assert_eq!(out.existing.len(), 4, "{:?}", out.existing);
    let main = &out.files[0].1;
    assert!(main.contains(&format!(
        "id = \"cmek-sandbox/us-central1/anthropic-cmek/anthropic-cmek roles/cloudkms.viewer {}\"",
        gc::ANTHROPIC
    )));
    insta::assert_snapshot!(main);
    assert_documented(&answers, &facts, true);
}

#[test]
fn the_checked_list_fails_on_an_attribute_it_does_not_name() {
    assert!(documented::documentation("aws_kms_key.deletion_window_in_days").is_some());
    assert!(documented::documentation("resource.lifecycle.prevent_destroy").is_some());
    assert!(documented::documentation("aws_kms_key.bypass_policy_lockout_safety_check").is_none());
    assert!(documented::documentation("google_kms_crypto_key.version_template.nope").is_none());
    let block = hcl::Block::new("resource", &["aws_kms_key", "x"]).attr("made_up", hcl::Value::Bool(true));
    assert_eq!(documented::emitted(&[hcl::Item::Block(block)]), ["aws_kms_key.made_up"]);
    for d in documented::LANGUAGE.iter().chain(aws::DOCUMENTED).chain(azure::DOCUMENTED).chain(gcp::DOCUMENTED) {
        assert!(d.link.starts_with("https://"), "{}", d.path);
    }
    assert!(documented::documentation("terraform.required_providers.google").is_some());
    assert!(documented::documentation("terraform.required_providers.nope").is_none());
}

#[test]
fn the_platform_part_is_a_comment_with_the_command() {
    let (answers, facts) = request_parts(GcpAnswers::default(), gc::sandbox());
    let main = export(&answers, &facts, false, Placement::Files).files.remove(0).1;
    let tail = &main[main.find("# Claude Platform").unwrap()..];
    assert!(tail.lines().all(|l| l.is_empty() || l.starts_with('#')), "{tail}");
    assert!(tail.contains("#   cmek setup --non-interactive --provider gcp --workspace production"), "{tail}");
    assert!(tail.contains("--confirm-attach production"), "{tail}");
}

#[test]
fn names_from_the_network_cannot_break_out_of_a_comment() {
    let (answers, mut facts) = request_parts(GcpAnswers::default(), gc::sandbox());
    facts.org.name = Some("Evil\n}\nresource \"x\" \"y\" {".into());
    let main = export(&answers, &facts, false, Placement::Files).files.remove(0).1;
    assert!(main.lines().any(|l| l.starts_with("# Generated by") && l.contains("Evil\\n}\\nresource")), "{main}");
    assert!(!main.lines().any(|l| l.starts_with("resource \"x\"")));
}

#[test]
fn the_wrong_clouds_facts_are_refused() {
    let (_, facts) = request_parts(GcpAnswers::default(), gc::sandbox());
    let answers = SetupAnswers::new(GcpAnswers::default());
    let plan = build(&answers, &facts).unwrap();
    let req = ExportRequest { answers: &answers, facts: &facts, plan: &plan, import: false };
    assert!(matches!(aws::render(&req), Err(ExportError::WrongCloud { .. })));
}
