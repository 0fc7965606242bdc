//! The AWS steps of a run: create the key (then its alias and rotation), or replace its policy
//! after backing the old one up (refusing when it changed since it was inspected).

use async_trait::async_trait;
use cmek_core::model::ProviderConfig;
use cmek_core::model::aws::{AwsKeyConfig, KmsKeyArn};
use cmek_core::plan::aws::{AwsFacts, AwsOutcome, AwsStep};
use cmek_core::plan::{CloudStep, KeyTarget, SetupFacts};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::run::CloudOutcome;
use serde_json::json;

use super::AwsRuntime;
use crate::engine::cloud::{CloudSession, StepContext, foreign_step};
use crate::error::{Error, Result};
use crate::providers::aws::NewAwsKey;

pub(super) struct AwsSession<'a> {
    aws: &'a AwsRuntime,
    /// The key the run works on: found by inspection, or created by the run.
    key_arn: Option<KmsKeyArn>,
}

impl<'a> AwsSession<'a> {
    pub(super) fn new(aws: &'a AwsRuntime, facts: &SetupFacts) -> Self {
        let key_arn =
            facts.cloud.downcast_ref::<AwsFacts>().and_then(|f| f.key.as_ref()).map(|k| k.description.arn.clone());
        Self { aws, key_arn }
    }
}

#[async_trait]
impl CloudSession for AwsSession<'_> {
    async fn apply(&mut self, step: &dyn CloudStep, ctx: &mut StepContext<'_>) -> Result<String> {
        let Some(step) = step.downcast_ref::<AwsStep>() else {
            return Err(foreign_step(cmek_core::model::ProviderKind::Aws, step));
        };
        let journal = &mut *ctx.journal;
        match step {
            AwsStep::CreateKey { region, alias, description, policy, .. } => {
                let aws = self.aws.client(region).await?;
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
                    Error::from(e)
                        .context(format!("the key {} was created, but its alias {alias} was not", created.arn))
                })?;
                let _ = journal
                    .record("alias_created", json!({ "alias": alias.to_string(), "arn": created.arn.to_string() }));
                // Rotation is hygiene, not a requirement: a refusal is reported, not fatal.
                let rotation = match aws.enable_key_rotation(created.key_id.as_str()).await {
                    Ok(()) => "automatic rotation on".to_string(),
                    Err(e) => format!("automatic rotation NOT turned on ({e})"),
                };
                let _ = journal.record("rotation", json!({ "arn": created.arn.to_string(), "result": rotation }));
                let detail = format!("created {} ({alias}), {rotation}", created.arn);
                self.key_arn = Some(created.arn);
                Ok(detail)
            }
            AwsStep::UpdateKeyPolicy { key, before, after, .. } => {
                let arn = key.to_string();
                let aws = self.aws.client(&key.region).await?;
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
        }
    }

    fn registration(&self, target: &KeyTarget) -> Result<ProviderConfig> {
        if let Some(config) = &target.config {
            return Ok(config.clone());
        }
        let arn = self
            .key_arn
            .as_ref()
            .ok_or_else(|| Error::remote("no key to register: the key step did not produce one"))?;
        Ok(AwsKeyConfig { kms_arn: arn.to_string(), region: Some(arn.region.to_string()) }.to_config())
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(AwsOutcome { key_arn: self.key_arn.clone() })
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
