//! Azure Key Vault findings: every AZ id the gathered facts allow, the registered configuration
//! against the vault, and the Azure validation sentences.

mod catalogue;
mod facts;
mod rules;
pub mod validation_text;

pub use catalogue::{cause_order, terraform, why};
pub use facts::{AzureDoctorFacts, AzureDoctorKey};

use crate::plan::{Check, CheckStatus};

use super::{Finding, Status};

/// The validation text's causes, refined with what doctor found: a `ForbiddenByRbac` refusal is
/// propagation (AZ-08, a wait) when the role assignment exists, else the missing role (AZ-07).
pub fn explain_validation(error: &str, findings: &[Finding]) -> Vec<Check> {
    let mut causes = validation_text::causes(error);
    if causes.iter().any(|c| c.id == "AZ-08") {
        let assigned = findings.iter().any(|f| f.id == "AZ-07" && f.status == Status::Pass);
        causes.retain(|c| c.id != if assigned { "AZ-07" } else { "AZ-08" });
        for c in causes.iter_mut().filter(|c| c.id == "AZ-08") {
            c.status = CheckStatus::Warn;
        }
    }
    causes
}
