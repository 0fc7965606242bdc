//! Google Cloud KMS on the command line: its flags, connecting to Google Cloud (or the sandbox), and
//! its report lines.

mod args;
mod connect;
mod inputs;
mod report;
mod sandbox;

pub use args::{GcpConnectArgs, GcpDoctorArgs, GcpSetupArgs};
pub use connect::sandbox_settings;

use std::sync::Arc;

use cmek_core::doctor::CloudKeyRef;
use cmek_core::model::ProviderKind;
use cmek_core::plan::gcp::GcpFacts;
use cmek_core::plan::{CloudAnswers, CloudFacts};
use cmek_core::run::CloudOutcome;
use cmek_core::wizard::Prefill;
use cmek_sandbox::SandboxEndpoints;
use cmek_sandbox::ca_bundle::CaBundle;
use serde_json::Value;

use super::answers_file::take_text;
use super::args::{DoctorArgs, SetupArgs};
use super::clouds::{CliCloud, Header};
use super::connect::Reach;
use crate::engine::CloudRuntime;
use crate::engine::gcp::GcpRuntime;
use crate::error::Result;

pub struct Gcp;

impl CliCloud for Gcp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn setup_flags_given(&self, args: &SetupArgs) -> Vec<&'static str> {
        inputs::gcp_flags(args)
    }

    fn setup_answers(&self, args: &SetupArgs) -> Result<Box<dyn CloudAnswers>> {
        Ok(Box::new(inputs::gcp_answers(args)?))
    }

    fn prefill(&self, args: &SetupArgs, prefill: &mut Prefill) -> Result<()> {
        let a = &args.clouds.gcp;
        prefill.set("gcp_project", a.gcp_project.as_deref().or(a.google_cloud_project.as_deref()));
        prefill.set("gcp_location", a.gcp_location.as_deref());
        prefill.set("gcp_key_ring", a.gcp_key_ring.as_deref());
        prefill.set("gcp_key", a.gcp_key.as_deref());
        // Checked now with the flags' own rules, so a bad value stops before the wizard starts.
        prefill.options.push(Box::new(inputs::gcp_answers(args)?));
        Ok(())
    }

    fn answers_keys(&self) -> &'static [&'static str] {
        &["gcp_project", "gcp_location", "gcp_key_ring", "gcp_key", "gcp_protection", "gcp_iam_wait"]
    }

    fn answers_file(&self, file: &mut toml::Table, args: &mut SetupArgs) -> std::result::Result<(), String> {
        let a = &mut args.clouds.gcp;
        take_text(file, "gcp_project", &mut a.gcp_project)?;
        take_text(file, "gcp_location", &mut a.gcp_location)?;
        take_text(file, "gcp_key_ring", &mut a.gcp_key_ring)?;
        take_text(file, "gcp_key", &mut a.gcp_key)?;
        take_text(file, "gcp_protection", &mut a.gcp_protection)?;
        take_text(file, "gcp_iam_wait", &mut a.gcp_iam_wait)?;
        Ok(())
    }

    fn doctor_flags(&self) -> &'static str {
        "--key projects/.../cryptoKeys/K or --gcp-project/--gcp-location/--gcp-key-ring/--gcp-key"
    }

    fn doctor_flags_given(&self, args: &DoctorArgs) -> bool {
        let a = &args.clouds.gcp;
        // `--key` is shared: it is Google Cloud's when it reads as a Cloud KMS key name (even one
        // with a version suffix, so that refusal names the fix).
        let gcp_key = args.key.as_deref().is_some_and(|k| k.trim().starts_with("projects/"));
        gcp_key || a.gcp_location.is_some() || a.gcp_key_ring.is_some() || a.gcp_key.is_some()
    }

    fn doctor_key(&self, args: &DoctorArgs) -> Result<Box<dyn CloudKeyRef>> {
        inputs::doctor_key(args)
    }

    fn runtime(&self, reach: &Reach<'_>) -> Result<Arc<dyn CloudRuntime>> {
        Ok(Arc::new(GcpRuntime::new(connect::client(reach)?)))
    }

    fn header(&self, facts: &dyn CloudFacts, credential: Option<&str>) -> Header {
        match facts.downcast_ref::<GcpFacts>() {
            Some(g) => report::header(g, credential),
            None => Header { identity: Vec::new(), key: String::new(), anthropic: String::new() },
        }
    }

    fn facts_json(&self, facts: &dyn CloudFacts, _answers: &dyn CloudAnswers) -> Vec<(&'static str, Value)> {
        report::facts_json(facts)
    }

    fn run_json(&self, doc: &mut Value, outcome: &dyn CloudOutcome) {
        report::run_json(doc, outcome)
    }

    fn sandbox_exports(&self, e: &SandboxEndpoints, ca: &CaBundle) -> Vec<String> {
        sandbox::exports(e, ca)
    }
}
