//! AWS KMS findings: the key's state and kind, its key policy (`policy`, shared with
//! `cmek policy check`), the registered ARN against the key, and the AWS validation sentences.

mod catalogue;
mod facts;
pub mod policy;
mod rules;
pub mod validation_text;

pub use catalogue::{cause_order, terraform, why};
pub use facts::{AwsDoctorFacts, AwsDoctorKey, AwsKeyLookup};
