//! The Azure Key Vault plan: vault, consent, key, role, register, validate, attach.
//!
//! Azure Policy (AZ-16) can refuse the vault update: it is checked beside the network.
//! Steps, in order: consent, vault network, purge protection, create key | merge tags, assign role,
//! register, validate, attach. Each check carries its `doctor-catalogue.md` id; a failure the plan
//! itself fixes (or that only holds back the permanent attach) does not block the run.

pub(crate) mod access;
mod answers;
mod facts;
pub(crate) mod key_checks;
pub(crate) mod network;
mod outcome;
pub(crate) mod policy;
pub(crate) mod purge;
pub mod register;
mod steps;
pub(crate) mod tags;
pub(crate) mod vault_checks;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
#[cfg(test)]
pub(crate) mod tests;

pub use answers::{ALLOW_PUBLIC_ACCESS, AZURE_KEY_SIZES, AzureAnswers, CONFIRM_PURGE_PROTECTION, DEFAULT_RBAC_WAIT};
pub use facts::AzureFacts;
pub use network::{new_rules, same_rule};
pub use outcome::AzureOutcome;
pub use steps::AzureStep;

use crate::model::ProviderKind;
use crate::model::azure::TenantId;
use crate::run::CloudOutcome;

use super::{
    Approval, Check, CloudFacts, CloudPlan, PlanError, Propagation, SetupAnswers, SetupFacts, Severity, Step,
    StepState, TypedConfirmation,
};

impl CloudFacts for AzureFacts {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn plan<'a>(&self, answers: &SetupAnswers, facts: &'a SetupFacts) -> Result<CloudPlan<'a>, PlanError> {
        let asked = answers.cloud_as::<AzureAnswers>(ProviderKind::Azure)?;
        plan(answers, asked, facts, self)
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(AzureOutcome {
            key_id: self.key.as_ref().and_then(|k| k.kid.clone()),
            service_principal: self.service_principal.as_ref().map(|sp| sp.object_id.clone()),
        })
    }

    fn journal(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![
            ("azure_tenant", serde_json::json!(self.caller.tenant_id)),
            ("vault", serde_json::json!(self.vault.id)),
            (
                "azure_key",
                serde_json::json!(
                    self.key.as_ref().and_then(|k| k.kid.clone()).unwrap_or_else(|| self.key_name.to_string())
                ),
            ),
        ]
    }
}

fn plan<'a>(
    answers: &SetupAnswers,
    asked: &AzureAnswers,
    facts: &'a SetupFacts,
    azure: &AzureFacts,
) -> Result<CloudPlan<'a>, PlanError> {
    let vault = &azure.vault;
    let vault_id = &azure.vault_id;
    let key_name = &azure.key_name;
    let purge = purge::purge_plan(vault, vault_id, asked.confirm_purge_protection.as_deref())?;

    let mut checks: Vec<Check> = vault_checks::vault_checks(&azure.caller, vault, vault_id, azure.vault_uri.as_ref());
    let mut steps: Vec<Step> = Vec::new();

    checks.push(purge.check);
    let net = network::network_plan(vault, vault_id, asked.allow_public_access);
    checks.extend(net.checks);
    let writes_vault = net.step.state == StepState::Planned || purge.step.state == StepState::Planned;
    checks.extend(policy::policy_check(
        vault,
        vault_id,
        azure.policy_denials.as_deref(),
        azure.policy_unread.as_deref(),
        writes_vault,
    ));

    let (consent_check, consent_step) = access::consent(azure.service_principal.as_ref(), &vault.tenant_id);
    checks.push(consent_check);
    steps.push(consent_step);
    steps.push(net.step);
    steps.push(purge.step);

    match &azure.key {
        Some(key) => {
            checks.extend(key_checks::existing_key_checks(key, &vault.name, azure.now));
            if let Some(uri) = &azure.vault_uri {
                let (check, step) = tags::tag_plan(key, uri, key_name, &facts.org.uuid);
                checks.push(check);
                steps.push(step);
            }
        }
        None => {
            checks.extend(key_checks::new_key_checks(
                vault,
                key_name,
                azure.key_soft_deleted,
                asked.key_size,
                asked.hsm,
            ));
            if let Some(uri) = &azure.vault_uri {
                let create = AzureStep::CreateKey {
                    vault_uri: uri.clone(),
                    name: key_name.clone(),
                    size: asked.key_size,
                    hsm: asked.hsm,
                    tags: tags::new_key_tags(&facts.org.uuid),
                };
                steps.push(Step::cloud(create, StepState::Planned));
            }
        }
    }

    let (role_checks, role_step) =
        access::role(azure.service_principal.as_ref(), &azure.role_assignments, vault_id, key_name);
    checks.extend(role_checks);
    steps.push(role_step);
    checks.push(vault_checks::audit_check(vault));

    let mut register = None;
    let mut registered = None;
    match (&azure.vault_uri, TenantId::parse(&vault.tenant_id)) {
        (Some(uri), Ok(tenant)) => {
            let reg = register::register_plan(answers, &facts.registered, uri, key_name, &tenant, &vault.name);
            checks.extend(reg.check);
            register = Some(reg.step);
            registered = reg.registered;
        }
        (_, Err(e)) => checks.push(
            Check::fail(
                "AZ-13",
                Severity::High,
                "the vault's tenant id is a GUID (what is registered)",
                format!("vault {} reports tenantId {:?}: {e}", vault.name, vault.tenant_id),
            )
            .with_fix(format!("check it: az keyvault show --name {} --query properties.tenantId", vault.name)),
        ),
        // AZ-14 already blocks: there is no URI to register.
        (None, Ok(_)) => {}
    }

    let approvals = public_access_approval(asked, &checks);
    let confirmations = purge_confirmation(&steps, &vault.name);
    let mut plan = CloudPlan::new(steps, checks);
    plan.register = register;
    plan.registered = registered;
    plan.propagation = Some(Propagation {
        budget: asked.rbac_wait,
        grant: "role assignment",
        explain: "Azure role assignments take minutes to reach Key Vault. Until then the platform is refused with \
                  ForbiddenByRbac, so cmek validates again with growing pauses instead of failing.",
        usually: "within 10 minutes",
        flag: "--azure-rbac-wait",
        if_never: "check that Key Vault Crypto User is assigned to Anthropic's service principal at the key or vault \
                   scope (`az role assignment list --scope <key scope>`)",
    });
    plan.attach_hold = (!purge.protected_after).then(|| purge::attach_hold(&vault.name));
    plan.approvals = approvals;
    plan.confirmations = confirmations;
    Ok(plan)
}

/// AZ-03 can be resolved on the spot: the person approves turning public access on behind a
/// default-deny firewall (what `--azure-allow-public-access` approves).
fn public_access_approval(asked: &AzureAnswers, checks: &[Check]) -> Vec<Approval> {
    let blocked = checks.iter().any(|c| c.id == "AZ-03" && c.is_blocking_failure());
    if asked.allow_public_access || !blocked {
        return Vec::new();
    }
    vec![Approval {
        id: ALLOW_PUBLIC_ACCESS,
        check: "AZ-03",
        key: 'a',
        hint: "allow public access",
        notice: "Approved: the plan turns the vault's public access on behind a default-deny firewall that admits \
                 Anthropic's range and your existing rules."
            .to_string(),
    }]
}

/// Purge protection held back by the plan: typing the vault's name turns it on (what
/// `--confirm-purge-protection <vault>` does).
fn purge_confirmation(steps: &[Step], vault: &str) -> Vec<TypedConfirmation> {
    let gated = steps.iter().any(|s| {
        matches!(s.action.cloud_step::<AzureStep>(), Some(AzureStep::EnablePurgeProtection { .. }))
            && matches!(s.state, StepState::Gated(_))
    });
    if !gated {
        return Vec::new();
    }
    vec![TypedConfirmation {
        id: CONFIRM_PURGE_PROTECTION,
        step: "enable_purge_protection",
        key: 'p',
        subject: "purge protection",
        hint: "purge protection…",
        expected: vault.to_string(),
        what: "the vault's name",
        label: "Vault",
        warning: "Purge protection can never be turned off again. Type the vault's name to turn it on; Esc cancels.",
    }]
}
