//! Anthropic's access: its app's service principal in the vault's tenant (consent, AZ-06) and
//! Key Vault Crypto User for that principal at the key's scope (AZ-07).

use crate::identities;
use crate::model::azure::{AzureKeyName, RoleAssignmentFacts, ServicePrincipalFacts, VaultResourceId};

use crate::plan::{Action, Step, StepState};
use crate::plan::{Check, Severity};

use super::AzureStep;

pub(crate) const CRYPTO_USER: &str = "Key Vault Crypto User";

pub(crate) fn consent(sp: Option<&ServicePrincipalFacts>, vault_tenant: &str) -> (Check, Step) {
    let app_id = &identities::published().azure.app_client_id;
    let action = Action::Cloud(Box::new(AzureStep::ConsentServicePrincipal {
        app_id: app_id.clone(),
        tenant_id: vault_tenant.to_string(),
    }));
    let title = format!("Anthropic's app {app_id} has a service principal in tenant {vault_tenant} (consent)");
    match sp {
        Some(sp) => (
            Check::pass("AZ-06", Severity::High, title),
            Step {
                action,
                state: StepState::AlreadyDone(format!(
                    "Anthropic's app {app_id} already has service principal {} in tenant {vault_tenant}",
                    sp.object_id
                )),
            },
        ),
        None => {
            let mut check = Check::fail(
                "AZ-06",
                Severity::High,
                title,
                format!("no service principal for app {app_id} in tenant {vault_tenant}; the plan creates it"),
            )
            .with_fix(format!(
                "az ad sp create --id {app_id} (needs the Application Administrator or Cloud Application \
                 Administrator role)"
            ));
            check = check.planned();
            (check, Step { action, state: StepState::Planned })
        }
    }
}

/// What the role check found, and the step that assigns the role when needed.
pub(crate) fn role(
    sp: Option<&ServicePrincipalFacts>,
    assignments: &[RoleAssignmentFacts],
    vault_id: &VaultResourceId,
    key: &AzureKeyName,
) -> (Vec<Check>, Step) {
    let role_guid = &identities::published().azure.key_vault_crypto_user_role_id;
    let key_scope = vault_id.key_scope(key);
    let action = Action::Cloud(Box::new(AzureStep::AssignRole {
        scope: key_scope.clone(),
        role_definition_guid: role_guid.clone(),
        role_name: CRYPTO_USER.to_string(),
        principal_id: sp.map(|s| s.object_id.clone()),
    }));
    let title = format!("Anthropic's service principal has {CRYPTO_USER} on key {key}");
    // Only assignments of Anthropic's principal count (the facts should hold nothing else).
    let crypto_user: Vec<&RoleAssignmentFacts> = match sp {
        Some(sp) => assignments
            .iter()
            .filter(|a| a.principal_id.eq_ignore_ascii_case(&sp.object_id) && a.grants(role_guid))
            .collect(),
        None => Vec::new(),
    };
    let exact = crypto_user.iter().find(|a| same_scope(&a.scope, &key_scope));
    let wider = crypto_user.iter().find(|a| scope_contains(&a.scope, &key_scope));
    if let Some(a) = exact.or(wider) {
        let mut checks = vec![Check::pass("AZ-07", Severity::High, title)];
        if exact.is_none() {
            checks.push(
                Check::warn(
                    "AZ-07",
                    Severity::Low,
                    format!("{CRYPTO_USER} is assigned at the key's scope (least privilege)"),
                    format!(
                        "Anthropic's service principal has {CRYPTO_USER} at {}: it can use every key under that \
                         scope, not only {key}",
                        a.scope
                    ),
                )
                .with_fix(format!(
                    "assign it at {key_scope} (az role assignment create --assignee-object-id {} \
                     --assignee-principal-type ServicePrincipal --role \"{CRYPTO_USER}\" --scope {key_scope}), then \
                     delete the wider one: az role assignment delete --ids {}",
                    a.principal_id, a.id
                )),
            );
        }
        let step = Step {
            action,
            state: StepState::AlreadyDone(format!(
                "Anthropic's service principal already has {CRYPTO_USER} at {}",
                a.scope
            )),
        };
        return (checks, step);
    }

    let mut observed = match sp {
        Some(sp) => format!("service principal {} has no {CRYPTO_USER} at {key_scope} or above", sp.object_id),
        None => "the service principal does not exist yet, so it holds no role".to_string(),
    };
    if !crypto_user.is_empty() {
        let elsewhere: Vec<&str> = crypto_user.iter().map(|a| a.scope.as_str()).collect();
        observed.push_str(&format!(
            "; its {CRYPTO_USER} assignments at {} do not cover key {key} (role at the wrong scope)",
            elsewhere.join(", ")
        ));
    }
    observed.push_str("; the plan assigns it at the key's scope");
    let assignee = match sp {
        Some(sp) => sp.object_id.clone(),
        None => format!("$(az ad sp show --id {} --query id -o tsv)", identities::published().azure.app_client_id),
    };
    let mut check = Check::fail("AZ-07", Severity::High, title, observed).with_fix(format!(
        "az role assignment create --assignee-object-id {assignee} --assignee-principal-type ServicePrincipal \
         --role \"{CRYPTO_USER}\" --scope {key_scope}"
    ));
    check = check.planned();
    (vec![check], Step { action, state: StepState::Planned })
}

/// Whether an assignment at `scope` applies to `target`: the same ARM path or an ancestor of it,
/// compared per path segment and without regard to case (ARM ids are case-insensitive).
pub(crate) fn scope_contains(scope: &str, target: &str) -> bool {
    let outer = segments(scope);
    let inner = segments(target);
    outer.len() <= inner.len() && outer.iter().zip(&inner).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

fn same_scope(a: &str, b: &str) -> bool {
    let (a, b) = (segments(a), segments(b));
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

fn segments(scope: &str) -> Vec<&str> {
    scope.split('/').filter(|s| !s.is_empty()).collect()
}
