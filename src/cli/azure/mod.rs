//! Azure Key Vault on the command line: its flags, connecting to Azure (or the sandbox), and its
//! report lines.

mod args;
mod connect;
mod inputs;
mod report;
mod sandbox;

pub use args::{AzureConnectArgs, AzureDoctorArgs, AzureSetupArgs};
pub use connect::sandbox_settings;

use std::sync::Arc;

use cmek_core::doctor::CloudKeyRef;
use cmek_core::model::ProviderKind;
use cmek_core::plan::azure::AzureFacts;
use cmek_core::plan::{CloudAnswers, CloudFacts};
use cmek_core::run::CloudOutcome;
use cmek_core::wizard::Prefill;
use cmek_sandbox::SandboxEndpoints;
use cmek_sandbox::ca_bundle::CaBundle;
use serde_json::Value;

use super::answers_file::{refuse, take_bool, take_text};
use super::args::{DoctorArgs, SetupArgs};
use super::clouds::{CliCloud, Header};
use super::connect::Reach;
use crate::engine::CloudRuntime;
use crate::engine::azure::AzureRuntime;
use crate::error::Result;

pub struct Azure;

impl CliCloud for Azure {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn setup_flags_given(&self, args: &SetupArgs) -> Vec<&'static str> {
        inputs::azure_flags(args)
    }

    fn setup_answers(&self, args: &SetupArgs) -> Result<Box<dyn CloudAnswers>> {
        Ok(Box::new(inputs::azure_answers(args)?))
    }

    fn prefill(&self, args: &SetupArgs, prefill: &mut Prefill) -> Result<()> {
        prefill.set("azure_vault", args.clouds.azure.azure_vault.as_deref());
        prefill.set("azure_key", args.clouds.azure.azure_key.as_deref());
        // Checked now with the flags' own rules, so a bad value stops before the wizard starts.
        prefill.options.push(Box::new(inputs::azure_answers(args)?));
        Ok(())
    }

    fn answers_keys(&self) -> &'static [&'static str] {
        &["azure_vault", "azure_key", "azure_key_size", "azure_hsm", "azure_allow_public_access", "azure_rbac_wait"]
    }

    fn answers_file(&self, file: &mut toml::Table, args: &mut SetupArgs) -> std::result::Result<(), String> {
        refuse(
            file,
            "confirm_purge_protection",
            "purge protection cannot be turned off again, so it needs --confirm-purge-protection on the command line",
        )?;
        let a = &mut args.clouds.azure;
        take_text(file, "azure_vault", &mut a.azure_vault)?;
        take_text(file, "azure_key", &mut a.azure_key)?;
        take_text(file, "azure_key_size", &mut a.azure_key_size)?;
        take_bool(file, "azure_hsm", &mut a.azure_hsm)?;
        take_bool(file, "azure_allow_public_access", &mut a.azure_allow_public_access)?;
        take_text(file, "azure_rbac_wait", &mut a.azure_rbac_wait)?;
        Ok(())
    }

    fn doctor_flags(&self) -> &'static str {
        "--azure-vault/--azure-key"
    }

    fn doctor_flags_given(&self, args: &DoctorArgs) -> bool {
        args.clouds.azure.azure_vault.is_some() || args.clouds.azure.azure_key.is_some()
    }

    fn doctor_key(&self, args: &DoctorArgs) -> Result<Box<dyn CloudKeyRef>> {
        Ok(Box::new(inputs::doctor_key(args)?))
    }

    fn runtime(&self, reach: &Reach<'_>) -> Result<Arc<dyn CloudRuntime>> {
        Ok(Arc::new(AzureRuntime::new(connect::provider(reach)?)))
    }

    fn header(&self, facts: &dyn CloudFacts, credential: Option<&str>) -> Header {
        match facts.downcast_ref::<AzureFacts>() {
            Some(az) => report::header(az, credential),
            None => Header { identity: Vec::new(), key: String::new(), anthropic: String::new() },
        }
    }

    fn facts_json(&self, facts: &dyn CloudFacts, _answers: &dyn CloudAnswers) -> Vec<(&'static str, Value)> {
        report::facts_json(facts)
    }

    fn run_json(&self, doc: &mut Value, outcome: &dyn CloudOutcome) {
        report::run_json(doc, outcome)
    }

    fn sandbox_exports(&self, e: &SandboxEndpoints, _ca: &CaBundle) -> Vec<String> {
        sandbox::exports(e)
    }
}
