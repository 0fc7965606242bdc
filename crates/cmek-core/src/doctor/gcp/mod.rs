//! Google Cloud KMS findings: every GCP id the gathered facts allow, the registered `key_name`
//! against the key, and the Google error texts a failed validation passes on.

mod catalogue;
mod commands;
mod facts;
mod rules;
pub mod validation_text;

#[cfg(test)]
mod tests;

pub use catalogue::{cause_order, terraform, why};
pub use facts::{GcpDoctorFacts, GcpDoctorKey, GcpDoctorKeyInProject, GcpKeyLookup, KmsApi};

use crate::plan::{Check, CheckStatus};

use super::{Finding, Status};

/// The catalogue ids of the network path to the key, which a validation timeout points at.
pub const NETWORK_IDS: &[&str] = &["GCP-08"];

/// The validation text's causes, refined with what doctor found:
/// - a refused permission while both bindings are on the key is a grant still reaching Cloud KMS
///   (IAM changes take minutes) or an IAM deny policy: a warning to wait out, not a missing grant;
/// - a version that is not enabled, while the primary is and an older one is not, is GCP-05.
pub fn explain_validation(error: &str, findings: &[Finding]) -> Vec<Check> {
    let passed = |id: &str| findings.iter().any(|f| f.id == id && f.status == Status::Pass);
    let failed = |id: &str| findings.iter().any(|f| f.id == id && f.status == Status::Fail);
    let mut causes = validation_text::causes(error);
    for c in &mut causes {
        if c.id == "GCP-06" && passed("GCP-06") {
            c.status = CheckStatus::Warn;
            c.title = "Anthropic was refused although both bindings are on the key: a binding added minutes ago may \
                       not have reached Cloud KMS yet, or an IAM deny policy refuses it"
                .to_string();
            let project = validation_text::key_in(error).map_or_else(|| "<project>".to_string(), |k| k.project);
            c.fix = Some(format!(
                "wait a few minutes and run cmek doctor again; if it persists, look for a deny policy: {}",
                commands::list_deny_policies(&project)
            ));
        }
        if c.id == "GCP-04" && passed("GCP-04") && failed("GCP-05") {
            c.id = "GCP-05";
            c.title = "an older version of the key, which data was encrypted with, is not enabled".to_string();
            c.fix = findings.iter().find(|f| f.id == "GCP-05").and_then(|f| f.fix.clone());
        }
    }
    causes
}
