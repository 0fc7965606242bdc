//! Azure Key Vault in the registry: hands over to `plan::azure`, `doctor::azure` and
//! `wizard::azure`.

use crate::doctor::azure::{AzureDoctorFacts, AzureDoctorKey, explain_validation, terraform, validation_text, why};
use crate::doctor::{CloudDoctorFacts, CloudKeyRef, Finding};
use crate::identities;
use crate::model::azure::{AzureKeyConfig, AzureKeyName, AzureVaultRef, VaultUri};
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};
use crate::plan::{Check, RegisteredKey};
use crate::wizard::azure::AzureKeyScreen;
use crate::wizard::{KeyScreen, Prefill};

use super::Cloud;
use crate::export::terraform::documented::Documented;
use crate::export::terraform::{CloudConfig, ExportError, ExportRequest};

pub struct Azure;

impl Cloud for Azure {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn label(&self) -> &'static str {
        "Azure"
    }

    fn anthropic_principal(&self) -> String {
        identities::published().azure.app_client_id.clone()
    }

    fn anthropic_principal_display(&self) -> String {
        let ids = identities::published();
        format!("{} (Entra app id {})", ids.azure.app_display_name, ids.azure.app_client_id)
    }

    fn same_key(&self, a: &ProviderConfig, b: &ProviderConfig) -> bool {
        match (AzureKeyConfig::read(a), AzureKeyConfig::read(b)) {
            (Some(a), Some(b)) => a.same_key(&b),
            _ => false,
        }
    }

    fn describe_config(&self, config: &ProviderConfig) -> Option<String> {
        AzureKeyConfig::read(config).map(|a| format!("{}/keys/{}", a.vault_uri.trim_end_matches('/'), a.key_name))
    }

    fn coordinates(&self, config: &ProviderConfig) -> Option<KeyCoordinates> {
        AzureKeyConfig::read(config).map(|c| c.coordinates())
    }

    fn doctor_key(&self, r: &RegisteredKey) -> Result<Box<dyn CloudKeyRef>, String> {
        let a = AzureKeyConfig::read(&r.config)
            .ok_or_else(|| format!("external key {} registers no vault_uri, key_name and tenant_id", r.id))?;
        let vault = VaultUri::parse(&a.vault_uri).ok().map(AzureVaultRef::Uri);
        let key = AzureKeyName::parse(&a.key_name).map_err(|e| {
            format!("external key {} registers key_name `{}`, which is not usable: {e}", r.id, a.key_name)
        })?;
        Ok(Box::new(AzureDoctorKey { vault, key }))
    }

    fn doctor_coordinates(&self) -> &'static str {
        "--provider azure --azure-vault NAME --azure-key NAME"
    }

    fn doctor_unreadable(&self, why: String) -> Box<dyn CloudDoctorFacts> {
        Box::new(AzureDoctorFacts { facts: Err(why), deleted_vault: None })
    }

    fn validation_causes(&self, error: &str) -> Vec<Check> {
        validation_text::causes(error)
    }

    fn explain_validation(&self, error: &str, findings: &[Finding]) -> Vec<Check> {
        explain_validation(error, findings)
    }

    fn is_propagating(&self, error: &str) -> bool {
        validation_text::is_rbac_refusal(error)
    }

    fn network_ids(&self) -> &'static [&'static str] {
        &["AZ-03", "AZ-04"]
    }

    fn why(&self, id: &str) -> Option<&'static str> {
        why(id)
    }

    fn terraform(&self, id: &str) -> Option<&'static str> {
        terraform(id)
    }

    fn cause_order(&self, id: &str) -> Option<u8> {
        crate::doctor::azure::cause_order(id)
    }

    fn needs_credentials(&self) -> (&'static str, &'static str) {
        (
            "needs an Azure sign-in that sees a vault: set it up, then press r",
            "Azure Key Vault needs an Azure sign-in that can see a vault (see above): e.g. az login, or \
             AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, then press r to look again.",
        )
    }

    fn key_screen(&self, prefill: &Prefill) -> Box<dyn KeyScreen> {
        Box::new(AzureKeyScreen::new(prefill))
    }

    fn terraform_export(&self, req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError> {
        crate::export::terraform::azure::render(req)
    }

    fn terraform_documented(&self) -> &'static [Documented] {
        crate::export::terraform::azure::DOCUMENTED
    }
}
