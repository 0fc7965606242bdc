//! Azure Key Vault findings: every AZ id the gathered facts allow, from the planner's check
//! builders (`plan::azure`) seen as findings, plus the registered configuration against the vault
//! (AZ-13, AZ-14, ANT-13) and Azure Policy (AZ-16: unknown when the assignments could not be
//! read). Pure.

use crate::doctor::facts::DoctorFacts;
use crate::doctor::{Finding, Status};
use crate::model::azure::{AzureKeyConfig, DeletedVaultFacts, TenantId, VaultUri};
use crate::plan::azure::{AzureFacts, access, key_checks, network, policy, purge, tags, vault_checks};
use crate::plan::{Check, Severity};

use super::AzureDoctorFacts;

/// The group a finding is shown under, by id.
fn group(id: &str) -> &'static str {
    match id {
        "AZ-03" | "AZ-04" | "AZ-05" => "network",
        "AZ-06" | "AZ-07" | "AZ-08" => "access",
        "AZ-09" | "AZ-10" | "AZ-11" | "AZ-12" => "key",
        "ANT-13" => "platform",
        _ => "vault",
    }
}

pub fn findings(f: &DoctorFacts, azure: &AzureDoctorFacts) -> Vec<Finding> {
    let a = match &azure.facts {
        Ok(a) => a,
        Err(why) => {
            let mut out: Vec<Finding> = azure.deleted_vault.iter().map(vault_deleted).collect();
            out.extend(unknown_all(why));
            return out;
        }
    };
    let vault = &a.vault;
    let mut checks: Vec<Check> = vault_checks::vault_checks(&a.caller, vault, &a.vault_id, a.vault_uri.as_ref());
    // Without a confirmation the purge plan only describes the vault; it cannot fail.
    if let Ok(p) = purge::purge_plan(vault, &a.vault_id, None) {
        checks.push(p.check);
    }
    checks.extend(network::network_plan(vault, &a.vault_id, false).checks);
    checks.push(access::consent(a.service_principal.as_ref(), &vault.tenant_id).0);
    checks.extend(access::role(a.service_principal.as_ref(), &a.role_assignments, &a.vault_id, &a.key_name).0);
    checks.push(vault_checks::audit_check(vault));
    let mut out: Vec<Finding> = checks.iter().map(as_finding).collect();

    match &a.key {
        Some(key) => {
            out.extend(key_checks::existing_key_checks(key, &vault.name, a.now).iter().map(as_finding));
            match (&a.vault_uri, &f.org) {
                (Some(uri), Ok(org)) => out.push(as_finding(&tags::tag_plan(key, uri, &a.key_name, org).0)),
                _ => out.push(Finding::unknown(
                    "AZ-10",
                    Severity::High,
                    "key",
                    format!("key {} carries the organisation tag", a.key_name),
                    "the organisation UUID or the vault URI is unknown",
                )),
            }
            out.push(Finding::pass("AZ-12", Severity::Critical, "key", format!("key {} is not deleted", a.key_name)));
        }
        None => {
            let bin = key_checks::new_key_checks(vault, &a.key_name, a.key_soft_deleted, 3072, false);
            out.extend(bin.iter().filter(|c| c.id == "AZ-12").map(as_finding));
            if a.key_soft_deleted != Some(true) {
                out.push(
                    Finding::new(
                        "ANT-13",
                        Severity::High,
                        Status::Fail,
                        "platform",
                        format!("key {} exists in vault {}", a.key_name, vault.name),
                    )
                    .observed(format!("vault {} holds no key {} (readable by you)", vault.name, a.key_name))
                    .why("Anthropic cannot wrap with a key that does not exist")
                    .fix(format!("az keyvault key list --vault-name {} --query [].name", vault.name)),
                );
            }
        }
    }
    out.extend(registered(f, a));
    out.push(policy_finding(a));
    out
}

/// AZ-16 as the planner judges it for a run that does not write the vault: a Deny assignment
/// fails while public access is Disabled (it cannot be turned on) and warns while it is Enabled
/// (any later write is refused); unknown only when the assignments could not be read.
fn policy_finding(a: &AzureFacts) -> Finding {
    let vault = &a.vault;
    match policy::policy_check(vault, &a.vault_id, a.policy_denials.as_deref(), None, false) {
        Some(check) if a.policy_denials.is_some() => as_finding(&check),
        _ => Finding::unknown(
            "AZ-16",
            Severity::High,
            "vault",
            format!("no Azure Policy denies public network access on vault {}", vault.name),
            format!(
                "the Azure Policy assignments at vault {} could not be read: {}",
                vault.name,
                a.policy_unread.as_deref().unwrap_or("no reason given")
            ),
        )
        .why("reading them needs Microsoft.Authorization/policyAssignments/read and policyExemptions/read at the vault (Reader)")
        .fix(policy::list_command(&a.vault_id)),
    }
}

/// A planner check as a doctor finding: the planner's words about what *it* would do are dropped.
fn as_finding(c: &Check) -> Finding {
    let mut f = Finding::from_check(c, group(c.id));
    f.observed = f.observed.map(|o| without_plan_words(&o)).filter(|o| !o.is_empty());
    f.fix = f.fix.map(|x| x.replace("the plan does it; by hand: ", ""));
    f
}

fn without_plan_words(text: &str) -> String {
    let kept: Vec<&str> = text.split("; ").filter(|part| !part.contains("the plan ")).collect();
    let joined = kept.join("; ");
    match joined.split_once(": the plan ") {
        Some((head, _)) => head.to_string(),
        None => joined,
    }
}

/// The registered configuration against the vault ARM describes: tenant (AZ-13), URI (AZ-14),
/// and the key it names (ANT-13).
fn registered(f: &DoctorFacts, a: &AzureFacts) -> Vec<Finding> {
    let Some((id, reg)) =
        f.registered.as_ref().and_then(|r| AzureKeyConfig::read(&r.config).map(|z| (r.id.as_str(), z)))
    else {
        return Vec::new();
    };
    let vault = &a.vault;
    let mut out = Vec::new();
    let reregister = format!(
        "delete {id} while it is unattached and re-run cmek setup --provider azure --azure-vault {} --azure-key {} \
         (an attached configuration cannot change)",
        vault.name, a.key_name
    );
    let tenant_title = format!("registered configuration {id} names the vault's tenant {}", vault.tenant_id);
    let same_tenant = match (TenantId::parse(&reg.tenant_id), TenantId::parse(&vault.tenant_id)) {
        (Ok(r), Ok(v)) => r == v,
        _ => reg.tenant_id.eq_ignore_ascii_case(&vault.tenant_id),
    };
    out.push(if same_tenant {
        Finding::pass("AZ-13", Severity::High, "vault", tenant_title)
    } else {
        Finding::new("AZ-13", Severity::High, Status::Fail, "vault", tenant_title)
            .observed(format!(
                "{id} registers tenant_id {}; the vault's tenantId is {}",
                reg.tenant_id, vault.tenant_id
            ))
            .expected(vault.tenant_id.clone())
            .why("Anthropic signs in to the registered tenant, where the vault does not exist (AKV10032)")
            .fix(reregister.clone())
    });
    let uri_title = format!("registered vault_uri is the vault's vaultUri {}", vault.uri.trim_end_matches('/'));
    let same_uri = match (VaultUri::parse(&reg.vault_uri), &a.vault_uri) {
        (Ok(r), Some(v)) => r == *v,
        _ => false,
    };
    out.push(if same_uri {
        Finding::pass("AZ-14", Severity::High, "vault", uri_title)
    } else {
        Finding::new("AZ-14", Severity::High, Status::Fail, "vault", uri_title)
            .observed(format!("{id} registers vault_uri {}; ARM reports vaultUri {}", reg.vault_uri, vault.uri))
            .expected(vault.uri.trim_end_matches('/').to_string())
            .fix(reregister.clone())
    });
    let key_title = format!("registered key_name is the key doctor inspected ({})", a.key_name);
    out.push(if reg.key_name.eq_ignore_ascii_case(a.key_name.as_str()) {
        Finding::pass("ANT-13", Severity::High, "platform", key_title)
    } else {
        Finding::new("ANT-13", Severity::High, Status::Fail, "platform", key_title)
            .observed(format!("{id} registers key_name {}", reg.key_name))
            .expected(a.key_name.to_string())
            .fix(reregister)
    });
    out
}

/// AZ-12 for the vault itself: it is in the subscription's deleted vaults, so nothing in it can be
/// read (the other checks stay unknown) and Anthropic cannot use the key until it is recovered.
fn vault_deleted(d: &DeletedVaultFacts) -> Finding {
    Finding::new("AZ-12", Severity::Critical, Status::Fail, "vault", format!("vault {} is not deleted", d.name))
        .observed(d.describe())
        .expected("a live vault (not in the subscription's deleted vaults)")
        .why("the vault and its keys are unusable while deleted, and gone for good after the purge date")
        .fix(format!("{} (then re-run `cmek doctor`)", d.recover_command()))
}

fn unknown_all(why: &str) -> Vec<Finding> {
    [
        ("AZ-01", Severity::High, "the vault uses Azure RBAC"),
        ("AZ-02", Severity::Critical, "the vault has purge protection on"),
        ("AZ-03", Severity::High, "the vault accepts public network access"),
        ("AZ-04", Severity::High, "the vault's firewall admits Anthropic's egress"),
        ("AZ-06", Severity::High, "Anthropic's app has a service principal (consent)"),
        ("AZ-07", Severity::High, "Anthropic's service principal has Key Vault Crypto User on the key"),
        ("AZ-09", Severity::High, "the key is RSA of at least 3072 bits with wrapKey/unwrapKey"),
        ("AZ-10", Severity::High, "the key carries the organisation tag"),
        ("AZ-11", Severity::Critical, "the key is enabled and within its validity dates"),
        ("AZ-16", Severity::High, "no Azure Policy denies the vault's public network access"),
    ]
    .into_iter()
    .map(|(id, sev, title)| Finding::unknown(id, sev, group(id), title, format!("Azure could not be read: {why}")))
    .collect()
}
