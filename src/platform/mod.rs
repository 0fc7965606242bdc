//! The Claude Platform Admin API client: wire types, auth, retries, typed errors.
//!
//! The only code that calls the platform. It decides nothing about CMEK itself (the plan and
//! the engine do) and never prints: callers report its errors, which never carry a secret.
//!
//! - [`auth`]: the credential; [`credentials`]: where it comes from (flags, variables, profiles,
//!   Workload Identity Federation) and the token source that renews OAuth tokens.
//! - [`config`]: base URL (https, or http to loopback), retries, timeout.
//! - [`Client`]: one method per endpoint of the Admin API sections `cmek` uses.
//! - [`retry`]: the SDKs' retry policy as pure functions.
//! - [`PlatformError`]: what failed, with method, path, status, kind, message, request id and
//!   the structured error code ([`ErrorCode`]) of API version 2026-10-21.

pub mod auth;
mod call;
mod client;
pub mod config;
pub mod credentials;
pub mod error;
mod error_code;
pub mod existing;
mod external_keys;
mod headers;
mod organization;
pub mod pagination;
pub mod path;
pub mod retry;
mod sanitize;
pub mod types;
mod workspaces;

#[cfg(test)]
pub(crate) mod test_server;
#[cfg(test)]
mod tests_auth;
#[cfg(test)]
mod tests_client;
#[cfg(test)]
mod tests_codes;
#[cfg(test)]
mod tests_endpoints;

pub use auth::{AuthError, Credential, CredentialOrigin, CredentialSources};
pub use client::Client;
pub use config::{BaseUrlError, ClientConfig, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, parse_base_url};
pub use credentials::TokenSource;
pub use error::{ErrorCode, PlatformError};
pub use external_keys::EXTERNAL_KEYS_LIMIT_MAX;
pub use headers::{ANTHROPIC_VERSION, LEGACY_ANTHROPIC_VERSION, OAUTH_BETA, USER_AGENT};
pub use workspaces::{WORKSPACES_LIMIT_MAX, WorkspaceQuery};
