//! Checks on the vault itself: signed-in tenant (AZ-13), URI (AZ-14), region (ANT-12), permission
//! model (AZ-01), audit logging (AZ-15). Purge protection has its own file: it also plans a step.

use crate::identities;
use crate::model::azure::{AzureCallerIdentity, AzureVaultFacts, VaultResourceId, VaultUri};

use crate::plan::{Check, Severity};

pub(crate) fn vault_checks(
    caller: &AzureCallerIdentity,
    vault: &AzureVaultFacts,
    vault_id: &VaultResourceId,
    vault_uri: Option<&VaultUri>,
) -> Vec<Check> {
    vec![tenant_check(caller, vault), uri_check(vault, vault_uri), region_check(vault), rbac_check(vault, vault_id)]
}

/// Consent and the role assignment are made in the signed-in tenant: they must land in the vault's.
fn tenant_check(caller: &AzureCallerIdentity, vault: &AzureVaultFacts) -> Check {
    let title = format!("you are signed in to the vault's tenant {}", vault.tenant_id);
    if caller.tenant_id.trim().eq_ignore_ascii_case(vault.tenant_id.trim()) {
        return Check::pass("AZ-13", Severity::High, title);
    }
    Check::fail(
        "AZ-13",
        Severity::High,
        title,
        format!(
            "signed in to tenant {} but vault {} is in tenant {}: consent and the role assignment would land in the \
             wrong tenant",
            caller.tenant_id, vault.name, vault.tenant_id
        ),
    )
    .with_fix(format!("az login --tenant {}", vault.tenant_id))
}

fn uri_check(vault: &AzureVaultFacts, vault_uri: Option<&VaultUri>) -> Check {
    let title = "the vault's URI is a Key Vault URI (what is registered)";
    match vault_uri {
        Some(uri) => Check::pass("AZ-14", Severity::High, format!("{title}: {uri}")),
        None => Check::fail(
            "AZ-14",
            Severity::High,
            title,
            format!(
                "vault {} reports vault.uri {:?}, which is not https://<name>.vault.azure.net or \
                 https://<name>.managedhsm.azure.net",
                vault.name, vault.uri
            ),
        )
        .with_fix(format!(
            "check the vault's properties.vaultUri: az keyvault show --name {} --query properties.vaultUri; \
             use a vault in the public Azure cloud",
            vault.name
        )),
    }
}

/// CMEK is US-only: the published list of Azure regions.
fn region_check(vault: &AzureVaultFacts) -> Check {
    let supported = &identities::published().regions.azure;
    // ARM reports `eastus2`; portals and some tools say `East US 2`.
    let location: String = vault.location.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    if supported.iter().any(|r| r.eq_ignore_ascii_case(&location)) {
        return Check::pass("ANT-12", Severity::High, format!("vault region {location} is supported (US)"));
    }
    Check::fail(
        "ANT-12",
        Severity::High,
        format!("vault region is supported ({})", supported.join(", ")),
        format!("vault {} is in {}", vault.name, vault.location),
    )
    .with_fix(format!(
        "use a vault in {}: az keyvault create --name <new vault> --resource-group <group> --location {} \
         --enable-rbac-authorization true --enable-purge-protection true, then --azure-vault <new vault>",
        supported.join(" or "),
        supported.first().map(String::as_str).unwrap_or("eastus2")
    ))
}

/// Anthropic is granted a role (Azure RBAC); an access-policy vault ignores role assignments.
fn rbac_check(vault: &AzureVaultFacts, id: &VaultResourceId) -> Check {
    let title = format!("vault {} uses the Azure RBAC permission model", vault.name);
    let observed = match vault.rbac_authorization {
        Some(true) => return Check::pass("AZ-01", Severity::High, title),
        Some(false) => format!("vault {} uses access policies (enableRbacAuthorization is false)", vault.name),
        None => format!("vault {} uses access policies (enableRbacAuthorization is not set)", vault.name),
    };
    Check::fail("AZ-01", Severity::High, title, observed).with_fix(format!(
        "switching cuts off every user and app that relies on the vault's access policies, so first give each of \
         them an equivalent Key Vault role (az role assignment create --assignee <user or app> --role <Key Vault \
         role> --scope {id}), then: az keyvault update --name {} --resource-group {} --enable-rbac-authorization true",
        id.vault, id.resource_group
    ))
}

/// Without an `AuditEvent` diagnostic setting there is no data-plane log of Anthropic's key use.
pub(crate) fn audit_check(vault: &AzureVaultFacts) -> Check {
    let title = format!("vault {} sends its AuditEvent logs somewhere", vault.name);
    let fix = format!(
        "az monitor diagnostic-settings create --name cmek-audit --resource {} --logs \
         '[{{\"category\":\"AuditEvent\",\"enabled\":true}}]' --workspace <Log Analytics workspace id>",
        vault.id
    );
    match vault.audit_event_routed {
        Some(true) => Check::pass("AZ-15", Severity::Medium, title),
        Some(false) => Check::warn(
            "AZ-15",
            Severity::Medium,
            title,
            format!(
                "no diagnostic setting of vault {} routes AuditEvent: key use by Anthropic is not logged",
                vault.name
            ),
        )
        .with_fix(fix),
        None => Check::warn(
            "AZ-15",
            Severity::Medium,
            title,
            format!(
                "the diagnostic settings of vault {} could not be read; make sure AuditEvent is routed",
                vault.name
            ),
        )
        .with_fix(fix),
    }
}
