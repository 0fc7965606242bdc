//! Starting and stopping the emulator (one TLS listener on loopback), and what a running one
//! offers: its endpoint and CA, the seeded principals, seeding helpers and state snapshots.

use std::sync::{Arc, Mutex};

use axum::Router;

use super::handler::{self, Emulator};
use super::seed::{self, ANTHROPIC_SECRET, CUSTOMER_SECRET, SeedAzureKey};
use super::state::AzureState;
use super::{AzureEmulatorConfig, tls};
use crate::SandboxError;
use crate::faults::FaultPlan;
use crate::sandbox_ca::SandboxCa;
use crate::secret::Secret;
use crate::serve::{Served, bind_tls, serve_tls};
use crate::traffic::Service;

const WHAT: &str = "Azure";

/// A principal's client credentials.
#[derive(Clone)]
pub struct ClientCredentials {
    pub tenant_id: String,
    pub client_id: String,
    pub object_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("object_id", &self.object_id)
            .finish_non_exhaustive()
    }
}

/// A running emulator. Dropping it stops the server; `shutdown` stops it and waits.
pub struct RunningAzure {
    /// `https://127.0.0.1:<port>/`: every Azure API, routed by Host and path.
    pub endpoint: url::Url,
    ca_pem: String,
    emulator: Arc<Emulator>,
    served: Served,
}

/// Binds `cfg.bind` and serves TLS (a fresh sandbox CA) until shut down or dropped.
pub async fn start(cfg: AzureEmulatorConfig) -> Result<RunningAzure, SandboxError> {
    let config_error = |message: String| SandboxError::Config { what: WHAT, message };
    let faults = FaultPlan::new(cfg.faults.checked().map_err(config_error)?);
    let ca = match cfg.ca {
        Some(ca) => ca,
        None => SandboxCa::new().map_err(config_error)?,
    };
    let tls = tls::server_config(&ca).map_err(config_error)?;
    let (listener, endpoint) = bind_tls(WHAT, cfg.bind).await?;
    let mut header = [0u8; 24];
    rand::fill(&mut header);
    let emulator = Arc::new(Emulator {
        state: Mutex::new(cfg.state),
        identity_header: Secret::new(super::crypto::b64url(&header)),
        faults,
    });
    let app = Router::new().fallback(handler::handle).with_state(emulator.clone());
    let app = cfg.traffic.wrap(Service::Azure, cfg.after_change.wrap(app));
    let served = serve_tls(WHAT, listener, app, tls);
    tracing::debug!(%endpoint, "azure sandbox listening");
    Ok(RunningAzure { endpoint, ca_pem: ca.pem(), emulator, served })
}

impl RunningAzure {
    /// The sandbox CA (PEM) that signed the server certificate: what clients must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The port the listener answers on (for `https://<vault>.vault.azure.net:<port>`).
    pub fn port(&self) -> u16 {
        self.endpoint.port().unwrap_or(443)
    }

    /// `https://<vault>.vault.azure.net:<port>` (resolve the host to 127.0.0.1 in the client).
    pub fn vault_url(&self, vault: &str) -> String {
        format!("https://{vault}.vault.azure.net:{}", self.port())
    }

    /// The Entra authority host, `https://login.microsoftonline.com:<port>`.
    pub fn authority_url(&self) -> String {
        format!("https://login.microsoftonline.com:{}", self.port())
    }

    /// `https://127.0.0.1:<port>/msi/token` (IDENTITY_ENDPOINT) and the X-IDENTITY-HEADER value.
    pub fn managed_identity(&self) -> (String, String) {
        (format!("https://127.0.0.1:{}/msi/token", self.port()), self.emulator.identity_header.expose().to_string())
    }

    /// The customer's principal (also reachable as the managed identity).
    pub fn customer(&self) -> ClientCredentials {
        self.credentials_of(super::CUSTOMER_APP_ID, CUSTOMER_SECRET)
    }

    /// Anthropic's multi-tenant app (tenant: the customer's, where it needs consent).
    pub fn anthropic(&self) -> ClientCredentials {
        let mut c = self.credentials_of(&cmek_core::identities::published().azure.app_client_id, ANTHROPIC_SECRET);
        c.tenant_id = super::CUSTOMER_TENANT.to_string();
        if let Some(sp) = self.emulator.lock().service_principal_by_app(&c.client_id) {
            c.object_id = sp.id.clone();
        }
        c
    }

    fn credentials_of(&self, app_id: &str, fallback_secret: &str) -> ClientCredentials {
        let state = self.emulator.lock();
        let principal = state.principal_by_app(app_id);
        ClientCredentials {
            tenant_id: principal.map(|p| p.tenant_id.clone()).unwrap_or_default(),
            client_id: app_id.to_string(),
            object_id: principal.map(|p| p.object_id.clone()).unwrap_or_default(),
            client_secret: principal
                .and_then(|p| p.secret.as_ref())
                .map_or_else(|| fallback_secret.to_string(), |s| s.expose().to_string()),
        }
    }

    /// Changes the state under the lock (vault properties, role assignments, consent, delay...).
    pub fn with_state<T>(&self, change: impl FnOnce(&mut AzureState) -> T) -> T {
        change(&mut self.emulator.lock())
    }

    /// Puts a key straight into a vault (bypassing every check on purpose); returns its version.
    pub fn seed_key(&self, key: SeedAzureKey) -> Result<String, SandboxError> {
        seed::seed_key(&mut self.emulator.lock(), key).map_err(|message| SandboxError::Config { what: WHAT, message })
    }

    /// Deletes a key into the vault's soft-delete bin (recoverable, its name not reusable).
    pub fn soft_delete_key(&self, vault: &str, name: &str) -> Result<(), SandboxError> {
        seed::soft_delete_key(&mut self.emulator.lock(), vault, name)
            .map_err(|message| SandboxError::Config { what: WHAT, message })
    }

    /// Deletes a vault as `az keyvault delete` does: into the subscription's deleted vaults, keys
    /// and all, recoverable for 90 days.
    pub fn soft_delete_vault(&self, name: &str) -> Result<(), SandboxError> {
        let mut state = self.emulator.lock();
        let index = state
            .vaults
            .iter()
            .position(|v| v.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| SandboxError::Config { what: WHAT, message: format!("no vault `{name}` to delete") })?;
        super::arm_deleted_vaults::soft_delete(&mut state, index, chrono::Utc::now().timestamp());
        Ok(())
    }

    /// Creates Anthropic's service principal in the customer tenant (what Graph consent does);
    /// returns its object id (the existing one if already consented).
    pub fn consent_anthropic(&self) -> String {
        let ids = cmek_core::identities::published();
        self.emulator.lock().create_service_principal(&ids.azure.app_client_id, &ids.azure.app_display_name)
    }

    /// Adds a role assignment at `scope` created now (it counts after the propagation delay);
    /// returns its name.
    pub fn add_role_assignment(&self, scope: &str, role_id: &str, principal_id: &str) -> String {
        let now = chrono::Utc::now().timestamp_millis();
        self.emulator.lock().add_role_assignment_at(scope, role_id, principal_id, "ServicePrincipal", now)
    }

    /// Sets how long new role assignments take to become effective on the data plane.
    pub fn set_propagation_delay(&self, delay: std::time::Duration) {
        self.emulator.lock().propagation_delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    }

    /// A snapshot of the whole state, for `--state FILE`.
    pub fn state(&self) -> AzureState {
        self.emulator.lock().clone()
    }

    /// Snapshots of the state, for a saver that outlives this handle's borrow.
    pub(crate) fn state_source(&self) -> impl Fn() -> AzureState + Send + Sync + 'static {
        let emulator = self.emulator.clone();
        move || emulator.lock().clone()
    }

    /// Stops accepting requests, lets those in flight finish (up to 5 s), and waits for the end.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        self.served.shutdown().await
    }
}

impl std::fmt::Debug for RunningAzure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningAzure").field("endpoint", &self.endpoint.as_str()).finish_non_exhaustive()
    }
}
