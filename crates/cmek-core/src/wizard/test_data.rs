//! Realistic fixtures shared by the wizard's tests and the views' snapshots: the sandbox's
//! organisation and workspaces, an AWS identity, key candidates, plans built by the real planner
//! from facts, and the reports a run can end with.

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};

use crate::error::Error;
use crate::model::aws::{AwsCallerIdentity, AwsKeyDescription, AwsKeyFacts, AwsKeyState, KmsKeyArn};
use crate::model::{CompartmentId, OrgUuid, ProviderKind};
use crate::plan::aws::{AwsFacts, AwsOutcome};
use crate::plan::azure::AzureOutcome;
use crate::plan::{self, OrgFacts, Plan, SetupAnswers, SetupFacts, WorkspaceFacts};
use crate::policy::aws::test_fixtures::fixture_text;
use crate::run::events::StepOutcome;
use crate::run::{RunReport, ValidationResult};
use crate::wizard::aws::{AwsOverview, KeyCandidate};
use crate::wizard::azure::{AzureOverview, VaultSummary};
use crate::wizard::cloud::CloudState;
use crate::wizard::overview::{Overview, WorkspaceSummary};

pub const ORG_ID: &str = "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";
pub const ORG_NAME: &str = "Sandbox Organisation";
pub const ACCOUNT: &str = "111122223333";
pub const CALLER_ARN: &str = "arn:aws:iam::111122223333:user/ada";
pub const KEY_ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
pub const EXTERNAL_KEY_ID: &str = "ekey_01SbxWizard8Hd3LqR2";
pub const STAGING_KEY_ID: &str = "ekey_01SbxStaging5Tn7Wc";
pub const JOURNAL_DIR: &str = "/home/ada/.local/state/cmek/runs/20260115T093012.345Z-setup-3fa2c1";

/// (id, name, compartment) of the sandbox's three ordinary workspaces, in creation order.
pub const WORKSPACES: [(&str, &str, &str); 3] = [
    ("wrkspc_01SbxProduction7Kq2Vd", "production", "0b7f3c2e-6a1d-4e8f-9b2c-5d4e3f2a1b0c"),
    ("wrkspc_01SbxStaging4Rm8Tx", "staging", "1c8a4d3f-7b2e-4f9a-8c3d-6e5f4a3b2c1d"),
    ("wrkspc_01SbxDevelopment9Wn5Hy", "development", "2d9b5e4a-8c3f-4a0b-9d4e-7f6a5b4c3d2e"),
];
pub const NEW_WORKSPACE: (&str, &str, &str) =
    ("wrkspc_01SbxAnalytics2Pf6Zr", "analytics", "4f1d7a6c-0e5b-4c2d-9f6a-9b8c7d6e5f4a");

pub fn seeded_at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
}

pub fn summary(index: usize) -> WorkspaceSummary {
    let (id, name, _) = WORKSPACES[index];
    WorkspaceSummary {
        id: id.into(),
        name: name.into(),
        external_key_id: None,
        created_at: seeded_at(index as i64 + 1),
    }
}

pub fn new_workspace() -> WorkspaceSummary {
    WorkspaceSummary {
        id: NEW_WORKSPACE.0.into(),
        name: NEW_WORKSPACE.1.into(),
        external_key_id: None,
        created_at: seeded_at(600),
    }
}

pub fn caller() -> AwsCallerIdentity {
    AwsCallerIdentity { account: ACCOUNT.parse().unwrap(), arn: CALLER_ARN.into(), user_id: "AIDASANDBOXADA".into() }
}

/// The organisation with its three workspaces; staging already has a key when `staging_attached`.
pub fn overview(aws_found: bool, staging_attached: bool) -> Overview {
    let mut workspaces: Vec<WorkspaceSummary> = (0..3).map(summary).collect();
    if staging_attached {
        workspaces[1].external_key_id = Some(STAGING_KEY_ID.into());
    }
    Overview {
        org_name: ORG_NAME.into(),
        org_uuid: ORG_ID.parse::<OrgUuid>().unwrap(),
        workspaces,
        clouds: vec![
            (
                ProviderKind::Aws,
                if aws_found {
                    CloudState::Ready(Box::new(AwsOverview(caller())))
                } else {
                    CloudState::Unusable(
                        "sts:GetCallerIdentity failed (no credentials): none in the environment, the shared config \
                         files (profile default) or the instance metadata"
                            .into(),
                    )
                },
            ),
            (
                ProviderKind::Azure,
                CloudState::Unusable(
                    "no Azure credential: az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"
                        .into(),
                ),
            ),
            (
                ProviderKind::Gcp,
                CloudState::Unusable(
                    "no Google credentials: gcloud auth application-default login, or set \
                     GOOGLE_APPLICATION_CREDENTIALS"
                        .into(),
                ),
            ),
        ],
    }
}

/// The sandbox's Azure tenant and vaults (the seeded one, and a second one).
pub const AZURE_TENANT: &str = "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f";
pub const AZURE_SUBSCRIPTION: &str = "3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47";

pub fn vault_summary(name: &str) -> VaultSummary {
    VaultSummary {
        name: name.into(),
        uri: format!("https://{name}.vault.azure.net/"),
        id: format!(
            "/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/{name}"
        ),
        location: "eastus2".into(),
        tenant_id: AZURE_TENANT.into(),
    }
}

/// The overview with an Azure sign-in that sees `vaults`.
pub fn overview_with_azure(vaults: &[&str]) -> Overview {
    let mut o = overview(true, false);
    o.clouds[1].1 = CloudState::Ready(Box::new(AzureOverview {
        caller: crate::model::azure::AzureCallerIdentity {
            tenant_id: AZURE_TENANT.into(),
            object_id: Some("0b1e7c2d-2222-4333-8444-555566667777".into()),
            app_id: Some("c0ffee00-1111-4222-8333-444455556666".into()),
        },
        credential_source: Some("Azure CLI (az login)".into()),
        vaults: vaults.iter().map(|v| vault_summary(v)).collect(),
    }));
    o
}

pub fn candidate() -> KeyCandidate {
    KeyCandidate {
        arn: KEY_ARN.parse::<KmsKeyArn>().unwrap(),
        alias: Some("alias/anthropic-cmek".parse().unwrap()),
        state: AwsKeyState::Enabled,
        note: "named by alias/anthropic-cmek; Enabled, single-Region".into(),
    }
}

pub fn workspace_facts(index: usize) -> WorkspaceFacts {
    let (id, name, compartment) = WORKSPACES[index];
    WorkspaceFacts {
        id: id.into(),
        name: name.into(),
        compartment: compartment.parse::<CompartmentId>().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: seeded_at(index as i64 + 1),
        just_created: false,
    }
}

/// An existing key whose policy is one of the planner's fixtures.
pub fn key_facts(policy_fixture: &str) -> AwsKeyFacts {
    AwsKeyFacts {
        description: AwsKeyDescription::sample(),
        policy: fixture_text(policy_fixture).to_string(),
        aliases: vec!["alias/anthropic-cmek".parse().unwrap()],
        rotation_enabled: Some(true),
        tags: Vec::new(),
    }
}

pub fn facts(workspace: Option<WorkspaceFacts>, key: Option<AwsKeyFacts>) -> SetupFacts {
    SetupFacts {
        attach_reports_validation: true,
        org: OrgFacts { uuid: ORG_ID.parse().unwrap(), name: Some(ORG_NAME.into()) },
        workspaces: workspace.into_iter().collect(),
        registered: vec![],
        cloud: Box::new(AwsFacts {
            account: caller().account,
            caller: Some(caller()),
            alias_target: key.as_ref().map(|k| k.description.arn.clone()),
            key,
            orphans: Vec::new(),
        }),
    }
}

/// The platform's facts for `answers` (the workspace it names), with an AWS key (carrying
/// `key_policy`, or new) as the cloud's part.
fn base_facts(answers: &SetupAnswers, key_policy: Option<&str>) -> SetupFacts {
    let mut f = facts(None, key_policy.map(key_facts));
    f.workspaces = answers
        .workspaces
        .iter()
        .filter_map(|r| WORKSPACES.iter().position(|(id, name, _)| r.matches(id, name)).map(workspace_facts))
        .collect();
    f
}

/// Facts and the real plan for `answers`: a new key when `key_policy` is None, else an existing
/// key carrying that fixture policy. Azure answers get the sandbox's seeded vault, nothing done.
pub fn prepared(answers: &SetupAnswers, key_policy: Option<&str>) -> (SetupFacts, Plan) {
    let mut f = base_facts(answers, key_policy);
    if answers.provider() == ProviderKind::Azure {
        f.cloud = Box::new(plan::azure::fixtures::sandbox());
    }
    let p = plan::build(answers, &f).unwrap();
    (f, p)
}

/// Facts and the real plan for Azure `answers` on the vault and key `azure` describes.
pub fn prepared_azure(answers: &SetupAnswers, azure: crate::plan::azure::AzureFacts) -> (SetupFacts, Plan) {
    prepared_with(answers, Box::new(azure))
}

/// Facts with the cloud's part `cloud`, and the real plan for `answers` on them.
pub fn prepared_with(answers: &SetupAnswers, cloud: Box<dyn crate::plan::CloudFacts>) -> (SetupFacts, Plan) {
    let mut f = base_facts(answers, None);
    f.cloud = cloud;
    let p = plan::build(answers, &f).unwrap();
    (f, p)
}

/// The key id of the Azure key the sandbox run creates.
pub const AZURE_KEY_ID: &str =
    "https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek/4f1c2a9e8b7d46f0a1b2c3d4e5f60718";

fn report(plan: &Plan, outcomes: Vec<StepOutcome>) -> RunReport {
    let azure = plan.document_name.is_none();
    RunReport {
        outcomes,
        external_key_id: Some(EXTERNAL_KEY_ID.into()),
        validation: None,
        attached_to: Vec::new(),
        failure: None,
        journal_dir: PathBuf::from(JOURNAL_DIR),
        notes: Vec::new(),
        cloud: if azure {
            Box::new(AzureOutcome {
                key_id: Some(AZURE_KEY_ID.to_string()),
                service_principal: Some("7e1f0c3a-5b2d-4c8e-9f60-1a2b3c4d5e6f".to_string()),
            })
        } else {
            Box::new(AwsOutcome { key_arn: Some(KEY_ARN.parse().unwrap()) })
        },
    }
}

/// The outcomes a plan's steps get when every planned step runs; `last` replaces the validate step's.
fn outcomes(plan: &Plan, validate: StepOutcome) -> Vec<StepOutcome> {
    plan.steps
        .iter()
        .map(|s| match (s.action.kind(), &s.state) {
            ("validate", _) => validate.clone(),
            (_, plan::StepState::AlreadyDone(why)) => StepOutcome::Unchanged { reason: why.clone() },
            (_, plan::StepState::Gated(how)) => StepOutcome::Gated { how: how.clone() },
            ("create_key", _) => {
                StepOutcome::Done { detail: format!("created {KEY_ARN} (alias/anthropic-cmek), automatic rotation on") }
            }
            ("register_key", _) => StepOutcome::Done { detail: format!("registered as {EXTERNAL_KEY_ID}") },
            (_, _) => StepOutcome::Done { detail: "key policy updated".into() },
        })
        .collect()
}

/// Every step ran and validation passed; the attach stays gated.
pub fn validated_report(plan: &Plan) -> RunReport {
    let mut r = report(
        plan,
        outcomes(
            plan,
            StepOutcome::Done {
                detail: format!("{EXTERNAL_KEY_ID} validated: Anthropic encrypted and decrypted with the key"),
            },
        ),
    );
    r.validation = Some(ValidationResult { success: true, error: None });
    r
}

pub const VALIDATION_ERROR: &str = "AccessDeniedException: User: arn:aws:sts::915198916910:assumed-role/\
anthropic-cmek-client-us/validation is not authorized to perform: kms:Encrypt on resource: \
arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no resource-based policy allows \
the kms:Encrypt action";

/// Every step ran but the platform could not use the key.
pub fn validation_failed_report(plan: &Plan) -> RunReport {
    let message = format!("validation of {EXTERNAL_KEY_ID} failed: {VALIDATION_ERROR}");
    let mut r = report(plan, outcomes(plan, StepOutcome::Failed { error: message.clone() }));
    r.validation = Some(ValidationResult { success: false, error: Some(VALIDATION_ERROR.into()) });
    r.failure = Some(
        Error::unhealthy(message)
            .with_hint("fix the cause above, then re-run the same command: finished steps are not repeated"),
    );
    r
}

/// The first step failed: nothing was created.
pub fn apply_failed_report(plan: &Plan) -> RunReport {
    let message = "kms:CreateKey failed (AccessDeniedException): User: arn:aws:iam::111122223333:user/ada is not \
                   authorized to perform: kms:CreateKey (request id 7c1d5e2a-4b3f-4e8d-9a6c-2f1e0d9c8b7a)";
    let outcomes = plan
        .steps
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { StepOutcome::Failed { error: message.into() } } else { StepOutcome::Skipped })
        .collect();
    let mut r = report(plan, outcomes);
    r.cloud = Box::new(AwsOutcome { key_arn: None });
    r.external_key_id = None;
    r.failure = Some(
        Error::auth(message)
            .with_hint("grant kms:CreateKey, kms:CreateAlias and kms:PutKeyPolicy to arn:aws:iam::111122223333:user/ada, then try again"),
    );
    r
}
