//! How `doctor` shows its report: one line per check group with a mark and counts, the
//! non-passing findings under their group (every finding in full with `-v`), a summary line; or
//! one `cmek.doctor/v1` JSON document. Rendering is pure (report in, text or JSON out).

use serde_json::{Value, json};

use crate::output::{Output, Tone};
use cmek_core::doctor::{Finding, Report, Status};

/// The order groups are shown in; a group with no finding is not shown.
const GROUPS: [&str; 7] = ["platform", "validation", "key", "key policy", "vault", "network", "access"];

pub fn print(out: &Output, report: &Report) {
    if out.is_json() {
        out.json(&render_json(report));
    } else {
        out.text(render_text(out, report).trim_end());
    }
}

pub fn render_json(report: &Report) -> Value {
    let s = report.summary();
    json!({
        "schema": "cmek.doctor/v1",
        "command": "doctor",
        "target": report.target,
        "validation": report.validation,
        "findings": report.findings,
        // The same summary words as `cmek policy check` (same schema), plus what only doctor knows.
        "summary": {
            "total": s.total,
            "fail": s.failed,
            "warn": s.warnings,
            "unknown": s.unknown,
            "pass": s.passed,
            "serious": s.serious,
            "explains_validation": s.explains_validation,
        },
        "healthy": report.exit_code() == 0,
        "exit_code": report.exit_code(),
    })
}

pub fn render_text(out: &Output, report: &Report) -> String {
    let mut text = String::new();
    let mut line = |l: String| {
        text.push_str(&l);
        text.push('\n');
    };
    line(out.paint(Tone::Strong, &format!("cmek doctor: {}", describe_target(report))));
    if let Some(v) = &report.validation {
        line(match &v.error {
            None => format!("validation: {}", out.paint(Tone::Good, "passed")),
            Some(e) => format!("validation: {} ({e})", out.paint(Tone::Bad, "failed")),
        });
    }
    line(String::new());
    let mut groups: Vec<&str> =
        GROUPS.iter().copied().filter(|g| report.findings.iter().any(|f| f.group == *g)).collect();
    for f in &report.findings {
        if !groups.contains(&f.group) {
            groups.push(f.group);
        }
    }
    for group in groups {
        let in_group: Vec<&Finding> = report.findings.iter().filter(|f| f.group == group).collect();
        let (tone, mark) = group_mark(&in_group);
        line(format!("{} {group:<11} {}", out.paint(tone, mark), counts(&in_group)));
        for f in in_group.iter().filter(|f| out.verbose > 0 || f.status != Status::Pass) {
            let (tone, mark) = status_mark(f.status);
            let explains = if f.explains_validation { "  ← explains the validation failure" } else { "" };
            line(format!("    {} {} [{}] {}{explains}", out.paint(tone, mark), f.id, severity(f), f.title));
            if out.verbose > 0 {
                for (label, v) in f.details() {
                    line(format!("        {}: {v}", out.paint(Tone::Dim, label)));
                }
            }
        }
    }
    line(String::new());
    line(summary_line(report));
    if out.verbose == 0 && report.findings.iter().any(|f| f.status != Status::Pass) {
        line("Run with -v for what was observed, what was expected, why it matters and the fix.".into());
    }
    text
}

fn describe_target(report: &Report) -> String {
    let t = &report.target;
    let mut parts = Vec::new();
    if let Some(id) = &t.external_key_id {
        parts.push(format!("external key {id}"));
    }
    if let (Some(p), Some(k)) = (t.provider, &t.key) {
        parts.push(format!("{p} key {k}"));
    }
    if let Some(w) = &t.workspace {
        parts.push(format!("workspace {w}"));
    }
    if parts.is_empty() { "nothing selected".into() } else { parts.join(", ") }
}

fn summary_line(report: &Report) -> String {
    let s = report.summary();
    let mut l = format!(
        "{} finding{}: {} failed, {} warning{}, {} unknown",
        s.total,
        if s.total == 1 { "" } else { "s" },
        s.failed,
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.unknown
    );
    if let Some(v) = report.validation.as_ref().filter(|v| v.error.is_some()) {
        let titles: Vec<String> = s
            .explains_validation
            .iter()
            .filter_map(|id| report.findings.iter().find(|f| f.id == *id && f.explains_validation))
            .map(|f| format!("{} ({})", f.id, f.title))
            .collect();
        l.push_str(&match titles.as_slice() {
            [] if v.explained_by.is_empty() => "; no finding explains the validation failure".to_string(),
            [] => format!("; the validation failure points at {}", v.explained_by.join(", ")),
            [one] => format!("; {one} explains the validation failure"),
            many => format!("; {} explain the validation failure", many.join(", ")),
        });
    }
    l
}

fn group_mark(findings: &[&Finding]) -> (Tone, &'static str) {
    let has = |s: Status| findings.iter().any(|f| f.status == s);
    if has(Status::Fail) {
        (Tone::Bad, "✗")
    } else if has(Status::Warn) {
        (Tone::Warn, "!")
    } else if has(Status::Unknown) {
        (Tone::Dim, "?")
    } else {
        (Tone::Good, "✓")
    }
}

fn status_mark(s: Status) -> (Tone, &'static str) {
    match s {
        Status::Fail => (Tone::Bad, "✗"),
        Status::Warn => (Tone::Warn, "!"),
        Status::Unknown => (Tone::Dim, "?"),
        Status::Pass => (Tone::Good, "✓"),
    }
}

fn severity(f: &Finding) -> &'static str {
    f.severity.as_str()
}

fn counts(findings: &[&Finding]) -> String {
    let n = |s: Status| findings.iter().filter(|f| f.status == s).count();
    let parts: Vec<String> =
        [(Status::Fail, "failed"), (Status::Warn, "warning"), (Status::Unknown, "unknown"), (Status::Pass, "passed")]
            .into_iter()
            .filter(|(s, _)| n(*s) > 0)
            .map(|(s, word)| {
                let count = n(s);
                let word = if word == "warning" && count != 1 { "warnings" } else { word };
                format!("{count} {word}")
            })
            .collect();
    parts.join(", ")
}

#[cfg(test)]
#[path = "doctor_report_tests.rs"]
mod tests;
