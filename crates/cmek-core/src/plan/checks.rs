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
    /// Wrong now, and a planned step of this run puts it right (consent, a role, a tag, a firewall
    /// rule): shown as "to do", never as a failure, on the happy path.
    #[serde(rename = "to_do")]
    ToDo,
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
    /// For a to-do check, what it is before this run's plan: doctor, which plans nothing, reports it.
    #[serde(skip)]
    pub before_plan: Option<CheckStatus>,
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
            before_plan: None,
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
            before_plan: None,
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
            before_plan: None,
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// The status with no plan applied: a to-do check is what it was found to be.
    pub fn status_now(&self) -> CheckStatus {
        match self.status {
            CheckStatus::ToDo => self.before_plan.unwrap_or(CheckStatus::Fail),
            s => s,
        }
    }

    pub fn is_blocking_failure(&self) -> bool {
        self.blocking && self.status == CheckStatus::Fail
    }

    /// The check is wrong now and a planned step of this run fixes it (see [`CheckStatus::ToDo`]).
    pub fn planned(mut self) -> Self {
        if self.status != CheckStatus::ToDo {
            self.before_plan = Some(self.status);
        }
        self.status = CheckStatus::ToDo;
        self.blocking = false;
        self
    }
}
