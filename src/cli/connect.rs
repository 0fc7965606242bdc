//! Where the clients go: the real Admin API, AWS and Azure (flags, environment, standard chains), or the
//! in-process sandbox (`--sandbox`), in which case nothing from the environment is used, so a
//! rehearsal can never touch a real account.

use std::sync::Arc;

use cmek_core::model::ProviderKind;

use super::args::PlatformArgs;
use super::clouds::{self, CloudConnectArgs};
use crate::engine::CloudRuntime;
use crate::error::{Error, Result};
use crate::platform::auth::{self, Credential, CredentialSources};
use crate::platform::{Client, ClientConfig, DEFAULT_BASE_URL, parse_base_url};
use cmek_sandbox::SandboxEndpoints;

pub enum Reach<'a> {
    Real { platform: &'a PlatformArgs, clouds: &'a CloudConnectArgs, env: &'a (dyn Fn(&str) -> Option<String> + Sync) },
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

    /// The runtime of the cloud `kind` (no call is made); why it cannot be used otherwise.
    pub fn cloud(&self, kind: ProviderKind) -> Result<Arc<dyn CloudRuntime>> {
        match clouds::get(kind) {
            Some(cloud) => cloud.runtime(self),
            None => Err(Error::usage(format!(
                "provider `{kind}` is not supported yet; this version sets up {}",
                clouds::provider_list()
            ))),
        }
    }
}
