//! `AzureSettings`: where the Azure provider connects and how it authenticates. Plain data; the
//! defaults are Azure's public cloud. Endpoint and trust overrides exist for the sandbox.

use secrecy::SecretString;

/// Azure's public-cloud endpoints, overridable (sandbox, sovereign clouds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureEndpoints {
    /// Resource Manager base URL, e.g. `https://management.azure.com`.
    pub arm: String,
    /// Microsoft Graph base URL, e.g. `https://graph.microsoft.com`.
    pub graph: String,
    /// Entra authority host, e.g. `https://login.microsoftonline.com`.
    pub authority: String,
    /// Appended to vault URIs that ARM reports without a port, e.g. `:8443` in the sandbox; empty in Azure.
    pub vault_suffix: String,
}

impl Default for AzureEndpoints {
    fn default() -> Self {
        Self {
            arm: "https://management.azure.com".to_string(),
            graph: "https://graph.microsoft.com".to_string(),
            authority: "https://login.microsoftonline.com".to_string(),
            vault_suffix: String::new(),
        }
    }
}

/// A client secret given explicitly (tests, the sandbox), tried before the chain.
#[derive(Clone)]
pub struct StaticClientSecret {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
}

impl std::fmt::Debug for StaticClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaticClientSecret")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// How to reach Azure.
#[derive(Debug, Clone, Default)]
pub struct AzureSettings {
    /// The subscription to list vaults in; else the one the caller can see first.
    pub subscription: Option<String>,
    pub endpoints: AzureEndpoints,
    /// An extra CA (PEM) to trust besides the system roots: the sandbox's.
    pub ca_pem: Option<String>,
    /// Sandbox: resolve the Azure host names to 127.0.0.1:<port>.
    pub resolve_to_loopback: Option<u16>,
    /// Use this client secret instead of the chain.
    pub static_client_secret: Option<StaticClientSecret>,
}

/// The token audiences (scopes) the provider asks for.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
pub const VAULT_SCOPE: &str = "https://vault.azure.net/.default";
