//! The AWS KMS part of a plan: the key (created with the rendered policy, or an existing one
//! whose policy is merged), its checks, and its registration. Pure.
//!
//! Validation is predicted before anything changes: the policy the run would leave is evaluated
//! for the requests Anthropic's validator makes (`policy_checks`).

mod answers;
pub mod existing_grant;
mod facts;
pub mod key_checks;
mod outcome;
pub mod policy_checks;
pub(crate) mod probes;
mod steps;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
#[cfg(test)]
pub(crate) mod tests;

pub use answers::{AwsAnswers, REPLACE_ANTHROPIC_GRANTS};
pub use existing_grant::ExistingGrant;
pub use facts::AwsFacts;
pub use outcome::AwsOutcome;
pub use steps::{AwsStep, DUPLICATE_DELETION_DAYS};

use crate::identities;
use crate::model::aws::marker::made_by_cmek;
use crate::model::aws::{AwsKeyConfig, AwsKeyFacts, AwsKeyState, KeyMarker, KmsKeyArn};
use crate::model::{CompartmentId, ProviderKind};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::diff::diff;
use crate::policy::aws::merge::merge;
use crate::policy::aws::render::{AnthropicGrant, key_policy};
use crate::policy::aws::replace_grants::{has_foreign_anthropic_grant, without_foreign_anthropic_grants};
use crate::run::CloudOutcome;

use super::checks::{Check, Severity};
use super::{
    Approval, CloudFacts, CloudPlan, DocumentChange, KeyTarget, PlanDocument, PlanError, RegisteredKey, SetupAnswers,
    SetupFacts, Step, StepState, WorkspaceFacts, union,
};
use key_checks::key_checks;
use policy_checks::policy_checks;

/// The document AWS plans show: the key policy.
const DOCUMENT: &str = "Key policy";

impl CloudFacts for AwsFacts {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn plan<'a>(&self, answers: &SetupAnswers, facts: &'a SetupFacts) -> Result<CloudPlan<'a>, PlanError> {
        let aws = answers.cloud_as::<AwsAnswers>(ProviderKind::Aws)?;
        plan(answers, aws, facts, self)
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(AwsOutcome { key_arn: self.key.as_ref().map(|k| k.description.arn.clone()) })
    }

    fn journal(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![
            ("aws_account", serde_json::json!(self.account.to_string())),
            ("key", serde_json::json!(self.key.as_ref().map(|k| k.description.arn.to_string()))),
        ]
    }
}

fn plan<'a>(
    answers: &SetupAnswers,
    asked: &AwsAnswers,
    facts: &'a SetupFacts,
    aws: &AwsFacts,
) -> Result<CloudPlan<'a>, PlanError> {
    let workspaces = facts.workspaces.as_slice();

    let mut checks: Vec<Check> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();

    let key = match (&aws.key, &asked.key) {
        (None, Some(named)) => {
            return Err(PlanError::Cloud {
                message: format!(
                    "KMS key {named} was not found in {} (or you may not describe it); check --key and --region, \
                     or omit --key to create a key",
                    asked.region
                ),
                hint: None,
            });
        }
        (key, _) => key.as_ref(),
    };
    // No alias yet: a key a dead (or concurrent) run made for it is adopted, not duplicated.
    let (adopted, duplicates) = match key {
        None if asked.key.is_none() => adoptable(aws, asked, facts),
        _ => (None, Vec::new()),
    };
    let key = key.or(adopted);
    let key_arn = key.map(|k| k.description.arn.clone());
    let registered = key_arn.as_ref().and_then(|arn| find_registered(&facts.registered, arn));

    let account = key.map(|k| k.description.account.clone()).unwrap_or_else(|| aws.account.clone());
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
        compartments: compartments_for(&existing.compartments, registered, workspaces),
        anthropic_role_arn: identities::published().aws.role_arn.clone(),
        decrypt_existing_compartments: Vec::new(),
    };

    if key.is_none() {
        let observed = format!("a new key would be created in {}", asked.region);
        checks.push(key_checks::region_check(&asked.region, &observed, &asked.region));
    }
    if let Some(k) = key {
        checks.extend(key_checks(k, aws, &asked.region));
        // Placeholders the merge replaces with real values, or, with nothing to replace them
        // (no workspace named), pins the merge would lose: one ANT-04 check for one cause.
        if existing.pins_compartments && grant.compartments.is_empty() {
            checks.push(policy_checks::pins_lost_check(&existing.unusable_values));
        } else if !existing.unusable_values.is_empty() {
            checks.push(policy_checks::placeholder_check(&existing.unusable_values));
        }
    }

    let (final_policy, document) = match (key, &existing_policy) {
        (None, _) => {
            let policy = key_policy(&grant);
            let step = AwsStep::CreateKey {
                region: asked.region.clone(),
                alias: asked.alias.clone(),
                organization: facts.org.uuid,
                description: format!(
                    "Claude Platform customer-managed key for organisation {}, created by cmek",
                    facts.org.described()
                ),
                diff: diff(None, &policy),
                policy: policy.clone(),
            };
            let document = document_of(&step, DocumentChange::New);
            steps.push(Step::cloud(step, StepState::Planned));
            let alias = AwsStep::CreateAlias { alias: asked.alias.clone(), key: None, grant: grant.clone() };
            steps.push(Step::cloud(alias, StepState::Planned));
            steps.push(Step::cloud(AwsStep::EnableRotation { key: None }, StepState::Planned));
            (Some(policy), document)
        }
        (Some(k), Some(doc)) => {
            if adopted.is_some() {
                let arn = Some(k.description.arn.clone());
                let alias = AwsStep::CreateAlias { alias: asked.alias.clone(), key: arn, grant: grant.clone() };
                steps.push(Step::cloud(alias, StepState::Planned));
            }
            let anthropic = &identities::published().aws.account_id;
            // With the customer's named consent, grants to Anthropic's account that are not
            // cmek's (the console's) go first; the merge then adds the role-scoped statements.
            let (base, removed) = match asked.replace_anthropic_grants {
                true => without_foreign_anthropic_grants(doc, anthropic),
                false => (doc.clone(), Vec::new()),
            };
            let mut merged = merge(&base, &grant);
            merged.changes.splice(0..0, removed);
            let (state, change) = if merged.is_unchanged() {
                let why =
                    format!("the key policy of {} already grants Anthropic exactly what is needed", k.description.arn);
                (StepState::AlreadyDone(why), DocumentChange::Unchanged)
            } else {
                (StepState::Planned, DocumentChange::Changes)
            };
            let step = AwsStep::UpdateKeyPolicy {
                key: k.description.arn.clone(),
                before: k.policy.clone(),
                diff: diff(Some(doc), &merged.policy),
                after: merged.policy.clone(),
                changes: merged.changes.clone(),
            };
            let document = document_of(&step, change);
            steps.push(Step::cloud(step, state));
            if let Some(rotation) = rotation_step(k) {
                steps.push(rotation);
            }
            (Some(merged.policy), document)
        }
        (Some(_), None) => (None, None),
    };
    if !duplicates.is_empty() {
        let retire = AwsStep::RetireDuplicates { alias: asked.alias.clone(), keys: duplicates };
        steps.push(Step::cloud(retire, StepState::Planned));
    }

    if let Some(policy) = &final_policy {
        let arn = key_arn.as_ref().map(ToString::to_string).unwrap_or_else(|| placeholder_arn(&grant, asked));
        checks.extend(policy_checks(policy, &arn, grant.account.as_str(), &facts.org.uuid, workspaces, &grant));
    }
    let approvals = match &existing_policy {
        Some(doc) if !asked.replace_anthropic_grants => replace_grants_offer(doc, &mut checks),
        _ => Vec::new(),
    };

    let region = key.map(|k| k.description.region.clone()).unwrap_or_else(|| asked.region.clone());
    let register = Step {
        action: super::Action::RegisterKey {
            target: KeyTarget {
                name: key_arn.as_ref().map(ToString::to_string),
                config: key_arn
                    .as_ref()
                    .map(|arn| AwsKeyConfig { kms_arn: arn.to_string(), region: Some(region.to_string()) }.to_config()),
            },
            display_name: display_name(answers, asked, key, adopted.is_some()),
            existing_id: registered.map(|r| r.id.clone()),
        },
        state: match registered {
            Some(r) => StepState::AlreadyDone(format!("the key is already registered as {}", r.id)),
            None => StepState::Planned,
        },
    };

    let mut plan = CloudPlan::new(steps, checks);
    plan.register = Some(register);
    plan.registered = registered;
    plan.document = document;
    plan.document_name = Some(DOCUMENT);
    plan.approvals = approvals;
    Ok(plan)
}

/// A grant to Anthropic's account that is not cmek's (the console's) stays through a plain merge,
/// and validation refuses it (AWS-08): the failed checks name the way out, `--replace-anthropic-
/// grants`, and the wizard offers the same consent as an approval.
fn replace_grants_offer(doc: &PolicyDocument, checks: &mut [Check]) -> Vec<Approval> {
    if !has_foreign_anthropic_grant(doc, &identities::published().aws.account_id) {
        return Vec::new();
    }
    let mut blocked = false;
    for c in checks.iter_mut().filter(|c| c.id == "AWS-08" && c.is_blocking_failure()) {
        blocked = true;
        c.fix = Some(format!(
            "re-run with --replace-anthropic-grants: it takes out the grants to Anthropic's account that are not \
             cmek's, keeps every other statement of yours, backs up the old policy, and --plan shows the diff first{}",
            c.fix.as_deref().map(|f| format!(" (or by hand: {f})")).unwrap_or_default()
        ));
    }
    if !blocked {
        return Vec::new();
    }
    vec![Approval {
        id: REPLACE_ANTHROPIC_GRANTS,
        check: "AWS-08",
        key: 'g',
        hint: "replace Anthropic's grants",
        notice: "Approved: the plan takes out the grants to Anthropic's account that are not cmek's and adds cmek's \
                 role-scoped statements; your other statements stay and the old policy is backed up. Read the diff \
                 on the Plan screen before you apply."
            .to_string(),
    }]
}

/// The key policy a step writes, as the front ends show it.
fn document_of(step: &AwsStep, change: DocumentChange) -> Option<PlanDocument> {
    let (diff, after) = match step {
        AwsStep::CreateKey { diff, policy, .. } => (diff, policy),
        AwsStep::UpdateKeyPolicy { diff, after, .. } => (diff, after),
        _ => return None,
    };
    Some(PlanDocument { name: DOCUMENT, change, diff: diff.clone(), after: after.to_json_pretty() })
}

/// The key cmek made for this organisation and alias that the run adopts (one a dead run left:
/// registered first, else the oldest), and the others, to retire. Keys another organisation's
/// setup made, disabled keys and registered ones are never retired.
fn adoptable<'f>(
    aws: &'f AwsFacts,
    asked: &AwsAnswers,
    facts: &SetupFacts,
) -> (Option<&'f AwsKeyFacts>, Vec<KmsKeyArn>) {
    let mut mine: Vec<&AwsKeyFacts> = aws
        .orphans
        .iter()
        .filter(|k| KeyMarker::read(&k.tags).is_some_and(|m| m.is_for(&facts.org.uuid, &asked.alias)))
        .filter(|k| k.description.state == AwsKeyState::Enabled)
        .collect();
    let registered = |k: &AwsKeyFacts| find_registered(&facts.registered, &k.description.arn).is_some();
    mine.sort_by(|a, b| {
        (!registered(a), a.description.creation_date, &a.description.key_id).cmp(&(
            !registered(b),
            b.description.creation_date,
            &b.description.key_id,
        ))
    });
    let Some((first, rest)) = mine.split_first() else { return (None, Vec::new()) };
    let retire = rest.iter().filter(|k| !registered(k)).map(|k| k.description.arn.clone()).collect();
    (Some(*first), retire)
}

/// Rotation of a key cmek made is cmek's to keep on (a run may have died before turning it on);
/// on a customer's own key it stays a warning (AWS-17), not a change.
fn rotation_step(key: &AwsKeyFacts) -> Option<Step> {
    if !made_by_cmek(&key.tags) {
        return None;
    }
    let arn = key.description.arn.clone();
    let state = match key.rotation_enabled {
        Some(false) => StepState::Planned,
        Some(true) => StepState::AlreadyDone(format!("automatic rotation is already on for {arn}")),
        None => return None,
    };
    Some(Step::cloud(AwsStep::EnableRotation { key: Some(arn) }, state))
}

/// The registered configuration of this key.
pub fn find_registered<'a>(registered: &'a [RegisteredKey], arn: &KmsKeyArn) -> Option<&'a RegisteredKey> {
    let wanted = arn.to_string();
    registered.iter().find(|r| AwsKeyConfig::read(&r.config).is_some_and(|c| c.kms_arn == wanted))
}

/// The compartments the key must serve: those it is pinned to already, those of workspaces
/// already using it, and the targets'. Empty when nothing pins it (the grant is then org-wide).
fn compartments_for(
    existing: &[CompartmentId],
    registered: Option<&RegisteredKey>,
    targets: &[WorkspaceFacts],
) -> Vec<CompartmentId> {
    let mut all = existing.to_vec();
    if (!targets.is_empty() || !existing.is_empty())
        && let Some(r) = registered
    {
        all = union(&all, &r.attached_compartments);
    }
    let wanted: Vec<CompartmentId> = targets.iter().map(|ws| ws.compartment).collect();
    union(&all, &wanted)
}

fn display_name(answers: &SetupAnswers, asked: &AwsAnswers, key: Option<&AwsKeyFacts>, adopted: bool) -> String {
    if let Some(name) = &answers.display_name {
        return name.clone();
    }
    match key.filter(|_| !adopted) {
        Some(k) => match k.aliases.first() {
            Some(alias) => format!("{alias} ({})", k.description.region),
            None => format!("KMS key {} ({})", k.description.key_id, k.description.region),
        },
        None => format!("{} ({})", asked.alias, asked.region),
    }
}

fn placeholder_arn(grant: &AnthropicGrant, asked: &AwsAnswers) -> String {
    format!("arn:aws:kms:{}:{}:key/new", asked.region, grant.account)
}

fn malformed_policy_check(arn: &KmsKeyArn, error: &str) -> Check {
    Check::fail("AWS-10", Severity::High, "the existing key policy can be read and merged", error).with_fix(format!(
        "fix the policy (see the error), e.g. aws kms get-key-policy --key-id {arn} --policy-name default \
             --query Policy --output text > policy.json; edit; aws kms put-key-policy --key-id {arn} \
             --policy-name default --policy file://policy.json"
    ))
}
