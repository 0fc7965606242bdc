//! `cmek setup --non-interactive`: parse every input first (a malformed value makes no call),
//! gather facts, show the plan, apply it unless `--plan`, and report.

use serde_json::json;

use super::args::SetupArgs;
use super::clouds;
use super::connect::Reach;
use super::setup_report::{self, PlatformCredential, ProgressPrinter, ReportContext};
use crate::engine::journal::Journal;
use crate::engine::{self, Cancel, Services};
use crate::engine::{resume, run_lock};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use cmek_core::model::{ProviderKind, WorkspaceRef};
use cmek_core::plan::{self, SetupAnswers};
use cmek_core::run::events::{Event, EventSink};
use cmek_core::wizard::Invocation;

pub async fn run(
    args: &SetupArgs,
    reach: &Reach<'_>,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    invocation: &Invocation,
) -> Result<i32> {
    let answers = answers_from(args)?;
    let platform = reach.platform_client()?;
    let cloud = reach.cloud(answers.provider())?;
    let cancel = Cancel::new();
    let watcher = tokio::spawn(watch_ctrl_c(cancel.clone()));
    let services = Services { platform, cloud, cancel };
    let result = match args.key_per_workspace {
        true => super::setup_per_workspace::run(args, &answers, &services, out, env, invocation).await,
        false => run_with(args, &answers, &services, out, env, invocation, None).await.map(|end| end.code),
    };
    watcher.abort();
    result
}

/// The first Ctrl-C raises the run's cancel signal (a wait stops, the run stops before its next
/// step, and the report is still printed); a second one ends the process at once.
async fn watch_ctrl_c(cancel: Cancel) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(ErrorKind::Interrupted.exit_code());
    }
}

/// How one run ended: its exit code, and whether it changed anything (a later run's refusal must
/// not claim that nothing was changed).
pub(super) struct RunEnd {
    pub code: i32,
    pub changed: bool,
}

/// One run: gather, plan, apply unless `--plan`, report. `collect`: where its JSON document goes
/// when several runs make one document (stdout otherwise).
pub(super) async fn run_with(
    args: &SetupArgs,
    answers: &SetupAnswers,
    services: &Services,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    invocation: &Invocation,
    collect: Option<&std::cell::RefCell<Vec<serde_json::Value>>>,
) -> Result<RunEnd> {
    let answers = answers.clone();
    let mut progress = ProgressPrinter::new(out);
    let root = Journal::default_root(env)
        .ok_or_else(|| Error::usage("cannot find a state directory for the run journal: set XDG_STATE_HOME or HOME"))?;
    // A run that changes things waits for another on this machine, then inspects what it left.
    let _lock = match args.plan {
        true => None,
        false => Some(run_lock::acquire(&root, "cmek setup --non-interactive", &services.cancel, &mut progress).await?),
    };
    let facts = tokio::select! {
        facts = engine::gather(services, &answers, &mut progress) => facts?,
        _ = services.cancel.cancelled() => return Err(interrupted_inspecting()),
    };
    let plan = plan::build(&answers, &facts)?;

    let credential = services.cloud.credential_source();
    let platform = PlatformCredential::of(&services.platform);
    let ctx = ReportContext { invocation, platform: &platform, collect };
    setup_report::print_plan_text(out, &facts, &plan, credential.as_deref(), &platform);
    let blocked = !plan.blocking_failures().is_empty();

    // Every run is journalled, the ones that stop at the plan too: what was found and decided.
    let resumed = match args.plan {
        true => None,
        false => resume::last_unfinished(&root, &facts.org.uuid.to_string()),
    };
    if let Some(r) = &resumed {
        progress.emit(Event::Notice { text: r.describe() });
    }
    let journal = Journal::create(&root, "setup").map_err(|e| Error::remote(e.to_string()))?;
    let mut started = json!({
        "command": "setup",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": if args.plan { "plan" } else { "apply" },
        "provider": answers.provider(),
        "workspaces": answers.workspaces.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "confirm_attach": answers.confirm_attach.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "organization": facts.org.uuid.to_string(),
        // Where the Admin API credential came from, never its value.
        "platform_credential": platform.json,
    });
    for (name, value) in facts.cloud.journal().into_iter().chain(answers.cloud.journal()) {
        started[name] = value;
    }
    started["anthropic_principal"] = json!(setup_report::anthropic_principal(answers.provider()));
    started["steps"] = json!(plan.steps.iter().map(|s| s.action.kind()).collect::<Vec<_>>());
    started["failed_checks"] = json!(plan.blocking_failures().iter().map(|c| c.id).collect::<Vec<_>>());
    started["resumes"] = json!(resumed.as_ref().map(|r| r.dir.display().to_string()));
    let _ = journal.record("run_started", started);
    if blocked || args.plan {
        let code = if blocked { 1 } else { 0 };
        let why = if blocked { "blocked by failed checks" } else { "--plan" };
        let _ = journal.record("run_finished", json!({ "exit_code": code, "changed": false, "why": why }));
        setup_report::print_plan_only(out, &ctx, &answers, &facts, &plan, blocked);
        return Ok(RunEnd { code, changed: false });
    }

    let mut report = engine::apply(services, &facts, &plan, &journal, &mut progress).await;
    if let Some(r) = &resumed {
        report.notes.insert(0, r.describe());
    }
    let code = report.exit_code(&plan, &answers.confirm_attach);
    let _ = journal.record(
        "run_finished",
        json!({ "exit_code": code, "changed": report.changed(&plan), "attach_held": report.attach_held(&plan) }),
    );
    setup_report::print_run(out, &ctx, &answers, &facts, &plan, &report, journal.dir());
    Ok(RunEnd { code, changed: report.changed(&plan) })
}

/// Parses and cross-checks every input before anything is called.
/// Ctrl-C while the facts were being read: nothing was changed.
pub(super) fn interrupted_inspecting() -> Error {
    Error::new(ErrorKind::Interrupted, "interrupted while inspecting; nothing was changed")
        .with_hint("re-run the same command when you are ready")
}

pub fn answers_from(args: &SetupArgs) -> Result<SetupAnswers> {
    let provider: ProviderKind = args
        .provider
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| {
            Error::missing_input(
                "the cloud provider",
                &format!("--provider {}", clouds::provider_choices()),
                Some("CMEK_PROVIDER"),
            )
        })?
        .parse()?;
    let Some(cloud) = clouds::get(provider) else {
        return Err(Error::usage(format!(
            "provider `{provider}` is not supported yet; this version sets up {}",
            clouds::provider_list()
        )));
    };
    for other in clouds::all().iter().filter(|c| c.kind() != provider) {
        refuse_flags(&other.setup_flags_given(args), provider, other.kind())?;
    }
    let workspaces = parse_all::<WorkspaceRef>(&args.workspace)?;
    let mut confirm_attach = Vec::with_capacity(args.confirm_attach.len());
    for given in &args.confirm_attach {
        confirm_attach.extend(parse_opt::<WorkspaceRef>(&exact("--confirm-attach", &Some(given.clone()))?)?);
    }
    let cloud = cloud.setup_answers(args)?;
    if let Some(name) = &args.display_name {
        let n = name.chars().count();
        if n == 0 || n > 255 {
            return Err(Error::usage(format!("--display-name must be 1 to 255 characters, got {n}")));
        }
        cmek_core::text::check_name("--display-name", name).map_err(Error::usage)?;
    }
    Ok(SetupAnswers { workspaces, confirm_attach, display_name: args.display_name.clone(), cloud })
}

/// A typed confirmation of something irreversible is taken exactly as typed, as the wizard takes
/// it: a space around it is a different value, not a slip to forgive.
pub(crate) fn exact(flag: &str, value: &Option<String>) -> Result<Option<String>> {
    match value {
        Some(v) if v.trim() != v => Err(Error::usage(format!(
            "{flag} `{}` has spaces around it; a confirmation of something permanent must be typed exactly",
            cmek_core::text::escape_controls(v)
        ))
        .with_hint(format!("{flag} {}", cmek_core::text::escape_controls(v.trim())))),
        other => Ok(other.clone()),
    }
}

/// Refuses the flags of another cloud than the run's.
fn refuse_flags(given: &[&str], provider: ProviderKind, other: ProviderKind) -> Result<()> {
    match given {
        [] => Ok(()),
        flags => Err(Error::usage(format!(
            "{} only appl{} to --provider {other}, not to --provider {provider}",
            flags.join(", "),
            if flags.len() == 1 { "ies" } else { "y" }
        ))
        .with_hint(format!("drop {} (or its environment variable or answers-file key)", flags.join(", ")))),
    }
}

/// Each value parsed (blank ones skipped), in order.
fn parse_all<T: std::str::FromStr<Err = cmek_core::model::ParseError>>(values: &[String]) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        out.extend(parse_opt::<T>(&Some(v.clone()))?);
    }
    Ok(out)
}

pub(crate) fn parse_opt<T: std::str::FromStr<Err = cmek_core::model::ParseError>>(
    v: &Option<String>,
) -> Result<Option<T>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(s.parse()?)),
        None => Ok(None),
    }
}
