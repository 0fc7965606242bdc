//! Registering the key with the organisation: find an existing configuration for the same vault and
//! key, refuse one that names another tenant (AZ-13), else plan `RegisterKey`.

use crate::model::azure::{AzureKeyConfig, AzureKeyName, TenantId, VaultUri};
use crate::plan::{Action, Check, KeyTarget, RegisteredKey, SetupAnswers, Severity, Step, StepState};

pub(crate) struct RegisterPlan<'a> {
    pub check: Option<Check>,
    pub step: Step,
    /// The configuration that already registers this key (with the right tenant).
    pub registered: Option<&'a RegisteredKey>,
}

/// The registered configuration of this vault's key, whatever tenant it names.
pub fn find<'a>(registered: &'a [RegisteredKey], uri: &VaultUri, key: &AzureKeyName) -> Option<&'a RegisteredKey> {
    registered.iter().find(|r| {
        AzureKeyConfig::read(&r.config).is_some_and(|a| {
            VaultUri::parse(&a.vault_uri).is_ok_and(|u| u == *uri) && a.key_name.eq_ignore_ascii_case(key.as_str())
        })
    })
}

pub(crate) fn register_plan<'a>(
    answers: &SetupAnswers,
    registered: &'a [RegisteredKey],
    uri: &VaultUri,
    key: &AzureKeyName,
    tenant: &TenantId,
    vault: &str,
) -> RegisterPlan<'a> {
    let existing = find(registered, uri, key);
    let action = Action::RegisterKey {
        target: KeyTarget {
            name: Some(format!("{uri}/keys/{key} (tenant {tenant})")),
            config: Some(
                AzureKeyConfig {
                    vault_uri: uri.to_string(),
                    key_name: key.to_string(),
                    tenant_id: tenant.to_string(),
                    client_id: None,
                }
                .to_config(),
            ),
        },
        display_name: answers.display_name.clone().unwrap_or_else(|| format!("{key} in {vault} (Azure Key Vault)")),
        existing_id: existing.map(|r| r.id.clone()),
    };
    let Some(r) = existing else {
        return RegisterPlan { check: None, step: Step { action, state: StepState::Planned }, registered: None };
    };
    let registered_tenant = r.config.text("tenant_id").unwrap_or_default();
    if TenantId::parse(registered_tenant).is_ok_and(|t| t == *tenant) {
        let state = StepState::AlreadyDone(format!("the key is already registered as {}", r.id));
        return RegisterPlan {
            check: Some(Check::pass(
                "AZ-13",
                Severity::High,
                format!("registered configuration {} names the vault's tenant {tenant}", r.id),
            )),
            step: Step { action, state },
            registered: Some(r),
        };
    }
    let fix = if r.attached {
        format!(
            "configuration {} is attached to a workspace and cannot change: Anthropic cannot use it until the vault is \
             back in tenant {registered_tenant}; for other workspaces register a key of a vault in your tenant",
            r.id
        )
    } else {
        format!(
            "delete the unattached configuration, then re-run (cmek registers the vault's tenant {tenant}): curl -X \
             DELETE https://api.anthropic.com/v1/organizations/external_keys/{} -H \"x-api-key: $ANTHROPIC_ADMIN_KEY\" \
             -H \"anthropic-version: 2023-06-01\" (or Console > Settings > Encryption keys)",
            r.id
        )
    };
    let check = Check::fail(
        "AZ-13",
        Severity::High,
        format!("registered configuration {} names the vault's tenant {tenant}", r.id),
        format!("configuration {} registers {uri}/keys/{key} with tenant {registered_tenant}, but the vault is in tenant {tenant}", r.id),
    )
    .with_fix(fix);
    let state = StepState::Gated(format!(
        "configuration {} names tenant {registered_tenant}, not the vault's tenant {tenant}: it cannot be reused",
        r.id
    ));
    RegisterPlan { check: Some(check), step: Step { action, state }, registered: None }
}
