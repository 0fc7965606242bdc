//! Turns global flags and environment into connected clients: the platform client and AWS.

use super::args::{AwsArgs, PlatformArgs};
use crate::error::{Error, Result};
use crate::model::AwsRegion;
use crate::platform::auth::{self, CredentialSources};
use crate::platform::{Client, ClientConfig, DEFAULT_BASE_URL, parse_base_url};
use crate::providers::aws::{AwsProvider, AwsSettings};

pub fn platform_client(args: &PlatformArgs, env: &(dyn Fn(&str) -> Option<String> + Sync)) -> Result<Client> {
    let raw = args.base_url.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let base_url = parse_base_url(raw.trim()).map_err(|e| {
        Error::usage(format!("--base-url / ANTHROPIC_BASE_URL: {e}"))
            .with_hint(format!("the default is {DEFAULT_BASE_URL}"))
    })?;
    let credential = auth::resolve(&CredentialSources { admin_key_file: args.admin_key_file.as_deref(), env })
        .map_err(Error::from)?;
    Client::new(ClientConfig::new(base_url, credential)).map_err(Error::from)
}

pub async fn aws_provider(args: &AwsArgs, region: &AwsRegion) -> Result<AwsProvider> {
    let settings = AwsSettings {
        region: Some(region.clone()),
        profile: args.aws_profile.clone().filter(|p| !p.is_empty()),
        endpoint_url: args.aws_endpoint.clone().filter(|e| !e.is_empty()),
        static_credentials: None,
    };
    AwsProvider::connect(&settings).await.map_err(Error::from)
}
