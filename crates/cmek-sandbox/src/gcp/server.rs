//! Starting and stopping the emulator (plain HTTP on loopback: Google's clients accept an http
//! endpoint), and what a running one offers: its endpoint, the seeded principals' tokens,
//! seeding helpers for scenarios, and state snapshots for the sandbox's state file.

use std::sync::{Arc, Mutex};

use axum::Router;

use super::handler::{self, Emulator};
use super::names::CryptoKeyName;
use super::seed::{self, SeedGcpKey};
use super::state::{Expr, GcpState, Policy};
use super::{ADMIN_PRINCIPAL, GcpEmulatorConfig, anthropic_principal, tokens};
use crate::SandboxError;
use crate::faults::FaultPlan;
use crate::serve::{Served, bind, serve};
use crate::traffic::Service;

const WHAT: &str = "Google Cloud KMS";

/// A running emulator. Dropping it stops the server; `shutdown` stops it and waits.
pub struct RunningGcp {
    /// `http://127.0.0.1:<port>/`: the Cloud KMS endpoint (also Resource Manager's and Service
    /// Usage's, for the project's IAM policy and the Cloud KMS API's state).
    pub endpoint: url::Url,
    emulator: Arc<Emulator>,
    served: Served,
}

fn config(message: String) -> SandboxError {
    SandboxError::Config { what: WHAT, message }
}

/// Binds `cfg.bind` and serves until shut down or dropped.
pub async fn start(cfg: GcpEmulatorConfig) -> Result<RunningGcp, SandboxError> {
    let faults = FaultPlan::new(cfg.faults.checked().map_err(config)?);
    let mut state = cfg.state;
    seed::ensure_tokens(&mut state);
    let (listener, endpoint) = bind(WHAT, cfg.bind).await?;
    let emulator = Arc::new(Emulator { state: Mutex::new(state), faults });
    let app = Router::new().fallback(handler::handle).with_state(emulator.clone());
    let served = serve(WHAT, listener, cfg.traffic.wrap(Service::Gcp, cfg.after_change.wrap(app)));
    tracing::debug!(%endpoint, "gcp sandbox listening");
    Ok(RunningGcp { endpoint, emulator, served })
}

impl RunningGcp {
    /// `http://127.0.0.1:<port>` (no trailing slash), what clients take as their endpoint.
    pub fn endpoint_url(&self) -> String {
        self.endpoint.as_str().trim_end_matches('/').to_string()
    }

    /// The customer admin's access token (`serviceAccount:cmek-admin@...`, owner of the project).
    pub fn admin_token(&self) -> String {
        self.token_for(ADMIN_PRINCIPAL)
    }

    /// Anthropic's service account's token (for the platform's validation only).
    pub fn anthropic_token(&self) -> String {
        self.token_for(&anthropic_principal())
    }

    /// A token for any principal (`user:...`, `serviceAccount:...`), issued on first use.
    pub fn token_for(&self, principal: &str) -> String {
        tokens::issue(&mut self.emulator.lock(), principal)
    }

    /// Changes the state under the lock (projects, org policies, bindings...).
    pub fn with_state<T>(&self, change: impl FnOnce(&mut GcpState) -> T) -> T {
        change(&mut self.emulator.lock())
    }

    /// Puts a key (and its ring) straight into the state, bypassing every check on purpose.
    pub fn seed_key(&self, key: SeedGcpKey) -> Result<CryptoKeyName, SandboxError> {
        seed::seed_key(&mut self.emulator.lock(), key).map_err(config)
    }

    /// Adds a binding on `projects/P`, a key ring or a key (by name), optionally conditional.
    pub fn add_binding(
        &self,
        resource: &str,
        role: &str,
        member: &str,
        condition: Option<Expr>,
    ) -> Result<(), SandboxError> {
        seed::add_binding(&mut self.emulator.lock(), resource, role, member, condition).map_err(config)
    }

    /// The IAM policy of `projects/P`, a key ring or a key.
    pub fn policy(&self, resource: &str) -> Option<Policy> {
        seed::policy_mut(&mut self.emulator.lock(), resource).map(|p| p.clone())
    }

    /// A snapshot of the whole state.
    pub fn state(&self) -> GcpState {
        self.emulator.lock().clone()
    }

    /// Snapshots of the state, for a saver that outlives this handle's borrow.
    pub(crate) fn state_source(&self) -> impl Fn() -> GcpState + Send + Sync + 'static {
        let emulator = self.emulator.clone();
        move || emulator.lock().clone()
    }

    /// Stops accepting requests, lets those in flight finish (up to 5 s), and waits for the end.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        self.served.shutdown().await
    }
}

impl std::fmt::Debug for RunningGcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningGcp").field("endpoint", &self.endpoint.as_str()).finish_non_exhaustive()
    }
}
