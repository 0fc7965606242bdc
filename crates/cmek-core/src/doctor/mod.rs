//! Diagnosis: turning what the platform and the clouds say into catalogue findings
//! (`doctor-catalogue.md`). Pure: text and facts in, findings out. The `cmek doctor` command
//! gathers the facts (`engine::doctor`) and renders the report; the setup front ends use the
//! validation mapping.

pub mod aws_policy;
mod aws_rules;
mod azure_rules;
mod catalogue;
pub mod facts;
pub mod finding;
mod platform_rules;
pub mod report;
pub mod validation;
pub mod validation_text;

#[cfg(test)]
mod tests;

pub use facts::{AwsDoctorFacts, CloudDoctorFacts, DoctorFacts, Gathered, Target, Validation, ValidationFacts};
pub use finding::{Finding, Status, rank};
pub use report::{Report, Summary, evaluate};
