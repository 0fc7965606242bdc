//! The Azure Key Vault plan: vault, consent, key, role, register, validate, attach.
//!
//! Azure Policy (AZ-16) can refuse the vault update: it is checked beside the network.
//! Steps, in order: consent, vault network, purge protection, create key | merge tags, assign role,
//! register, validate, attach. Each check carries its `doctor-catalogue.md` id; a failure the plan
//! itself fixes (or that only holds back the permanent attach) does not block the run.

pub(crate) mod access;
pub(crate) mod key_checks;
pub(crate) mod network;
pub(crate) mod policy;
pub(crate) mod purge;
pub mod register;
pub(crate) mod tags;
pub(crate) mod vault_checks;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
#[cfg(test)]
pub(crate) mod tests;

use crate::model::TenantId;

use super::answers::SetupAnswers;
use super::build::attach_step;
use super::checks::{Check, Severity};
use super::facts::{AzureFacts, SetupFacts};
use super::policy_checks::workspace_in_use_check;
use super::step::{Action, Step, StepState};
use super::{Plan, PlanError};

pub(super) fn build(answers: &SetupAnswers, facts: &SetupFacts, azure: &AzureFacts) -> Result<Plan, PlanError> {
    let vault = &azure.vault;
    let vault_id = &azure.vault_id;
    let key_name = &azure.key_name;
    let purge = purge::purge_plan(vault, vault_id, answers.azure.confirm_purge_protection.as_deref())?;

    let mut checks: Vec<Check> = vault_checks::vault_checks(&azure.caller, vault, vault_id, azure.vault_uri.as_ref());
    let mut steps: Vec<Step> = Vec::new();

    checks.push(purge.check);
    let net = network::network_plan(vault, vault_id, answers.azure.allow_public_access);
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
                answers.azure.key_size,
                answers.azure.hsm,
            ));
            if let Some(uri) = &azure.vault_uri {
                steps.push(Step {
                    action: Action::CreateAzureKey {
                        vault_uri: uri.clone(),
                        name: key_name.clone(),
                        size: answers.azure.key_size,
                        hsm: answers.azure.hsm,
                        tags: tags::new_key_tags(&facts.org.uuid),
                    },
                    state: StepState::Planned,
                });
            }
        }
    }

    let (role_checks, role_step) =
        access::role(azure.service_principal.as_ref(), &azure.role_assignments, vault_id, key_name);
    checks.extend(role_checks);
    steps.push(role_step);
    checks.push(vault_checks::audit_check(vault));

    let mut registered = None;
    match (&azure.vault_uri, TenantId::parse(&vault.tenant_id)) {
        (Some(uri), Ok(tenant)) => {
            let reg = register::register_plan(answers, &facts.registered, uri, key_name, &tenant, &vault.name);
            checks.extend(reg.check);
            steps.push(reg.step);
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

    steps.push(Step {
        action: Action::Validate { propagation_wait: Some(answers.azure.rbac_wait) },
        state: StepState::Planned,
    });

    if let Some(ws) = facts.workspace.as_ref() {
        let attach = attach_step(answers, ws, registered);
        steps.push(if purge.protected_after { attach } else { purge::gate_attach(attach, &vault.name) });
        if ws.external_key_id.is_none() && !ws.just_created {
            checks.push(workspace_in_use_check(ws));
        }
    }

    Ok(Plan { steps, checks, grant: None })
}
