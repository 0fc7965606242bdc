//! An emulator of the Azure services CMEK touches, on loopback over TLS, faithful where CMEK
//! depends on it, that the official Azure clients (`azure_security_keyvault_keys`,
//! `azure_identity`, Python's `azure-keyvault-keys`) use unchanged.
//!
//! One TLS listener (its certificate from the sandbox CA, [`RunningAzure::ca_pem`]) serves every API,
//! routed by Host and path: Entra ID's v2 token endpoint (client credentials, with the OpenID and
//! instance discovery documents MSAL reads first) and the App Service managed-identity endpoint
//! issue HS256 JWTs that every API verifies (signature, expiry, audience); the Key Vault keys data
//! plane (challenge, firewall, RBAC with a propagation delay or access policies, real RSA-OAEP,
//! delete and the soft-delete bin); ARM (vaults, role assignments and definitions, diagnostic
//! settings, subscriptions, Azure Policy: assignments, built-in definitions, custom initiatives,
//! exemptions, Deny enforced on vault writes; vault soft delete, deletedVaults, recovery);
//! Microsoft Graph service principals (consent).
//! Clients reach it by the real names through the sandbox's HTTPS proxy (`crate::proxy`, which
//! passes the TLS through), as `https://<vault>.vault.azure.net:<port>` etc. with the name
//! resolved to 127.0.0.1, or as `https://localhost:<port>` (Key Vault then means the first vault).
//!
//! ARM reports the real `vaultUri` (`https://<vault>.vault.azure.net/`, no port): a client adds
//! the emulator's port (see [`RunningAzure::vault_url`]). Key ids (`kid`) point back at the host
//! the request came in on, port included, so SDKs that follow them stay on the emulator.
//!
//! Callers' addresses: every connection comes from loopback, so the firewall judges each
//! principal by its documented address ([`ANTHROPIC_SOURCE_IP`], inside Anthropic's egress
//! range, and [`CUSTOMER_SOURCE_IP`]); unauthenticated callers by the TCP peer.
//!
//! Authorisation: vaults with `enableRbacAuthorization` true use Azure RBAC (built-in roles in
//! `roles`, scope inheritance, a propagation delay before a new assignment counts: 5 s unless set,
//! [`DEFAULT_PROPAGATION_DELAY`]); others use only the vault's access policies (object id + key
//! permissions; no compound identities). Control-plane RBAC applies to ARM without a delay; Graph
//! checks the caller's directory roles.
//!
//! Map: `server` (start/stop, [`RunningAzure`]), `handler` (faults, routing), `request`, `errors`
//! (each surface's error body), `tls` (the server certificate), `jwt` + `tokens` + `auth`
//! (tokens) + `discovery` (Entra's discovery documents), `keyvault` (data plane) + `keys` (key
//! operations) + `deleted_keys` (the soft-delete bin) + `crypto` (RSA-OAEP), `acl` (firewall),
//! `rbac` + `roles` (authorisation), `arm`, `arm_deleted_vaults` (vault soft delete and recovery),
//! `arm_policy` + `policy` (Azure Policy), `graph`, `state` + `secret` (the data, serde), `seed`.

mod acl;
mod arm;
mod arm_auth;
pub(crate) mod arm_deleted_vaults;
mod arm_policy;
mod arm_roles;
mod arm_vaults;
mod auth;
mod crypto;
mod deleted_keys;
mod discovery;
mod errors;
mod graph;
mod handler;
mod jwt;
mod keys;
mod keyvault;
pub mod policy;
mod rbac;
mod request;
pub mod roles;
mod seed;
mod server;
pub mod state;
mod tls;
mod tokens;

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

pub use crate::faults::Faults;
pub use seed::{ANTHROPIC_SECRET, CUSTOMER_SECRET, SeedAzureKey};
pub use server::{ClientCredentials, RunningAzure, start};
pub use state::AzureState;
pub use tls::SERVER_NAMES;
pub use tokens::{ARM_RESOURCE, GRAPH_RESOURCE, VAULT_RESOURCE};

/// The customer's tenant (directory) id.
pub const CUSTOMER_TENANT: &str = "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f";
/// The customer's subscription.
pub const SUBSCRIPTION_ID: &str = "3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47";
/// The seeded resource group and vault.
pub const RESOURCE_GROUP: &str = "cmek-sandbox";
pub const VAULT_NAME: &str = "cmek-sandbox";
pub const LOCATION: &str = "eastus2";
/// The customer's principal: client id and object id (an app with a secret, also served as the
/// managed identity).
pub const CUSTOMER_APP_ID: &str = "c0ffee00-1111-4222-8333-444455556666";
pub const CUSTOMER_OBJECT_ID: &str = "0b1e7c2d-2222-4333-8444-555566667777";
/// The address the customer's calls are deemed to come from (TEST-NET-3), in the seeded ipRules.
pub const CUSTOMER_SOURCE_IP: &str = "203.0.113.10";
/// Anthropic's publisher tenant and its app's object id there (invented: only the client id is published).
pub const ANTHROPIC_TENANT: &str = "a9d3e5f1-8b2c-4d6e-9f01-23456789abcd";
pub const ANTHROPIC_APP_OBJECT_ID: &str = "d4c3b2a1-9999-4888-8777-666655554444";
/// The address Anthropic's calls are deemed to come from: inside 160.79.104.0/21.
pub const ANTHROPIC_SOURCE_IP: &str = "160.79.104.10";

/// How long a new role assignment takes to count on the data plane, by default. Azure documents
/// "up to 10 minutes" (usually well under one); a few seconds keep every rehearsal showing the
/// wait without slowing it down. Set it per emulator ([`AzureEmulatorConfig::with_propagation_delay`],
/// [`RunningAzure::set_propagation_delay`]); 0 makes assignments count at once.
pub const DEFAULT_PROPAGATION_DELAY: Duration = Duration::from_secs(5);

/// What [`start`] needs.
pub struct AzureEmulatorConfig {
    /// 127.0.0.1:0 by default (a free port).
    pub bind: SocketAddr,
    /// The initial state; [`AzureState::seeded`] by default.
    pub state: AzureState,
    /// Injected transient failures (throttling and 5xx, some after the change was made).
    pub faults: Faults,
    /// Run after each request that may change the state (the sandbox saves its file there).
    pub after_change: crate::after_change::AfterChange,
    /// The CA that issues the emulator's certificate; `None` makes a fresh one (a whole sandbox
    /// shares one CA between its TLS listeners).
    pub ca: Option<std::sync::Arc<crate::sandbox_ca::SandboxCa>>,
    /// Counts the requests and adds the latency (shared by a sandbox's emulators).
    pub traffic: crate::traffic::Traffic,
}

impl AzureEmulatorConfig {
    pub fn new() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state: AzureState::seeded(),
            faults: Faults::none(),
            after_change: Default::default(),
            ca: None,
            traffic: Default::default(),
        }
    }
}

impl AzureEmulatorConfig {
    /// The same, with new role assignments counting on the data plane after `delay`
    /// (`Duration::ZERO`: at once) instead of the state's (by default [`DEFAULT_PROPAGATION_DELAY`]).
    pub fn with_propagation_delay(mut self, delay: Duration) -> Self {
        self.state.propagation_delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self
    }
}

impl Default for AzureEmulatorConfig {
    fn default() -> Self {
        Self::new()
    }
}
