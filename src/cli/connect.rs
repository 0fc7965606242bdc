//! Where the clients go: the real Admin API and AWS (flags, environment, standard chains), or the
//! in-process sandbox (`--sandbox`), in which case nothing from the environment is used, so a
//! rehearsal can never touch a real account.

use super::args::{AwsArgs, PlatformArgs};
use crate::error::{Error, Result};
use crate::model::AwsRegion;
use crate::platform::auth::{self, Credential, CredentialSources};
use crate::platform::{Client, ClientConfig, DEFAULT_BASE_URL, parse_base_url};
use crate::providers::aws::{AwsProvider, AwsSettings};
use crate::sandbox::SandboxEndpoints;

pub enum Reach<'a> {
    Real { platform: &'a PlatformArgs, aws: &'a AwsArgs, env: &'a (dyn Fn(&str) -> Option<String> + Sync) },
    Sandbox(SandboxEndpoints),
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
                static_credentials: Some(s.aws_credentials.clone()),
            },
        }
    }
}
