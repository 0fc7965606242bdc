//! Diagnosis: turning what the platform and the clouds say into catalogue findings
//! (`doctor-catalogue.md`). Pure: text and facts in, findings out. The `cmek doctor` command
//! gathers the facts (`engine::doctor`) and renders the report; the setup front ends use the
//! validation mapping.
//!
//! Shared: the platform's findings, the validation verdict, the catalogue's annotations and the
//! ranking. Each cloud's findings are in its folder (`aws`, `azure`, `gcp`), reached through `cloud`.

pub mod aws;
pub mod azure;
pub(crate) mod catalogue;
pub mod cloud;
pub mod facts;
pub mod finding;
pub mod gcp;
mod platform_rules;
pub mod report;
pub mod validation;
pub mod validation_text;

#[cfg(test)]
mod tests;

pub use cloud::{CloudDoctorFacts, CloudKeyRef};
pub use facts::{CloudDiagnosis, DoctorFacts, Gathered, Target, Validation, ValidationFacts};
pub use finding::{Finding, Status, rank};
pub use report::{Report, Summary, evaluate};
