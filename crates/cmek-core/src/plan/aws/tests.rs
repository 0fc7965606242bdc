//! The planner on representative facts: every step state, the checks, and the policy it would
//! write, snapshotted as the reviewer reads them.

use chrono::{TimeZone, Utc};

use super::*;
use crate::model::aws::{AwsKeyDescription, AwsKeyFacts, AwsKeyRef, AwsKeyState};
use crate::model::{CompartmentId, OrgUuid, WorkspaceRef};
use crate::plan::{Action, CheckStatus, OrgFacts, Plan, StepState, build};
use crate::policy::aws::merge::MergeChange;
use crate::policy::aws::test_fixtures::{COMPARTMENT_A, COMPARTMENT_B, KEY_ARN, ORG, fixture_text};

fn answers(workspace: Option<&str>, confirm: Option<&str>) -> SetupAnswers {
    SetupAnswers {
        workspaces: workspace.iter().map(|w| w.parse::<WorkspaceRef>().unwrap()).collect(),
        confirm_attach: confirm.iter().map(|w| w.parse::<WorkspaceRef>().unwrap()).collect(),
        display_name: None,
        cloud: Box::new(AwsAnswers {
            key: None,
            region: "us-east-2".parse().unwrap(),
            alias: "alias/anthropic-cmek".parse().unwrap(),
            replace_anthropic_grants: false,
        }),
    }
}

/// The compartments the plan's key policy pins.
fn pinned(plan: &Plan) -> Vec<CompartmentId> {
    let after = &plan.document.as_ref().expect("a key policy").after;
    existing_grant::read(&PolicyDocument::parse(after).unwrap()).compartments
}

fn workspace(name: &str, compartment: &str) -> WorkspaceFacts {
    WorkspaceFacts {
        id: format!("wrkspc_{name}"),
        name: name.to_string(),
        compartment: compartment.parse().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap(),
        just_created: false,
    }
}

fn key(policy: &str, state: AwsKeyState) -> AwsKeyFacts {
    assert_eq!(AwsKeyDescription::sample().arn.to_string(), KEY_ARN, "the fixtures and the sample key agree");
    AwsKeyFacts {
        description: AwsKeyDescription { state, ..AwsKeyDescription::sample() },
        policy: policy.to_string(),
        aliases: vec!["alias/anthropic-cmek".parse().unwrap()],
        rotation_enabled: Some(true),
        tags: Vec::new(),
    }
}

fn facts(ws: Option<WorkspaceFacts>, key: Option<AwsKeyFacts>, registered: Vec<RegisteredKey>) -> SetupFacts {
    SetupFacts {
        attach_reports_validation: true,
        org: OrgFacts { uuid: ORG.parse::<OrgUuid>().unwrap(), name: Some("Example Org".into()) },
        workspaces: ws.into_iter().collect(),
        registered,
        cloud: Box::new(super::fixtures::facts(key)),
    }
}

fn registration(attached_to: &[&str]) -> RegisteredKey {
    RegisteredKey {
        id: "ekey_01example".into(),
        display_name: Some("alias/anthropic-cmek (us-east-2)".into()),
        attached: !attached_to.is_empty(),
        config: AwsKeyConfig { kms_arn: KEY_ARN.into(), region: None }.to_config(),
        attached_compartments: attached_to.iter().map(|c| c.parse::<CompartmentId>().unwrap()).collect(),
    }
}

/// The plan as a reviewer reads it: steps, checks that are not a pass, and the policy diff.
pub(crate) fn describe(plan: &Plan) -> String {
    let mut out = String::from("steps:\n");
    for s in &plan.steps {
        let state = match &s.state {
            StepState::Planned => "planned".to_string(),
            StepState::AlreadyDone(why) => format!("already done: {why}"),
            StepState::Gated(how) => format!("gated: {how}"),
        };
        out.push_str(&format!("  {} [{:?}] {state}\n", s.action.kind(), s.action.reversibility()));
    }
    out.push_str("checks:\n");
    for c in &plan.checks {
        out.push_str(&format!("  {} {:?} {:?}: {}\n", c.id, c.status, c.severity, c.title));
        if let Some(o) = &c.observed {
            out.push_str(&format!("      observed: {o}\n"));
        }
    }
    let diff = plan.steps.iter().find_map(|s| match s.action.cloud_step::<AwsStep>() {
        Some(AwsStep::CreateKey { diff, .. } | AwsStep::UpdateKeyPolicy { diff, .. }) => Some(diff.to_unified()),
        _ => None,
    });
    if let Some(d) = diff {
        out.push_str("policy diff:\n");
        out.push_str(&d);
    }
    out
}

#[test]
fn fresh_setup_creates_the_key_and_gates_the_attach() {
    let plan =
        build(&answers(Some("production"), None), &facts(Some(workspace("production", COMPARTMENT_A)), None, vec![]))
            .unwrap();
    assert!(plan.blocking_failures().is_empty());
    assert!(
        matches!(plan.step("attach").unwrap().state, StepState::Gated(ref how) if how.contains("--confirm-attach wrkspc_production"))
    );
    assert_eq!(pinned(&plan), vec![COMPARTMENT_A.parse::<CompartmentId>().unwrap()]);
    // The attach waits for a typed confirmation: the key is validated on its own meanwhile.
    assert!(plan.step("validate").is_some(), "{}", describe(&plan));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn confirmed_attach_is_planned_by_id_or_name() {
    for confirm in ["production", "wrkspc_production"] {
        let plan = build(
            &answers(Some("production"), Some(confirm)),
            &facts(Some(workspace("production", COMPARTMENT_A)), None, vec![]),
        )
        .unwrap();
        let attach = plan.step("attach").unwrap();
        assert_eq!(attach.state, StepState::Planned, "{confirm}");
        // The platform validates on attach: that is the run's validation, not a call before it.
        assert!(plan.step("validate").is_none(), "{}", describe(&plan));
        assert!(matches!(&attach.action, Action::Attach { validates: Some(_), .. }), "{confirm}");
        assert!(attach.action.title().contains("validates the key for it first"), "{}", attach.action.title());
        assert_eq!(plan.validation(), Some(None), "AWS has no propagation to wait out");
    }
    // A platform whose refusals carry no code cannot say an attach was refused by validation:
    // the key is validated by a step of its own before the attach.
    let mut legacy = facts(Some(workspace("production", COMPARTMENT_A)), None, vec![]);
    legacy.attach_reports_validation = false;
    let plan = build(&answers(Some("production"), Some("production")), &legacy).unwrap();
    assert!(plan.step("validate").is_some(), "{}", describe(&plan));
    assert!(matches!(&plan.step("attach").unwrap().action, Action::Attach { validates: None, .. }));
}

#[test]
fn a_mismatched_or_orphan_confirmation_is_refused() {
    let f = facts(Some(workspace("production", COMPARTMENT_A)), None, vec![]);
    assert!(matches!(build(&answers(Some("production"), Some("staging")), &f), Err(PlanError::ConfirmMismatch { .. })));
    assert!(matches!(
        build(&answers(None, Some("production")), &facts(None, None, vec![])),
        Err(PlanError::ConfirmWithoutWorkspace { .. })
    ));
    let mut archived = workspace("production", COMPARTMENT_A);
    archived.archived = true;
    assert!(matches!(
        build(&answers(Some("production"), None), &facts(Some(archived), None, vec![])),
        Err(PlanError::WorkspaceArchived { .. })
    ));
}

#[test]
fn no_key_is_made_for_workspaces_that_all_use_another_key_already() {
    let mut taken = workspace("production", COMPARTMENT_A);
    taken.external_key_id = Some("ekey_01other".into());
    let refused = build(&answers(Some("production"), None), &facts(Some(taken.clone()), None, vec![])).unwrap_err();
    assert!(
        matches!(&refused, PlanError::NoWorkspaceCanTakeTheKey { workspaces } if workspaces.contains("ekey_01other"))
    );
    assert!(refused.to_string().contains("nothing was changed"), "{refused}");

    // One of two is free: the key is made for it, and the taken one's attach is held.
    let mut two = facts(Some(taken.clone()), None, vec![]);
    two.workspaces.push(workspace("staging", COMPARTMENT_B));
    let mut both = answers(Some("production"), None);
    both.workspaces.push("staging".parse().unwrap());
    let plan = build(&both, &two).unwrap();
    let held = plan
        .steps
        .iter()
        .find(|s| matches!(&s.action, Action::Attach { workspace_name, .. } if workspace_name == "production"));
    assert!(matches!(&held.unwrap().state, StepState::Gated(why) if why.contains("cannot be replaced")));

    // A key that exists is not made again: its plan goes on, the attach held.
    let existing = facts(Some(taken), Some(key(fixture_text("correct.json"), AwsKeyState::Enabled)), vec![]);
    assert!(build(&answers(Some("production"), None), &existing).is_ok());
}

#[test]
fn placeholder_pins_are_not_dropped_into_an_org_wide_grant() {
    // The policy pins workspaces, but only with `<compartment-uuid>`: merging it with no
    // workspace named would let every workspace of the organisation use the key.
    let k = key(fixture_text("placeholder-left.json"), AwsKeyState::Enabled);
    let no_target = build(&answers(None, None), &facts(None, Some(k.clone()), vec![])).unwrap();
    let blocking: Vec<&str> = no_target.blocking_failures().iter().map(|c| c.id).collect();
    assert_eq!(blocking, ["ANT-04"], "{}", describe(&no_target));
    let named = build(
        &answers(Some("production"), None),
        &facts(Some(workspace("production", COMPARTMENT_A)), Some(k), vec![]),
    )
    .unwrap();
    assert!(named.blocking_failures().is_empty(), "{}", describe(&named));
    assert_eq!(pinned(&named), [COMPARTMENT_A.parse::<CompartmentId>().unwrap()]);
}

#[test]
fn a_named_key_that_does_not_exist_is_an_input_error() {
    let mut a = answers(None, None);
    a.cloud.downcast_mut::<AwsAnswers>().unwrap().key = Some(KEY_ARN.parse::<AwsKeyRef>().unwrap());
    let e = build(&a, &facts(None, None, vec![])).unwrap_err();
    assert!(matches!(&e, PlanError::Cloud { message, .. } if message.contains("was not found in us-east-2")), "{e}");
}

#[test]
fn customer_statements_are_merged_not_replaced() {
    let k = key(fixture_text("customer-statements.json"), AwsKeyState::Enabled);
    let plan =
        build(&answers(Some("staging"), None), &facts(Some(workspace("staging", COMPARTMENT_B)), Some(k), vec![]))
            .unwrap();
    assert_eq!(plan.step("update_key_policy").unwrap().state, StepState::Planned);
    assert!(plan.blocking_failures().is_empty(), "{:#?}", plan.checks);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_converged_setup_changes_nothing() {
    let k = key(fixture_text("correct.json"), AwsKeyState::Enabled);
    let mut ws = workspace("production", COMPARTMENT_A);
    ws.external_key_id = Some("ekey_01example".into());
    let plan = build(
        &answers(Some("production"), Some("production")),
        &facts(Some(ws), Some(k), vec![registration(&[COMPARTMENT_A])]),
    )
    .unwrap();
    assert!(!plan.changes_anything(), "{}", describe(&plan));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn adding_a_workspace_keeps_the_workspaces_already_served() {
    // The key already serves production (attached); staging is added, production stays.
    let k = key(fixture_text("correct.json"), AwsKeyState::Enabled);
    let plan = build(
        &answers(Some("staging"), None),
        &facts(Some(workspace("staging", COMPARTMENT_B)), Some(k), vec![registration(&[COMPARTMENT_A])]),
    )
    .unwrap();
    let mut want: Vec<CompartmentId> = vec![COMPARTMENT_A.parse().unwrap(), COMPARTMENT_B.parse().unwrap()];
    want.sort();
    assert_eq!(pinned(&plan), want);
    assert_eq!(
        plan.step("register_key").unwrap().state,
        StepState::AlreadyDone("the key is already registered as ekey_01example".into())
    );
}

#[test]
fn a_disabled_key_blocks_with_the_fix() {
    let k = key(fixture_text("correct.json"), AwsKeyState::Disabled);
    let plan = build(&answers(None, None), &facts(None, Some(k), vec![])).unwrap();
    let failures = plan.blocking_failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].id, "AWS-01");
    assert!(failures[0].fix.as_ref().unwrap().contains("aws kms enable-key"));
}

#[test]
fn the_console_wizard_policy_is_blocked_as_over_permissive() {
    let k = key(fixture_text("console-wizard.json"), AwsKeyState::Enabled);
    let plan = build(&answers(None, None), &facts(None, Some(k), vec![])).unwrap();
    let ids: Vec<&str> = plan.blocking_failures().iter().map(|c| c.id).collect();
    assert_eq!(ids, ["AWS-08"], "{}", describe(&plan));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn an_explicit_deny_on_anthropics_address_is_reported() {
    let k = key(fixture_text("explicit-deny-source-ip.json"), AwsKeyState::Enabled);
    let plan = build(&answers(None, None), &facts(None, Some(k), vec![])).unwrap();
    let ids: Vec<&str> = plan.blocking_failures().iter().map(|c| c.id).collect();
    assert!(ids.contains(&"AWS-13"), "{}", describe(&plan));
}

#[test]
fn a_placeholder_is_replaced_and_said() {
    let k = key(fixture_text("placeholder-left.json"), AwsKeyState::Enabled);
    let plan = build(
        &answers(Some("production"), None),
        &facts(Some(workspace("production", COMPARTMENT_A)), Some(k), vec![]),
    )
    .unwrap();
    assert!(plan.checks.iter().any(|c| c.id == "ANT-04" && c.status == CheckStatus::Warn), "{}", describe(&plan));
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    let after = match plan.step("update_key_policy").unwrap().action.cloud_step::<AwsStep>() {
        Some(AwsStep::UpdateKeyPolicy { after, .. }) => after.to_json_pretty(),
        _ => unreachable!(),
    };
    assert!(!after.contains("<compartment-uuid>"), "{after}");
}

#[test]
fn a_malformed_policy_blocks_the_merge() {
    let k = key("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Maybe\"}]}", AwsKeyState::Enabled);
    let plan = build(&answers(None, None), &facts(None, Some(k), vec![])).unwrap();
    let ids: Vec<&str> = plan.blocking_failures().iter().map(|c| c.id).collect();
    assert_eq!(ids, ["AWS-10"]);
    assert!(plan.step("update_key_policy").is_none(), "no policy step on a policy that cannot be read");
}

#[test]
fn a_non_us_key_is_blocked() {
    let mut k = key(fixture_text("correct.json"), AwsKeyState::Enabled);
    k.description.region = "eu-west-1".parse().unwrap();
    let plan = build(&answers(None, None), &facts(None, Some(k), vec![])).unwrap();
    assert!(plan.blocking_failures().iter().any(|c| c.id == "ANT-12"));
}

#[test]
fn a_workspace_created_moments_ago_gets_no_existing_data_warning() {
    let mut ws = workspace("cmek-prod", COMPARTMENT_A);
    let existing = build(&answers(Some("cmek-prod"), None), &facts(Some(ws.clone()), None, vec![])).unwrap();
    assert!(existing.checks.iter().any(|c| c.id == "ANT-08"));
    ws.just_created = true;
    let fresh = build(&answers(Some("cmek-prod"), None), &facts(Some(ws), None, vec![])).unwrap();
    assert!(!fresh.checks.iter().any(|c| c.id == "ANT-08"), "{}", describe(&fresh));
}

#[test]
fn the_consoles_grant_blocks_until_its_replacement_is_consented_to_by_name() {
    let ws = workspace("production", COMPARTMENT_A);
    let console = key(fixture_text("console-wizard.json"), AwsKeyState::Enabled);
    let f = facts(Some(ws), Some(console), vec![]);

    // A plain merge keeps the console's grant: AWS-08 blocks, names the flag, and the wizard is
    // offered the same consent.
    let plain = build(&answers(Some("production"), None), &f).unwrap();
    let blocking: Vec<_> = plain.blocking_failures().into_iter().filter(|c| c.id == "AWS-08").collect();
    assert!(!blocking.is_empty(), "{}", describe(&plain));
    assert!(blocking.iter().all(|c| c.fix.as_deref().unwrap().contains("--replace-anthropic-grants")));
    assert_eq!(plain.approvals.iter().map(|a| (a.id, a.key)).collect::<Vec<_>>(), [(REPLACE_ANTHROPIC_GRANTS, 'g')]);

    // Consented: the grant goes, the customer's own statement stays exactly, nothing blocks.
    let mut consented = answers(Some("production"), None);
    consented.cloud.consent(REPLACE_ANTHROPIC_GRANTS, "");
    let plan = build(&consented, &f).unwrap();
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    assert!(plan.approvals.is_empty());
    let step = plan.steps.iter().find_map(|s| s.action.cloud_step::<AwsStep>()).unwrap();
    let AwsStep::UpdateKeyPolicy { after, changes, .. } = step else { panic!("{step:?}") };
    assert!(changes.contains(&MergeChange::RemovedAnthropicGrant {
        sid: Some("Allow use of the key".into()),
        statement_removed: true
    }));
    let sids: Vec<&str> = after.statements().iter().filter_map(|s| s.sid.as_deref()).collect();
    assert!(sids.contains(&"Enable IAM User Permissions") && !sids.contains(&"Allow use of the key"), "{sids:?}");
    assert!(plan.document.as_ref().unwrap().diff.to_unified().contains("-      \"Sid\": \"Allow use of the key\""));
    assert!(consented.cloud.flags(None).contains(&"--replace-anthropic-grants".to_string()));
}

/// `answers` for several workspaces, confirming the attach to `confirmed` only.
fn answers_for(workspaces: &[&str], confirmed: &[&str]) -> SetupAnswers {
    SetupAnswers {
        workspaces: workspaces.iter().map(|w| w.parse::<WorkspaceRef>().unwrap()).collect(),
        confirm_attach: confirmed.iter().map(|w| w.parse::<WorkspaceRef>().unwrap()).collect(),
        ..answers(None, None)
    }
}

fn with_workspaces(mut f: SetupFacts, workspaces: Vec<WorkspaceFacts>) -> SetupFacts {
    f.workspaces = workspaces;
    f
}

#[test]
fn several_workspaces_pin_every_compartment_and_attach_only_where_confirmed() {
    let targets = vec![workspace("production", COMPARTMENT_A), workspace("staging", COMPARTMENT_B)];
    let plan = build(
        &answers_for(&["production", "staging"], &["staging"]),
        &with_workspaces(facts(None, None, vec![]), targets),
    )
    .unwrap();
    let mut both: Vec<CompartmentId> = [COMPARTMENT_A, COMPARTMENT_B].iter().map(|c| c.parse().unwrap()).collect();
    both.sort();
    assert_eq!(pinned(&plan), both, "one policy serves both workspaces");
    let attaches: Vec<(&str, &StepState)> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Attach { workspace_name, .. } => Some((workspace_name.as_str(), &s.state)),
            _ => None,
        })
        .collect();
    assert_eq!(attaches.len(), 2, "{attaches:?}");
    assert!(
        matches!(attaches[0], ("production", StepState::Gated(how)) if how.contains("--confirm-attach wrkspc_production")),
        "{attaches:?}"
    );
    assert!(matches!(attaches[1], ("staging", StepState::Planned)), "{attaches:?}");
    // The first confirmed attach (not the first attach) is the one that validates.
    let validating: Vec<&str> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::Attach { workspace_name, validates: Some(_), .. } => Some(workspace_name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(validating, ["staging"], "{}", describe(&plan));
    // Validation at attach time uses each workspace's compartment: both are predicted to pass.
    let attach_checks = plan.checks.iter().filter(|c| c.title.contains("during attach")).count();
    assert_eq!(attach_checks, 4, "Encrypt and Decrypt for each workspace: {}", describe(&plan));
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
}

#[test]
fn a_confirmation_that_names_none_of_the_workspaces_is_refused() {
    let targets = vec![workspace("production", COMPARTMENT_A), workspace("staging", COMPARTMENT_B)];
    let e = build(
        &answers_for(&["production", "staging"], &["development"]),
        &with_workspaces(facts(None, None, vec![]), targets),
    )
    .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("development") && text.contains("production (wrkspc_production)"), "{text}");
    assert!(text.contains("staging (wrkspc_staging)"), "{text}");
}

#[test]
fn one_archived_workspace_among_several_stops_the_plan() {
    let mut archived = workspace("staging", COMPARTMENT_B);
    archived.archived = true;
    let e = build(
        &answers_for(&["production", "staging"], &[]),
        &with_workspaces(facts(None, None, vec![]), vec![workspace("production", COMPARTMENT_A), archived]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("staging (wrkspc_staging) is archived"), "{e}");
}
