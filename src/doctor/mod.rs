//! Diagnosis: turning what the platform and the clouds say into catalogue findings
//! (`doctor-catalogue.md`). Pure: text and facts in, findings out. The `cmek doctor` command and
//! its fact gathering build on this; the setup front ends already use the validation mapping.

pub mod aws_policy;
pub mod finding;
pub mod validation_text;

pub use finding::{Finding, Status, rank};
