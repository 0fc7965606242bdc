//! What the run did, in one list: the Summary screen draws it, and the same lines are printed on
//! the normal screen once the wizard has closed (the alternate screen goes away with it).

use super::Wizard;
use super::apply::StepProgress;
use super::summary::AttachOutcome;
use super::validate::Validation;
use crate::run::events::StepOutcome;

/// How a result reads: good news, something to act on, a failure, or plain information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    Good,
    Warn,
    Bad,
    Plain,
    Dim,
}

/// One labelled result ("external key: ekey_…").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultField {
    pub label: &'static str,
    pub value: String,
    pub mood: Mood,
}

/// How much of a validation error the summary repeats (the Validate step showed it whole).
const ERROR_CHARS: usize = 150;

impl Wizard {
    /// The key, the registration, the validation, the workspace and the journal, as far as the
    /// run got.
    pub fn result_fields(&self) -> Vec<ResultField> {
        let mut fields = Vec::new();
        let mut push = |label, value, mood| fields.push(ResultField { label, value, mood });
        let report = self.apply.report();
        if let Some((label, key)) = report.and_then(|r| r.cloud.key().map(|k| (r.cloud.key_label(), k))) {
            push(label, key, Mood::Plain);
        }
        if let Some(id) = report.and_then(|r| r.external_key_id.as_ref()) {
            push("external key", id.clone(), Mood::Plain);
        }
        match self.validation() {
            Some(Validation::Passed) => push("validation", "success".into(), Mood::Good),
            Some(Validation::Failed { error }) => {
                push("validation", format!("failed: {}", shortened(&error, ERROR_CHARS)), Mood::Bad)
            }
            Some(Validation::Waiting(_)) => push("validation", "still waiting".into(), Mood::Warn),
            None => push("validation", "did not run".into(), Mood::Bad),
        }
        if self.attach_results().is_empty() {
            push("workspace", "none: registered and validated only".to_string(), Mood::Dim);
        }
        for result in self.attach_results() {
            let workspace = format!("{} ({})", result.workspace_name, result.workspace_id);
            let (attached, mood) = match &result.outcome {
                AttachOutcome::Attached(sentence) => (format!("attached: {sentence}"), Mood::Good),
                AttachOutcome::AlreadyAttached(why) => (format!("attached already: {why}"), Mood::Good),
                AttachOutcome::Skipped => (format!("{workspace}: not attached (skipped)"), Mood::Warn),
                AttachOutcome::NotOffered(why) => (format!("not attached: {why}"), Mood::Warn),
                AttachOutcome::NoWorkspace => ("none: registered and validated only".to_string(), Mood::Dim),
            };
            push("workspace", attached, mood);
        }
        if let Some(dir) = report.map(|r| r.journal_dir.display().to_string()).filter(|d| !d.is_empty()) {
            push("journal", dir, Mood::Dim);
        }
        fields
    }

    /// What this run changed, one line per change, in the order it happened.
    pub fn changes_made(&self) -> Vec<String> {
        let mut changes = Vec::new();
        if let Some(id) = &self.workspace_created_here {
            let name = self.checks.facts().and_then(|f| f.workspaces.iter().find(|w| &w.id == id));
            changes.push(match name {
                Some(w) => format!("created workspace {} ({id})", w.name),
                None => format!("created workspace {id}"),
            });
        }
        for step in self.apply.steps() {
            if let StepProgress::Finished(StepOutcome::Done { detail }) = step {
                changes.push(detail.clone());
            }
        }
        changes
    }

    /// The lines printed after the wizard has closed: how it ended, what changed, the results,
    /// and the commands to repeat the run or attach later.
    pub fn closing_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let applying = self.apply.report().is_none() && !self.apply.steps().is_empty();
        lines.push(match (self.screen == super::Screen::Summary, applying, self.validation()) {
            (_, true, _) => "cmek setup was stopped while applying the plan: a re-run of the command below resumes \
                                 from the journal."
                .to_string(),
            (true, _, Some(Validation::Passed)) => "cmek setup finished: the key is registered and healthy.".into(),
            (true, _, _) => "cmek setup finished without a healthy key.".into(),
            (false, _, _) => "cmek setup was left before the end.".into(),
        });
        let changes = self.changes_made();
        if changes.is_empty() {
            lines.push("  Nothing was changed.".into());
        } else {
            lines.push("  Changed in this run:".into());
            lines.extend(changes.iter().map(|c| format!("    • {c}")));
        }
        if self.apply.report().is_some() {
            for field in self.result_fields() {
                lines.push(format!("  {}: {}", field.label, field.value));
            }
        }
        if let Some(cmd) = self.attach_later_command().filter(|_| self.validation() == Some(Validation::Passed)) {
            lines.push(format!("To attach later (permanent):\n  {cmd}"));
        } else if let Some(cmd) = self.summary_command() {
            lines.push(format!("The same run, non-interactively:\n  {cmd}"));
        }
        lines
    }
}

/// At most `max` characters of `s`, with "…" when cut.
fn shortened(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}
