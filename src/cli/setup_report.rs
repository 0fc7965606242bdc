//! How `setup` shows itself: progress on stderr, then the plan or the run's result as text or as
//! one `cmek.setup/v1` JSON document.

use std::path::Path;

use serde_json::{Value, json};

use super::clouds;
use crate::output::{Output, Tone};
use crate::platform::Client;
use cmek_core::model::ProviderKind;
use cmek_core::plan::{Action, Check, CheckStatus, DocumentChange, Plan, SetupAnswers, SetupFacts, Step, StepState};
use cmek_core::run::events::{Event, EventSink, StepOutcome};
use cmek_core::run::{CloudOutcome, RunReport};
use cmek_core::text::escape_controls as shown;
use cmek_core::wizard::Invocation;

/// The Admin API credential a run used: its kind and where it came from, never its value.
#[derive(Debug, Clone)]
pub struct PlatformCredential {
    /// `admin key from $ANTHROPIC_ADMIN_KEY`, `OAuth token from profile `ci` (...)`.
    pub description: String,
    /// `{"kind", "source"}` for the report and the journal.
    pub json: Value,
}

impl PlatformCredential {
    pub fn of(client: &Client) -> Self {
        let (description, json) = client.credential_record();
        Self { description, json }
    }
}

/// What every report of a run repeats: how it was started, and the credential it used.
pub struct ReportContext<'a> {
    pub invocation: &'a Invocation,
    pub platform: &'a PlatformCredential,
    /// Where the JSON document goes instead of stdout, when several runs make one document.
    pub collect: Option<&'a std::cell::RefCell<Vec<Value>>>,
}

impl ReportContext<'_> {
    fn json(&self, out: &Output, doc: Value) {
        match self.collect {
            Some(docs) => docs.borrow_mut().push(doc),
            None => out.json(&doc),
        }
    }
}

/// Prints engine events as progress lines on stderr (text mode only).
pub struct ProgressPrinter<'a> {
    out: &'a Output,
}

impl<'a> ProgressPrinter<'a> {
    pub fn new(out: &'a Output) -> Self {
        Self { out }
    }
}

impl EventSink for ProgressPrinter<'_> {
    fn emit(&mut self, event: Event) {
        if self.out.is_json() {
            return;
        }
        match event {
            Event::Inspecting { what } => self.out.progress(&format!("… inspecting {what}")),
            Event::StepStarted { title, .. } => self.out.progress(&format!("→ {title}")),
            Event::StepFinished { outcome: StepOutcome::Done { detail }, .. } => {
                self.out.progress(&format!("  ✓ {detail}"))
            }
            Event::StepFinished { outcome: StepOutcome::Failed { error }, .. } => {
                self.out.progress(&format!("  ✗ {error}"))
            }
            Event::StepFinished { .. } => {}
            Event::Notice { text } => self.out.progress(&format!("! {text}")),
            Event::Waiting { grant, why, attempt, waited, budget, next_in, .. } => self.out.progress(&format!(
                "  … attempt {attempt} refused ({why}); a new {grant} can take minutes to take effect: retrying \
                 in {}s ({}s of at most {}s waited; Ctrl-C stops waiting)",
                next_in.as_secs(),
                waited.as_secs(),
                budget.as_secs()
            )),
        }
    }
}

/// The plan in text, shown before anything is applied (text mode only). `credential` names the
/// Azure credential source that signed in, when there is one.
pub fn print_plan_text(
    out: &Output,
    facts: &SetupFacts,
    plan: &Plan,
    credential: Option<&str>,
    platform: &PlatformCredential,
) {
    if out.is_json() {
        return;
    }
    print_header(out, facts, credential, platform);
    print_checks(out, &plan.checks);
    print_policy(out, plan);
    print_steps(out, plan, None);
}

/// Closes a run that stops at the plan (`--plan`, or a failed blocking check).
pub fn print_plan_only(
    out: &Output,
    ctx: &ReportContext<'_>,
    answers: &SetupAnswers,
    facts: &SetupFacts,
    plan: &Plan,
    blocked: bool,
) {
    let invocation = ctx.invocation;
    if out.is_json() {
        let mut doc = base_document(answers, facts, plan, ctx.platform);
        doc["mode"] = json!("plan");
        doc["status"] = json!(if blocked { "blocked" } else { "planned" });
        // As in an applied run's document: a plan (blocked or not) changed nothing.
        doc["changed"] = json!(false);
        doc["steps"] = Value::Array(plan.steps.iter().map(|s| step_json(s, None)).collect());
        doc["next"] = json!(next_steps_plan(invocation, answers, plan, blocked));
        ctx.json(out, doc);
        return;
    }
    if blocked {
        out.text(&format!(
            "\n{} the failed checks above must be fixed first; nothing was changed.",
            out.paint(Tone::Bad, "Blocked:")
        ));
    } else {
        out.text(&format!("\n{} (--plan).", out.paint(Tone::Strong, "Nothing was changed")));
    }
    for n in next_steps_plan(invocation, answers, plan, blocked) {
        out.text(&format!("Next: {n}"));
    }
}

pub fn print_run(
    out: &Output,
    ctx: &ReportContext<'_>,
    answers: &SetupAnswers,
    facts: &SetupFacts,
    plan: &Plan,
    report: &RunReport,
    journal: &Path,
) {
    let next = next_steps_run(ctx.invocation, answers, plan, report);
    if out.is_json() {
        let mut doc = base_document(answers, facts, plan, ctx.platform);
        doc["mode"] = json!("apply");
        doc["status"] = json!(run_status(answers, plan, report));
        doc["steps"] =
            Value::Array(plan.steps.iter().zip(&report.outcomes).map(|(s, o)| step_json(s, Some(o))).collect());
        if let Some(cloud) = clouds::get(facts.provider()) {
            cloud.run_json(&mut doc, &*report.cloud);
        }
        doc["external_key_id"] = json!(report.external_key_id);
        doc["validation"] = json!(report.validation);
        if let Some(v) = report.validation.as_ref().filter(|v| !v.success) {
            doc["validation"]["causes"] = json!(causes(answers, plan, v.error.as_deref()));
        }
        // `attached_to` stays one id (the first), as before several workspaces could be named.
        doc["attached_to"] = json!(report.attached_to.first());
        doc["attached_workspaces"] = json!(report.attached_to);
        doc["attach_held"] = json!(report.attach_held(plan));
        doc["changed"] = json!(report.changed(plan));
        doc["notes"] = json!(report.notes);
        doc["journal"] = json!(journal.display().to_string());
        doc["error"] = json!(report.failure);
        doc["next"] = json!(next);
        ctx.json(out, doc);
        return;
    }
    print_steps(out, plan, Some(&report.outcomes));
    out.text("");
    if let Some(key) = report.cloud.key() {
        out.text(&format!("  key            {key}"));
    }
    if let Some(id) = &report.external_key_id {
        out.text(&format!("  external key   {id}"));
    }
    if let Some(v) = &report.validation {
        let status = if v.success { out.paint(Tone::Good, "success") } else { out.paint(Tone::Bad, "failure") };
        // A failure's text is already on the failed step's line above.
        out.text(&format!("  validation     {status}"));
    }
    for ws in &report.attached_to {
        out.text(&format!("  attached to    {ws}"));
    }
    out.text(&format!("  journal        {}", journal.display()));
    for note in &report.notes {
        out.text(&format!("  note           {note}"));
    }
    if report.confirmed_attach_held(plan, &answers.confirm_attach).is_some() {
        out.text(&format!(
            "\n{} the attach you confirmed was held back (why: below); this run exits 1 until it is done",
            out.paint(Tone::Bad, "Not attached:")
        ));
    }
    if let Some(v) = report.validation.as_ref().filter(|v| !v.success) {
        let causes = causes(answers, plan, v.error.as_deref());
        if !causes.is_empty() {
            out.text(&format!("\n{}", out.paint(Tone::Strong, "What the validation error points at")));
        }
        for c in causes {
            out.text(&format!("  {} {} {}", out.paint(Tone::Bad, "✗"), out.paint(Tone::Dim, c.id), c.title));
            if let Some(f) = &c.fix {
                out.text(&format!("      fix:      {f}"));
            }
        }
    }
    if let Some(e) = &report.failure {
        let validation_failed = report.validation.as_ref().is_some_and(|v| !v.success);
        let message =
            if validation_failed { "validation failed (the reason is on the step above)" } else { &e.message };
        out.text(&format!("\n{} {message}", out.paint(Tone::Bad, "Stopped:")));
        if report.changed(plan) {
            let done: Vec<String> = plan
                .steps
                .iter()
                .zip(&report.outcomes)
                .filter(|(_, o)| matches!(o, StepOutcome::Done { .. }))
                .map(|(s, _)| s.action.title())
                .collect();
            out.text(&format!("  changed before it stopped: {}", done.join("; ")));
            out.text("  re-run the same command to continue: finished steps are found again, not repeated");
        }
        for h in &e.hints {
            out.text(&format!("  hint: {h}"));
        }
    }
    // A failure's hints already say what to do next.
    if report.failure.is_none() {
        for n in next {
            out.text(&format!("Next: {n}"));
        }
    }
}

fn run_status(answers: &SetupAnswers, plan: &Plan, report: &RunReport) -> &'static str {
    let held = report.confirmed_attach_held(plan, &answers.confirm_attach).is_some();
    match (&report.failure, &report.validation) {
        (Some(e), _) if e.kind == cmek_core::error::ErrorKind::Interrupted => "interrupted",
        (Some(_), Some(v)) if !v.success => "validation_failed",
        (Some(_), _) => "failed",
        (None, _) if held => "attach_held",
        (None, _) if !report.attached_to.is_empty() => "attached",
        (None, _) => "validated",
    }
}

fn base_document(answers: &SetupAnswers, facts: &SetupFacts, plan: &Plan, platform: &PlatformCredential) -> Value {
    let mut doc = json!({
        "schema": "cmek.setup/v1",
        "provider": answers.provider(),
        "organization": { "uuid": facts.org.uuid.to_string(), "name": facts.org.name },
        "platform_credential": platform.json,
    });
    let workspaces: Vec<Value> = facts
        .workspaces
        .iter()
        .map(|w| {
            json!({
                "id": w.id, "name": w.name, "compartment_id": w.compartment.to_string(),
                "external_key_id": w.external_key_id,
            })
        })
        .collect();
    // `workspace` stays the first (or only) one, as before several could be named.
    doc["workspace"] = workspaces.first().cloned().unwrap_or(Value::Null);
    doc["workspaces"] = Value::Array(workspaces);
    // Every cloud's blocks, null but for the run's, so the document has one shape.
    for cloud in clouds::all() {
        for (name, value) in cloud.facts_json(&*facts.cloud, &*answers.cloud) {
            doc[name] = value;
        }
    }
    doc["anthropic_principal"] = json!(anthropic_principal(answers.provider()));
    doc["checks"] = json!(plan.checks);
    doc["policy"] = json!(plan.document.as_ref().map(|d| json!({
        "changed": d.changes(),
        "diff": d.diff.to_unified(),
        "after": serde_json::from_str::<Value>(&d.after).unwrap_or(Value::Null),
    })));
    doc
}

/// What a failed validation's text points at, in the run's cloud's words, leaving out what this
/// run has just put right (and, for a grant still propagating, what it saw in place).
fn causes(answers: &SetupAnswers, plan: &Plan, error: Option<&str>) -> Vec<Check> {
    plan.validation_causes(answers.provider(), error.unwrap_or(""))
}

fn step_json(step: &Step, outcome: Option<&StepOutcome>) -> Value {
    let (planned, note) = match &step.state {
        StepState::Planned => ("planned", None),
        StepState::AlreadyDone(why) => ("already_done", Some(why.clone())),
        StepState::Gated(how) => ("gated", Some(how.clone())),
    };
    json!({
        "action": step.action.kind(),
        "title": step.action.title(),
        "reversibility": step.action.reversibility(),
        "plan": planned,
        "note": note,
        "outcome": outcome,
    })
}

/// Anthropic's published identity in the run's cloud (the AWS role, the Azure app's client id).
pub fn anthropic_principal(provider: ProviderKind) -> String {
    cmek_core::clouds::get(provider).map(|c| c.anthropic_principal()).unwrap_or_default()
}

fn print_header(out: &Output, facts: &SetupFacts, credential: Option<&str>, platform: &PlatformCredential) {
    let provider = facts.provider();
    out.text(&out.paint(
        Tone::Strong,
        &format!("cmek setup: {} for organisation {}", provider.display_name(), facts.org.described()),
    ));
    out.text(&format!("  Claude admin   {}", platform.description));
    let header = clouds::get(provider).map(|c| c.header(&*facts.cloud, credential));
    for line in header.iter().flat_map(|h| &h.identity) {
        out.text(line);
    }
    for ws in &facts.workspaces {
        out.text(&format!("  workspace      {} ({}), compartment {}", shown(&ws.name), ws.id, ws.compartment));
    }
    if facts.workspaces.is_empty() {
        out.text("  workspace      none: register and validate only");
    }
    if let Some(h) = &header {
        out.text(&format!("  key            {}", h.key));
        out.text(&format!("  Anthropic      {}", h.anthropic));
    }
}

fn print_checks(out: &Output, checks: &[Check]) {
    let count = |s: CheckStatus| checks.iter().filter(|c| c.status == s).count();
    let to_do = match count(CheckStatus::ToDo) {
        0 => String::new(),
        n => format!("; {n} to do by this plan"),
    };
    out.text(&format!(
        "\n{} ({} of {} passed{to_do})",
        out.paint(Tone::Strong, "Checks"),
        count(CheckStatus::Pass),
        checks.len()
    ));
    for c in checks {
        let (mark, tone) = match c.status {
            CheckStatus::Pass => ("✓", Tone::Good),
            CheckStatus::Warn => ("!", Tone::Warn),
            CheckStatus::Fail => ("✗", Tone::Bad),
            CheckStatus::ToDo => ("→", Tone::Strong),
        };
        if c.status == CheckStatus::Pass && out.verbose == 0 {
            continue;
        }
        out.text(&format!("  {} {} {}", out.paint(tone, mark), out.paint(Tone::Dim, c.id), c.title));
        if let Some(o) = &c.observed {
            out.text(&format!("      observed: {o}"));
        }
        // What the plan does needs no fix from the reader.
        if let Some(f) = c.fix.as_ref().filter(|_| c.status != CheckStatus::ToDo) {
            out.text(&format!("      fix:      {f}"));
        }
    }
}

fn print_steps(out: &Output, plan: &Plan, outcomes: Option<&[StepOutcome]>) {
    out.text(&format!("\n{}", out.paint(Tone::Strong, if outcomes.is_some() { "Result" } else { "Plan" })));
    for (i, step) in plan.steps.iter().enumerate() {
        let rev = step.action.reversibility().label();
        let line = match outcomes.and_then(|o| o.get(i)) {
            Some(StepOutcome::Done { detail }) => format!("{} {detail}", out.paint(Tone::Good, "✓")),
            Some(StepOutcome::Unchanged { reason }) => format!("= {reason}"),
            Some(StepOutcome::Gated { how }) => format!("{} {how}", out.paint(Tone::Warn, "!")),
            Some(StepOutcome::Skipped) => format!("- skipped: {}", step.action.title()),
            Some(StepOutcome::Failed { error }) => format!("{} {error}", out.paint(Tone::Bad, "✗")),
            None => match &step.state {
                StepState::Planned => format!("{} [{rev}]", step.action.title()),
                StepState::AlreadyDone(why) => format!("= {why}"),
                StepState::Gated(how) => format!("{} {}: {how}", out.paint(Tone::Warn, "!"), step.action.title()),
            },
        };
        out.text(&format!("  {}. {line}", i + 1));
    }
}

fn print_policy(out: &Output, plan: &Plan) {
    let Some(doc) = plan.document.as_ref().filter(|d| d.changes()) else { return };
    let heading = match doc.change {
        DocumentChange::New => format!("{} of the new key", doc.name),
        _ => format!("{} (before -> after)", doc.name),
    };
    out.text(&format!("\n{}", out.paint(Tone::Strong, &heading)));
    for line in doc.diff.to_unified().lines() {
        let tone = if line.starts_with('+') {
            Some(Tone::Added)
        } else if line.starts_with('-') {
            Some(Tone::Removed)
        } else {
            None
        };
        out.text(&format!("  {}", tone.map(|t| out.paint(t, line)).unwrap_or_else(|| line.to_string())));
    }
}

/// The command that attaches: this run's own, with the key it used and `--confirm-attach`, as
/// it must be typed (with the global flags the run had, `--sandbox` included).
fn attach_command(
    invocation: &Invocation,
    answers: &SetupAnswers,
    ws_id: &str,
    outcome: Option<&dyn CloudOutcome>,
) -> String {
    cmek_core::wizard::equivalent_command(invocation, answers, Some(ws_id), outcome, true)
}

fn next_steps_plan(invocation: &Invocation, answers: &SetupAnswers, plan: &Plan, blocked: bool) -> Vec<String> {
    if blocked {
        return vec!["fix the failed checks (each shows its fix), then run the same command again".into()];
    }
    let mut next = vec!["run the same command without --plan to apply it".to_string()];
    for step in plan.steps.iter() {
        if let Step { action: Action::Attach { workspace_id, .. }, state: StepState::Gated(_) } = step {
            next.push(format!(
                "to attach as well (permanent): {}",
                attach_command(invocation, answers, workspace_id, None)
            ));
        }
    }
    next
}

fn next_steps_run(invocation: &Invocation, answers: &SetupAnswers, plan: &Plan, report: &RunReport) -> Vec<String> {
    let outcome = Some(&*report.cloud);
    if report.failure.is_some() {
        return vec!["fix the cause above, then run the same command again: finished steps are not repeated".into()];
    }
    let attaches: Vec<&Step> = plan.steps.iter().filter(|s| matches!(s.action, Action::Attach { .. })).collect();
    if attaches.is_empty() {
        let command = attach_command(invocation, answers, "<workspace id>", outcome);
        return vec![format!("attach the key to a workspace (permanent): {command}")];
    }
    attaches
        .into_iter()
        .filter_map(|step| match step {
            Step { action: Action::Attach { workspace_id, .. }, state: StepState::Gated(how) } => {
                Some(if how.contains("--confirm-attach") {
                    format!("attach (permanent): {}", attach_command(invocation, answers, workspace_id, outcome))
                } else {
                    how.clone()
                })
            }
            _ => None,
        })
        .collect()
}
