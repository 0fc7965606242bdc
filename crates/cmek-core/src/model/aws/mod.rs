//! AWS KMS values: identifiers with validating parsers, what inspection found, and the
//! registered configuration's fields.

mod config;
mod ids;
mod key;
pub mod marker;

pub use config::AwsKeyConfig;
pub use ids::{AwsAccountId, AwsKeyRef, AwsRegion, KmsAliasName, KmsKeyArn, KmsKeyId, KmsResource};
pub use key::{AwsCallerIdentity, AwsKeyDescription, AwsKeyFacts, AwsKeyState};
pub use marker::KeyMarker;
