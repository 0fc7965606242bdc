//! Loopback emulators of the Claude Platform Admin API, AWS KMS/STS and Azure (Key Vault, ARM,
//! Graph, Entra), wired together into one sandbox (`world`) that `--sandbox`, `cmek sandbox` and
//! the tests start, with named scenarios.
//!
//! They speak the real wire protocols, so the product's own clients and the official SDKs talk to
//! them unchanged. Nothing here is used on a production code path.

pub mod aws;
pub mod azure;
pub mod ca_bundle;
pub mod faults;
pub mod platform;
pub mod scenarios;
pub mod secret;
mod serve;
mod world;

pub use world::{AzureSandboxEndpoints, REGION, STATE_FORMAT, Sandbox, SandboxEndpoints, SandboxOptions};

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
