//! An emulator of Google Cloud KMS's REST API (`/v1/`), on loopback over plain HTTP, faithful
//! where CMEK depends on it, that Google's clients (`google-cloud-kms-v1`, Python's
//! `google-cloud-kms` on REST, `gcloud` with an endpoint override) use unchanged.
//!
//! Served: key rings (create, get, list), crypto keys (create, get, list, patch with
//! `updateMask`, updatePrimaryVersion), versions (create, get, list, patch `state`, destroy,
//! restore), encrypt/decrypt with real AES-256-GCM and CRC32C, IAM policies (get/set/test) on key
//! rings and keys, and on the same listener the project's IAM policy (Resource Manager,
//! `/v1|v3/projects/P:getIamPolicy`) and the Cloud KMS API's state (Service Usage,
//! `/v1/projects/P/services/cloudkms.googleapis.com[:enable]`). Enums by name or number,
//! `$alt=json;enum-encoding=int` answered with numbers, Google's error shape.
//!
//! Enforced on every call: a bearer token the sandbox issued (401 otherwise), the API enabled in
//! the project (SERVICE_DISABLED), a VPC Service Controls perimeter (SECURITY_POLICY_VIOLATED),
//! IAM deny rules, then IAM allow bindings at key, key ring and project (roles in `iam`;
//! conditional bindings kept but granting nothing: CEL is not evaluated). Domain-restricted
//! sharing refuses outside members on setIamPolicy. Not emulated: asymmetric and MAC operations
//! (such keys exist, their crypto calls are refused), automatic rotation, import jobs, EKM.
//!
//! Map: `server` (start/stop, [`RunningGcp`]), `handler` (faults, routing to the operations),
//! `routes`, `request`, `call` (per-call context), `tokens`, `access` + `iam` (who may),
//! `ops_rings`, `ops_keys` + `key_input`, `ops_versions`, `ops_crypto` + `crypto` + `checksum`,
//! `ops_iam`, `ops_project`, `wire` (proto3 JSON) + `enums` + `names` + `pagination`, `errors`,
//! `state` (serde) + `seed`.

mod access;
mod call;
mod checksum;
mod crypto;
pub mod enums;
mod errors;
mod handler;
pub mod iam;
mod key_input;
pub mod names;
mod ops_crypto;
mod ops_iam;
mod ops_keys;
mod ops_project;
mod ops_rings;
mod ops_versions;
mod pagination;
mod request;
mod routes;
mod seed;
mod server;
pub mod state;
mod tokens;
mod wire;

#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddr};

pub use crate::faults::Faults;
pub use checksum::crc32c;
pub use seed::SeedGcpKey;
pub use server::{RunningGcp, start};
pub use state::GcpState;

/// The customer's project (id and number: Google names the number in some errors).
pub const PROJECT_ID: &str = "cmek-sandbox";
pub const PROJECT_NUMBER: &str = "418627350923";
/// Where `cmek setup --provider gcp` puts its key ring by default.
pub const LOCATION: &str = "us-central1";
/// The customer's admin principal: owner of the project.
pub const ADMIN_PRINCIPAL: &str = "serviceAccount:cmek-admin@cmek-sandbox.iam.gserviceaccount.com";
/// The customer's own domain (its users and groups), permitted under domain-restricted sharing.
pub const CUSTOMER_DOMAIN: &str = "example.com";

/// Anthropic's published service account, as an IAM member (`serviceAccount:...`).
pub fn anthropic_principal() -> String {
    cmek_core::identities::published().gcp.service_account.clone()
}

/// What [`start`] needs.
pub struct GcpEmulatorConfig {
    /// 127.0.0.1:0 by default (a free port).
    pub bind: SocketAddr,
    /// The initial state; [`GcpState::seeded`] by default.
    pub state: GcpState,
    /// Injected transient failures (429, 500, 503; some after the change was made).
    pub faults: Faults,
    /// Run after each request that may change the state (the sandbox saves its file there).
    pub after_change: crate::after_change::AfterChange,
    /// Counts the requests and adds the latency (shared by a sandbox's emulators).
    pub traffic: crate::traffic::Traffic,
}

impl GcpEmulatorConfig {
    pub fn new() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state: GcpState::seeded(),
            faults: Faults::none(),
            after_change: Default::default(),
            traffic: Default::default(),
        }
    }
}

impl Default for GcpEmulatorConfig {
    fn default() -> Self {
        Self::new()
    }
}
