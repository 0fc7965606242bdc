//! Where the clients go: the real Admin API, AWS and Azure (flags, environment, standard chains), or the
//! in-process sandbox (`--sandbox`), in which case nothing from the environment is used, so a
//! rehearsal can never touch a real account.
//!
//! The Admin API credential comes from the credential chain (`platform::credentials::chain`):
//! `--admin-key-file` / `--profile`, the key and token variables, `ANTHROPIC_PROFILE`, the
//! federation variables, the active profile. The base URL: the flag, `ANTHROPIC_BASE_URL`, the
//! profile's `base_url`, the default.

use std::sync::Arc;

use cmek_core::model::ProviderKind;

use super::args::PlatformArgs;
use super::clouds::{self, CloudConnectArgs};
use crate::engine::CloudRuntime;
use crate::error::{Error, Result};
use crate::platform::credentials::{self, BaseUrlOrigin, CredentialOrigin, CredentialSources, SystemClock};
use crate::platform::retry::DEFAULT_MAX_RETRIES;
use crate::platform::{Client, ClientConfig, Credential, DEFAULT_BASE_URL, parse_base_url};
use cmek_sandbox::SandboxEndpoints;

pub enum Reach<'a> {
    Real { platform: &'a PlatformArgs, clouds: &'a CloudConnectArgs, env: &'a (dyn Fn(&str) -> Option<String> + Sync) },
    Sandbox(Box<SandboxEndpoints>),
}

/// The Admin API client and where its base URL came from.
pub struct PlatformReach {
    pub client: Client,
    /// `--base-url`, `$ANTHROPIC_BASE_URL`, the profile's, the default, or the sandbox.
    pub base_url_from: String,
}

impl Reach<'_> {
    pub fn platform_client(&self) -> Result<Client> {
        self.platform().map(|reach| reach.client)
    }

    /// The client, built from the credential chain (or the sandbox's key). Sends nothing: an OAuth
    /// token is obtained at the first call.
    pub fn platform(&self) -> Result<PlatformReach> {
        let (config, base_url_from) = match self {
            Reach::Real { platform, env, .. } => {
                let env: &dyn Fn(&str) -> Option<String> = *env;
                // A flag or variable gives the base URL before any profile is read: check it first.
                let (given, given_from) = credentials::base_url(platform.base_url.as_deref(), env, None);
                if given_from != BaseUrlOrigin::Default {
                    check_base_url(&given, &given_from)?;
                }
                let sources = CredentialSources {
                    admin_key_file: platform.admin_key_file.as_deref(),
                    profile: platform.profile.as_deref(),
                    env,
                };
                let resolved = credentials::resolve(&sources).map_err(Error::from)?;
                let (raw, from) =
                    credentials::base_url(platform.base_url.as_deref(), env, resolved.profile_base_url.as_deref());
                let base_url = check_base_url(&raw, &from)?;
                let origin = resolved.origin.clone();
                let credential =
                    resolved.credential(&base_url, DEFAULT_MAX_RETRIES, Arc::new(SystemClock)).map_err(Error::from)?;
                (ClientConfig::new(base_url, credential).with_origin(origin), from.to_string())
            }
            Reach::Sandbox(s) => (
                ClientConfig::new(s.base_url.clone(), Credential::AdminKey(s.admin_key.clone()))
                    .with_origin(CredentialOrigin::Sandbox),
                "the sandbox".to_owned(),
            ),
        };
        Ok(PlatformReach { client: Client::new(config).map_err(Error::from)?, base_url_from })
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

/// Parses a base URL; a bad one is a usage error naming where it came from.
fn check_base_url(raw: &str, from: &BaseUrlOrigin) -> Result<url::Url> {
    parse_base_url(raw.trim()).map_err(|e| {
        let source = match from {
            BaseUrlOrigin::Profile => "the profile's base_url".to_owned(),
            _ => "--base-url / ANTHROPIC_BASE_URL".to_owned(),
        };
        Error::usage(format!("{source}: {e}")).with_hint(format!("the default is {DEFAULT_BASE_URL}"))
    })
}
