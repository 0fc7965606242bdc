//! Checks the planner runs on the facts before proposing anything, with doctor-catalogue ids.

/// Severities of `doctor-catalogue.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The catalogue's word for it, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
}

/// One thing inspection verified, with what to do when it is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// The stable catalogue id, e.g. `AWS-01`.
    pub id: &'static str,
    pub severity: Severity,
    pub status: CheckStatus,
    pub title: String,
    /// What was seen (only for warn and fail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// A failed blocking check stops the run before it changes anything.
    pub blocking: bool,
}

impl Check {
    pub fn pass(id: &'static str, severity: Severity, title: impl Into<String>) -> Self {
        Self {
            id,
            severity,
            status: CheckStatus::Pass,
            title: title.into(),
            observed: None,
            fix: None,
            blocking: false,
        }
    }

    pub fn fail(id: &'static str, severity: Severity, title: impl Into<String>, observed: impl Into<String>) -> Self {
        Self {
            id,
            severity,
            status: CheckStatus::Fail,
            title: title.into(),
            observed: Some(observed.into()),
            fix: None,
            blocking: true,
        }
    }

    pub fn warn(id: &'static str, severity: Severity, title: impl Into<String>, observed: impl Into<String>) -> Self {
        Self {
            id,
            severity,
            status: CheckStatus::Warn,
            title: title.into(),
            observed: Some(observed.into()),
            fix: None,
            blocking: false,
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn is_blocking_failure(&self) -> bool {
        self.blocking && self.status == CheckStatus::Fail
    }
}
