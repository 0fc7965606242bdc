//! Where Azure calls go: the credential chain with the flags' subscription and endpoints (checked
//! to be https URLs), or the sandbox's emulator with its static client secret and CA (never the
//! environment).

use cmek_sandbox::AzureSandboxEndpoints;

use super::args::AzureConnectArgs;
use crate::cli::connect::Reach;
use crate::error::{Error, Result};
use crate::providers::azure::{AzureEndpoints, AzureProvider, AzureSettings, StaticClientSecret};

/// The Azure client for this run (building it makes no call).
pub fn provider(reach: &Reach<'_>) -> Result<AzureProvider> {
    match reach {
        Reach::Real { clouds, env, .. } => {
            let settings = real_settings(&clouds.azure)?;
            AzureProvider::connect(&settings, *env).map_err(Error::from)
        }
        Reach::Sandbox(s) => AzureProvider::connect(&sandbox_settings(&s.azure), &|_| None).map_err(Error::from),
    }
}

/// The provider's settings for the sandbox's emulator: its endpoints, its CA, the Azure host names
/// resolved to its loopback port (added to vault URIs), signed in as the customer's principal.
pub fn sandbox_settings(az: &AzureSandboxEndpoints) -> AzureSettings {
    AzureSettings {
        subscription: None,
        endpoints: AzureEndpoints {
            arm: az.arm.clone(),
            graph: az.graph.clone(),
            authority: az.authority.clone(),
            vault_suffix: format!(":{}", az.port),
        },
        ca_pem: Some(az.ca_pem.clone()),
        resolve_to_loopback: Some(az.port),
        static_client_secret: Some(StaticClientSecret {
            tenant_id: az.tenant_id.clone(),
            client_id: az.client_id.clone(),
            client_secret: az.client_secret.clone(),
        }),
    }
}

/// The settings for real Azure: defaults, with the endpoint overrides checked to be https URLs.
fn real_settings(args: &AzureConnectArgs) -> Result<AzureSettings> {
    let defaults = AzureEndpoints::default();
    let endpoint = |value: &Option<String>, flag: &str, env: &str, default: String| -> Result<String> {
        let Some(raw) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { return Ok(default) };
        match url::Url::parse(raw) {
            Ok(u) if u.scheme() == "https" && u.host_str().is_some() => Ok(raw.trim_end_matches('/').to_string()),
            _ => Err(Error::usage(format!("{flag} / {env}: `{raw}` is not an https URL"))
                .with_hint(format!("the default is {default}"))),
        }
    };
    let subscription = match args.azure_subscription.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(
            uuid::Uuid::parse_str(s)
                .map_err(|_| {
                    Error::usage(format!(
                        "--azure-subscription / AZURE_SUBSCRIPTION_ID: `{s}` is not a subscription id"
                    ))
                    .with_hint("list yours with `az account list --query [].id`")
                })?
                .hyphenated()
                .to_string(),
        ),
        None => None,
    };
    Ok(AzureSettings {
        subscription,
        endpoints: AzureEndpoints {
            arm: endpoint(&args.azure_arm_endpoint, "--azure-arm-endpoint", "CMEK_AZURE_ARM_ENDPOINT", defaults.arm)?,
            graph: endpoint(
                &args.azure_graph_endpoint,
                "--azure-graph-endpoint",
                "CMEK_AZURE_GRAPH_ENDPOINT",
                defaults.graph,
            )?,
            authority: endpoint(
                &args.azure_authority,
                "--azure-authority",
                "AZURE_AUTHORITY_HOST",
                defaults.authority,
            )?,
            vault_suffix: String::new(),
        },
        ca_pem: None,
        resolve_to_loopback: None,
        static_client_secret: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_overrides_must_be_https_and_the_subscription_a_guid() {
        let ok = AzureConnectArgs {
            azure_subscription: Some("8E0D5A3C-1111-4222-8333-444455556666".into()),
            azure_arm_endpoint: Some("https://management.usgovcloudapi.net/".into()),
            ..Default::default()
        };
        let s = real_settings(&ok).unwrap();
        assert_eq!(s.subscription.as_deref(), Some("8e0d5a3c-1111-4222-8333-444455556666"));
        assert_eq!(s.endpoints.arm, "https://management.usgovcloudapi.net");
        assert_eq!(s.endpoints.graph, "https://graph.microsoft.com");
        let bad = AzureConnectArgs { azure_graph_endpoint: Some("http://graph.local".into()), ..Default::default() };
        let e = real_settings(&bad).unwrap_err();
        assert!(e.message.contains("--azure-graph-endpoint") && e.message.contains("http://graph.local"), "{e}");
        let bad = AzureConnectArgs { azure_subscription: Some("prod".into()), ..Default::default() };
        assert!(real_settings(&bad).unwrap_err().message.contains("`prod`"));
    }
}
