//! AWS's flags, as clap groups the shared commands flatten in (through `cli::clouds`).

use clap::Args;

/// How to reach AWS (the standard credential chain is used unless overridden here).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "AWS connection")]
pub struct AwsConnectArgs {
    /// AWS shared-config profile to use
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// Send AWS calls to this endpoint (a sandbox or moto); normally unset
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub aws_endpoint: Option<String>,
}

/// `setup`'s AWS flags (the key itself is the shared `--key`).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "AWS KMS")]
pub struct AwsSetupArgs {
    /// AWS region for a new key and the alias look-up [default: us-east-2]
    #[arg(long, env = "CMEK_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// AWS: alias given to a new key and looked up on re-runs [default: alias/anthropic-cmek]
    #[arg(long, value_name = "alias/NAME")]
    pub alias: Option<String>,
    /// AWS: take out grants to Anthropic's account that are not cmek's (e.g. the console's grant to the
    /// whole account, AWS-08) while merging; your other statements stay, the old policy is backed up
    #[arg(long)]
    pub replace_anthropic_grants: bool,
}

/// `doctor`'s AWS flags (the key itself is the shared `--key`).
#[derive(Debug, Clone, Default, Args)]
pub struct AwsDoctorArgs {
    /// AWS: the Region of a key named by id or alias [default: us-east-2]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}
