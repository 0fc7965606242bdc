//! The emulated Claude Platform Admin API (platform-api.md, sections 1-4 and 8) on loopback.
//!
//! It serves the Admin API's wire format with its own types (`wire`), enforces the documented rules
//! (write-once attach, no delete while attached, user-profile binding, pagination limits) and
//! validates AWS keys as Anthropic does: real KMS calls to the configured backend, access decided
//! by evaluating the key policy for Anthropic's published role (or by the backend itself when it
//! enforces policies), and Azure keys as Anthropic's multi-tenant app against the Azure
//! emulator, and GCP keys as Anthropic's service account against the Cloud KMS emulator. It never
//! fakes a success.
//!
//! It also accepts OAuth access tokens besides the admin key, enforcing the `org:admin` scope
//! (`auth`), and does Workload Identity Federation: the token endpoint, the sandbox's own OIDC
//! issuer, rules and service accounts (`federation`). Errors take the shape of the request's API
//! version (`version`).
//!
//! Map: `server` (start/stop), `config`, `seed` (fixed organisation and workspaces), `routes`
//! (handlers), `middleware` (request id, auth, version), `auth` (credentials and rights),
//! `version`, `wire` (the served types), `state` (the data), `error` (error bodies),
//! `json_input` / `query` / `provider_config` / `workspace_input` (reading requests),
//! `pagination`, `attach` and `workspace_rules` (rules), `validation` (AWS, Azure and the
//! sentences), `federation`.

mod app;
mod attach;
mod auth;
mod config;
mod error;
mod fault_layer;
pub mod federation;
mod ids;
mod json_input;
mod middleware;
mod pagination;
mod provider_config;
mod query;
mod routes;
pub mod seed;
mod seeding;
mod server;
mod state;
mod validation;
mod version;
pub mod wire;
mod workspace_input;
mod workspace_rules;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod test_api;
#[cfg(test)]
mod tests;

pub use config::{AnthropicIdentity, AwsBackend, AzureBackend, GcpBackend, PlatformSandboxConfig, default_bind};
pub use federation::endpoints::{CiExports, FederationSandboxEndpoints, UserOauthEndpoints};
pub use federation::model::{AuthEvent, AuthOutcome, FederationState};
pub use federation::oidc::IdentityClaims;
pub use seeding::SeedWorkspaceSpec;
pub use server::{RunningPlatform, start};
pub use state::PlatformState;
pub use validation::DEFAULT_TIMEOUT as DEFAULT_VALIDATION_TIMEOUT;
pub use validation::{azure_messages, gcp_messages, messages};
