//! Applies a plan step by step: each step is journalled, a replaced key policy is backed up first,
//! and the first failure stops the run (later steps are reported as skipped). The Azure steps are
//! in `apply_azure`; validation waits out RBAC propagation through `propagation`.

use serde_json::json;

use crate::error::{Error, ErrorKind};
use crate::platform::types::{AwsKeyConfig, CreateExternalKey, ProviderConfig, ValidationStatus};
use crate::providers::aws::NewAwsKey;
use cmek_core::model::KmsKeyArn;
use cmek_core::plan::{Action, KeyTarget, Plan, SetupFacts, StepState};
use cmek_core::policy::PolicyDocument;

use super::Services;
use super::journal::Journal;
use super::propagation::{self, Backoff, Report};
use cmek_core::run::events::{Event, EventSink, StepOutcome};
use cmek_core::run::report::{CloudResult, RunReport, ValidationResult, initial_key, initial_registration};

/// Mutable state threaded through the steps: what earlier steps created.
pub(super) struct Progress {
    pub(super) key_arn: Option<KmsKeyArn>,
    pub(super) azure_key_id: Option<String>,
    /// Azure: the object id of Anthropic's service principal (found, or created by the consent step).
    pub(super) service_principal: Option<String>,
    pub(super) external_key_id: Option<String>,
    pub(super) validation: Option<ValidationResult>,
    pub(super) attached_to: Option<String>,
}

pub async fn apply(
    services: &Services,
    facts: &SetupFacts,
    plan: &Plan,
    journal: &mut Journal,
    sink: &mut dyn EventSink,
) -> RunReport {
    let mut progress = Progress {
        key_arn: initial_key(plan),
        azure_key_id: facts.azure().and_then(|a| a.key.as_ref()).and_then(|k| k.kid.clone()),
        service_principal: facts.azure().and_then(|a| a.service_principal.as_ref()).map(|sp| sp.object_id.clone()),
        external_key_id: initial_registration(plan),
        validation: None,
        attached_to: facts
            .workspace
            .as_ref()
            .filter(|w| w.external_key_id.is_some())
            .and_then(|w| (w.external_key_id == initial_registration(plan)).then(|| w.id.clone())),
    };
    let mut outcomes = Vec::with_capacity(plan.steps.len());
    let mut failure: Option<Error> = None;

    for (index, step) in plan.steps.iter().enumerate() {
        let title = step.action.title();
        let outcome = if failure.is_some() {
            StepOutcome::Skipped
        } else {
            match &step.state {
                StepState::AlreadyDone(reason) => StepOutcome::Unchanged { reason: reason.clone() },
                StepState::Gated(how) => StepOutcome::Gated { how: how.clone() },
                StepState::Planned if services.cancel.is_cancelled() => {
                    let e =
                        Error::new(ErrorKind::Interrupted, format!("interrupted before step {}: {title}", index + 1))
                            .with_hint("re-run the same command to continue: finished steps are not repeated");
                    let outcome = StepOutcome::Failed { error: e.message.clone() };
                    failure = Some(e);
                    outcome
                }
                StepState::Planned => {
                    sink.emit(Event::StepStarted { index, title: title.clone() });
                    let mut ctx = StepContext { services, facts, index, journal, sink: &mut *sink };
                    match run_step(&mut ctx, &step.action, &mut progress).await {
                        Ok(detail) => StepOutcome::Done { detail },
                        Err(e) => {
                            let outcome = StepOutcome::Failed { error: e.message.clone() };
                            failure = Some(e);
                            outcome
                        }
                    }
                }
            }
        };
        let _ = journal.record(
            "step",
            json!({ "index": index, "action": step.action.kind(), "title": title, "outcome": outcome }),
        );
        if !matches!(step.state, StepState::Planned) || failure.is_some() || matches!(outcome, StepOutcome::Done { .. })
        {
            sink.emit(Event::StepFinished { index, title, outcome: outcome.clone() });
        }
        outcomes.push(outcome);
    }

    RunReport {
        outcomes,
        key_arn: progress.key_arn,
        external_key_id: progress.external_key_id,
        validation: progress.validation,
        attached_to: progress.attached_to,
        failure,
        journal_dir: journal.dir().to_path_buf(),
        cloud: CloudResult { azure_key_id: progress.azure_key_id, azure_service_principal: progress.service_principal },
    }
}

/// What a step runs with: the clients, the facts the plan was made from, and where it reports.
pub(super) struct StepContext<'a> {
    pub(super) services: &'a Services,
    pub(super) facts: &'a SetupFacts,
    pub(super) index: usize,
    pub(super) journal: &'a mut Journal,
    pub(super) sink: &'a mut dyn EventSink,
}

async fn run_step(ctx: &mut StepContext<'_>, action: &Action, progress: &mut Progress) -> Result<String, Error> {
    let services = ctx.services;
    let journal = &mut *ctx.journal;
    match action {
        Action::CreateKey { alias, description, policy, .. } => {
            let aws = services.aws()?;
            let created = aws
                .create_key(&NewAwsKey {
                    policy_json: policy.to_json_pretty(),
                    description: description.clone(),
                    tags: vec![("created-by".into(), "cmek".into())],
                })
                .await
                .map_err(Error::from)?;
            let _ = journal.record("key_created", json!({ "arn": created.arn.to_string() }));
            aws.create_alias(alias, &created.key_id).await.map_err(|e| {
                Error::from(e).context(format!("the key {} was created, but its alias {alias} was not", created.arn))
            })?;
            let _ =
                journal.record("alias_created", json!({ "alias": alias.to_string(), "arn": created.arn.to_string() }));
            // Rotation is hygiene, not a requirement: a refusal is reported, not fatal.
            let rotation = match aws.enable_key_rotation(created.key_id.as_str()).await {
                Ok(()) => "automatic rotation on".to_string(),
                Err(e) => format!("automatic rotation NOT turned on ({e})"),
            };
            let _ = journal.record("rotation", json!({ "arn": created.arn.to_string(), "result": rotation }));
            let detail = format!("created {} ({alias}), {rotation}", created.arn);
            progress.key_arn = Some(created.arn);
            Ok(detail)
        }
        Action::UpdateKeyPolicy { key, before, after, .. } => {
            let arn = key.to_string();
            let aws = services.aws()?;
            let current = aws.get_key_policy(&arn).await.map_err(Error::from)?;
            if !same_policy(&current, before) {
                return Err(Error::remote(format!(
                    "the key policy of {arn} changed since it was inspected; nothing was written"
                ))
                .with_hint("re-run cmek setup to plan against the current policy"));
            }
            let backup = journal.backup_policy(&arn, &current).map_err(|e| Error::remote(e.to_string()))?;
            aws.put_key_policy(&arn, &after.to_json_pretty()).await.map_err(Error::from)?;
            Ok(format!("key policy updated; the previous policy is saved in {}", backup.display()))
        }
        Action::RegisterKey { target: KeyTarget::Aws { region, .. }, display_name, .. } => {
            let arn = progress
                .key_arn
                .clone()
                .ok_or_else(|| Error::remote("no key to register: the key step did not produce one"))?;
            let created = services
                .platform
                .create_external_key(&CreateExternalKey {
                    provider_config: ProviderConfig::Aws(AwsKeyConfig {
                        kms_arn: arn.to_string(),
                        region: Some(region.to_string()),
                    }),
                    display_name: Some(display_name.clone()),
                    geo: Some("us".into()),
                    user_profile_id: None,
                })
                .await
                .map_err(Error::from)?;
            let _ =
                journal.record("key_registered", json!({ "external_key_id": created.id, "kms_arn": arn.to_string() }));
            let detail = format!("registered as {}", created.id);
            progress.external_key_id = Some(created.id);
            Ok(detail)
        }
        Action::Validate { propagation_wait } => {
            let id = progress
                .external_key_id
                .clone()
                .ok_or_else(|| Error::remote("no registered key to validate: registration did not happen"))?;
            let platform = &services.platform;
            let attempt = || async {
                let v = platform.validate_external_key(&id).await.map_err(Error::from)?;
                Ok(ValidationResult { success: v.status == ValidationStatus::Success, error: v.error })
            };
            let report = Report { index: ctx.index, journal: &mut *ctx.journal, sink: &mut *ctx.sink };
            let waited =
                propagation::validate_with_wait(attempt, *propagation_wait, Backoff::RBAC, &services.cancel, report)
                    .await?;
            let v = waited.result.clone();
            let _ = ctx.journal.record(
                "validated",
                json!({ "external_key_id": id, "success": v.success, "error": v.error, "attempts": waited.attempts }),
            );
            progress.validation = Some(v.clone());
            propagation::outcome(&id, &waited, *propagation_wait)
        }
        Action::RegisterKey { target: KeyTarget::Azure { .. }, .. }
        | Action::ConsentServicePrincipal { .. }
        | Action::UpdateVaultNetwork { .. }
        | Action::EnablePurgeProtection { .. }
        | Action::CreateAzureKey { .. }
        | Action::MergeAzureKeyTags { .. }
        | Action::AssignAzureRole { .. } => super::apply_azure::run_step(ctx, action, progress).await,
        Action::Attach { workspace_id, workspace_name, .. } => {
            let id = progress
                .external_key_id
                .clone()
                .ok_or_else(|| Error::remote("no registered key to attach: registration did not happen"))?;
            let detail = super::attach::attach(&services.platform, &id, workspace_id, workspace_name).await?;
            let _ = journal.record("attached", json!({ "external_key_id": id, "workspace_id": workspace_id }));
            progress.attached_to = Some(workspace_id.clone());
            Ok(detail)
        }
    }
}

/// Two policy texts mean the same thing (KMS may reformat what it stores).
fn same_policy(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (PolicyDocument::parse(a), PolicyDocument::parse(b)) {
        (Ok(x), Ok(y)) => x.to_json_pretty() == y.to_json_pretty(),
        _ => false,
    }
}
