//! What every handler shares: the store, the accepted admin key, the sandbox's own OIDC issuer
//! URL, and where validation reaches AWS, Azure and GCP.

use std::sync::Arc;

use secrecy::SecretString;

use super::config::{AwsBackend, AzureBackend, GcpBackend};
use super::state::SharedStore;
use crate::faults::FaultPlan;

#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    pub admin_key: SecretString,
    /// `{base_url}oidc`: the issuer this listener serves the discovery document and JWKS of.
    pub issuer_url: String,
    pub aws: Option<Arc<AwsBackend>>,
    pub azure: Option<Arc<AzureBackend>>,
    pub gcp: Option<Arc<GcpBackend>>,
    /// Injected transient failures, when a scenario asks for them.
    pub faults: Option<Arc<FaultPlan>>,
}
