//! Runs `setup`: gathers facts through the platform client and the cloud, asks `plan` what to
//! do, applies it, and keeps the journal. The only layer that sequences I/O; it decides nothing
//! itself (that is `plan`) and prints nothing (that is the front ends, through events).
//!
//! Shared: the run loop (`apply`, with the steps that run `together`), the platform's facts
//! (`facts`), register / validate (`validate_step`) / attach (`attach_step`, which is the
//! validation when the attach was confirmed up front),
//! the journal, the propagation waiter and doctor's phases. Each cloud's own I/O is in its
//! folder (`aws`, `azure`), reached through `cloud`.

mod apply;
pub mod attach;
mod attach_step;
pub mod aws;
pub mod azure;
mod cancel;
pub mod cloud;
pub mod doctor;
mod doctor_target;
mod facts;
pub mod gcp;
pub mod journal;
pub mod propagation;
mod register;
pub mod resume;
pub mod run_lock;
pub mod status;
mod together;
mod validate_step;
pub mod validation_history;
pub mod wizard_api;

pub use apply::apply;
pub use cancel::Cancel;
pub use cloud::{CloudRuntime, CloudSession, StepContext};
pub use facts::{gather, resolve_workspaces};

use std::sync::Arc;

use crate::platform::Client;

/// The connected clients a run uses: the platform and the one cloud the run works in.
pub struct Services {
    pub platform: Client,
    pub cloud: Arc<dyn CloudRuntime>,
    /// Raised by the front end to stop a wait (the propagation back-off).
    pub cancel: Cancel,
}
