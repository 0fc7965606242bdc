//! How `cmek policy check` shows findings: one line per finding with a mark (details with -v) and
//! a summary line, or the `cmek.doctor/v1` JSON document.

use serde_json::{Value, json};

use crate::output::{Output, Tone};
use cmek_core::doctor::{Finding, Status};

fn mark(status: Status) -> (&'static str, Tone) {
    match status {
        Status::Pass => ("✓", Tone::Good),
        Status::Warn => ("!", Tone::Warn),
        Status::Fail => ("✗", Tone::Bad),
        Status::Unknown => ("?", Tone::Dim),
        Status::Info => ("i", Tone::Dim),
    }
}

fn severity(f: &Finding) -> &'static str {
    f.severity.as_str()
}

/// Counts per status, and the serious failures (high or critical) that make the exit code 1.
fn counts(findings: &[Finding]) -> (usize, usize, usize, usize, usize) {
    let n = |s: Status| findings.iter().filter(|f| f.status == s).count();
    let serious = findings.iter().filter(|f| f.is_serious_failure()).count();
    (n(Status::Fail), n(Status::Warn), n(Status::Unknown), n(Status::Pass), serious)
}

/// The text report: a heading, one line per finding, and the summary.
pub fn text(subject: &str, findings: &[Finding], out: &Output) -> String {
    let mut lines = vec![format!("key policy {subject}")];
    for f in findings {
        let (m, tone) = mark(f.status);
        let mut line = format!("{} {} {:<8} {}", out.paint(tone, m), f.id, severity(f), f.title);
        if f.status != Status::Pass
            && out.verbose == 0
            && let Some(o) = &f.observed
        {
            line.push_str(&format!(": {o}"));
        }
        lines.push(line);
        // The fix goes with the problem, as in doctor: a user should not need -v to learn it.
        if out.verbose == 0
            && matches!(f.status, Status::Fail | Status::Warn)
            && let Some(fix) = &f.fix
        {
            lines.push(format!("    {}: {}", out.paint(Tone::Dim, "fix"), fix.lines().next().unwrap_or_default()));
        }
        if out.verbose > 0 {
            for (label, v) in f.details() {
                lines.push(format!("    {}: {v}", out.paint(Tone::Dim, label)));
            }
        }
    }
    let (fail, warn, unknown, pass, serious) = counts(findings);
    let verdict = if serious > 0 {
        out.paint(Tone::Bad, &format!("{serious} high or critical problem(s)"))
    } else {
        out.paint(Tone::Good, "no high or critical problem")
    };
    lines.push(format!(
        "summary: {verdict}; {fail} failed, {warn} warning(s), {unknown} unknown, {pass} passed{}",
        if out.verbose == 0 && fail + warn > 0 { " (every detail: -v)" } else { "" }
    ));
    lines.join("\n")
}

/// The `cmek.doctor/v1` document.
pub fn json(command: &str, subject: &str, findings: &[Finding], exit_code: i32) -> Value {
    let (fail, warn, unknown, pass, serious) = counts(findings);
    // The same document as `cmek doctor`'s: the target is a file, and there is no validation.
    json!({
        "schema": "cmek.doctor/v1",
        "command": command,
        "target": {"selector": "policy_file", "policy_file": subject},
        "validation": null,
        "findings": findings,
        "summary": {
            "total": findings.len(),
            "fail": fail,
            "warn": warn,
            "unknown": unknown,
            "pass": pass,
            "serious": serious,
            "explains_validation": null,
        },
        "healthy": serious == 0,
        "exit_code": exit_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;
    use cmek_core::doctor::aws::policy::{KeyPolicyContext, check_key_policy};

    fn findings() -> Vec<Finding> {
        let ctx = KeyPolicyContext::new("8c2d1e4f-0a9b-4c3d-8e7f-123456789abc".parse().unwrap());
        check_key_policy(include_str!("../../../tests/fixtures/policies/missing-org-condition.json"), &ctx)
    }

    #[test]
    fn text_report_lines_and_details() {
        let quiet = Output { format: Format::Text, color: false, verbose: 0 };
        insta::assert_snapshot!("missing_org_condition_text", text("missing-org-condition.json", &findings(), &quiet));
        let verbose = Output { verbose: 1, ..quiet };
        insta::assert_snapshot!(
            "missing_org_condition_verbose",
            text("missing-org-condition.json", &findings(), &verbose)
        );
    }
}
