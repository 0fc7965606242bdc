//! The Azure steps of a plan: consent, the vault's network and purge protection, the key and its
//! tags, the role assignment, and registering the key. Each change is journalled; the vault's
//! previous network settings are saved before they are replaced, and a vault whose settings
//! changed since inspection is not written to. The consent and the key's steps may run together
//! (`independent`).

use std::time::Duration;

use async_trait::async_trait;
use cmek_core::model::azure::{AzureVaultFacts, RoleAssignmentFacts};
use cmek_core::model::{ProviderConfig, ProviderKind};
use cmek_core::plan::azure::{AzureFacts, AzureOutcome, AzureStep, new_rules, same_rule};
use cmek_core::plan::{CloudStep, KeyTarget, SetupFacts};
use cmek_core::run::CloudOutcome;
use serde_json::json;
use tokio::time::Instant;

use super::independent::{
    CreatedKey, FirstPart, Made, ReadAgain, apply_independent, create_key, first_part, read_again,
};
use crate::engine::cloud::{CloudSession, StepContext, foreign_step};
use crate::engine::propagation::{Backoff, sleep_unless_cancelled};
use crate::error::{Error, Result};
use crate::providers::azure::{AzureProvider, VaultNetworkChange};

/// How long a role assignment keeps being retried while Entra ID replicates a service principal
/// this run just created (ARM answers `PrincipalNotFound` meanwhile).
const NEW_PRINCIPAL_BUDGET: Duration = Duration::from_secs(60);
const NEW_PRINCIPAL_BACKOFF: Backoff = Backoff { first: Duration::from_secs(3), cap: Duration::from_secs(15) };

/// One run's Azure steps, with the vault as inspected and what earlier steps made.
pub(super) struct AzureSession<'a> {
    azure: &'a AzureProvider,
    /// The vault's settings the plan was made from.
    seen: &'a AzureVaultFacts,
    outcome: AzureOutcome,
    /// The key this run created, read again beside the next steps (or at the end).
    created: Option<CreatedKey>,
}

impl<'a> AzureSession<'a> {
    pub(super) fn new(azure: &'a AzureProvider, facts: &'a SetupFacts) -> Result<Self> {
        let inspected = facts
            .cloud
            .downcast_ref::<AzureFacts>()
            .ok_or_else(|| Error::remote("an Azure run was started without Azure facts; nothing was done"))?;
        let outcome = AzureOutcome {
            key_id: inspected.key.as_ref().and_then(|k| k.kid.clone()),
            service_principal: inspected.service_principal.as_ref().map(|sp| sp.object_id.clone()),
        };
        Ok(Self { azure, seen: &inspected.vault, outcome, created: None })
    }

    fn keep(&mut self, made: Made) {
        match made {
            Made::Nothing => {}
            Made::ServicePrincipal(id) => self.outcome.service_principal = Some(id),
            Made::Key { kid, created } => {
                self.outcome.key_id = Some(kid);
                self.created = created;
            }
        }
    }

    /// Says what reading a created key again found: another run's version, or that it could not
    /// be read (the key stands either way).
    fn report_read_again(&mut self, ctx: &mut StepContext<'_>, read: Option<(CreatedKey, ReadAgain)>) {
        let Some((created, read)) = read else { return };
        let CreatedKey { vault_uri, name, kid } = created;
        let text = match read {
            Ok(Some(now)) if now.kid.as_deref().is_some_and(|newest| newest != kid) => {
                let newest = now.kid.unwrap_or_default();
                let _ = ctx.journal.record("azure_key_version_race", json!({ "own": kid, "newest": newest }));
                let text = format!(
                    "another run created key {name} at the same moment: its version {newest} is the newest and the \
                     one in use; this run's version {kid} stays as an older version with the same settings"
                );
                self.outcome.key_id = Some(newest);
                text
            }
            Ok(_) => return,
            Err(e) => {
                let _ =
                    ctx.journal.record("azure_key_read_again_failed", json!({ "kid": kid, "error": e.to_string() }));
                format!(
                    "key {name} was created ({kid}), but reading it again to see whether another run created it at \
                     the same moment failed: {e}; `az keyvault key list-versions --vault-name {} --name {name}` \
                     lists its versions",
                    vault_uri.vault_name()
                )
            }
        };
        ctx.sink.emit(cmek_core::run::events::Event::Notice { text });
    }
}

#[async_trait]
impl CloudSession for AzureSession<'_> {
    async fn apply(&mut self, step: &dyn CloudStep, ctx: &mut StepContext<'_>) -> Result<String> {
        let Some(step) = step.downcast_ref::<AzureStep>() else {
            return Err(foreign_step(ProviderKind::Azure, step));
        };
        let read = read_again(self.azure, self.created.take());
        let (result, read) = tokio::join!(run_step(self, ctx, step), read);
        self.report_read_again(ctx, read);
        result
    }

    /// Independent steps (the consent, the key's creation or tagging) are in flight together;
    /// others run one after another. A key created earlier is read again beside them.
    async fn apply_together(&mut self, steps: &[&dyn CloudStep], ctx: &mut StepContext<'_>) -> Vec<Result<String>> {
        let Some(ours) = steps.iter().map(|s| s.downcast_ref::<AzureStep>()).collect::<Option<Vec<_>>>() else {
            return steps.iter().map(|s| Err(foreign_step(ProviderKind::Azure, *s))).collect();
        };
        let (azure, journal) = (self.azure, ctx.journal);
        let read = read_again(azure, self.created.take());
        if ours.iter().all(|s| s.independent()) {
            let firsts = futures::future::join_all(ours.iter().map(|s| first_part(azure, journal, s)));
            let (firsts, read) = tokio::join!(firsts, read);
            self.report_read_again(ctx, read);
            // A key's name stays taken while it is soft-deleted: it is created only once every
            // step beside it succeeded (a failed consent leaves no key behind).
            let failed = ours.iter().zip(&firsts).find(|(_, r)| r.is_err()).map(|(s, _)| s.title());
            let mut results = Vec::with_capacity(ours.len());
            for (step, first) in ours.iter().zip(firsts) {
                let result = match (first, &failed) {
                    (Ok(FirstPart::Done(detail, made)), _) => {
                        self.keep(made);
                        Ok(detail)
                    }
                    (Ok(FirstPart::CreateNext), Some(failed)) => Err(Error::remote(format!(
                        "{} was not done: the step run beside it failed ({failed}); nothing was written",
                        step.title()
                    ))
                    .with_hint("re-run the same command once that is fixed")),
                    (Ok(FirstPart::CreateNext), None) => {
                        create_key(azure, journal, step).await.map(|(detail, made)| {
                            self.keep(made);
                            detail
                        })
                    }
                    (Err(e), _) => Err(e),
                };
                results.push(result);
            }
            results
        } else {
            let one_by_one = async {
                let mut results = Vec::with_capacity(ours.len());
                for step in &ours {
                    results.push(run_step(self, ctx, step).await);
                }
                results
            };
            let (results, read) = tokio::join!(one_by_one, read);
            self.report_read_again(ctx, read);
            results
        }
    }

    /// The read after a key's create that no later step went beside; an interruption skips it.
    async fn finish(&mut self, ctx: &mut StepContext<'_>) {
        let Some(created) = self.created.take() else { return };
        let kid = created.kid.clone();
        let cancel = ctx.services.cancel.clone();
        tokio::select! {
            read = read_again(self.azure, Some(created)) => self.report_read_again(ctx, read),
            _ = cancel.cancelled() => {
                let _ = ctx.journal.record("azure_key_read_again_skipped", json!({ "kid": kid, "why": "interrupted" }));
            }
        }
    }

    /// The Azure configuration is known from inspection: the plan carries it.
    fn registration(&self, target: &KeyTarget) -> Result<ProviderConfig> {
        target.config.clone().ok_or_else(|| Error::remote("no Azure key configuration to register in the plan"))
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(self.outcome.clone())
    }
}

async fn run_step(session: &mut AzureSession<'_>, ctx: &mut StepContext<'_>, step: &AzureStep) -> Result<String> {
    let azure = session.azure;
    match step {
        AzureStep::ConsentServicePrincipal { .. } | AzureStep::CreateKey { .. } | AzureStep::MergeKeyTags { .. } => {
            let (detail, made) = apply_independent(azure, ctx.journal, step).await?;
            session.keep(made);
            Ok(detail)
        }
        AzureStep::UpdateVaultNetwork { vault, enable_public_access, default_deny, add_ip_rules, remove_ip_rules } => {
            let seen = session.seen;
            // One read: checked against the inspection, and the change is built on it.
            let snapshot = azure.vault_snapshot(vault).await.map_err(Error::from)?;
            let current = &snapshot.facts;
            let wanted = |v: &AzureVaultFacts| {
                let is =
                    |value: &Option<String>, want: &str| value.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(want));
                (!enable_public_access || is(&v.public_network_access, "Enabled"))
                    && (!default_deny || is(&v.network_default_action, "Deny"))
                    && add_ip_rules.iter().all(|a| v.ip_rules.iter().any(|r| same_rule(r, a)))
                    && !remove_ip_rules.iter().any(|x| v.ip_rules.iter().any(|r| same_rule(r, x)))
            };
            if !same_network(seen, current) && wanted(current) {
                // Another run (or the run that died before this one) made this very change.
                return Ok(format!(
                    "vault {} already has the network settings this step makes ({}); nothing was written",
                    vault.vault,
                    describe_network(current)
                ));
            }
            if !same_network(seen, current) {
                return Err(Error::remote(format!(
                    "the network settings of vault {} changed since they were inspected (now: {}); nothing was \
                     written",
                    vault.vault,
                    describe_network(current)
                ))
                .with_hint("re-run the same command to plan against the current settings"));
            }
            let before = json!({
                "vault": vault.to_string(),
                "public_network_access": current.public_network_access,
                "default_action": current.network_default_action,
                "ip_rules": current.ip_rules,
            });
            let backup = ctx
                .journal
                .backup_json("vault-network", &vault.vault, &before)
                .map_err(|e| Error::remote(e.to_string()))?;
            let change = VaultNetworkChange {
                public_network_access: enable_public_access.then(|| "Enabled".to_string()),
                default_action: default_deny.then(|| "Deny".to_string()),
                ip_rules: new_rules(&current.ip_rules, add_ip_rules, remove_ip_rules),
            };
            let after = azure.change_vault_network(vault, &snapshot, &change).await.map_err(Error::from)?;
            let _ = ctx.journal.record(
                "vault_network_updated",
                json!({ "vault": vault.to_string(), "before": before, "after": {
                    "public_network_access": after.public_network_access,
                    "default_action": after.network_default_action,
                    "ip_rules": after.ip_rules,
                }}),
            );
            Ok(format!(
                "vault {} network now {}; the previous settings are saved in {}",
                vault.vault,
                describe_network(&after),
                backup.display()
            ))
        }
        AzureStep::EnablePurgeProtection { vault } => {
            let after = azure.enable_purge_protection(vault).await.map_err(Error::from)?;
            if after.purge_protection != Some(true) {
                return Err(Error::remote(format!(
                    "Azure accepted turning purge protection on for vault {}, but reports it as {:?}",
                    vault.vault, after.purge_protection
                ))
                .with_hint(format!("check with `az keyvault show --name {} --query properties`", vault.vault)));
            }
            let _ = ctx.journal.record("purge_protection_enabled", json!({ "vault": vault.to_string() }));
            Ok(format!("purge protection is on for vault {} (permanent)", vault.vault))
        }
        AzureStep::AssignRole { scope, role_definition_guid, role_name, principal_id } => {
            let (principal, just_created) = match (principal_id, &session.outcome.service_principal) {
                (Some(p), _) => (p.clone(), false),
                (None, Some(p)) => (p.clone(), true),
                (None, None) => {
                    return Err(Error::remote(
                        "no service principal to assign the role to: the consent step did not produce one",
                    ));
                }
            };
            let assignment = assign(ctx, azure, scope, role_definition_guid, &principal, just_created).await?;
            let _ = ctx.journal.record(
                "role_assigned",
                json!({ "id": assignment.id, "scope": scope, "role": role_name, "principal_id": principal }),
            );
            Ok(format!("{role_name} assigned to Anthropic's service principal {principal} at {scope}"))
        }
    }
}

/// Assigns the role; a principal created moments ago may not have replicated to ARM yet, so
/// `PrincipalNotFound` is retried for a short, bounded while (cancellable).
async fn assign(
    ctx: &mut StepContext<'_>,
    azure: &AzureProvider,
    scope: &str,
    role: &str,
    principal: &str,
    just_created: bool,
) -> Result<RoleAssignmentFacts> {
    let start = Instant::now();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match azure.assign_role(scope, role, principal).await {
            Ok(a) => return Ok(a),
            Err(e) if just_created && e.code.as_deref() == Some("PrincipalNotFound") => {
                let remaining = NEW_PRINCIPAL_BUDGET.saturating_sub(start.elapsed());
                let _ = ctx.journal.record(
                    "role_assignment_retry",
                    json!({ "attempt": attempt, "principal_id": principal, "error": e.to_string() }),
                );
                if remaining.is_zero()
                    || !sleep_unless_cancelled(
                        NEW_PRINCIPAL_BACKOFF.delay(attempt).min(remaining),
                        &ctx.services.cancel,
                    )
                    .await
                {
                    return Err(Error::from(e).context(format!(
                        "the service principal {principal} created by this run is not visible to Azure Resource \
                         Manager yet"
                    )));
                }
            }
            Err(e) => return Err(Error::from(e)),
        }
    }
}

/// Whether the network settings the plan was made from are still the vault's.
fn same_network(seen: &AzureVaultFacts, now: &AzureVaultFacts) -> bool {
    let same_text = |a: &Option<String>, b: &Option<String>| {
        a.as_deref().unwrap_or_default().eq_ignore_ascii_case(b.as_deref().unwrap_or_default())
    };
    let covered = |xs: &[String], ys: &[String]| xs.iter().all(|x| ys.iter().any(|y| same_rule(x, y)));
    same_text(&seen.public_network_access, &now.public_network_access)
        && same_text(&seen.network_default_action, &now.network_default_action)
        && covered(&seen.ip_rules, &now.ip_rules)
        && covered(&now.ip_rules, &seen.ip_rules)
}

fn describe_network(v: &AzureVaultFacts) -> String {
    format!(
        "public access {}, default action {}, IP rules [{}]",
        v.public_network_access.as_deref().unwrap_or("unset"),
        v.network_default_action.as_deref().unwrap_or("unset"),
        v.ip_rules.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(access: &str, action: &str, rules: &[&str]) -> AzureVaultFacts {
        AzureVaultFacts {
            id: String::new(),
            name: "v".into(),
            uri: String::new(),
            tenant_id: String::new(),
            location: String::new(),
            sku: String::new(),
            rbac_authorization: Some(true),
            purge_protection: Some(true),
            soft_delete: Some(true),
            public_network_access: Some(access.into()),
            network_default_action: Some(action.into()),
            network_bypass: Some("AzureServices".into()),
            ip_rules: rules.iter().map(|r| r.to_string()).collect(),
            audit_event_routed: None,
        }
    }

    #[test]
    fn rules_are_added_once_and_retired_ones_removed_keeping_the_customers() {
        let current: Vec<String> = ["203.0.113.7", "160.79.104.10/32"].iter().map(|s| s.to_string()).collect();
        let rules =
            new_rules(&current, &["160.79.104.0/21".into(), "203.0.113.7/32".into()], &["160.79.104.10".into()]);
        assert_eq!(rules, ["203.0.113.7", "160.79.104.0/21"]);
    }

    #[test]
    fn a_vault_whose_network_changed_is_noticed_but_reordered_rules_are_not_a_change() {
        let seen = vault("Enabled", "Deny", &["160.79.104.0/21", "203.0.113.7"]);
        assert!(same_network(&seen, &vault("enabled", "Deny", &["203.0.113.7/32", "160.79.104.0/21"])));
        assert!(!same_network(&seen, &vault("Disabled", "Deny", &["160.79.104.0/21", "203.0.113.7"])));
        assert!(!same_network(&seen, &vault("Enabled", "Allow", &["160.79.104.0/21", "203.0.113.7"])));
        assert!(!same_network(&seen, &vault("Enabled", "Deny", &["160.79.104.0/21"])));
    }
}
