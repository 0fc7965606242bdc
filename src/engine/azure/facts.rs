//! Gathers the Azure facts of a `setup` run: the vault (ARM), Anthropic's service principal
//! (Graph), its role assignments (ARM), Azure Policy Deny assignments on public access (ARM) and
//! the key (Key Vault), read-only, each read sent as soon as what it needs is known:
//! 1. the tokens for ARM, Graph and Key Vault (and the platform's reads, elsewhere);
//! 2. the subscription (when not given) and Anthropic's service principal;
//! 3. the subscription's vaults (a vault named by resource id is read instead);
//! 4. the vault's diagnostic settings, its policy assignments, the principal's roles at the key,
//!    and the key and its deleted twin (Key Vault answers a client's first request with a
//!    challenge naming the token's audience);
//! 5. the key and its deleted twin again, with the token.

use cmek_core::identities;
use cmek_core::model::azure::{
    AzureKeyName, AzureVaultFacts, AzureVaultRef, DeletedVaultFacts, VaultResourceId, VaultUri,
};
use cmek_core::plan::azure::AzureFacts;
use cmek_core::run::events::{Event, EventSink};

use crate::error::{Error, Result};
use crate::providers::azure::{AzureError, AzureErrorKind, AzureProvider, ForbiddenBy, VAULT_SCOPE};

/// The facts for key `key_name` in the vault asked for (else the only vault in reach).
pub(super) async fn gather(
    azure: &AzureProvider,
    vault: Option<&AzureVaultRef>,
    key_name: &AzureKeyName,
    sink: &mut dyn EventSink,
) -> Result<AzureFacts> {
    let app_id = identities::published().azure.app_client_id.clone();
    sink.emit(Event::Inspecting { what: format!("Anthropic's service principal (app {app_id}) and its roles") });
    // Who is signed in, the service principal and the vault need nothing from one another; the
    // Key Vault token is fetched now so the key's reads do not wait for it after the challenge.
    let (caller, service_principal, (), chosen) = tokio::join!(
        azure.whoami(),
        azure.find_service_principal(&app_id),
        azure.warm_token(VAULT_SCOPE),
        choose_vault(azure, vault)
    );
    let (chosen, caller, service_principal) = (chosen?, caller?, service_principal?);
    let vault_id = VaultResourceId::parse(&chosen.id).map_err(|e| {
        Error::remote(format!("ARM described vault `{}` with an unreadable resource id: {e}", chosen.name))
    })?;
    // An unparsable URI is itself a finding (AZ-14): the key cannot be looked at through it.
    let vault_uri = VaultUri::parse(&chosen.uri).ok();
    let key_name = key_name.clone();
    let scope = vault_id.key_scope(&key_name);
    let vault_scope = vault_id.to_string();

    sink.emit(Event::Inspecting {
        what: format!("vault {} ({}): access model, purge protection, network", chosen.name, chosen.uri),
    });
    if let Some(uri) = &vault_uri {
        sink.emit(Event::Inspecting { what: format!("key {key_name} in {uri}") });
    }

    let roles = async {
        let Some(sp) = &service_principal else { return Ok(Vec::new()) };
        match azure.role_assignments(&scope, Some(&sp.object_id)).await {
            // ARM may not know a key that does not exist yet as a scope: what applies to it
            // then is what applies at the vault (and above).
            Err(e) if e.kind == AzureErrorKind::NotFound => {
                azure.role_assignments(&vault_scope, Some(&sp.object_id)).await
            }
            listed => listed,
        }
    };
    let key = async {
        let Some(uri) = &vault_uri else { return Ok((None, None)) };
        // Both at once: the bin matters only when the key is absent, and asking it later would
        // cost a round trip on every first run.
        let (live, deleted) = tokio::join!(azure.inspect_key(uri, &key_name), azure.deleted_key_exists(uri, &key_name));
        match live {
            // A live key and a deleted one cannot share a name.
            Ok(Some(k)) => Ok((Some(k), Some(false))),
            // The bin is a hint for the plan: failing to read it must not fail the run.
            Ok(None) => Ok((None, deleted.ok())),
            // Public access is off, so this machine cannot reach the data plane either: the vault's
            // network check says so and the plan may turn access on; the key step looks again
            // before it creates anything.
            Err(e) if e.kind == AzureErrorKind::Forbidden(ForbiddenBy::Connection) => {
                tracing::debug!(error = %e, "key not readable while public access is disabled");
                Ok((None, None))
            }
            Err(e) => Err(e),
        }
    };
    // Reading Azure Policy needs more than the run does: a refusal is a finding (AZ-16), never a failed run.
    let policy = async {
        Ok::<_, AzureError>(match azure.policy_denials(&vault_id, &chosen.location).await {
            Ok(denials) => (Some(denials), None),
            Err(e) => {
                tracing::debug!(error = %e, "Azure Policy assignments not readable");
                let next = e.next_step().map(|n| format!("; {n}")).unwrap_or_default();
                (None, Some(format!("{e}{next}")))
            }
        })
    };
    // The vault itself came with the listing (or was read by id): only its diagnostic settings remain.
    let routed = async { Ok(azure.audit_event_routed(&vault_id).await) };
    let (role_assignments, (key, key_soft_deleted), (policy_denials, policy_unread), audit_event_routed) =
        tokio::try_join!(roles, key, policy, routed).map_err(Error::from)?;

    Ok(AzureFacts {
        caller,
        vault: AzureVaultFacts { audit_event_routed, ..chosen },
        vault_id,
        vault_uri,
        key_name,
        key,
        key_soft_deleted,
        service_principal,
        role_assignments,
        policy_denials,
        policy_unread,
        now: chrono::Utc::now().timestamp(),
    })
}

/// The vault the run works on: the one asked for, else the only one in reach (as ARM describes
/// it, without its diagnostic settings).
async fn choose_vault(azure: &AzureProvider, asked: Option<&AzureVaultRef>) -> Result<AzureVaultFacts> {
    if let Some(wanted @ AzureVaultRef::ResourceId(id)) = asked {
        return match azure.read_vault(id).await {
            Ok(v) => Ok(v),
            Err(e) if e.kind == AzureErrorKind::NotFound => {
                let err = Error::from(e).context(format!("vault {id} (--azure-vault)"));
                Err(explain_missing(azure, wanted, err).await)
            }
            Err(e) => Err(Error::from(e)),
        };
    }
    choose_listed_vault(azure, asked).await
}

/// A named vault that is not live may be in the subscription's soft-delete bin (AZ-12): say so,
/// with the recover command, instead of "no such vault". Reading the bin is best effort.
async fn explain_missing(azure: &AzureProvider, wanted: &AzureVaultRef, original: Error) -> Error {
    match azure.deleted_vaults().await {
        Ok(deleted) => deleted_vault_error(wanted, &deleted).unwrap_or(original),
        Err(e) => {
            tracing::debug!(error = %e, "deleted vaults not readable");
            original.with_hint(format!(
                "if vault {} was deleted, `az keyvault list-deleted` shows it (this identity may not read the \
                 subscription's deleted vaults: {e})",
                wanted.vault_name()
            ))
        }
    }
}

/// The run's error when the vault asked for is soft-deleted: exit 1 (ran, the key is not
/// healthy), as when setup stops on a soft-deleted key (AZ-12 too); nothing has been changed.
pub(crate) fn deleted_vault_error(wanted: &AzureVaultRef, deleted: &[DeletedVaultFacts]) -> Option<Error> {
    let found = deleted.iter().find(|d| wanted.matches_name(&d.name))?;
    Some(
        Error::unhealthy(format!(
            "AZ-12: {} (--azure-vault `{wanted}`): {} (then re-run)",
            found.describe(),
            found.recover_command()
        ))
        .with_hint("recovery brings the vault back with its keys (same key ids) and settings; a new vault would need a new key"),
    )
}

/// The vault the run works on when not named by id: the one asked for, else the only one in reach.
async fn choose_listed_vault(azure: &AzureProvider, asked: Option<&AzureVaultRef>) -> Result<AzureVaultFacts> {
    let vaults = azure.list_vaults().await.map_err(Error::from)?;
    let subscription = || async { azure.subscription().await.unwrap_or_else(|_| "(unknown)".into()) };
    match asked {
        Some(wanted) => {
            let found = vaults.iter().find(|v| match wanted {
                AzureVaultRef::Uri(uri) => VaultUri::parse(&v.uri).is_ok_and(|u| &u == uri),
                _ => wanted.matches_name(&v.name),
            });
            match found {
                Some(v) => Ok(v.clone()),
                None => Err(explain_missing(
                    azure,
                    wanted,
                    Error::usage(format!(
                        "no Key Vault matching `{wanted}` (--azure-vault) is visible to the signed-in identity in \
                     subscription {}",
                        subscription().await
                    ))
                    .with_hint(format!("vaults in reach: {}", listing(&vaults)))
                    .with_hint("a vault in another subscription needs --azure-subscription (or AZURE_SUBSCRIPTION_ID)"),
                )
                .await),
            }
        }
        None => match vaults.as_slice() {
            [one] => Ok(one.clone()),
            [] => {
                let err = Error::usage(format!(
                    "no Key Vault is visible to the signed-in identity in subscription {}",
                    subscription().await
                ));
                // A deleted vault is better recovered than replaced (its keys come back with it).
                let err = match azure.deleted_vaults().await {
                    Ok(deleted) if !deleted.is_empty() => deleted
                        .iter()
                        .fold(err, |err, d| err.with_hint(format!("AZ-12: {}: {}", d.describe(), d.recover_command()))),
                    _ => err,
                };
                Err(err.with_hint(
                    "create one (`az keyvault create --name <name> --resource-group <group> \
                     --enable-rbac-authorization --enable-purge-protection`), or pick another subscription with \
                     --azure-subscription",
                ))
            }
            many => Err(Error::usage(format!(
                "{} Key Vaults are visible to the signed-in identity: {}; choose one with --azure-vault \
                 NAME|URI|ID (or CMEK_AZURE_VAULT)",
                many.len(),
                listing(many)
            ))),
        },
    }
}

fn listing(vaults: &[AzureVaultFacts]) -> String {
    if vaults.is_empty() {
        return "none".into();
    }
    vaults.iter().map(|v| format!("{} ({})", v.name, v.uri.trim_end_matches('/'))).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deleted(name: &str) -> DeletedVaultFacts {
        DeletedVaultFacts {
            name: name.into(),
            vault_id: format!(
                "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/{name}"
            ),
            location: "eastus2".into(),
            deletion_date: Some("2026-11-20T09:00:00Z".into()),
            scheduled_purge_date: Some("2027-02-18T09:00:00Z".into()),
            purge_protection: Some(true),
        }
    }

    #[test]
    fn a_deleted_vault_named_any_way_fails_with_az12_and_the_recover_command() {
        let bin = [deleted("other-vault"), deleted("cmek-vault")];
        for asked in [
            "cmek-vault",
            "https://CMEK-vault.vault.azure.net/",
            "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/cmek-vault",
        ] {
            let wanted: AzureVaultRef = asked.parse().unwrap();
            let err = deleted_vault_error(&wanted, &bin).unwrap();
            assert_eq!(err.exit_code(), 1, "{asked}");
            assert_eq!(
                err.message,
                format!(
                    "AZ-12: vault cmek-vault was deleted on 2026-11-20T09:00:00Z and can be recovered until \
                     2027-02-18T09:00:00Z (--azure-vault `{wanted}`): az keyvault recover --name cmek-vault \
                     --resource-group rg-keys (then re-run)"
                )
            );
        }
    }

    #[test]
    fn a_vault_not_in_the_bin_keeps_the_original_error() {
        let wanted: AzureVaultRef = "cmek-vault".parse().unwrap();
        assert!(deleted_vault_error(&wanted, &[deleted("cmek-vault-2")]).is_none());
        assert!(deleted_vault_error(&wanted, &[]).is_none());
    }
}
