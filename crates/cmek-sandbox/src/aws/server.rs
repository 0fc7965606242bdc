//! Starting and stopping the emulator on loopback, and what a running one offers: its endpoint,
//! the seeded principals' credentials, seeding keys for scenarios, RCPs, and state snapshots.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;

use super::handler::{self, Emulator};
use super::identity::{ANTHROPIC_USER, CUSTOMER_USER};
use super::state::AwsState;
use super::{ANTHROPIC_ACCOUNT, AwsEmulatorConfig, CUSTOMER_ACCOUNT, EmulatedUser, SeedKey, seed};
use crate::SandboxError;
use crate::faults::FaultPlan;
use crate::serve::{Served, bind, serve};
use crate::traffic::Service;
use cmek_core::model::aws::KmsKeyArn;
use cmek_core::policy::aws::PolicyDocument;

const WHAT: &str = "AWS KMS/STS";

/// A running emulator. Dropping it stops the server; `shutdown` stops it and waits.
pub struct RunningAws {
    /// `http://127.0.0.1:<port>/`: the endpoint for KMS and STS alike (`AWS_ENDPOINT_URL`).
    pub endpoint: url::Url,
    emulator: Arc<Emulator>,
    customer: EmulatedUser,
    anthropic: EmulatedUser,
    served: Served,
}

/// Binds `cfg.bind` and serves until the returned handle is shut down or dropped. Refuses a
/// state without the customer's and Anthropic's users, and an error share outside 0.0..=0.5.
pub async fn start(cfg: AwsEmulatorConfig) -> Result<RunningAws, SandboxError> {
    let config_error = |message: String| SandboxError::Config { what: WHAT, message };
    let faults = FaultPlan::new(cfg.faults.checked().map_err(config_error)?);
    let user = |account: &str, name: &str| {
        cfg.state.emulated_user(account, name).ok_or_else(|| {
            config_error(format!(
                "the state has no IAM user `{name}` in account {account}; start from AwsState::seeded() \
                 (or a state file written by the sandbox)"
            ))
        })
    };
    let customer = user(CUSTOMER_ACCOUNT, CUSTOMER_USER)?;
    let anthropic = user(ANTHROPIC_ACCOUNT, ANTHROPIC_USER)?;

    let (listener, endpoint) = bind(WHAT, cfg.bind).await?;

    let emulator = Arc::new(Emulator {
        state: Mutex::new(cfg.state),
        rcps: RwLock::new(Arc::new(cfg.rcps)),
        faults,
        injected: AtomicU64::new(0),
    });
    let app = Router::new().fallback(handler::handle).with_state(emulator.clone());
    let served = serve(WHAT, listener, cfg.traffic.wrap(Service::Aws, cfg.after_change.wrap(app)));
    tracing::debug!(%endpoint, "aws sandbox listening");
    Ok(RunningAws { endpoint, emulator, customer, anthropic, served })
}

impl RunningAws {
    /// `arn:aws:iam::111122223333:user/sandbox-admin`, with its long-term access key.
    pub fn customer(&self) -> EmulatedUser {
        self.customer.clone()
    }

    /// `arn:aws:iam::915198916910:user/anthropic-platform`, which may assume the published role.
    pub fn anthropic_platform(&self) -> EmulatedUser {
        self.anthropic.clone()
    }

    /// Puts a key straight into the state, bypassing every check on purpose (scenarios seed
    /// broken states). The error names what cannot be seeded (bad account, region or state, an
    /// alias already taken).
    pub fn seed_key(&self, key: SeedKey) -> Result<KmsKeyArn, SandboxError> {
        let mut state = self.emulator.lock();
        seed::seed_key(&mut state, key).map_err(|message| SandboxError::Config { what: WHAT, message })
    }

    /// Replaces the Resource Control Policies in force (empty: none).
    pub fn set_rcps(&self, rcps: Vec<PolicyDocument>) {
        self.emulator.set_rcps(rcps);
    }

    /// A snapshot of the whole state, for `--state FILE`.
    pub fn state(&self) -> AwsState {
        self.emulator.lock().clone()
    }

    /// Snapshots of the state, for a saver that outlives this handle's borrow.
    pub(crate) fn state_source(&self) -> impl Fn() -> AwsState + Send + Sync + 'static {
        let emulator = self.emulator.clone();
        move || emulator.lock().clone()
    }

    /// Stops accepting requests, lets those in flight finish (up to 5 s), and waits for the end.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        self.served.shutdown().await
    }
}

impl std::fmt::Debug for RunningAws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningAws").field("endpoint", &self.endpoint.as_str()).finish_non_exhaustive()
    }
}
