//! Where the clients go: the real Admin API, AWS and Azure (flags, environment, standard chains), or the
//! in-process sandbox (`--sandbox`), in which case nothing from the environment is used, so a
//! rehearsal can never touch a real account.

use super::args::{AwsArgs, AzureArgs, PlatformArgs};
use super::sandbox_settings;
use crate::error::{Error, Result};
use crate::platform::auth::{self, Credential, CredentialSources};
use crate::platform::{Client, ClientConfig, DEFAULT_BASE_URL, parse_base_url};
use crate::providers::aws::{AwsProvider, AwsSettings};
use crate::providers::azure::{AzureEndpoints, AzureProvider, AzureSettings};
use cmek_core::model::AwsRegion;
use cmek_sandbox::SandboxEndpoints;

pub enum Reach<'a> {
    Real {
        platform: &'a PlatformArgs,
        aws: &'a AwsArgs,
        azure: &'a AzureArgs,
        env: &'a (dyn Fn(&str) -> Option<String> + Sync),
    },
    Sandbox(Box<SandboxEndpoints>),
}

impl Reach<'_> {
    pub fn platform_client(&self) -> Result<Client> {
        let config = match self {
            Reach::Real { platform, env, .. } => {
                let raw = platform
                    .base_url
                    .clone()
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
                let base_url = parse_base_url(raw.trim()).map_err(|e| {
                    Error::usage(format!("--base-url / ANTHROPIC_BASE_URL: {e}"))
                        .with_hint(format!("the default is {DEFAULT_BASE_URL}"))
                })?;
                let credential =
                    auth::resolve(&CredentialSources { admin_key_file: platform.admin_key_file.as_deref(), env: *env })
                        .map_err(Error::from)?;
                ClientConfig::new(base_url, credential)
            }
            Reach::Sandbox(s) => ClientConfig::new(s.base_url.clone(), Credential::AdminKey(s.admin_key.clone())),
        };
        Client::new(config).map_err(Error::from)
    }

    pub async fn aws_provider(&self, region: &AwsRegion) -> Result<AwsProvider> {
        AwsProvider::connect(&self.aws_settings(region)).await.map_err(Error::from)
    }

    /// The AWS settings for `region` (the provider is regional, so the wizard connects per region).
    pub fn aws_settings(&self, region: &AwsRegion) -> AwsSettings {
        match self {
            Reach::Real { aws, .. } => AwsSettings {
                region: Some(region.clone()),
                profile: aws.aws_profile.clone().filter(|p| !p.is_empty()),
                endpoint_url: aws.aws_endpoint.clone().filter(|e| !e.is_empty()),
                static_credentials: None,
            },
            Reach::Sandbox(s) => AwsSettings {
                region: Some(region.clone()),
                profile: None,
                endpoint_url: Some(s.aws_endpoint.clone()),
                static_credentials: Some(s.aws_credentials.clone().into()),
            },
        }
    }

    /// The Azure provider: the credential chain with the flags' subscription and endpoints, or the
    /// sandbox's emulator with its static client secret and CA (never the environment).
    pub fn azure_provider(&self) -> Result<AzureProvider> {
        match self {
            Reach::Real { azure, env, .. } => {
                let settings = real_azure_settings(azure)?;
                AzureProvider::connect(&settings, *env).map_err(Error::from)
            }
            Reach::Sandbox(s) => {
                AzureProvider::connect(&sandbox_settings::azure_settings(&s.azure), &|_| None).map_err(Error::from)
            }
        }
    }
}

/// The settings for real Azure: defaults, with the endpoint overrides checked to be https URLs.
fn real_azure_settings(args: &AzureArgs) -> Result<AzureSettings> {
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
        let ok = AzureArgs {
            azure_subscription: Some("8E0D5A3C-1111-4222-8333-444455556666".into()),
            azure_arm_endpoint: Some("https://management.usgovcloudapi.net/".into()),
            ..Default::default()
        };
        let s = real_azure_settings(&ok).unwrap();
        assert_eq!(s.subscription.as_deref(), Some("8e0d5a3c-1111-4222-8333-444455556666"));
        assert_eq!(s.endpoints.arm, "https://management.usgovcloudapi.net");
        assert_eq!(s.endpoints.graph, "https://graph.microsoft.com");
        let bad = AzureArgs { azure_graph_endpoint: Some("http://graph.local".into()), ..Default::default() };
        let e = real_azure_settings(&bad).unwrap_err();
        assert!(e.message.contains("--azure-graph-endpoint") && e.message.contains("http://graph.local"), "{e}");
        let bad = AzureArgs { azure_subscription: Some("prod".into()), ..Default::default() };
        assert!(real_azure_settings(&bad).unwrap_err().message.contains("`prod`"));
    }
}
