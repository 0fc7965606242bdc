//! `evaluate`: facts in, the ranked report out (findings, validation, summary, exit code). Pure;
//! the front end renders it as text or as the `cmek.doctor/v1` JSON document.

use serde::Serialize;

use super::facts::{CloudDiagnosis, DoctorFacts, Target};
use super::validation::{self, ValidationSummary};
use super::{Finding, Status, catalogue, platform_rules, rank};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub target: Target,
    pub validation: Option<ValidationSummary>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub failed: usize,
    pub warnings: usize,
    pub unknown: usize,
    pub passed: usize,
    /// Information only: nothing to fix.
    pub notes: usize,
    /// The failure to fix first (the first one, ranked), whether or not validation ran.
    pub root_cause: Option<&'static str>,
    /// Failed findings of high or critical severity (they make doctor exit 1).
    pub serious: usize,
    /// The findings that explain a failed validation.
    pub explains_validation: Vec<&'static str>,
}

pub fn evaluate(facts: &DoctorFacts) -> Report {
    let mut findings = platform_rules::findings(facts);
    match &facts.cloud {
        CloudDiagnosis::Inspected(cloud) => findings.extend(cloud.findings(facts)),
        CloudDiagnosis::None(why) => {
            if let Some(r) = facts.registered.as_ref().filter(|_| !why.is_empty()) {
                findings.push(Finding::unknown(
                    "ANT-13",
                    crate::plan::Severity::High,
                    "platform",
                    format!("registered configuration {} names a cloud key that matches it", r.id),
                    why.clone(),
                ));
            }
        }
    }
    let validation = validation::apply(&mut findings, &facts.validation, facts.provider());
    // A warning about nothing that can be fixed is information.
    for f in findings.iter_mut().filter(|f| f.status == Status::Warn && f.severity == crate::plan::Severity::Info) {
        f.status = Status::Info;
    }
    catalogue::annotate(&mut findings);
    rank(&mut findings, catalogue::cause_order);
    Report { target: facts.target.clone(), validation, findings }
}

impl Report {
    pub fn summary(&self) -> Summary {
        let count = |s: Status| self.findings.iter().filter(|f| f.status == s).count();
        let mut explains: Vec<&'static str> =
            self.findings.iter().filter(|f| f.explains_validation).map(|f| f.id).collect();
        explains.dedup();
        Summary {
            total: self.findings.len(),
            failed: count(Status::Fail),
            warnings: count(Status::Warn),
            unknown: count(Status::Unknown),
            passed: count(Status::Pass),
            notes: count(Status::Info),
            root_cause: self.findings.iter().find(|f| f.status == Status::Fail).map(|f| f.id),
            serious: self.findings.iter().filter(|f| f.is_serious_failure()).count(),
            explains_validation: explains,
        }
    }

    /// 1 when a high or critical finding fails; 3 when the admin credential was refused (ANT-01,
    /// an authentication error by the command-line contract); else 0.
    pub fn exit_code(&self) -> i32 {
        if self.findings.iter().any(|f| f.id == "ANT-01" && f.status == Status::Fail) {
            3
        } else if self.findings.iter().any(Finding::is_serious_failure) {
            1
        } else {
            0
        }
    }
}
