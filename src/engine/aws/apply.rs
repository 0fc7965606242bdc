//! The AWS steps of a run, each safe to repeat: create the key (tagged so a dead run's key is
//! found again), point the alias at it (and when another run's alias got there first, adopt that
//! key and retire this run's), turn rotation on, replace an existing key's policy after backing
//! it up (refusing when it changed since it was inspected), and retire duplicate keys.

use async_trait::async_trait;
use cmek_core::model::ProviderConfig;
use cmek_core::model::aws::{AwsKeyConfig, KeyMarker, KmsAliasName, KmsKeyArn};
use cmek_core::plan::aws::{AwsFacts, AwsOutcome, AwsStep, DUPLICATE_DELETION_DAYS};
use cmek_core::plan::{CloudStep, KeyTarget, SetupFacts};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::merge::merge;
use cmek_core::policy::aws::render::AnthropicGrant;
use cmek_core::run::CloudOutcome;
use cmek_core::run::events::Event;
use serde_json::json;

use super::AwsRuntime;
use crate::engine::cloud::{CloudSession, StepContext, foreign_step};
use crate::engine::journal::Journal;
use crate::error::{Error, Result};
use crate::providers::aws::{AwsErrorKind, AwsProvider, NewAwsKey};

pub(super) struct AwsSession<'a> {
    aws: &'a AwsRuntime,
    /// The key the run works on: found by inspection, created by the run, or adopted.
    key_arn: Option<KmsKeyArn>,
    /// The key this run created or adopted without an alias, if it did: the one to retire if
    /// another run's alias wins.
    created: Option<KmsKeyArn>,
    /// The keys registered with the organisation when the run inspected: never retired.
    registered: Vec<String>,
}

impl<'a> AwsSession<'a> {
    pub(super) fn new(aws: &'a AwsRuntime, facts: &SetupFacts) -> Self {
        let key_arn =
            facts.cloud.downcast_ref::<AwsFacts>().and_then(|f| f.key.as_ref()).map(|k| k.description.arn.clone());
        let registered =
            facts.registered.iter().filter_map(|r| AwsKeyConfig::read(&r.config).map(|c| c.kms_arn)).collect();
        Self { aws, key_arn, created: None, registered }
    }

    fn working_key(&self, named: &Option<KmsKeyArn>) -> Result<KmsKeyArn> {
        named
            .clone()
            .or_else(|| self.key_arn.clone())
            .ok_or_else(|| Error::remote("no key to work on: the key step did not produce one"))
    }
}

#[async_trait]
impl CloudSession for AwsSession<'_> {
    async fn apply(&mut self, step: &dyn CloudStep, ctx: &mut StepContext<'_>) -> Result<String> {
        let Some(step) = step.downcast_ref::<AwsStep>() else {
            return Err(foreign_step(cmek_core::model::ProviderKind::Aws, step));
        };
        match step {
            AwsStep::CreateKey { region, alias, organization, description, policy, .. } => {
                let run = ctx.journal.dir().file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let marker = KeyMarker { organization: *organization, alias: alias.clone(), run };
                // Before the call: a run killed while KMS creates the key leaves this record, and
                // the key carries the same marker.
                let _ = ctx.journal.record("key_creating", json!({ "region": region.to_string(), "marker": marker }));
                let aws = self.aws.client(region).await?;
                let key =
                    NewAwsKey { policy_json: policy.to_json_pretty(), description: description.clone(), tags: vec![] };
                let created = aws.create_key(&key, Some(&marker)).await.map_err(Error::from)?;
                let _ = ctx.journal.record("key_created", json!({ "arn": created.arn.to_string() }));
                self.key_arn = Some(created.arn.clone());
                self.created = Some(created.arn.clone());
                Ok(format!("created {} (tagged for {alias})", created.arn))
            }
            AwsStep::CreateAlias { alias, key, grant } => {
                let target = self.working_key(key)?;
                if key.is_some() && !self.registered.contains(&target.to_string()) {
                    // An unaliased key a dead run left, adopted: this run's to retire if it loses.
                    self.created = Some(target.clone());
                }
                let key_id = target.key_id().ok_or_else(|| Error::remote(format!("{target} is not a key ARN")))?;
                let aws = self.aws.client(&target.region).await?;
                match aws.create_alias(alias, key_id).await {
                    Ok(()) => {
                        let _ = ctx
                            .journal
                            .record("alias_created", json!({ "alias": alias.to_string(), "arn": target.to_string() }));
                        self.key_arn = Some(target.clone());
                        Ok(format!("{alias} points at {target}"))
                    }
                    // Taken by another run; or the adopted key was retired meanwhile by the run that
                    // made it, because that run's alias won: either way the alias says which key.
                    Err(e) if e.kind == AwsErrorKind::AlreadyExists || e.kind == AwsErrorKind::InvalidState => self
                        .alias_taken(&aws, alias, &target, grant, ctx)
                        .await
                        .map_err(|taken| taken.context(format!("{alias} could not be pointed at {target} ({e})"))),
                    Err(e) => Err(Error::from(e)
                        .context(format!("the key {target} exists, but {alias} could not be pointed at it"))),
                }
            }
            AwsStep::EnableRotation { key } => rotate(self.aws, self.working_key(key)?, ctx.journal).await,
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
                let backup = ctx.journal.backup_policy(&arn, &current).map_err(|e| Error::remote(e.to_string()))?;
                aws.put_key_policy(&arn, &after.to_json_pretty()).await.map_err(Error::from)?;
                Ok(format!("key policy updated; the previous policy is saved in {}", backup.display()))
            }
            AwsStep::RetireDuplicates { alias, keys } => self.retire(alias, keys, ctx).await,
        }
    }

    /// Rotation needs only the key's ARN, so it is in flight beside the alias; the alias runs as
    /// alone (it may adopt another run's key, which rotation then does not touch: the next run
    /// plans rotation again while it is off).
    async fn apply_together(&mut self, steps: &[&dyn CloudStep], ctx: &mut StepContext<'_>) -> Vec<Result<String>> {
        let rotations: Vec<Result<KmsKeyArn>> = steps
            .iter()
            .filter_map(|s| match s.downcast_ref::<AwsStep>() {
                Some(AwsStep::EnableRotation { key }) => Some(self.working_key(key)),
                _ => None,
            })
            .collect();
        let (aws, journal) = (self.aws, ctx.journal);
        let rotated = futures::future::join_all(rotations.into_iter().map(|target| async move {
            match target {
                Ok(target) => rotate(aws, target, journal).await,
                Err(e) => Err(e),
            }
        }));
        let others = async {
            let mut results = Vec::new();
            for step in steps.iter().filter(|s| !is_rotation(**s)) {
                results.push(self.apply(*step, ctx).await);
            }
            results
        };
        let (rotated, others) = tokio::join!(rotated, others);
        let (mut rotated, mut others) = (rotated.into_iter(), others.into_iter());
        steps
            .iter()
            .map(|s| if is_rotation(*s) { rotated.next() } else { others.next() })
            .map(|r| r.unwrap_or_else(|| Err(Error::remote("a step ran together with others gave no result"))))
            .collect()
    }

    fn registration(&self, target: &KeyTarget) -> Result<ProviderConfig> {
        let arn = match (&target.config, &self.key_arn) {
            // A key adopted during the run replaces the one the plan named.
            (Some(config), Some(arn)) if AwsKeyConfig::read(config).is_some_and(|c| c.kms_arn != arn.to_string()) => {
                arn
            }
            (Some(config), _) => return Ok(config.clone()),
            (None, Some(arn)) => arn,
            (None, None) => return Err(Error::remote("no key to register: the key step did not produce one")),
        };
        Ok(AwsKeyConfig { kms_arn: arn.to_string(), region: Some(arn.region.to_string()) }.to_config())
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(AwsOutcome { key_arn: self.key_arn.clone() })
    }
}

impl AwsSession<'_> {
    /// The alias exists: a retry of our own call, or another run's alias (a concurrent run, or one
    /// that finished since this one inspected). The alias decides which key is used: this run
    /// adopts that key (granting what this run's plan grants, if it lacks it) and retires the key
    /// it created itself, so the organisation ends with one key in use.
    async fn alias_taken(
        &mut self,
        aws: &AwsProvider,
        alias: &KmsAliasName,
        target: &KmsKeyArn,
        grant: &AnthropicGrant,
        ctx: &mut StepContext<'_>,
    ) -> Result<String> {
        let winner = aws.describe_key(alias.as_str()).await.map_err(Error::from)?.arn;
        if &winner == target {
            self.key_arn = Some(winner);
            return Ok(format!("{alias} already points at {target}"));
        }
        let mut said = vec![format!("{alias} was created by another run for {winner}; this run uses that key")];
        let current = aws.get_key_policy(&winner.to_string()).await.map_err(Error::from)?;
        if let Ok(doc) = PolicyDocument::parse(&current) {
            let merged = merge(&doc, grant);
            if !merged.is_unchanged() {
                let arn = winner.to_string();
                let backup = ctx.journal.backup_policy(&arn, &current).map_err(|e| Error::remote(e.to_string()))?;
                aws.put_key_policy(&arn, &merged.policy.to_json_pretty()).await.map_err(Error::from)?;
                said.push(format!("its key policy now also grants this run's workspace (backup {})", backup.display()));
            }
        }
        let retired = match &self.created {
            Some(mine) if mine == target => {
                aws.schedule_key_deletion(&mine.to_string(), DUPLICATE_DELETION_DAYS).await.map_err(Error::from)?;
                said.push(format!(
                    "the key this run would have used, {mine}, is scheduled for deletion in {DUPLICATE_DELETION_DAYS} \
                     days (undo: aws kms cancel-key-deletion --key-id {mine})"
                ));
                Some(mine.to_string())
            }
            _ => None,
        };
        let _ = ctx.journal.record(
            "alias_race_lost",
            json!({ "alias": alias.to_string(), "adopted": winner.to_string(), "retired": retired }),
        );
        let text = said.join("; ");
        ctx.sink.emit(Event::Notice { text: text.clone() });
        self.key_arn = Some(winner);
        Ok(text)
    }

    /// Schedules the deletion of cmek-made duplicates, re-checking each just before: never the
    /// key the alias points at now, never the key this run uses.
    async fn retire(&mut self, alias: &KmsAliasName, keys: &[KmsKeyArn], ctx: &mut StepContext<'_>) -> Result<String> {
        let Some(first) = keys.first() else { return Ok("no duplicate key to retire".to_string()) };
        let aws = self.aws.client(&first.region).await?;
        let in_use = aws.describe_key(alias.as_str()).await.map_err(Error::from)?.arn;
        let mut retired = Vec::new();
        for key in keys.iter().filter(|k| **k != in_use && Some(*k) != self.key_arn.as_ref()) {
            aws.schedule_key_deletion(&key.to_string(), DUPLICATE_DELETION_DAYS).await.map_err(Error::from)?;
            retired.push(key.to_string());
        }
        let _ = ctx.journal.record("duplicates_retired", json!({ "alias": alias.to_string(), "keys": retired }));
        if retired.is_empty() {
            return Ok("no duplicate key left to retire".to_string());
        }
        let text = format!(
            "duplicate key{} made for {alias} by an earlier or concurrent run scheduled for deletion in \
             {DUPLICATE_DELETION_DAYS} days: {} (undo: aws kms cancel-key-deletion --key-id <key>)",
            if retired.len() == 1 { "" } else { "s" },
            retired.join(", ")
        );
        ctx.sink.emit(Event::Notice { text: text.clone() });
        Ok(text)
    }
}

fn is_rotation(step: &dyn CloudStep) -> bool {
    matches!(step.downcast_ref::<AwsStep>(), Some(AwsStep::EnableRotation { .. }))
}

/// Turns on automatic rotation. Hygiene, not a requirement: a refusal is reported, not fatal (the
/// next run plans it again while it is off).
async fn rotate(aws: &AwsRuntime, target: KmsKeyArn, journal: &Journal) -> Result<String> {
    let client = aws.client(&target.region).await?;
    let result = match client.enable_key_rotation(&target.to_string()).await {
        Ok(()) => format!("automatic rotation on for {target}"),
        Err(e) => format!("automatic rotation NOT turned on for {target} ({e})"),
    };
    let _ = journal.record("rotation", json!({ "arn": target.to_string(), "result": result }));
    Ok(result)
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
