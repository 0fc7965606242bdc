//! Azure Policy against the vault's public endpoint (AZ-16): an enforced Deny assignment of a
//! definition that refuses public network access makes ARM refuse the write that turns it on
//! (`RequestDisallowedByPolicy`), and, since Policy judges the vault as a write leaves it, any
//! later write while it is on. The way through is an exemption for this vault, with the reason.

use crate::model::azure::{AzureVaultFacts, PolicyDenialFacts, VaultResourceId};
use crate::plan::{Check, Severity};

/// The exemption's justification: why this vault's public endpoint must stay reachable.
const REASON: &str = "Claude Platform CMEK: Anthropic calls Key Vault's public endpoint from 160.79.104.0/21";

/// The AZ-16 check. `denials`: `None` when the assignments could not be read (`unread` says why);
/// `writes_vault`: the plan updates the vault (network or purge protection).
pub(crate) fn policy_check(
    vault: &AzureVaultFacts,
    vault_id: &VaultResourceId,
    denials: Option<&[PolicyDenialFacts]>,
    unread: Option<&str>,
    writes_vault: bool,
) -> Option<Check> {
    let name = &vault.name;
    let title = format!("no Azure Policy denies public network access on vault {name}");
    let public_disabled = vault.public_network_access.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("Disabled"));
    let Some(denials) = denials else {
        // Only worth saying when the run needs the public endpoint turned on.
        return public_disabled.then(|| {
            Check::warn(
                "AZ-16",
                Severity::High,
                title,
                format!(
                    "the Azure Policy assignments at vault {name} could not be read ({}): a Deny assignment would \
                     refuse turning public network access on (RequestDisallowedByPolicy)",
                    unread.unwrap_or("no reason given")
                ),
            )
            .with_fix(list_command(vault_id))
        });
    };
    if denials.is_empty() {
        return Some(Check::pass("AZ-16", Severity::High, title));
    }
    let named = denials.iter().map(describe).collect::<Vec<_>>().join("; ");
    let fix = exemption_commands(denials, vault_id);
    if public_disabled {
        return Some(
            Check::fail(
                "AZ-16",
                Severity::High,
                title,
                format!(
                    "publicNetworkAccess is Disabled on {name} and {named} denies public network access with effect \
                     Deny: Azure would refuse turning it on (RequestDisallowedByPolicy), and Anthropic calls the \
                     vault's public endpoint"
                ),
            )
            .with_fix(format!("{fix}; then re-run")),
        );
    }
    if writes_vault {
        return Some(
            Check::fail(
                "AZ-16",
                Severity::High,
                title,
                format!(
                    "{named} denies public network access with effect Deny, and public access is Enabled on {name}: \
                     Azure refuses any update of the vault while it stays on (RequestDisallowedByPolicy), so the \
                     plan's vault update cannot be made"
                ),
            )
            .with_fix(format!("{fix}; then re-run")),
        );
    }
    Some(
        Check::warn(
            "AZ-16",
            Severity::High,
            title,
            format!(
                "public network access is Enabled on {name}, but {named} denies it with effect Deny: the vault is \
                 non-compliant and Azure will refuse any later update of it (firewall rules, purge protection) \
                 (RequestDisallowedByPolicy)"
            ),
        )
        .with_fix(fix),
    )
}

fn describe(d: &PolicyDenialFacts) -> String {
    let member = d.definition_reference_id.as_deref().map(|r| format!(", initiative member {r}")).unwrap_or_default();
    format!("Azure Policy assignment '{}' ({}, assigned at {}{member})", d.display_name, d.assignment_id, d.scope)
}

/// One `az policy exemption create` per assignment (exemption names are unique per scope).
pub(crate) fn exemption_commands(denials: &[PolicyDenialFacts], vault_id: &VaultResourceId) -> String {
    denials
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let name = if i == 0 { "cmek-anthropic".to_string() } else { format!("cmek-anthropic-{}", i + 1) };
            // For an initiative, only the member that denies public access is waived.
            let member = d
                .definition_reference_id
                .as_deref()
                .map(|r| format!(" --policy-definition-reference-ids {r}"))
                .unwrap_or_default();
            format!(
                "az policy exemption create --name {name} --policy-assignment {}{member} --exemption-category Waiver \
                 --scope {vault_id} --description \"{REASON}\"",
                d.assignment_id
            )
        })
        .collect::<Vec<_>>()
        .join(" && ")
}

pub(crate) fn list_command(vault_id: &VaultResourceId) -> String {
    format!("az policy assignment list --scope {vault_id} --disable-scope-strict-match")
}
