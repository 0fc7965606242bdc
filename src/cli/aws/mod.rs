//! AWS KMS on the command line: its flags, connecting to AWS (or the sandbox), its report lines,
//! and the offline key-policy tools (`cmek policy`).

mod args;
mod connect;
mod inputs;
pub mod policy;
pub mod policy_args;
mod policy_report;
mod policy_simulate;
mod report;
mod sandbox;

pub use args::{AwsConnectArgs, AwsDoctorArgs, AwsSetupArgs};
pub use connect::settings_in;

use std::sync::Arc;

use cmek_core::doctor::CloudKeyRef;
use cmek_core::model::ProviderKind;
use cmek_core::plan::aws::AwsFacts;
use cmek_core::plan::{CloudAnswers, CloudFacts};
use cmek_core::run::CloudOutcome;
use cmek_core::wizard::Prefill;
use cmek_sandbox::SandboxEndpoints;
use cmek_sandbox::ca_bundle::CaBundle;
use serde_json::Value;

use super::Cli;
use super::args::{DoctorArgs, SandboxArgs, SetupArgs};
use super::clouds::{CliCloud, Header, SandboxRun};
use super::connect::Reach;
use crate::engine::CloudRuntime;
use crate::engine::aws::AwsRuntime;
use crate::error::Result;

pub struct Aws;

impl CliCloud for Aws {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn setup_flags_given(&self, args: &SetupArgs) -> Vec<&'static str> {
        inputs::given(args)
    }

    fn setup_answers(&self, args: &SetupArgs) -> Result<Box<dyn CloudAnswers>> {
        Ok(Box::new(inputs::answers(args)?))
    }

    fn prefill(&self, args: &SetupArgs, prefill: &mut Prefill) -> Result<()> {
        prefill.set("key", args.key.as_deref());
        prefill.set("region", args.clouds.aws.region.as_deref());
        prefill.set("alias", args.clouds.aws.alias.as_deref());
        Ok(())
    }

    fn answers_keys(&self) -> &'static [&'static str] {
        &["region", "alias"]
    }

    fn answers_file(&self, file: &mut toml::Table, args: &mut SetupArgs) -> std::result::Result<(), String> {
        super::answers_file::refuse(
            file,
            "replace_anthropic_grants",
            "taking grants out of a key policy is consented to by name, with --replace-anthropic-grants on the \
             command line (or the wizard's approval)",
        )?;
        let a = &mut args.clouds.aws;
        super::answers_file::take_text(file, "region", &mut a.region)?;
        super::answers_file::take_text(file, "alias", &mut a.alias)?;
        Ok(())
    }

    fn doctor_flags(&self) -> &'static str {
        "--key/--region"
    }

    fn doctor_flags_given(&self, args: &DoctorArgs) -> bool {
        // `--key` is shared: it is AWS's when it reads as an AWS key (an ARN, a key id, an alias).
        let aws_key = args.key.as_deref().is_some_and(|k| k.trim().parse::<cmek_core::model::aws::AwsKeyRef>().is_ok());
        aws_key || args.clouds.aws.region.is_some()
    }

    fn doctor_key(&self, args: &DoctorArgs) -> Result<Box<dyn CloudKeyRef>> {
        Ok(Box::new(inputs::doctor_key(args)?))
    }

    fn runtime(&self, reach: &Reach<'_>) -> Result<Arc<dyn CloudRuntime>> {
        Ok(Arc::new(AwsRuntime::new(connect::settings(reach)?)))
    }

    fn header(&self, facts: &dyn CloudFacts, _credential: Option<&str>) -> Header {
        match facts.downcast_ref::<AwsFacts>() {
            Some(aws) => report::header(aws),
            None => Header { identity: Vec::new(), key: String::new(), anthropic: String::new() },
        }
    }

    fn facts_json(&self, facts: &dyn CloudFacts, answers: &dyn CloudAnswers) -> Vec<(&'static str, Value)> {
        report::facts_json(facts, answers)
    }

    fn run_json(&self, doc: &mut Value, outcome: &dyn CloudOutcome) {
        report::run_json(doc, outcome)
    }

    fn sandbox_exports(&self, e: &SandboxEndpoints, _ca: &CaBundle) -> Vec<String> {
        sandbox::exports(e)
    }

    fn external_sandbox<'a>(&self, cli: &'a Cli, args: &'a SandboxArgs) -> Option<SandboxRun<'a>> {
        let endpoint = cli.clouds.aws.aws_endpoint.clone().filter(|e| !e.is_empty())?;
        Some(Box::pin(sandbox::run_with_external_aws(args, endpoint)))
    }
}
