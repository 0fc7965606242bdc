//! The clouds on the command line, one registration line each (`all`), and their flags as the
//! clap groups the shared commands flatten in. Each cloud's entry is in its folder (`cli/aws`,
//! `cli/azure`): flags to answers, connecting, and its lines of the reports.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use clap::Args;
use cmek_core::doctor::CloudKeyRef;
use cmek_core::model::ProviderKind;
use cmek_core::plan::{CloudAnswers, CloudFacts};
use cmek_core::run::CloudOutcome;
use cmek_core::wizard::Prefill;
use cmek_sandbox::SandboxEndpoints;
use cmek_sandbox::ca_bundle::CaBundle;
use serde_json::Value;

use super::Cli;
use super::args::{DoctorArgs, SandboxArgs, SetupArgs};
use super::aws::{self, Aws};
use super::azure::{self, Azure};
use super::connect::Reach;
use super::gcp::{self, Gcp};
use crate::engine::CloudRuntime;
use crate::error::Result;

// `cmek policy` is AWS's: the offline tools for KMS key policies.
pub use super::aws::policy::run as run_policy;
pub use super::aws::policy_args::PolicyArgs;

/// Every cloud's connection flags (global).
#[derive(Debug, Clone, Default, Args)]
pub struct CloudConnectArgs {
    #[command(flatten)]
    pub aws: aws::AwsConnectArgs,
    #[command(flatten)]
    pub gcp: gcp::GcpConnectArgs,
    #[command(flatten)]
    pub azure: azure::AzureConnectArgs,
}

/// Every cloud's `setup` flags.
#[derive(Debug, Clone, Default, Args)]
pub struct CloudSetupArgs {
    #[command(flatten)]
    pub aws: aws::AwsSetupArgs,
    #[command(flatten)]
    pub gcp: gcp::GcpSetupArgs,
    #[command(flatten)]
    pub azure: azure::AzureSetupArgs,
}

/// Every cloud's `doctor` flags.
#[derive(Debug, Clone, Default, Args)]
pub struct CloudDoctorArgs {
    #[command(flatten)]
    pub aws: aws::AwsDoctorArgs,
    #[command(flatten)]
    pub gcp: gcp::GcpDoctorArgs,
    #[command(flatten)]
    pub azure: azure::AzureDoctorArgs,
}

/// Every cloud this build sets up, in the registry's order.
pub fn all() -> &'static [&'static dyn CliCloud] {
    &[&Aws, &Gcp, &Azure]
}

/// The cloud `kind` names, when this build sets it up.
pub fn get(kind: ProviderKind) -> Option<&'static dyn CliCloud> {
    all().iter().copied().find(|c| c.kind() == kind)
}

/// The `--provider` values, e.g. `aws|azure`.
pub fn provider_choices() -> String {
    all().iter().map(|c| c.kind().as_str()).collect::<Vec<_>>().join("|")
}

/// "AWS KMS (--provider aws) and Azure Key Vault (--provider azure)", for messages.
pub fn provider_list() -> String {
    all()
        .iter()
        .map(|c| format!("{} (--provider {})", c.kind().display_name(), c.kind().as_str()))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// What the report shows of the cloud before the plan: who is signed in, the key, and
/// Anthropic's identity there.
pub struct Header {
    /// Lines after the title (identity, vault, ...), before the workspace.
    pub identity: Vec<String>,
    /// The key line's text.
    pub key: String,
    /// The Anthropic line's text.
    pub anthropic: String,
}

/// One cloud on the command line.
pub trait CliCloud: Sync {
    fn kind(&self) -> ProviderKind;

    /// This cloud's `setup` flags that were given: a run for another cloud refuses them.
    fn setup_flags_given(&self, args: &SetupArgs) -> Vec<&'static str>;

    /// The cloud's part of the answers, every flag parsed (a malformed value makes no call).
    fn setup_answers(&self, args: &SetupArgs) -> Result<Box<dyn CloudAnswers>>;

    /// The wizard's pre-fill from the flags: raw values by answers-file key, and parsed options.
    fn prefill(&self, args: &SetupArgs, prefill: &mut Prefill) -> Result<()>;

    /// The answers-file keys of this cloud; `fill` takes them out of `file` into `args` (flags win).
    fn answers_keys(&self) -> &'static [&'static str];
    fn answers_file(&self, file: &mut toml::Table, args: &mut SetupArgs) -> std::result::Result<(), String>;

    /// This cloud's `doctor` flags, as messages name them (e.g. `--key/--region`), and whether any
    /// was given.
    fn doctor_flags(&self) -> &'static str;
    fn doctor_flags_given(&self, args: &DoctorArgs) -> bool;

    /// The key doctor's coordinates name.
    fn doctor_key(&self, args: &DoctorArgs) -> Result<Box<dyn CloudKeyRef>>;

    /// The cloud's runtime for this run (real endpoints and credentials, or the sandbox's); no call.
    fn runtime(&self, reach: &Reach<'_>) -> Result<Arc<dyn CloudRuntime>>;

    /// The report's lines before the plan.
    fn header(&self, facts: &dyn CloudFacts, credential: Option<&str>) -> Header;

    /// The cloud's blocks of the `cmek.setup/v1` document, as `(key, value)`; `Value::Null` for
    /// each of its keys when `facts` are another cloud's.
    fn facts_json(&self, facts: &dyn CloudFacts, answers: &dyn CloudAnswers) -> Vec<(&'static str, Value)>;

    /// Adds what the run left (`outcome`) to the document's blocks.
    fn run_json(&self, doc: &mut Value, outcome: &dyn CloudOutcome);

    /// The `export` and `#` lines `cmek sandbox` prints so this cloud's own clients reach its
    /// emulator; `ca` is the bundle that trusts the sandbox's TLS.
    fn sandbox_exports(&self, e: &SandboxEndpoints, ca: &CaBundle) -> Vec<String>;

    /// `cmek sandbox` serving the platform in front of a stand-in for this cloud that the user
    /// runs (e.g. moto for AWS), when the connection flags name one.
    fn external_sandbox<'a>(&self, _cli: &'a Cli, _args: &'a SandboxArgs) -> Option<SandboxRun<'a>> {
        None
    }
}

/// A foreground sandbox run, resolving to the exit code.
pub type SandboxRun<'a> = Pin<Box<dyn Future<Output = Result<i32>> + 'a>>;

/// The first cloud whose stand-in the flags name, serving until interrupted.
pub fn external_sandbox<'a>(cli: &'a Cli, args: &'a SandboxArgs) -> Option<SandboxRun<'a>> {
    all().iter().find_map(|c| c.external_sandbox(cli, args))
}
