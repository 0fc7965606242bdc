//! Purge protection (AZ-02): without it a deleted key can be purged and every workspace's data it
//! protects is lost for good. Turning it on is irreversible, so the step needs the vault's name.

use crate::model::azure::{AzureVaultFacts, VaultResourceId};

use crate::plan::PlanError;
use crate::plan::{Action, Step, StepState};
use crate::plan::{Check, Severity};

use super::AzureStep;

pub(crate) struct PurgePlan {
    pub check: Check,
    pub step: Step,
    /// Purge protection is on after the run (already, or by this run's step).
    pub protected_after: bool,
}

pub(crate) fn purge_plan(
    vault: &AzureVaultFacts,
    vault_id: &VaultResourceId,
    confirmation: Option<&str>,
) -> Result<PurgePlan, PlanError> {
    let name = &vault.name;
    let confirmed = match confirmation {
        None => false,
        // Exactly as typed: a confirmation of something irreversible is not case-folded.
        Some(given) if given == name => true,
        Some(given) => {
            return Err(PlanError::Cloud {
                message: format!(
                    "--confirm-purge-protection `{}` does not name the vault this run works on, `{name}` (typed \
                     exactly); nothing was changed",
                    crate::text::escape_controls(given)
                ),
                hint: Some(format!(
                    "purge protection cannot be turned off again: to turn it on, pass --confirm-purge-protection {name}"
                )),
            });
        }
    };
    let title = format!("vault {name} has purge protection on");
    let action = Action::Cloud(Box::new(AzureStep::EnablePurgeProtection { vault: vault_id.clone() }));
    if vault.purge_protection == Some(true) {
        return Ok(PurgePlan {
            check: Check::pass("AZ-02", Severity::Critical, title),
            step: Step {
                action,
                state: StepState::AlreadyDone(format!("purge protection is already on for vault {name}")),
            },
            protected_after: true,
        });
    }
    let mut observed = format!(
        "enablePurgeProtection is {} on vault {name}: a deleted key can be purged, and the data it protects lost forever",
        match vault.purge_protection {
            Some(_) => "false",
            None => "not set",
        }
    );
    if vault.soft_delete == Some(false) {
        observed.push_str("; soft delete is off too, so a deleted key is gone at once");
    }
    let mut check = Check::fail("AZ-02", Severity::Critical, title, observed).with_fix(format!(
        "re-run with --confirm-purge-protection {name}, or: az keyvault update --name {name} --resource-group {} \
         --enable-purge-protection true (irreversible)",
        vault_id.resource_group
    ));
    // The run can proceed: the step turns it on, or the permanent attach stays gated.
    check.blocking = false;
    let state = if confirmed {
        StepState::Planned
    } else {
        StepState::Gated(format!(
            "purge protection is irreversible: re-run with --confirm-purge-protection {name} to turn it on for vault \
             {name}"
        ))
    };
    Ok(PurgePlan { check, step: Step { action, state }, protected_after: confirmed })
}

/// Why the attach step is held back while purge protection stays off: attaching is permanent, and
/// a key that can be purged can take the workspace's data with it.
pub(crate) fn attach_hold(vault: &str) -> String {
    format!(
        "purge protection is off on vault {vault}: a key in a vault without purge protection can be purged and the \
         workspace's data lost forever; re-run with --confirm-purge-protection {vault} to turn it on first"
    )
}
