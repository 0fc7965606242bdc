//! The one reqwest client the Azure provider uses, for its own REST calls and as the transport of
//! the official Azure clients: system roots plus an optional extra CA, and (sandbox only) the
//! Azure host names resolved to loopback.

use std::net::SocketAddr;
use std::sync::Arc;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::http::{ClientOptions, RetryOptions, Transport};

use super::retry_policy::StandardRetry;

use super::error::{AzureError, AzureErrorKind};
use super::settings::AzureSettings;

/// Host names the sandbox serves; vault hosts are added per vault when known.
fn loopback_hosts(settings: &AzureSettings) -> Vec<String> {
    [&settings.endpoints.arm, &settings.endpoints.graph, &settings.endpoints.authority]
        .iter()
        .filter_map(|u| url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string)))
        .collect()
}

/// Builds the client; `vault_hosts` are extra names to resolve to loopback in the sandbox.
pub(crate) fn http_client(settings: &AzureSettings, vault_hosts: &[String]) -> Result<reqwest::Client, AzureError> {
    // The system's roots are shared by every client (loaded once); the sandbox's CA is added.
    let mut builder = crate::tls::client_builder(settings.ca_pem.as_deref())
        .map_err(|message| AzureError::new(AzureErrorKind::InvalidInput, "azure:settings", message))?
        .timeout(std::time::Duration::from_secs(60));
    if let Some(port) = settings.resolve_to_loopback {
        // The names are the sandbox's, on loopback: a proxy from the environment (the sandbox's
        // own HTTPS_PROXY, which tunnels port 443 only) must not capture them.
        builder = builder.no_proxy();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        for host in loopback_hosts(settings).iter().chain(vault_hosts) {
            builder = builder.resolve(host, addr);
        }
    }
    builder.build().map_err(|e| {
        AzureError::new(AzureErrorKind::Other, "azure:settings", format!("cannot build the HTTP client: {e}"))
    })
}

/// `azure_core` options for the official clients we call through `crate::retry` (Key Vault):
/// our transport, the authority host, and the pipeline's own retries off (a create whose answer
/// was lost must be looked up, not sent again).
pub(crate) fn client_options(settings: &AzureSettings, http: &reqwest::Client) -> ClientOptions {
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = settings.endpoints.authority.clone();
    ClientOptions {
        transport: Some(Transport::new(Arc::new(http.clone()))),
        cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
        retry: RetryOptions::none(),
        ..Default::default()
    }
}

/// The options for the credentials: token requests are idempotent and run inside the
/// credential chain, so the pipeline retries them itself, under the one retry policy.
pub(crate) fn credential_options(settings: &AzureSettings, http: &reqwest::Client) -> ClientOptions {
    ClientOptions { retry: RetryOptions::custom(Arc::new(StandardRetry::new())), ..client_options(settings, http) }
}
