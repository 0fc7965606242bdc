//! Runs `setup`: gathers facts through the platform client and the providers, asks `plan` what to
//! do, applies it, and keeps the journal. The only layer that sequences I/O; it decides nothing
//! itself (that is `plan`) and prints nothing (that is the front ends, through events).

mod apply;
mod apply_azure;
pub mod attach;
mod azure_facts;
mod cancel;
pub mod doctor;
mod doctor_target;

mod facts;
pub mod journal;
pub mod propagation;
pub mod wizard_api;

pub use apply::apply;
pub use cancel::Cancel;
pub use facts::gather;

use crate::error::Error;
use crate::platform::Client;
use crate::providers::aws::AwsProvider;
use crate::providers::azure::AzureProvider;

/// The connected clients a run uses: the platform and the one cloud the run works in.
pub struct Services {
    pub platform: Client,
    pub cloud: CloudClient,
    /// Raised by the front end to stop a wait (the RBAC propagation back-off).
    pub cancel: Cancel,
}

pub enum CloudClient {
    Aws(Box<AwsProvider>),
    Azure(Box<AzureProvider>),
}

impl Services {
    pub fn aws(&self) -> Result<&AwsProvider, Error> {
        match &self.cloud {
            CloudClient::Aws(p) => Ok(p),
            CloudClient::Azure(_) => Err(Error::usage("this step needs AWS, but the run is connected to Azure")),
        }
    }

    pub fn azure(&self) -> Result<&AzureProvider, Error> {
        match &self.cloud {
            CloudClient::Azure(p) => Ok(p),
            CloudClient::Aws(_) => Err(Error::usage("this step needs Azure, but the run is connected to AWS")),
        }
    }
}
