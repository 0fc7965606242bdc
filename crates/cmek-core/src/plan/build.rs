//! `build`: answers + facts -> the plan of a `setup` run. Pure: the same inputs give the same plan.

use crate::identities;
use crate::model::{AwsKeyFacts, CompartmentId, KmsKeyArn, ProviderKind};
use crate::policy::PolicyDocument;
use crate::policy::diff::diff;
use crate::policy::merge::merge;
use crate::policy::render::{AnthropicGrant, key_policy};

use super::answers::SetupAnswers;
use super::checks::Check;
use super::facts::{AwsFacts, CloudFacts, RegisteredKey, SetupFacts, WorkspaceFacts};
use super::key_checks::key_checks;
use super::policy_checks::policy_checks;
use super::step::{Action, KeyTarget, Step, StepState};
use super::{Plan, PlanError, existing_grant};

pub fn build(answers: &SetupAnswers, facts: &SetupFacts) -> Result<Plan, PlanError> {
    check_workspace_inputs(answers, facts.workspace.as_ref())?;
    match (answers.provider, &facts.cloud) {
        (ProviderKind::Aws, CloudFacts::Aws(aws)) => build_aws(answers, facts, aws),
        (ProviderKind::Azure, CloudFacts::Azure(azure)) => super::azure::build(answers, facts, azure),
        (other, _) => Err(PlanError::ProviderNotSupported(other)),
    }
}

fn build_aws(answers: &SetupAnswers, facts: &SetupFacts, aws: &AwsFacts) -> Result<Plan, PlanError> {
    let workspace = facts.workspace.as_ref();

    let mut checks: Vec<Check> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();

    let key = match (&aws.key, &answers.aws.key) {
        (None, Some(named)) => {
            return Err(PlanError::KeyNotFound { key: named.to_string(), region: answers.aws.region.to_string() });
        }
        (key, _) => key.as_ref(),
    };
    let key_arn = key.map(|k| k.description.arn.clone());
    let registered = key_arn.as_ref().and_then(|arn| find_registered(&facts.registered, arn));

    let account = key.map(|k| k.description.account.clone()).unwrap_or_else(|| aws.caller.account.clone());
    let existing_policy = match key {
        Some(k) => match PolicyDocument::parse(&k.policy) {
            Ok(doc) => Some(doc),
            Err(e) => {
                checks.push(malformed_policy_check(&k.description.arn, &e.to_string()));
                None
            }
        },
        None => None,
    };
    let existing = existing_policy.as_ref().map(existing_grant::read).unwrap_or_default();
    let grant = AnthropicGrant {
        account,
        org_uuids: union(&existing.org_uuids, &[facts.org.uuid]),
        compartments: compartments_for(&existing.compartments, registered, workspace),
        anthropic_role_arn: identities::published().aws.role_arn.clone(),
        decrypt_existing_compartments: Vec::new(),
    };

    if let Some(k) = key {
        checks.extend(key_checks(k, aws, &answers.aws.region));
        if !existing.unusable_values.is_empty() {
            checks.push(super::policy_checks::placeholder_check(&existing.unusable_values));
        }
    }

    let final_policy = match (key, &existing_policy) {
        (None, _) => {
            let policy = key_policy(&grant);
            steps.push(Step {
                action: Action::CreateKey {
                    region: answers.aws.region.clone(),
                    alias: answers.aws.alias.clone(),
                    description: format!(
                        "Claude Platform customer-managed key for {} ({}), created by cmek",
                        facts.org.name, facts.org.uuid
                    ),
                    diff: diff(None, &policy),
                    policy: policy.clone(),
                },
                state: StepState::Planned,
            });
            Some(policy)
        }
        (Some(k), Some(doc)) => {
            let merged = merge(doc, &grant);
            let state = if merged.is_unchanged() {
                StepState::AlreadyDone(format!(
                    "the key policy of {} already grants Anthropic exactly what is needed",
                    k.description.arn
                ))
            } else {
                StepState::Planned
            };
            steps.push(Step {
                action: Action::UpdateKeyPolicy {
                    key: k.description.arn.clone(),
                    before: k.policy.clone(),
                    diff: diff(Some(doc), &merged.policy),
                    after: merged.policy.clone(),
                    changes: merged.changes.clone(),
                },
                state,
            });
            Some(merged.policy)
        }
        (Some(_), None) => None,
    };

    if let Some(policy) = &final_policy {
        let arn = key_arn.as_ref().map(ToString::to_string).unwrap_or_else(|| placeholder_arn(&grant, answers));
        checks.extend(policy_checks(policy, &arn, grant.account.as_str(), &facts.org.uuid, workspace, &grant));
    }

    steps.push(Step {
        action: Action::RegisterKey {
            target: KeyTarget::Aws {
                kms_arn: key_arn.clone(),
                region: key.map(|k| k.description.region.clone()).unwrap_or_else(|| answers.aws.region.clone()),
            },
            display_name: display_name(answers, key),
            existing_id: registered.map(|r| r.id.clone()),
        },
        state: match registered {
            Some(r) => StepState::AlreadyDone(format!("the key is already registered as {}", r.id)),
            None => StepState::Planned,
        },
    });
    steps.push(Step { action: Action::Validate { propagation_wait: None }, state: StepState::Planned });

    if let Some(ws) = workspace {
        steps.push(attach_step(answers, ws, registered));
        if ws.external_key_id.is_none() && !ws.just_created {
            checks.push(super::policy_checks::workspace_in_use_check(ws));
        }
    }

    Ok(Plan { steps, checks, grant: Some(grant) })
}

/// Refuses inputs that could never lead to a safe attach, before anything is looked at further.
pub(super) fn check_workspace_inputs(answers: &SetupAnswers, ws: Option<&WorkspaceFacts>) -> Result<(), PlanError> {
    match (&answers.confirm_attach, ws) {
        (Some(given), None) => return Err(PlanError::ConfirmWithoutWorkspace { given: given.to_string() }),
        (Some(given), Some(ws)) if !given.matches(&ws.id, &ws.name) => {
            return Err(PlanError::ConfirmMismatch {
                given: given.to_string(),
                workspace: format!("{} ({})", ws.name, ws.id),
            });
        }
        _ => {}
    }
    if let Some(ws) = ws
        && ws.archived
    {
        return Err(PlanError::WorkspaceArchived { workspace: format!("{} ({})", ws.name, ws.id) });
    }
    Ok(())
}

pub(super) fn attach_step(answers: &SetupAnswers, ws: &WorkspaceFacts, registered: Option<&RegisteredKey>) -> Step {
    let action =
        Action::Attach { workspace_id: ws.id.clone(), workspace_name: ws.name.clone(), compartment: ws.compartment };
    let state = match (&ws.external_key_id, registered) {
        (Some(current), Some(r)) if *current == r.id => {
            StepState::AlreadyDone(format!("workspace {} already uses {}", ws.name, r.id))
        }
        (Some(current), _) => StepState::Gated(format!(
            "workspace {} already has key {current} attached; attach is permanent and cannot be replaced: \
             choose another workspace",
            ws.name
        )),
        (None, _) if answers.confirm_attach.is_some() => StepState::Planned,
        (None, _) => StepState::Gated(format!(
            "attaching is permanent: re-run with --confirm-attach {} to attach to workspace {}",
            ws.id, ws.name
        )),
    };
    Step { action, state }
}

fn find_registered<'a>(registered: &'a [RegisteredKey], arn: &KmsKeyArn) -> Option<&'a RegisteredKey> {
    let wanted = arn.to_string();
    registered.iter().find(|r| r.kms_arn.as_deref() == Some(wanted.as_str()))
}

/// The compartments the key must serve: those it is pinned to already, those of workspaces
/// already using it, and the target. Empty when nothing pins it (the grant is then org-wide).
fn compartments_for(
    existing: &[CompartmentId],
    registered: Option<&RegisteredKey>,
    ws: Option<&WorkspaceFacts>,
) -> Vec<CompartmentId> {
    let mut all = existing.to_vec();
    if (ws.is_some() || !existing.is_empty())
        && let Some(r) = registered
    {
        all = union(&all, &r.attached_compartments);
    }
    if let Some(ws) = ws {
        all = union(&all, &[ws.compartment]);
    }
    all
}

pub(super) fn union<T: Clone + Ord>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out: Vec<T> = a.iter().chain(b).cloned().collect();
    out.sort();
    out.dedup();
    out
}

fn display_name(answers: &SetupAnswers, key: Option<&AwsKeyFacts>) -> String {
    if let Some(name) = &answers.display_name {
        return name.clone();
    }
    match key {
        Some(k) => match k.aliases.first() {
            Some(alias) => format!("{alias} ({})", k.description.region),
            None => format!("KMS key {} ({})", k.description.key_id, k.description.region),
        },
        None => format!("{} ({})", answers.aws.alias, answers.aws.region),
    }
}

fn placeholder_arn(grant: &AnthropicGrant, answers: &SetupAnswers) -> String {
    format!("arn:aws:kms:{}:{}:key/new", answers.aws.region, grant.account)
}

fn malformed_policy_check(arn: &KmsKeyArn, error: &str) -> Check {
    Check::fail("AWS-10", super::checks::Severity::High, "the existing key policy can be read and merged", error)
        .with_fix(format!(
            "fix the policy (see the error), e.g. aws kms get-key-policy --key-id {arn} --policy-name default \
             --query Policy --output text > policy.json; edit; aws kms put-key-policy --key-id {arn} \
             --policy-name default --policy file://policy.json"
        ))
}
