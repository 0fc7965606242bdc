//! Google Cloud KMS values: the key's resource name and its location with validating parsers, what
//! inspection found (key ring, key, versions, IAM policies), and the registered configuration.

mod config;
mod facts;
mod iam;
mod ids;

pub use config::GcpKeyConfig;
pub use facts::{GcpCallerIdentity, GcpKeyFacts, GcpKeyRingFacts, GcpVersionFacts, VersionState, duration_seconds};
pub use iam::{ENCRYPTER_DECRYPTER_ROLE, GcpBinding, GcpIamPolicy, VIEWER_ROLE};
pub use ids::{
    GcpKeyName, GcpLocation, LocationKind, check_crypto_key_id, check_key_ring_id, check_project_id, org_label_key,
};
