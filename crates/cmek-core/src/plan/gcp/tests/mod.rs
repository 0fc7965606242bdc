//! Google Cloud plan tests: facts shaped like the sandbox's default world, and the plan rendered
//! as a reviewer reads it (the shared renderer, plus each step's title, the key's IAM policy diff,
//! which failures block, and each finding's fix).

mod access;
mod key_checks;
mod labels_iam;
mod registration;
mod scenarios;

use chrono::{TimeZone, Utc};

use crate::model::gcp::{GcpKeyConfig, GcpKeyName};
use crate::model::{OrgUuid, WorkspaceRef};
use crate::plan::gcp::{GcpAnswers, GcpFacts, GcpStep, IamGrant};
use crate::plan::{
    Check, CheckStatus, OrgFacts, Plan, RegisteredKey, SetupAnswers, SetupFacts, StepState, WorkspaceFacts,
};
use crate::policy::aws::test_fixtures::COMPARTMENT_A;

pub(crate) use super::fixtures::*;

fn answers() -> SetupAnswers {
    SetupAnswers::new(GcpAnswers { key: Some(key_name()), ..GcpAnswers::default() })
}

/// The Google Cloud part of `answers`, to change it.
fn gcp(answers: &mut SetupAnswers) -> &mut GcpAnswers {
    answers.cloud.downcast_mut::<GcpAnswers>().expect("Google Cloud answers")
}

/// `--workspace production --confirm-attach production`, as the sandbox's walkthrough runs it.
fn answers_for_production() -> SetupAnswers {
    SetupAnswers {
        workspaces: vec!["production".parse::<WorkspaceRef>().unwrap()],
        confirm_attach: vec!["production".parse::<WorkspaceRef>().unwrap()],
        ..answers()
    }
}

fn workspace() -> WorkspaceFacts {
    WorkspaceFacts {
        id: "wrkspc_production".into(),
        name: "production".into(),
        compartment: COMPARTMENT_A.parse().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap(),
        just_created: false,
    }
}

/// A registration of `key_name` (verbatim), attached or not.
fn registration(id: &str, key_name: &str, attached: bool) -> RegisteredKey {
    RegisteredKey {
        id: id.into(),
        display_name: Some("anthropic-cmek in key ring anthropic-cmek (Cloud KMS, us-central1)".into()),
        attached,
        config: GcpKeyConfig { key_name: key_name.into() }.to_config(),
        attached_compartments: if attached { vec![COMPARTMENT_A.parse().unwrap()] } else { Vec::new() },
    }
}

fn setup(gcp: GcpFacts, ws: Option<WorkspaceFacts>, registered: Vec<RegisteredKey>) -> SetupFacts {
    SetupFacts {
        attach_reports_validation: true,
        org: OrgFacts { uuid: ORG.parse::<OrgUuid>().unwrap(), name: Some(ORG_NAME.into()) },
        workspaces: ws.into_iter().collect(),
        registered,
        cloud: Box::new(gcp),
    }
}

/// The answers for `facts`' key (its name may have been changed by the test).
fn answers_for(facts: &GcpFacts) -> SetupAnswers {
    SetupAnswers::new(GcpAnswers { key: Some(facts.key_name.clone()), ..GcpAnswers::default() })
}

/// Plans the facts without a workspace.
fn plan(gcp: GcpFacts) -> Plan {
    crate::plan::build(&answers_for(&gcp), &setup(gcp, None, Vec::new())).unwrap()
}

/// The sandbox with the key ring and key named `location` instead of us-central1.
fn in_location(location: &str) -> GcpFacts {
    let name = GcpKeyName { location: location.into(), ..key_name() };
    GcpFacts { key_name: name, ..sandbox() }
}

fn checks_with<'a>(plan: &'a Plan, id: &str) -> Vec<&'a Check> {
    plan.checks.iter().filter(|c| c.id == id).collect()
}

/// The only check with `id` whose status is not pass (panics, with the plan, otherwise).
fn not_passing<'a>(plan: &'a Plan, id: &str) -> &'a Check {
    let found: Vec<&Check> = checks_with(plan, id).into_iter().filter(|c| c.status != CheckStatus::Pass).collect();
    match found.as_slice() {
        [one] => one,
        _ => panic!("expected one non-passing {id}, found {}:\n{}", found.len(), describe(plan)),
    }
}

fn blocking_ids(plan: &Plan) -> Vec<&'static str> {
    plan.blocking_failures().iter().map(|c| c.id).collect()
}

/// The Google Cloud step of kind `kind`.
fn step_of<'a>(plan: &'a Plan, kind: &str) -> &'a GcpStep {
    plan.step(kind).and_then(|s| s.action.cloud_step::<GcpStep>()).unwrap_or_else(|| panic!("no {kind} step"))
}

fn grant_of(plan: &Plan) -> &IamGrant {
    match step_of(plan, "grant_anthropic") {
        GcpStep::GrantAnthropic(g) => g,
        other => panic!("{other:?}"),
    }
}

fn state(plan: &Plan, kind: &str) -> StepState {
    plan.step(kind).unwrap_or_else(|| panic!("no {kind} step in\n{}", describe(plan))).state.clone()
}

fn kinds(plan: &Plan) -> Vec<&'static str> {
    plan.steps.iter().map(|s| s.action.kind()).collect()
}

/// The shared renderer, plus what Google Cloud reviewers need: each step's title, the key's IAM
/// policy as a diff, which failures block, and the fix of every finding.
fn describe(plan: &Plan) -> String {
    let mut out = crate::plan::aws::tests::describe(plan);
    out.push_str("step titles:\n");
    for s in &plan.steps {
        out.push_str(&format!("  {}: {}\n", s.action.kind(), s.action.title()));
    }
    match &plan.document {
        Some(doc) => {
            out.push_str(&format!("document {} ({:?}):\n", doc.name, doc.change));
            let unified = doc.diff.to_unified();
            out.push_str(if unified.is_empty() { "  (unchanged)\n" } else { &unified });
        }
        None => out.push_str(&format!("document {:?}: none\n", plan.document_name)),
    }
    out.push_str(&format!("blocking: {:?}\n", blocking_ids(plan)));
    out.push_str("fixes:\n");
    for c in plan.checks.iter().filter(|c| c.status != CheckStatus::Pass) {
        if let Some(fix) = &c.fix {
            out.push_str(&format!("  {}: {fix}\n", c.id));
        }
    }
    out
}
