//! What doctor read in Azure Key Vault, and the key it was asked to look at.

use crate::model::ProviderKind;
use crate::model::azure::{AzureKeyName, AzureVaultRef, DeletedVaultFacts};
use crate::plan::RegisteredKey;
use crate::plan::azure::{AzureFacts, register};

use super::super::cloud::{CloudDoctorFacts, CloudKeyRef};
use super::super::facts::{DoctorFacts, Gathered};
use super::super::finding::Finding;

/// A Key Vault key to diagnose: the vault (the only one in reach when `None`) and the key's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureDoctorKey {
    pub vault: Option<AzureVaultRef>,
    pub key: AzureKeyName,
}

impl CloudKeyRef for AzureDoctorKey {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn describe(&self) -> String {
        match &self.vault {
            Some(v) => format!("{v}/keys/{}", self.key),
            None => format!("{} (in the only vault in reach)", self.key),
        }
    }
}

/// The vault and key as Azure describes them (or why they could not be read), and the vault's
/// entry among the deleted vaults when it could not be read because it is soft-deleted (AZ-12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureDoctorFacts {
    pub facts: Gathered<Box<AzureFacts>>,
    pub deleted_vault: Option<DeletedVaultFacts>,
}

impl CloudDoctorFacts for AzureDoctorFacts {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn findings(&self, facts: &DoctorFacts) -> Vec<Finding> {
        super::rules::findings(facts, self)
    }

    fn resolved_key(&self) -> Option<String> {
        let a = self.facts.as_ref().ok()?;
        a.vault_uri.as_ref().map(|uri| format!("{}/keys/{}", uri.as_str(), a.key_name))
    }

    fn registration<'a>(&self, all: &'a [RegisteredKey]) -> Option<&'a RegisteredKey> {
        let a = self.facts.as_ref().ok()?;
        register::find(all, a.vault_uri.as_ref()?, &a.key_name)
    }
}
