//! The grammar of `cmek policy render|check|simulate` (clap derive). The `///` docs are the help text.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the key policy cmek would apply to a new key (AccountRootAdmin + the Anthropic statements)
    Render(PolicyRenderArgs),
    /// Run every AWS key-policy rule of the doctor catalogue on a key-policy file (exit 1 on a high or critical
    /// failure)
    Check(PolicyCheckArgs),
    /// Evaluate one request against a key policy (and Resource Control Policies) from the key's account's point of
    /// view; the caller's identity policy is assumed to allow (exit 0 allowed, 1 denied)
    Simulate(PolicySimulateArgs),
}

#[derive(Debug, Args)]
pub struct PolicyRenderArgs {
    /// Cloud key-management service (only aws has a key policy)
    #[arg(long, value_name = "aws")]
    pub provider: String,
    /// The key's (your) 12-digit AWS account id
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Your organisation UUID (GET /v1/organizations/me, `id`; the bare UUID, not org_...)
    #[arg(long, value_name = "UUID")]
    pub org_uuid: String,
    /// Pin the key to this workspace's compartment id (repeat for several)
    #[arg(long = "compartment", value_name = "UUID")]
    pub compartments: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    /// The key policy (JSON), e.g. from `aws kms get-key-policy --key-id <arn> --policy-name default --query Policy
    /// --output text`
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Your organisation UUID (the bare UUID, not org_...)
    #[arg(long, value_name = "UUID")]
    pub org_uuid: String,
    /// Compartment id of a workspace the key is for (repeat for several)
    #[arg(long = "compartment", value_name = "UUID")]
    pub compartments: Vec<String>,
    /// Compartment id of a workspace the key is already attached to, whose data must stay decryptable (repeat)
    #[arg(long = "attached-compartment", value_name = "UUID")]
    pub attached_compartments: Vec<String>,
    /// A Resource Control Policy (JSON) that applies to the key's account (repeat for each)
    #[arg(long = "rcp", value_name = "FILE")]
    pub rcps: Vec<PathBuf>,
    /// The key's ARN (names the key's account; otherwise it is inferred from the policy)
    #[arg(long, value_name = "ARN")]
    pub key_arn: Option<String>,
}

#[derive(Debug, Args)]
pub struct PolicySimulateArgs {
    /// The key policy (JSON)
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Who calls: an IAM role, user or assumed-role session ARN, an account id (its root), or a service principal
    /// (NAME.amazonaws.com)
    #[arg(long, value_name = "ARN")]
    pub principal: String,
    /// The KMS action, e.g. kms:Encrypt
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The key's ARN [default: a key in the account the policy keeps in control]
    #[arg(long, value_name = "ARN")]
    pub resource: Option<String>,
    /// A request context key and value, e.g. kms:EncryptionContext:anthropic:org_uuid=<uuid>; repeat a key for a
    /// multivalued key (kms:EncryptionContextKeys)
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// A Resource Control Policy (JSON) that applies to the key's account (repeat for each)
    #[arg(long = "rcp", value_name = "FILE")]
    pub rcps: Vec<PathBuf>,
}
