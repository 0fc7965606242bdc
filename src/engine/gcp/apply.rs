//! The Google Cloud steps of a plan: the key ring, the key, the org label (merged into the key's
//! labels), and Anthropic's two roles on the key by read-modify-write of its IAM policy. Each
//! change is journalled; the labels and the IAM policy are backed up before they are replaced.

use async_trait::async_trait;
use cmek_core::model::{ProviderConfig, ProviderKind};
use cmek_core::plan::gcp::{GcpFacts, GcpOutcome, GcpStep, IamGrant, duration_text, merge_labels};
use cmek_core::plan::{CloudStep, KeyTarget, SetupFacts};
use cmek_core::run::CloudOutcome;
use serde_json::json;

use crate::engine::cloud::{CloudSession, StepContext, foreign_step};
use crate::error::{Error, Result};
use crate::providers::gcp::{GcpClient, GcpErrorKind, NewGcpKey};

/// How often a stale etag (a concurrent change of the key's policy) is met by reading the policy
/// again before the grant gives up: each attempt starts from what is there now.
const IAM_ATTEMPTS: usize = 5;

/// One run's Google Cloud steps, and the key they leave.
pub(super) struct GcpSession<'a> {
    gcp: &'a GcpClient,
    outcome: GcpOutcome,
}

impl<'a> GcpSession<'a> {
    pub(super) fn new(gcp: &'a GcpClient, facts: &'a SetupFacts) -> Result<Self> {
        let inspected = facts
            .cloud
            .downcast_ref::<GcpFacts>()
            .ok_or_else(|| Error::remote("a Google Cloud run was started without its facts; nothing was done"))?;
        let outcome = GcpOutcome { key_name: inspected.key.as_ref().map(|k| k.name.clone()) };
        Ok(Self { gcp, outcome })
    }
}

#[async_trait]
impl CloudSession for GcpSession<'_> {
    async fn apply(&mut self, step: &dyn CloudStep, ctx: &mut StepContext<'_>) -> Result<String> {
        let Some(step) = step.downcast_ref::<GcpStep>() else {
            return Err(foreign_step(ProviderKind::Gcp, step));
        };
        run_step(self, ctx, step).await
    }

    /// The key's name is known before the run: the plan carries the configuration.
    fn registration(&self, target: &KeyTarget) -> Result<ProviderConfig> {
        target.config.clone().ok_or_else(|| Error::remote("no Google Cloud key configuration to register in the plan"))
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(self.outcome.clone())
    }
}

async fn run_step(session: &mut GcpSession<'_>, ctx: &mut StepContext<'_>, step: &GcpStep) -> Result<String> {
    let gcp = session.gcp;
    match step {
        GcpStep::CreateKeyRing { key } => {
            let ring = gcp.create_key_ring(&key.location_name(), &key.key_ring).await.map_err(Error::from)?;
            let _ = ctx.journal.record("gcp_key_ring_created", json!({ "name": ring.name }));
            Ok(format!("key ring {} is in {} (key rings are permanent)", key.key_ring, key.location))
        }
        GcpStep::CreateKey { key, protection, rotation_period_secs, labels } => {
            let next =
                chrono::Utc::now() + chrono::Duration::seconds(i64::try_from(*rotation_period_secs).unwrap_or(0));
            let new = NewGcpKey {
                protection_level: protection.api_name().to_string(),
                rotation_period: Some(duration_text(*rotation_period_secs)),
                next_rotation_time: Some(next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                labels: labels.clone(),
            };
            let made = gcp.create_key(key, &new).await.map_err(Error::from)?;
            let _ = ctx.journal.record(
                "gcp_key_created",
                json!({ "name": made.name, "protection_level": made.protection_level, "labels": made.labels }),
            );
            session.outcome.key_name = Some(made.name.clone());
            Ok(format!(
                "key {} ({}, {}, rotated every {} days, labelled for the organisation)",
                made.name,
                made.purpose,
                made.protection_level.as_deref().unwrap_or(protection.api_name()),
                rotation_period_secs / 86_400
            ))
        }
        GcpStep::MergeLabels { key, add, .. } => {
            // Read again just before writing: the PATCH replaces the whole map, so a label added
            // since inspection must be in what is written.
            let fresh = gcp
                .get_key(key)
                .await
                .map_err(Error::from)?
                .ok_or_else(|| Error::remote(format!("key {key} is gone since it was inspected; nothing was written")))?
                .facts;
            let merged = merge_labels(&fresh.labels, add).map_err(|e| Error::usage(format!("key {key}: {e}")))?;
            if merged == fresh.labels {
                return Ok(format!("key {key} already carries the organisation label; nothing was written"));
            }
            ctx.journal
                .backup_json("gcp-labels", &key.key, &json!({ "key": key.to_string(), "labels": fresh.labels }))
                .map_err(|e| Error::remote(e.to_string()))?;
            gcp.update_labels(key, &merged).await.map_err(Error::from)?;
            let _ = ctx.journal.record("gcp_labels_merged", json!({ "key": key.to_string(), "labels": merged }));
            Ok(format!(
                "key {key}: the organisation label added, {} existing label(s) kept",
                fresh.labels.keys().filter(|k| !add.contains_key(*k)).count()
            ))
        }
        GcpStep::GrantAnthropic(grant) => grant_anthropic(gcp, ctx, grant).await,
    }
}

/// Adds Anthropic's member to both roles on the key, guarded by the policy's etag; on a stale
/// etag it reads the policy again and re-applies the same addition to what is there now.
async fn grant_anthropic(gcp: &GcpClient, ctx: &mut StepContext<'_>, grant: &IamGrant) -> Result<String> {
    let resource = grant.key.to_string();
    let mut seen = grant.before.clone();
    let mut backed_up = false;
    for _ in 0..IAM_ATTEMPTS {
        let current = match seen.take() {
            Some(policy) => policy,
            None => gcp.get_iam_policy(&resource).await.map_err(Error::from)?,
        };
        let Some(desired) = grant.desired(&current) else {
            return Ok(format!(
                "Anthropic's service account already holds {} on key {resource}",
                grant.roles.join(" and ")
            ));
        };
        if !backed_up {
            ctx.journal
                .backup_json("gcp-iam-policy", &grant.key.key, &serde_json::to_value(&current).unwrap_or_default())
                .map_err(|e| Error::remote(e.to_string()))?;
            backed_up = true;
        }
        match gcp.set_iam_policy(&resource, &desired).await {
            Ok(written) => {
                let _ = ctx.journal.record(
                    "gcp_iam_granted",
                    json!({ "key": resource, "member": grant.member, "roles": grant.roles, "etag": written.etag }),
                );
                let kept = current.bindings.iter().map(|b| b.members.len()).sum::<usize>();
                return Ok(format!(
                    "{} granted {} on key {resource} ({kept} existing member binding(s) kept)",
                    grant.member.trim_start_matches("serviceAccount:"),
                    grant.roles.join(" and ")
                ));
            }
            Err(e) if e.kind == GcpErrorKind::StaleEtag => {
                tracing::info!(key = %resource, "the key's IAM policy changed while granting; reading it again");
            }
            Err(e) if e.kind == GcpErrorKind::DomainRestricted => {
                return Err(Error::from(e).with_hint(
                    "GCP-07: domain-restricted sharing (iam.allowedPolicyMemberDomains or iam.managed.allowedPolicyMembers) \
                     refuses members outside your organisation: add Anthropic's customer id to the constraint's allowed \
                     values, or exempt this project, then re-run",
                ));
            }
            Err(e) => return Err(Error::from(e)),
        }
    }
    Err(Error::remote(format!(
        "the IAM policy of key {resource} kept changing while Anthropic's roles were added ({IAM_ATTEMPTS} attempts); \
         nothing of it was overwritten"
    ))
    .with_hint("another tool is editing the key's policy: re-run once it is done"))
}
