//! Azure's flags, as clap groups the shared commands flatten in (through `cli::clouds`).

use clap::Args;

/// How to reach Azure (the Azure credential chain is used: client secret or workload identity from
/// AZURE_* variables, managed identity, then `az login`).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Azure connection")]
pub struct AzureConnectArgs {
    /// Azure subscription to look for Key Vaults in [default: the first the signed-in identity sees]
    #[arg(long, global = true, env = "AZURE_SUBSCRIPTION_ID", value_name = "ID")]
    pub azure_subscription: Option<String>,
    /// Azure Resource Manager endpoint (sovereign clouds, tests) [default: https://management.azure.com]
    #[arg(long, global = true, env = "CMEK_AZURE_ARM_ENDPOINT", value_name = "URL")]
    pub azure_arm_endpoint: Option<String>,
    /// Microsoft Graph endpoint [default: https://graph.microsoft.com]
    #[arg(long, global = true, env = "CMEK_AZURE_GRAPH_ENDPOINT", value_name = "URL")]
    pub azure_graph_endpoint: Option<String>,
    /// Entra ID authority host [default: https://login.microsoftonline.com]
    #[arg(long, global = true, env = "AZURE_AUTHORITY_HOST", value_name = "URL")]
    pub azure_authority: Option<String>,
}

/// `setup`'s Azure flags.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Azure Key Vault")]
pub struct AzureSetupArgs {
    /// Azure: the Key Vault, by name, URI or ARM resource id [default: the only vault in reach]
    #[arg(long, env = "CMEK_AZURE_VAULT", value_name = "NAME|URI|ID")]
    pub azure_vault: Option<String>,
    /// Azure: the key to use, created when missing [default: anthropic-cmek]
    #[arg(long, env = "CMEK_AZURE_KEY", value_name = "NAME")]
    pub azure_key: Option<String>,
    /// Azure: RSA size of a new key, 3072 or 4096 [default: 3072]
    #[arg(long, value_name = "BITS")]
    pub azure_key_size: Option<String>,
    /// Azure: create the new key as RSA-HSM (Premium vaults)
    #[arg(long)]
    pub azure_hsm: bool,
    /// Azure: approve turning the vault's public network access on, behind a default-deny firewall that
    /// admits only Anthropic's range and the rules already there
    #[arg(long)]
    pub azure_allow_public_access: bool,
    /// Azure: turn purge protection on (IRREVERSIBLE). Must repeat the vault's name
    #[arg(long, value_name = "VAULT", help_heading = "Irreversible: typed confirmations")]
    pub confirm_purge_protection: Option<String>,
    /// Azure: how long validation keeps retrying while a new role assignment takes effect (e.g. 10m, 90s, 0)
    /// [default: 10m]
    #[arg(long, value_name = "DURATION")]
    pub azure_rbac_wait: Option<String>,
}

/// `doctor`'s Azure flags.
#[derive(Debug, Clone, Default, Args)]
pub struct AzureDoctorArgs {
    /// Azure: the Key Vault, by name, URI or ARM resource id [default: the only vault in reach]
    #[arg(long, value_name = "NAME|URI|ID")]
    pub azure_vault: Option<String>,
    /// Azure: the key's name [default: anthropic-cmek]
    #[arg(long, value_name = "NAME")]
    pub azure_key: Option<String>,
}
