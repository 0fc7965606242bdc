//! Runs `setup`: gathers facts through the platform client and the providers, asks `plan` what to
//! do, applies it, and keeps the journal. The only layer that sequences I/O; it decides nothing
//! itself (that is `plan`) and prints nothing (that is the front ends, through events).

mod apply;
pub mod attach;
pub mod events;
mod facts;
pub mod journal;
pub mod wizard_api;

pub use apply::{RunReport, ValidationResult, apply};
pub use facts::gather;

use crate::platform::Client;
use crate::providers::aws::AwsProvider;

/// The connected clients a run uses.
pub struct Services {
    pub platform: Client,
    pub aws: AwsProvider,
}
