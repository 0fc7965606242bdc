//! ANT-06 / ANT-07: the platform's validation verdict, its free-text error mapped to catalogue ids
//! (`validation_text::causes`), and which findings explain the failure. Pure.

use serde::Serialize;

use crate::clouds;
use crate::model::ProviderKind;
use crate::plan::{CheckStatus, Severity};

use super::facts::ValidationFacts;
use super::{Finding, Status};

const GROUP: &str = "validation";

/// The validation as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationSummary {
    /// `success` or `failure`.
    pub status: &'static str,
    pub error: Option<String>,
    /// The ids of the findings that explain a failure.
    pub explained_by: Vec<&'static str>,
}

/// Adds ANT-06 (and ANT-07) and marks the findings the error text points at; `provider` is the
/// cloud of the key that was validated (its own words are mapped).
pub fn apply(
    findings: &mut Vec<Finding>,
    v: &ValidationFacts,
    provider: Option<ProviderKind>,
) -> Option<ValidationSummary> {
    let title = "the platform validates the registered key";
    let val = match v {
        // Not asked for, or nothing registered to validate: nothing is known to be wrong.
        ValidationFacts::NotRun(why) => {
            findings.push(Finding::info("ANT-06", GROUP, title, why.clone()));
            return None;
        }
        ValidationFacts::Unreadable(why) => {
            findings.push(Finding::unknown("ANT-06", Severity::High, GROUP, title, why.clone()));
            return None;
        }
        ValidationFacts::Done(val) => val,
    };
    if val.ok {
        findings.push(Finding::pass("ANT-06", Severity::High, GROUP, title));
        return Some(ValidationSummary { status: "success", error: None, explained_by: Vec::new() });
    }
    let error = val.error.clone().unwrap_or_else(|| "(the platform gave no reason)".into());
    let mut explained: Vec<&'static str> = Vec::new();
    let cloud = provider.and_then(clouds::get);
    let causes = cloud.map(|c| c.explain_validation(&error, findings)).unwrap_or_default();
    for cause in &causes {
        let existing: Vec<usize> = (0..findings.len()).filter(|&i| findings[i].id == cause.id).collect();
        let serious = existing.iter().any(|&i| matches!(findings[i].status, Status::Fail | Status::Warn));
        if serious {
            for &i in &existing {
                if matches!(findings[i].status, Status::Fail | Status::Warn) {
                    findings[i].explains_validation = true;
                }
            }
        } else {
            // The platform's verdict outranks a prediction that passed or could not run; it
            // stays in that prediction's group.
            let group = existing.first().map(|&i| findings[i].group).unwrap_or(GROUP);
            findings.retain(|f| f.id != cause.id);
            let mut f = Finding::from_check(cause, group);
            // A cause the cloud calls a warning (a grant still propagating) is a wait, not a fault.
            f.status = if cause.status == CheckStatus::Warn { Status::Warn } else { Status::Fail };
            f.observed = Some("the platform's validation error points here (its text is under ANT-06)".to_string());
            f.explains_validation = true;
            findings.push(f);
        }
        if !explained.contains(&cause.id) {
            explained.push(cause.id);
        }
    }
    let lower = error.to_ascii_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        let mut network = Vec::new();
        let network_ids: Vec<&str> = clouds::all().iter().flat_map(|c| c.network_ids()).copied().collect();
        for f in findings.iter_mut().filter(|f| network_ids.contains(&f.id) && f.status != Status::Pass) {
            f.explains_validation = true;
            network.push(f.id);
        }
        findings.push(
            Finding::new("ANT-07", Severity::High, Status::Fail, GROUP, "validation completes within its time limit")
                .observed(error.clone())
                .why("a timeout usually means Anthropic cannot reach the key: a network rule drops its calls")
                .fix(format!(
                    "check the network findings ({}), then validate again: cmek doctor",
                    network_ids.join(", ")
                ))
                .explains(true),
        );
        explained.push("ANT-07");
        explained.extend(network);
    }
    let pointers = if explained.is_empty() {
        "no catalogue finding matches this text; it is shown as it came".to_string()
    } else {
        format!("explained by {}", explained.join(", "))
    };
    findings.push(
        Finding::new("ANT-06", Severity::High, Status::Fail, GROUP, title)
            .observed(error.clone())
            .expected("status: success")
            .why("the platform refuses to attach a key it cannot validate; an attached key that fails cuts the workspace off")
            .fix(format!("{pointers}: fix those, then run cmek doctor again (it re-validates)")),
    );
    Some(ValidationSummary { status: "failure", error: Some(error), explained_by: explained })
}
