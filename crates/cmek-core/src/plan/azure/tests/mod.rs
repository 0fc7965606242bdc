//! Azure plan tests: realistic facts shaped like the sandbox's seeded vault, and the plan rendered
//! as a reviewer reads it (the AWS renderer, plus each step's title and each finding's fix).

mod checks;
mod policy;
mod scenarios;

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use crate::model::azure::{AzureKeyConfig, AzureKeyFacts};
use crate::model::{OrgUuid, WorkspaceRef};
use crate::plan::azure::{AzureAnswers, AzureFacts, AzureStep};
use crate::plan::{
    CheckStatus, OrgFacts, Plan, RegisteredKey, SetupAnswers, SetupFacts, Severity, StepState, WorkspaceFacts,
};
use crate::policy::aws::test_fixtures::{COMPARTMENT_A, ORG};

pub(crate) use super::fixtures::*;

fn answers() -> SetupAnswers {
    SetupAnswers::new(AzureAnswers::default())
}

/// The Azure part of `answers`, to change it.
fn az(answers: &mut SetupAnswers) -> &mut AzureAnswers {
    answers.cloud.downcast_mut::<AzureAnswers>().expect("Azure answers")
}

/// The Azure step of kind `kind`.
fn step_of<'a>(plan: &'a Plan, kind: &str) -> &'a AzureStep {
    plan.step(kind).and_then(|s| s.action.cloud_step::<AzureStep>()).unwrap_or_else(|| panic!("no Azure {kind} step"))
}

/// `--workspace production --confirm-attach production`, as the sandbox's walkthrough runs it.
fn answers_for_production() -> SetupAnswers {
    SetupAnswers {
        workspaces: vec!["production".parse::<WorkspaceRef>().unwrap()],
        confirm_attach: vec!["production".parse::<WorkspaceRef>().unwrap()],
        ..answers()
    }
}

fn registration(tenant: &str, attached: bool) -> RegisteredKey {
    RegisteredKey {
        id: "ekey_01azure".into(),
        display_name: Some("anthropic-cmek in cmek-sandbox (Azure Key Vault)".into()),
        attached,
        config: AzureKeyConfig {
            vault_uri: "https://cmek-sandbox.vault.azure.net".into(),
            key_name: "anthropic-cmek".into(),
            tenant_id: tenant.into(),
            client_id: None,
        }
        .to_config(),
        attached_compartments: if attached { vec![COMPARTMENT_A.parse().unwrap()] } else { Vec::new() },
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

fn setup(azure: AzureFacts, ws: Option<WorkspaceFacts>, registered: Vec<RegisteredKey>) -> SetupFacts {
    SetupFacts {
        attach_reports_validation: true,
        org: OrgFacts { uuid: ORG.parse::<OrgUuid>().unwrap(), name: Some("Example Org".into()) },
        workspaces: ws.into_iter().collect(),
        registered,
        cloud: Box::new(azure),
    }
}

/// Plans the facts without a workspace.
fn plan(azure: AzureFacts) -> Plan {
    crate::plan::build(&answers(), &setup(azure, None, Vec::new())).unwrap()
}

fn checks_with<'a>(plan: &'a Plan, id: &str) -> Vec<&'a crate::plan::Check> {
    plan.checks.iter().filter(|c| c.id == id).collect()
}

fn blocking_ids(plan: &Plan) -> Vec<&'static str> {
    plan.blocking_failures().iter().map(|c| c.id).collect()
}

/// The AWS renderer, plus what Azure reviewers need: each step's title, which failures block,
/// and the fix of every finding.
fn describe(plan: &Plan) -> String {
    let mut out = crate::plan::aws::tests::describe(plan);
    out.push_str("step titles:\n");
    for s in &plan.steps {
        out.push_str(&format!("  {}: {}\n", s.action.kind(), s.action.title()));
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

fn state(plan: &Plan, kind: &str) -> StepState {
    plan.step(kind).unwrap_or_else(|| panic!("no {kind} step in\n{}", describe(plan))).state.clone()
}
