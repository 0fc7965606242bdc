//! `Finding`: one diagnosis of `cmek doctor` and `cmek policy check`, with its catalogue id, and how
//! findings are ranked. Pure data; the front ends render it (text, `cmek.doctor/v1` JSON).

use serde::Serialize;

use crate::plan::{Check, CheckStatus, Severity};

/// What a check concluded. `Unknown`: it could not run (permission, unreachable); `observed`
/// then says why. Never a pass or a fail by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Fail,
    Unknown,
    Warn,
    /// Worth knowing, nothing to fix (validation's expected AccessDenied events, a step ahead that
    /// is irreversible, alarms doctor cannot see): never makes a healthy key look unhealthy.
    Info,
    Pass,
}

/// Serialised with every key present (null when empty): the `cmek.doctor/v1` finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable catalogue id (`AWS-07`, `AZ-04`, `ANT-13`, ...).
    pub id: &'static str,
    pub severity: Severity,
    pub status: Status,
    /// The check group it is shown under (`platform`, `key`, `key policy`, `vault`, `access`, `validation`).
    pub group: &'static str,
    /// What must be true, as one line.
    pub title: String,
    /// What was seen, naming the values (for warn, fail and unknown).
    pub observed: Option<String>,
    /// What was expected instead.
    pub expected: Option<String>,
    /// Why it matters.
    pub why: Option<String>,
    /// The fix as a command.
    pub fix: Option<String>,
    /// The Terraform equivalent, where one fits.
    pub terraform: Option<String>,
    /// Set when the platform's validation error points at this finding.
    pub explains_validation: bool,
    /// A consequence rather than a cause (a predicted refusal that follows from a statement another
    /// finding names): ranked after the causes, so the report leads with what to change.
    #[serde(skip)]
    pub symptom: bool,
}

impl Finding {
    pub fn new(
        id: &'static str,
        severity: Severity,
        status: Status,
        group: &'static str,
        title: impl Into<String>,
    ) -> Self {
        Self {
            id,
            severity,
            status,
            group,
            title: title.into(),
            observed: None,
            expected: None,
            why: None,
            fix: None,
            terraform: None,
            explains_validation: false,
            symptom: false,
        }
    }

    pub fn pass(id: &'static str, severity: Severity, group: &'static str, title: impl Into<String>) -> Self {
        Self::new(id, severity, Status::Pass, group, title)
    }

    /// Something to know, with nothing to fix.
    pub fn info(id: &'static str, group: &'static str, title: impl Into<String>, text: impl Into<String>) -> Self {
        Self::new(id, Severity::Info, Status::Info, group, title).observed(text)
    }

    /// A check that could not run: `why` names what stopped it.
    pub fn unknown(
        id: &'static str,
        severity: Severity,
        group: &'static str,
        title: impl Into<String>,
        why: impl Into<String>,
    ) -> Self {
        Self::new(id, severity, Status::Unknown, group, title).observed(why)
    }

    pub fn observed(mut self, text: impl Into<String>) -> Self {
        self.observed = Some(text.into());
        self
    }

    pub fn expected(mut self, text: impl Into<String>) -> Self {
        self.expected = Some(text.into());
        self
    }

    pub fn why(mut self, text: impl Into<String>) -> Self {
        self.why = Some(text.into());
        self
    }

    pub fn fix(mut self, text: impl Into<String>) -> Self {
        self.fix = Some(text.into());
        self
    }

    pub fn terraform(mut self, text: impl Into<String>) -> Self {
        self.terraform = Some(text.into());
        self
    }

    pub fn explains(mut self, yes: bool) -> Self {
        self.explains_validation = yes;
        self
    }

    /// Marks the finding as a consequence of another (see `symptom`).
    pub fn as_symptom(mut self) -> Self {
        self.symptom = true;
        self
    }

    /// A planner check seen as a finding of `group` (the planner's checks carry no `expected`).
    pub fn from_check(check: &Check, group: &'static str) -> Self {
        // Doctor plans nothing: a check a setup run would fix is reported as it is now.
        let status = match check.status_now() {
            CheckStatus::Pass => Status::Pass,
            CheckStatus::Warn => Status::Warn,
            CheckStatus::Fail | CheckStatus::ToDo => Status::Fail,
        };
        let mut f = Self::new(check.id, check.severity, status, group, check.title.clone());
        f.observed = check.observed.clone();
        f.fix = check.fix.clone();
        f
    }

    /// The detail fields that are set, labelled, in the order a person reads them (`-v`).
    pub fn details(&self) -> Vec<(&'static str, &str)> {
        [
            ("observed", &self.observed),
            ("expected", &self.expected),
            ("why", &self.why),
            ("fix", &self.fix),
            ("terraform", &self.terraform),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.as_deref().filter(|v| !v.is_empty()).map(|v| (label, v)))
        .collect()
    }

    /// Whether this finding makes `doctor` exit 1: a high or critical failure.
    pub fn is_serious_failure(&self) -> bool {
        self.status == Status::Fail && self.severity >= Severity::High
    }
}

/// Most urgent first: failures, then unknowns, warnings, notes and passes. Within each: the
/// findings the validation error points at, then causes before symptoms, then the likelier root
/// cause (`cause_order`: a deleted
/// key before its policy, an over-broad grant before the condition it lacks, a missing
/// registration last, since it follows from the rest), then severity, then id. The first failure is
/// the root cause the report leads with.
pub fn rank(findings: &mut [Finding], cause_order: impl Fn(&str) -> u8) {
    findings.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then(b.explains_validation.cmp(&a.explains_validation))
            .then(a.symptom.cmp(&b.symptom))
            .then(cause_order(a.id).cmp(&cause_order(b.id)))
            .then(b.severity.cmp(&a.severity))
            .then(a.id.cmp(b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_puts_serious_failures_first_and_passes_last() {
        let mut all = vec![
            Finding::pass("AWS-01", Severity::Critical, "key", "enabled"),
            Finding::new("AWS-17", Severity::Low, Status::Warn, "key", "rotation"),
            Finding::new("AWS-07", Severity::High, Status::Fail, "key policy", "org binding"),
            Finding::unknown("AWS-12", Severity::High, "key policy", "RCPs", "no permission to read them"),
            Finding::new("AWS-02", Severity::Critical, Status::Fail, "key", "deletion"),
        ];
        rank(&mut all, |_| 0);
        let ids: Vec<&str> = all.iter().map(|f| f.id).collect();
        assert_eq!(ids, ["AWS-02", "AWS-07", "AWS-12", "AWS-17", "AWS-01"]);
        assert!(all[0].is_serious_failure() && !all[2].is_serious_failure());
    }

    #[test]
    fn the_likelier_cause_leads_among_failures_and_notes_come_after_warnings() {
        let mut all = vec![
            Finding::new("ANT-13", Severity::High, Status::Fail, "platform", "not registered"),
            Finding::new("AWS-07", Severity::High, Status::Fail, "key policy", "org binding"),
            Finding::info("AWS-15", "key", "noise", "expected AccessDenied"),
            Finding::new("AWS-08", Severity::High, Status::Fail, "key policy", "over-broad"),
            Finding::new("AWS-17", Severity::Low, Status::Warn, "key", "rotation"),
        ];
        let order = |id: &str| match id {
            "AWS-08" => 10,
            "AWS-07" => 20,
            "ANT-13" => 90,
            _ => 50,
        };
        rank(&mut all, order);
        let ids: Vec<&str> = all.iter().map(|f| f.id).collect();
        assert_eq!(ids, ["AWS-08", "AWS-07", "ANT-13", "AWS-17", "AWS-15"]);
    }

    #[test]
    fn json_uses_the_schema_words() {
        let f = Finding::unknown("AZ-15", Severity::Medium, "vault", "audit logs", "diagnostic settings unreadable");
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["status"], "unknown");
        assert_eq!(v["severity"], "medium");
        assert_eq!(v["observed"], "diagnostic settings unreadable");
        assert!(v["fix"].is_null(), "every key of the schema is present, null when empty");
    }
}
