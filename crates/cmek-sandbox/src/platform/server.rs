//! Starting and stopping the emulated Admin API on loopback (the federation side of the running
//! handle is `federation::handle`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::ExposeSecret;

use crate::SandboxError;
use crate::platform::wire::{Attachment, ExternalKey, Organization, ProviderConfig, Workspace};
use crate::serve::{Served, bind, serve};
use crate::traffic::Service;

use super::app::AppState;
use super::config::PlatformSandboxConfig;
use super::federation::handle::{issuer_url, rebase_own_issuer};
use super::routes::router;
use super::state::{KeyRecord, PlatformState, SharedStore, Store, lock};
use crate::faults::FaultPlan;

const WHAT: &str = "platform";

/// A running sandbox. Dropping it stops the server; `shutdown` stops it and waits.
pub struct RunningPlatform {
    /// `http://127.0.0.1:<port>/`: point `ANTHROPIC_BASE_URL` (or `--base-url`) here.
    pub base_url: url::Url,
    pub org: Organization,
    /// The seeded workspaces (production, staging, development) as they were at start.
    pub workspaces: Vec<Workspace>,
    /// The organisation's default workspace (listed only with `include_default=true`).
    pub default_workspace: Workspace,
    pub(super) store: SharedStore,
    /// The sandbox's own OIDC issuer, `{base_url}oidc`.
    pub(super) issuer_url: String,
    served: Served,
}

/// Binds `cfg.bind` and serves until the returned handle is shut down or dropped.
pub async fn start(cfg: PlatformSandboxConfig) -> Result<RunningPlatform, SandboxError> {
    if cfg.admin_key.expose_secret().is_empty() {
        return Err(SandboxError::Config {
            what: WHAT,
            message: "the admin key is empty; give the key it should accept".into(),
        });
    }
    let (listener, base_url) = bind(WHAT, cfg.bind).await?;

    let faults = cfg.faults.checked().map_err(|message| SandboxError::Config { what: WHAT, message })?;
    let issuer_url = issuer_url(&base_url);
    let mut store = match cfg.initial {
        Some(state) => Store::restored(state),
        None => Store::seeded(),
    }
    .map_err(|message| SandboxError::Config { what: WHAT, message })?;
    rebase_own_issuer(&mut store.federation, &issuer_url);
    let store = Arc::new(Mutex::new(store));
    let (org, workspaces, default_workspace) = {
        let s = lock(&store);
        let (default, ordinary): (Vec<Workspace>, Vec<Workspace>) =
            s.workspaces.iter().cloned().partition(|w| s.is_default(&w.id));
        let default = default
            .into_iter()
            .next()
            .ok_or_else(|| SandboxError::Config { what: WHAT, message: "the seed has no default workspace".into() })?;
        (s.org.clone(), ordinary, default)
    };
    let after_change = cfg.after_change.clone();
    let app = AppState {
        store: store.clone(),
        admin_key: cfg.admin_key,
        issuer_url: issuer_url.clone(),
        aws: cfg.aws.map(Arc::new),
        azure: cfg.azure.map(Arc::new),
        gcp: cfg.gcp.map(Arc::new),
        faults: faults.is_active().then(|| Arc::new(FaultPlan::new(faults))),
    };
    // The statistics are served beside the Admin API, outside its authentication.
    let app = cfg.traffic.wrap(Service::Platform, after_change.wrap(router(app))).merge(cfg.traffic.routes());
    let served = serve(WHAT, listener, app);
    tracing::debug!(%base_url, "platform sandbox listening");
    Ok(RunningPlatform { base_url, org, workspaces, default_workspace, store, issuer_url, served })
}

impl RunningPlatform {
    /// The organisation's data now, for saving (`--state FILE`).
    pub fn state(&self) -> PlatformState {
        lock(&self.store).snapshot()
    }

    /// Snapshots of the state, for a saver that outlives this handle's borrow.
    pub(crate) fn state_source(&self) -> impl Fn() -> PlatformState + Send + Sync + 'static {
        let store = self.store.clone();
        move || lock(&store).snapshot()
    }

    /// Turns the organisation's CMEK entitlement on or off (on at start).
    pub fn set_cmek_enabled(&self, enabled: bool) {
        lock(&self.store).cmek_enabled = enabled;
    }

    /// Whether API version 2026-10-21 is spoken (on at start); off, it is refused as unknown, as
    /// a server from before it would, and clients fall back to 2023-06-01.
    pub fn set_structured_version(&self, spoken: bool) {
        lock(&self.store).structured_version = spoken;
    }

    /// How long validation waits for the KMS before failing with `Timeout:` (30 s at start).
    pub fn set_validation_timeout(&self, limit: Duration) {
        lock(&self.store).validation_timeout = limit;
    }

    /// Registers an external key straight into the store (unattached, geo `us`, no user profile),
    /// as an earlier run would have left it; for scenarios. Returns its id.
    pub fn seed_external_key(&self, provider_config: ProviderConfig, display_name: &str) -> String {
        let mut store = lock(&self.store);
        let now = chrono::Utc::now();
        let key = ExternalKey {
            id: super::ids::external_key_id(),
            object_type: "external_key".to_string(),
            attachment: Attachment::Unattached,
            created_at: now,
            updated_at: now,
            display_name: Some(display_name.to_string()),
            geo: super::provider_config::SUPPORTED_GEO.to_string(),
            provider_config,
            user_profile_id: None,
        };
        let id = key.id.clone();
        let seq = store.next_seq();
        store.keys.push(KeyRecord { seq, key });
        id
    }

    /// Attaches a seeded key to the workspace named `workspace` (as an earlier run's attach would
    /// have); for scenarios.
    pub fn attach_seeded_key(&self, key_id: &str, workspace: &str) -> Result<(), String> {
        let mut store = lock(&self.store);
        let ws = store
            .workspaces
            .iter_mut()
            .find(|w| w.name == workspace)
            .ok_or_else(|| format!("no seeded workspace `{workspace}`"))?;
        ws.external_key_id = Some(key_id.to_string());
        Ok(())
    }

    /// Stops accepting requests, lets those in flight finish (up to 5 s), and waits for the end.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        self.served.shutdown().await
    }
}

impl std::fmt::Debug for RunningPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningPlatform").field("base_url", &self.base_url.as_str()).field("org", &self.org.id).finish()
    }
}
