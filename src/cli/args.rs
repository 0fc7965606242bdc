//! The command-line grammar (clap derive). The `///` docs are the help text users read.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cmek",
    version,
    about = "Set up, validate and diagnose customer-managed encryption keys (CMEK) for a Claude Platform organisation",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// Output format: human text, or one JSON document on stdout
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text, env = "CMEK_OUTPUT")]
    pub output: OutputFormat,
    /// Never colour the output (also honoured: the NO_COLOR environment variable)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// More detail (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Run against the built-in sandbox (emulated Claude Platform and AWS on loopback), optionally
    /// starting from a named scenario (see `cmek sandbox --list-scenarios`); nothing real is touched
    #[arg(
        long,
        global = true,
        value_name = "SCENARIO",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "default"
    )]
    pub sandbox: Option<String>,
    /// With --sandbox: keep the sandbox's state in this JSON file between runs
    #[arg(long, global = true, value_name = "FILE")]
    pub sandbox_state: Option<PathBuf>,
    #[command(flatten)]
    pub platform: PlatformArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Without a command, `cmek` opens the setup wizard
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// How to reach the Claude Platform Admin API.
#[derive(Debug, Clone, Args)]
pub struct PlatformArgs {
    /// Admin API base URL
    #[arg(long, global = true, env = "ANTHROPIC_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the admin key (sk-ant-admin01-...) from this file instead of ANTHROPIC_ADMIN_KEY
    #[arg(long, global = true, value_name = "FILE")]
    pub admin_key_file: Option<PathBuf>,
}

/// How to reach AWS (the standard credential chain is used unless overridden here).
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// AWS shared-config profile to use
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// Send AWS calls to this endpoint (a sandbox or moto); normally unset
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub aws_endpoint: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or inspect the key, grant Anthropic, register, validate, and (with explicit consent)
    /// attach: a step-by-step wizard on a terminal, or --non-interactive for scripts
    Setup(SetupArgs),
    /// Run the emulated Claude Platform and AWS KMS/STS on loopback in the foreground, and print how to
    /// point tools at them
    Sandbox(SandboxArgs),
    /// Print shell completions
    Completions {
        /// The shell to generate completions for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Default, Args)]
pub struct SetupArgs {
    /// Never prompt; every input comes from flags, environment and --answers (for scripts and CI)
    #[arg(long)]
    pub non_interactive: bool,
    /// Answers in a TOML file (provider, workspace, key, region, alias, display_name); flags win
    #[arg(long, env = "CMEK_ANSWERS", value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Cloud key-management service: aws
    #[arg(long, env = "CMEK_PROVIDER", value_name = "PROVIDER")]
    pub provider: Option<String>,
    /// Workspace the key is for: its id (wrkspc_...) or exact name. Omit to register and validate only
    #[arg(long, env = "CMEK_WORKSPACE", value_name = "ID|NAME")]
    pub workspace: Option<String>,
    /// Existing KMS key: ARN, key id or alias/NAME. Default: find alias/anthropic-cmek, else create a key
    #[arg(long, env = "CMEK_KEY", value_name = "ARN|ID|ALIAS")]
    pub key: Option<String>,
    /// AWS region for a new key and the alias look-up [default: us-east-2]
    #[arg(long, env = "CMEK_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// Alias given to a new key and looked up on re-runs [default: alias/anthropic-cmek]
    #[arg(long, value_name = "alias/NAME")]
    pub alias: Option<String>,
    /// Display name of the registered key configuration
    #[arg(long, value_name = "TEXT")]
    pub display_name: Option<String>,
    /// Show the plan and change nothing
    #[arg(long)]
    pub plan: bool,
    /// Attach the key to this workspace (PERMANENT). Must repeat the --workspace id or name
    #[arg(long, value_name = "ID|NAME")]
    pub confirm_attach: Option<String>,
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
}
