//! How `doctor` shows its report: the answer first (what to fix, the likeliest root cause on top,
//! each with its one-line fix), then one line per check group, a summary line; every finding in
//! full, by group, with `-v`; or one `cmek.doctor/v1` JSON document. Rendering is pure.

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
            "info": s.notes,
            "root_cause": s.root_cause,
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
    if out.verbose == 0 {
        // The answer first: what to fix, the likeliest root cause on top, each with its fix.
        let root = report.summary().root_cause;
        let problems: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Unknown))
            .collect();
        if problems.is_empty() {
            line(format!("{} nothing to fix", out.paint(Tone::Good, "✓")));
        }
        let mut root_marked = false;
        for f in problems {
            let (tone, mark) = status_mark(f.status);
            let marker = match (Some(f.id) == root && f.status == Status::Fail && !root_marked, f.explains_validation) {
                (true, true) => "  ← root cause (the validation error points here)",
                (true, false) => "  ← root cause",
                (false, true) => "  ← the validation error points here",
                (false, false) => "",
            };
            root_marked |= !marker.is_empty() && marker.contains("root");
            line(format!(
                "{} {} [{}] {}{}",
                out.paint(tone, mark),
                f.id,
                severity(f),
                f.title,
                out.paint(Tone::Strong, marker)
            ));
            if let Some((label, value)) = one_liner(f) {
                line(format!("    {}: {value}", out.paint(Tone::Dim, label)));
            }
        }
        line(String::new());
        for group in groups(report) {
            let in_group: Vec<&Finding> = report.findings.iter().filter(|f| f.group == group).collect();
            let (tone, mark) = group_mark(&in_group);
            line(format!("{} {group:<11} {}", out.paint(tone, mark), counts(&in_group)));
        }
    } else {
        for group in groups(report) {
            let in_group: Vec<&Finding> = report.findings.iter().filter(|f| f.group == group).collect();
            let (tone, mark) = group_mark(&in_group);
            line(format!("{} {group:<11} {}", out.paint(tone, mark), counts(&in_group)));
            for f in in_group {
                let (tone, mark) = status_mark(f.status);
                let explains = if f.explains_validation { "  ← explains the validation failure" } else { "" };
                line(format!("    {} {} [{}] {}{explains}", out.paint(tone, mark), f.id, severity(f), f.title));
                for (label, v) in f.details() {
                    line(format!("        {}: {v}", out.paint(Tone::Dim, label)));
                }
            }
        }
    }
    line(String::new());
    line(summary_line(report));
    let notes = report.summary().notes;
    if out.verbose == 0 && (report.findings.iter().any(|f| f.status != Status::Pass) || notes > 0) {
        line("Run with -v for every finding in full: what was observed, expected, why it matters, the notes.".into());
    }
    text
}

/// Groups in display order; a group with no finding is not shown.
fn groups(report: &Report) -> Vec<&'static str> {
    let mut groups: Vec<&'static str> =
        GROUPS.iter().copied().filter(|g| report.findings.iter().any(|f| f.group == *g)).collect();
    for f in &report.findings {
        if !groups.contains(&f.group) {
            groups.push(f.group);
        }
    }
    groups
}

/// What to show under a problem without -v: the fix (its first line); else what was seen (why
/// an unknown could not be checked).
fn one_liner(f: &Finding) -> Option<(&'static str, &str)> {
    match (f.status, &f.fix, &f.observed) {
        (Status::Unknown, _, Some(o)) => Some(("why unknown", o.lines().next().unwrap_or_default())),
        (_, Some(fix), _) => Some(("fix", fix.lines().next().unwrap_or_default())),
        (_, None, Some(o)) => Some(("observed", o.lines().next().unwrap_or_default())),
        _ => None,
    }
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
    if s.notes > 0 {
        l.push_str(&format!(", {} note{}", s.notes, if s.notes == 1 { "" } else { "s" }));
    }
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
        Status::Info => (Tone::Dim, "i"),
        Status::Pass => (Tone::Good, "✓"),
    }
}

fn severity(f: &Finding) -> &'static str {
    f.severity.as_str()
}

fn counts(findings: &[&Finding]) -> String {
    let n = |s: Status| findings.iter().filter(|f| f.status == s).count();
    let parts: Vec<String> = [
        (Status::Fail, "failed"),
        (Status::Warn, "warning"),
        (Status::Unknown, "unknown"),
        (Status::Pass, "passed"),
        (Status::Info, "note"),
    ]
    .into_iter()
    .filter(|(s, _)| n(*s) > 0)
    .map(|(s, word)| {
        let count = n(s);
        let word = match (word, count) {
            ("warning", n) if n != 1 => "warnings",
            ("note", n) if n != 1 => "notes",
            (w, _) => w,
        };
        format!("{count} {word}")
    })
    .collect();
    parts.join(", ")
}

#[cfg(test)]
#[path = "doctor_report_tests.rs"]
mod tests;
