//! Answers given as flags or in an answers file (`--answers FILE`, TOML) that pre-fill the wizard.
//!
//! Values stay raw text here: each screen parses its own with the `model` parsers, so a bad value
//! shows up as an inline error in its field rather than as a failure to start.

/// Pre-selected answers; every one is optional and every screen still asks for confirmation.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Prefill {
    /// `aws` or `azure` (`gcp` is not set up by this version).
    pub provider: Option<String>,
    /// A workspace id (`wrkspc_...`) or exact name.
    pub workspace: Option<String>,
    /// An existing key: ARN, key id or `alias/...`.
    pub key: Option<String>,
    pub region: Option<String>,
    pub alias: Option<String>,
    pub display_name: Option<String>,
    /// Azure: the vault (name, URI or ARM id) and the key name.
    pub azure_vault: Option<String>,
    pub azure_key: Option<String>,
    /// Azure options without a screen of their own (key size, HSM, the public-access approval, the
    /// RBAC wait), already parsed by the front end with the flags' own rules. The vault and key
    /// come from the Key screen; purge protection only from the Plan screen's typed name.
    #[serde(skip)]
    pub azure_options: Option<crate::plan::AzureAnswers>,
}
