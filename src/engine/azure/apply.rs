//! The Azure steps of a plan: consent, the vault's network and purge protection, the key and its
//! tags, the role assignment, and registering the key. Each change is journalled; the vault's
//! previous network settings are saved before they are replaced, and a vault whose settings
//! changed since inspection is not written to.

use std::time::Duration;

use async_trait::async_trait;
use cmek_core::model::azure::{AzureVaultFacts, RoleAssignmentFacts};
use cmek_core::model::{ProviderConfig, ProviderKind};
use cmek_core::plan::azure::{AzureFacts, AzureOutcome, AzureStep, new_rules, same_rule};
use cmek_core::plan::{CloudStep, KeyTarget, SetupFacts};
use cmek_core::run::CloudOutcome;
use serde_json::json;
use tokio::time::Instant;

use crate::engine::cloud::{CloudSession, StepContext, foreign_step};
use crate::engine::propagation::{Backoff, sleep_unless_cancelled};
use crate::error::{Error, Result};
use crate::providers::azure::{AzureProvider, NewAzureKey, VaultNetworkChange};

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
        Ok(Self { azure, seen: &inspected.vault, outcome })
    }
}

#[async_trait]
impl CloudSession for AzureSession<'_> {
    async fn apply(&mut self, step: &dyn CloudStep, ctx: &mut StepContext<'_>) -> Result<String> {
        let Some(step) = step.downcast_ref::<AzureStep>() else {
            return Err(foreign_step(ProviderKind::Azure, step));
        };
        run_step(self, ctx, step).await
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
        AzureStep::ConsentServicePrincipal { app_id, tenant_id } => {
            let sp = azure.create_service_principal(app_id).await.map_err(Error::from)?;
            let _ = ctx.journal.record(
                "service_principal_created",
                json!({ "app_id": app_id, "object_id": sp.object_id, "tenant_id": tenant_id }),
            );
            let detail =
                format!("service principal {} of Anthropic's app {app_id} is in tenant {tenant_id}", sp.object_id);
            session.outcome.service_principal = Some(sp.object_id);
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
        AzureStep::CreateKey { vault_uri, name, size, hsm, tags } => {
            // Creating over an existing key would make a new version without the customer's tags:
            // look again (the key may have been unreadable, or made, since inspection).
            if let Some(existing) = azure.inspect_key(vault_uri, name).await.map_err(Error::from)? {
                // A concurrent run (or one that died after its create) made the very key this
                // step makes: same type, size, operations and tags. Use it; another version
                // would be a second key under one name.
                let same_ops = existing.key_ops.len() == 2
                    && ["wrapKey", "unwrapKey"].iter().all(|op| existing.key_ops.iter().any(|o| o == op));
                let same = same_ops
                    && existing.key_size.is_some_and(|s| s >= *size)
                    && existing.kty.as_deref().is_some_and(|k| k.starts_with("RSA"))
                    && tags.iter().all(|(k, v)| existing.tags.get(k) == Some(v));
                if same {
                    let kid = existing.kid.clone().unwrap_or_else(|| format!("{vault_uri}/keys/{name}"));
                    let _ = ctx.journal.record("azure_key_adopted", json!({ "kid": kid }));
                    session.outcome.key_id = Some(kid.clone());
                    return Ok(format!(
                        "{kid} was created meanwhile by another run with the same settings: used as is"
                    ));
                }
                return Err(Error::remote(format!(
                    "key {name} exists in {vault_uri} ({}), but the plan was made without it; nothing was written",
                    existing.kid.as_deref().unwrap_or("current version")
                ))
                .with_hint("re-run the same command to plan against the existing key"));
            }
            let new = NewAzureKey { size: *size, hsm: *hsm, tags: tags.clone() };
            let key = azure.create_key(vault_uri, name, &new).await.map_err(Error::from)?;
            let kid = key.kid.clone().unwrap_or_else(|| format!("{vault_uri}/keys/{name}"));
            let _ = ctx.journal.record(
                "azure_key_created",
                json!({ "kid": kid, "vault_uri": vault_uri.to_string(), "name": name.to_string(),
                        "kty": key.kty, "size": key.key_size, "key_ops": key.key_ops, "tags": key.tags }),
            );
            session.outcome.key_id = Some(kid.clone());
            let mut detail =
                format!("created {kid} ({} {}-bit, wrapKey and unwrapKey)", key.kty.as_deref().unwrap_or("RSA"), size);
            // Key Vault has no create-if-absent: a run creating the same key at the same moment adds
            // a version. Said, not hidden (a single version cannot be deleted; each has the same
            // settings, and the newest is the one in use).
            if let Some(now) = azure.inspect_key(vault_uri, name).await.map_err(Error::from)?
                && now.kid.is_some()
                && now.kid.as_deref() != Some(kid.as_str())
            {
                let newest = now.kid.unwrap_or_default();
                let text = format!(
                    "another run created key {name} at the same moment: its version {newest} is the newest and the \
                     one in use; this run's version {kid} stays as an older version with the same settings"
                );
                let _ = ctx.journal.record("azure_key_version_race", json!({ "own": kid, "newest": newest }));
                ctx.sink.emit(cmek_core::run::events::Event::Notice { text: text.clone() });
                session.outcome.key_id = Some(newest);
                detail = format!("{detail}; {text}");
            }
            Ok(detail)
        }
        AzureStep::MergeKeyTags { vault_uri, name, add, .. } => {
            let merged = azure.merge_key_tags(vault_uri, name, add).await.map_err(Error::from)?;
            let _ = ctx.journal.record(
                "azure_key_tags_merged",
                json!({ "vault_uri": vault_uri.to_string(), "name": name.to_string(),
                        "added": add.keys().collect::<Vec<_>>(), "tags_now": merged.len() }),
            );
            Ok(format!(
                "key {name} tagged {}; it carries {} tags, none dropped",
                add.keys().map(|k| format!("{k}={}", add[k])).collect::<Vec<_>>().join(", "),
                merged.len()
            ))
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
