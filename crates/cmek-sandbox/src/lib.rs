//! `cmek-sandbox`: loopback emulators of the Claude Platform Admin API, AWS KMS/STS, Azure
//! (Key Vault, ARM, Graph, Entra) and Google Cloud KMS, for tests and rehearsals that must never
//! touch a real account.
//!
//! The emulators speak the real wire protocols (the Admin API's JSON, AWS's SigV4-signed JSON
//! and query protocols, Azure's REST over TLS with Entra tokens, Cloud KMS's REST with bearer
//! tokens), so real clients talk to them unchanged: `cmek`'s own, the official AWS, Azure and
//! Google clients, the `anthropic` SDK. They do real cryptography (AES-GCM and RSA-OAEP with keys
//! they generate) and enforce what the services enforce: signatures, key policies and resource
//! control policies (with `cmek-core`'s IAM evaluator), RBAC with its propagation delay,
//! firewalls, soft delete, Azure Policy, Google IAM with its organisation policies, and the
//! platform's write-once attach with key validation made as Anthropic. The platform emulator also
//! takes OAuth tokens besides the admin key (the `org:admin` scope enforced) and does Workload
//! Identity Federation, with its own OIDC issuer standing for a CI provider
//! ([`platform::federation`]). Other projects can start them in their own tests; `cmek --sandbox`
//! and `cmek sandbox` start them for people.
//!
//! Map: [`platform`], [`aws`], [`azure`], [`gcp`] (one emulator each), [`faults`] (injected
//! transient failures), [`scenarios`] (named starting states), [`Sandbox`] (all of them wired
//! together, saved to a state file), [`proxy`] (the HTTPS proxy that answers for the services'
//! real host names), [`sandbox_ca`] (the one CA behind every TLS listener), [`ca_bundle`] (that
//! CA for other tools), `secret`. The only project crate this depends on is `cmek-core` (domain ids, published
//! identities, the policy evaluator); it never uses the `cmek` product's clients or types, so it
//! can catch their mistakes.
#![forbid(unsafe_code)]

pub mod after_change;
pub mod aws;
pub mod azure;
mod bounded_body;
pub mod ca_bundle;
pub mod endpoints_file;
pub mod faults;
pub mod gcp;
pub mod platform;
pub mod proxy;
pub mod sandbox_ca;
pub mod scenarios;
pub mod secret;
mod serve;
pub mod traffic;
mod world;

pub use platform::{CiExports, FederationSandboxEndpoints, IdentityClaims, UserOauthEndpoints};
pub use world::{
    AzureSandboxEndpoints, GcpSandboxEndpoints, REGION, STATE_FORMAT, Sandbox, SandboxEndpoints, SandboxOptions,
};

/// Why an emulator could not be started or stopped cleanly.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not listen on {addr}: {source}; pick another address or port (127.0.0.1:0 picks a free one)")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("the {what} emulator listens on {addr}, which cannot be turned into a base URL: {reason}")]
    BaseUrl { what: &'static str, addr: std::net::SocketAddr, reason: String },
    #[error("the {what} emulator cannot start: {message}")]
    Config { what: &'static str, message: String },
    #[error("the {what} emulator stopped with an error: {message}")]
    Server { what: &'static str, message: String },
}
