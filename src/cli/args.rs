//! The command-line grammar (clap derive). The `///` docs are the help text users read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::clouds::{CloudConnectArgs, CloudDoctorArgs, CloudSetupArgs};

#[derive(Debug, Parser)]
#[command(
    name = "cmek",
    version,
    about = "Set up, validate and diagnose customer-managed encryption keys (CMEK) for a Claude Platform organisation \
             (AWS KMS, Google Cloud KMS, Azure Key Vault)",
    long_about = None,
    propagate_version = true,
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Output format: human text, or one JSON document on stdout
    #[arg(long, global = true, help_heading = "Output", value_enum, default_value_t = OutputFormat::Text, env = "CMEK_OUTPUT")]
    pub output: OutputFormat,
    /// Never colour the output (also honoured: the NO_COLOR environment variable)
    #[arg(long, global = true, help_heading = "Output")]
    pub no_color: bool,
    /// More detail (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
    /// Run against the built-in sandbox (emulated Claude Platform, AWS, Google Cloud and Azure on loopback), optionally
    /// starting from a named scenario (see `cmek sandbox --list-scenarios`); nothing real is touched
    #[arg(
        long,
        global = true,
        help_heading = "Sandbox (rehearse with nothing real touched)",
        value_name = "SCENARIO",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "default"
    )]
    pub sandbox: Option<String>,
    /// With --sandbox: keep the sandbox's state in this JSON file between runs (saved after every change)
    #[arg(long, global = true, value_name = "FILE", help_heading = "Sandbox (rehearse with nothing real touched)")]
    pub sandbox_state: Option<PathBuf>,
    /// Run against a sandbox already running (`cmek sandbox` prints this file's path as
    /// CMEK_SANDBOX_ENDPOINTS); nothing real is touched
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "CMEK_SANDBOX_ENDPOINTS",
        conflicts_with = "sandbox",
        help_heading = "Sandbox (rehearse with nothing real touched)"
    )]
    pub sandbox_endpoints: Option<PathBuf>,
    /// With --sandbox: milliseconds the sandbox waits before each answer, for every service (200) or
    /// per service (aws=200,azure=50; services: platform, aws, azure, gcp), so round trips cost
    /// what they do over a network
    #[arg(long, global = true, value_name = "MS", value_parser = cmek_sandbox::traffic::Latency::parse, help_heading = "Sandbox (rehearse with nothing real touched)")]
    pub sandbox_latency: Option<cmek_sandbox::traffic::Latency>,
    /// With --sandbox-latency: each answer's wait varies uniformly by up to this many milliseconds either way
    #[arg(long, global = true, value_name = "MS", value_parser = cmek_sandbox::traffic::parse_millis, help_heading = "Sandbox (rehearse with nothing real touched)")]
    pub sandbox_latency_jitter: Option<std::time::Duration>,
    #[command(flatten)]
    pub platform: PlatformArgs,
    #[command(flatten)]
    pub clouds: CloudConnectArgs,
    /// Without a command, `cmek` opens the setup wizard
    #[command(subcommand)]
    pub command: Option<Command>,
    /// How this run was started (`invocation::of`), for the commands `cmek` suggests.
    #[arg(skip)]
    pub invocation: cmek_core::wizard::Invocation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// How to reach the Claude Platform Admin API.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Claude Platform")]
pub struct PlatformArgs {
    /// Admin API base URL
    #[arg(long, global = true, env = "ANTHROPIC_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the admin key (sk-ant-admin01-...) from this file (mode 600) instead of ANTHROPIC_ADMIN_KEY
    #[arg(long, global = true, value_name = "FILE")]
    pub admin_key_file: Option<PathBuf>,
    /// Use this profile of the Anthropic config directory (`ant auth login --profile NAME`, or a
    /// Workload Identity Federation profile) instead of ANTHROPIC_PROFILE or the active profile
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `setup --help`'s examples, from a first rehearsal to a scripted run.
const SETUP_EXAMPLES: &str = "\
Examples:
  Rehearse the whole job in the wizard, on the built-in sandbox (nothing real is touched):
    cmek --sandbox setup
  See what would change for a workspace, changing nothing:
    cmek setup --non-interactive --provider aws --workspace production --plan
  Set up AWS KMS and attach the key to `production` (attaching is permanent):
    cmek setup --non-interactive --provider aws --workspace production --confirm-attach production
  Azure Key Vault, register and validate only (attach later):
    cmek setup --non-interactive --provider azure --azure-vault my-vault --workspace staging
  Everything from a file (flags win over it):
    cmek setup --non-interactive --answers cmek.toml";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or inspect the key, grant Anthropic, register, validate, and (with explicit consent)
    /// attach: a step-by-step wizard on a terminal, or --non-interactive for scripts
    #[command(after_help = SETUP_EXAMPLES)]
    Setup(Box<SetupArgs>),
    /// Read-only diagnosis of a registered key, a workspace's key, or a cloud key: ranked findings with their
    /// fixes; exit 1 when a high or critical check fails
    Doctor(Box<DoctorArgs>),
    /// Every workspace and every registered external key in one view: which key each workspace uses, the
    /// key's cloud and coordinates, whether it is attached, its last validation and a health; exit 1 when a key
    /// in use fails validation
    #[command(after_help = STATUS_RULES)]
    Status(StatusArgs),
    /// Run the emulated Claude Platform, AWS KMS/STS, Google Cloud KMS and Azure on loopback in the foreground, and print how to
    /// point tools at them
    Sandbox(SandboxArgs),
    /// The Claude Platform credential: `auth status` shows which one cmek would use and where it comes from,
    /// the organisation it reaches and whether admin endpoints work
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Write what cmek set up (or the plan it would apply) for another tool to own: `export terraform`
    #[command(subcommand)]
    Export(ExportCommand),
    /// Offline key-policy tools, no credentials and no network: render the policy cmek applies, check a policy
    /// file against every AWS rule of the doctor catalogue, simulate one request
    Policy(super::clouds::PolicyArgs),
    /// Print shell completions
    Completions {
        /// The shell to generate completions for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `cmek auth ...`.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum AuthCommand {
    /// Which Admin API credential cmek would use and where it came from (never its value), the organisation
    /// it reaches, the token's scope and expiry, and whether admin endpoints work; exit 3 when none works
    Status,
}

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "How to run")]
pub struct SetupArgs {
    /// Never prompt; every input comes from flags, environment and --answers (for scripts and CI)
    #[arg(long)]
    pub non_interactive: bool,
    /// Show the plan and change nothing
    #[arg(long)]
    pub plan: bool,
    /// Answers in a TOML file (provider, workspace, key, display_name and each cloud's: region, alias,
    /// azure_vault, azure_key, azure_key_size, azure_hsm, azure_allow_public_access, azure_rbac_wait); flags win
    #[arg(long, env = "CMEK_ANSWERS", value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Cloud key-management service: aws (AWS KMS), gcp (Google Cloud KMS) or azure (Azure Key Vault)
    #[arg(long, env = "CMEK_PROVIDER", value_name = "aws|gcp|azure", help_heading = "What to set up")]
    pub provider: Option<String>,
    /// Workspace the key is for: its id (wrkspc_...) or exact name; repeat it for several (one key pinned
    /// to every one's compartment, each attach confirmed on its own). Omit to register and validate only
    #[arg(long, env = "CMEK_WORKSPACE", value_name = "ID|NAME", help_heading = "What to set up")]
    pub workspace: Vec<String>,
    /// Give each --workspace its own key instead of one shared key (named after the workspace): a
    /// separate key per environment limits what one key's loss or compromise reaches
    #[arg(long, help_heading = "What to set up")]
    pub key_per_workspace: bool,
    /// The key, as its cloud names it (AWS: ARN, key id or alias/NAME; Google Cloud:
    /// projects/P/locations/L/keyRings/R/cryptoKeys/K). Default: AWS finds alias/anthropic-cmek, else
    /// creates a key; Google Cloud uses --gcp-* (created when missing)
    #[arg(long, env = "CMEK_KEY", value_name = "ARN|ID|ALIAS|projects/...", help_heading = "What to set up")]
    pub key: Option<String>,
    /// Display name of the registered key configuration
    #[arg(long, value_name = "TEXT", help_heading = "What to set up")]
    pub display_name: Option<String>,
    /// Attach the key to this workspace (PERMANENT). Must repeat a --workspace id or name; repeat it
    /// once for each workspace to attach
    #[arg(long, value_name = "ID|NAME", help_heading = "Irreversible: typed confirmations")]
    pub confirm_attach: Vec<String>,
    #[command(flatten)]
    pub clouds: CloudSetupArgs,
}

/// `cmek export ...`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The Terraform configuration that reproduces what cmek set up, or the plan it would apply (read-only,
    /// like setup --plan): the cloud's key, its access for Anthropic and the settings cmek changes, with
    /// guardrails on; the platform's register and attach as a commented cmek command. Takes setup's inputs
    #[command(after_help = EXPORT_EXAMPLES)]
    Terraform(Box<ExportTerraformArgs>),
}

/// `export terraform --help`'s examples.
const EXPORT_EXAMPLES: &str = "\
Examples:
  Print the configuration of the AWS key cmek set up, adopting what exists with import blocks:
    cmek export terraform --provider aws --workspace production --import
  Write main.tf (and key-policy.json) into a directory:
    cmek export terraform --provider aws --out infra/cmek --import";

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Export")]
pub struct ExportTerraformArgs {
    /// Write main.tf (and, for AWS, key-policy.json, byte for byte the policy cmek applies) into this directory
    /// instead of printing main.tf
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: replace files of those names that exist there
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Add import blocks (Terraform >= 1.5) for the objects that exist, so Terraform adopts them instead of
    /// creating new ones (a key recreated would lose the data encrypted under it)
    #[arg(long)]
    pub import: bool,
    /// Answers in a TOML file, as setup reads them; flags win
    #[arg(long, env = "CMEK_ANSWERS", value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Cloud key-management service: aws (AWS KMS), gcp (Google Cloud KMS) or azure (Azure Key Vault)
    #[arg(long, env = "CMEK_PROVIDER", value_name = "aws|gcp|azure", help_heading = "What to export")]
    pub provider: Option<String>,
    /// Workspace the key is for: its id (wrkspc_...) or exact name (the key policy pins its compartment);
    /// repeat it for several, as setup takes them
    #[arg(long, env = "CMEK_WORKSPACE", value_name = "ID|NAME", help_heading = "What to export")]
    pub workspace: Vec<String>,
    /// The key, as setup takes it (AWS: ARN, key id or alias/NAME; Google Cloud: projects/P/locations/L/keyRings/R/cryptoKeys/K)
    #[arg(long, env = "CMEK_KEY", value_name = "ARN|ID|ALIAS|projects/...", help_heading = "What to export")]
    pub key: Option<String>,
    /// Display name of the registered key configuration (the platform's commented part names it)
    #[arg(long, value_name = "TEXT", help_heading = "What to export")]
    pub display_name: Option<String>,
    #[command(flatten)]
    pub clouds: CloudSetupArgs,
}

impl ExportTerraformArgs {
    /// The same inputs as `setup --non-interactive --plan` takes them.
    pub fn setup_args(&self) -> SetupArgs {
        SetupArgs {
            non_interactive: true,
            plan: true,
            answers: self.answers.clone(),
            provider: self.provider.clone(),
            workspace: self.workspace.clone(),
            key: self.key.clone(),
            display_name: self.display_name.clone(),
            confirm_attach: Vec::new(),
            key_per_workspace: false,
            clouds: self.clouds.clone(),
        }
    }
}

/// What `cmek doctor` looks at. With no selector: the only registered key (several: it lists them).
#[derive(Debug, Clone, Default, Args)]
pub struct DoctorArgs {
    /// The registered key configuration to diagnose (ekey_...)
    #[arg(long, value_name = "ID")]
    pub external_key: Option<String>,
    /// The workspace: the key attached to it, or (with --external-key or cloud coordinates) the key you mean to
    /// attach, checked against the workspace's compartment
    #[arg(long, value_name = "ID|NAME")]
    pub workspace: Option<String>,
    /// Cloud coordinates: aws or gcp (with --key), or azure (with --azure-vault/--azure-key)
    #[arg(long, value_name = "aws|gcp|azure")]
    pub provider: Option<String>,
    /// The key, as its cloud names it (AWS: ARN, key id or alias/NAME; Google Cloud:
    /// projects/P/locations/L/keyRings/R/cryptoKeys/K)
    #[arg(long, value_name = "ARN|ID|ALIAS|projects/...")]
    pub key: Option<String>,
    #[command(flatten)]
    pub clouds: CloudDoctorArgs,
    /// Do not ask the platform to validate the registered key (validation makes Anthropic call your key)
    #[arg(long)]
    pub no_validate: bool,
}

/// The exit codes every command keeps to (`cmek --help`), so scripts can tell what happened.
const EXIT_CODES: &str = "\
Exit codes:
  0    done (or, for a read, nothing failing)
  1    unhealthy or blocked: a key failed validation, a check blocks the plan,
       doctor found a serious problem, or a confirmed attach was held back
  2    bad input; nothing was changed
  3    authentication or permission refused (the platform or a cloud)
  4    a remote service failed after retries, or local state could not be
       written; something may have changed: the report says what
  130  interrupted (Ctrl-C); the report says what was done before it";

/// `status --help`'s definitions: what each health means and when the exit code is 1.
const STATUS_RULES: &str = "\
Health:
  ok             the key's newest validation passed (for a key no workspace
                 uses: ready to attach)
  failing        a key in use whose newest validation failed (exit code 1)
  unchecked      a key in use with no validation known: run with --validate
  not protected  a workspace with no customer-managed key
  orphan         an orphan configuration: a registered key that no workspace
                 uses (the platform reports it unattached and no listed
                 workspace names it) and that is not known to work, because
                 its newest validation failed or there is none. It protects
                 nothing: attach it once it validates, or delete it.

A key's newest validation is this run's (--validate), else the newest recorded
on this machine: a setup validation or attach, or an earlier status --validate
(the Admin API keeps none). status --validate records its results in the run
journal.

Exit codes: 0 nothing failing; 1 a key in use fails validation; 4 a listing,
or a validation asked for with --validate, failed after retries; 3 the admin
credential was refused.

Examples:
  cmek status
  cmek status --all --validate
  cmek status --output json | jq '.workspaces[] | select(.health == \"not_protected\") | .name'";

/// What `cmek status` lists and whether it validates.
#[derive(Debug, Clone, Default, Args)]
pub struct StatusArgs {
    /// Archived workspaces too (their data stays encrypted under their key)
    #[arg(long)]
    pub all: bool,
    /// Validate every registered key now (Anthropic calls each key; 8 at a time), instead of showing the last
    /// validation recorded on this machine
    #[arg(long)]
    pub validate: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SandboxArgs {
    /// Start from this scenario (default: `default`, or the global --sandbox=SCENARIO)
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Keep state in this JSON file: loaded at start when it exists, written atomically on changes and at exit
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// List the scenarios, one line each, and exit
    #[arg(long)]
    pub list_scenarios: bool,
    /// Loopback port for the Admin API (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Loopback port for AWS KMS/STS (0 picks a free one); ignored with --aws-endpoint, which uses
    /// that AWS endpoint (e.g. moto) instead of the built-in emulator
    #[arg(long, default_value_t = 0)]
    pub aws_port: u16,
    /// Loopback port for the Azure emulator (ARM, Graph, Entra, Key Vault over TLS; 0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub azure_port: u16,
    /// Loopback port for the Google Cloud KMS emulator (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub gcp_port: u16,
    /// Loopback port for the HTTPS proxy (HTTPS_PROXY) that answers for the services' real host
    /// names (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    pub proxy_port: u16,
    /// How long a new Azure role assignment takes to count (Azure takes minutes; default 5s, or what
    /// the scenario or --state file says; 0 counts at once), e.g. 0, 5s, 2m
    #[arg(long, value_name = "DURATION", value_parser = super::durations::parse_wait)]
    pub azure_rbac_delay: Option<std::time::Duration>,
    /// Milliseconds to wait before each answer, for every service (200) or per service
    /// (aws=200,azure=50; services: platform, aws, azure, gcp). Requests are counted either way:
    /// GET /_sandbox/stats on the Admin API's port (DELETE resets)
    #[arg(long, value_name = "MS", value_parser = cmek_sandbox::traffic::Latency::parse)]
    pub latency: Option<cmek_sandbox::traffic::Latency>,
    /// Each answer's wait varies uniformly by up to this many milliseconds either way
    #[arg(long, value_name = "MS", value_parser = cmek_sandbox::traffic::parse_millis)]
    pub latency_jitter: Option<std::time::Duration>,
}
