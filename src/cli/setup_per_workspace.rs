//! `setup --key-per-workspace`: one key for each `--workspace`, named after it (the blast-radius
//! practice: a key's loss or compromise reaches one environment). The workspaces, which
//! `--confirm-attach` belongs to which, and every workspace's plan are settled before anything
//! changes; then each gets the ordinary run, its attach gated on its own confirmation. With
//! `--output json` the runs make one `cmek.setup-runs/v1` document: `runs` (the runs that
//! finished), then, when it stopped, `stopped_at`, `error` and `not_run` (every other workspace
//! whose run was not started), so the three name every workspace once.

use std::cell::RefCell;

use serde_json::json;

use super::args::SetupArgs;
use super::setup::run_with;
use crate::engine::{self, Services};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use cmek_core::model::{WorkspaceRef, workspace_key_suffix};
use cmek_core::plan::{SetupAnswers, check_workspace_inputs};
use cmek_core::text::escape_controls as shown;
use cmek_core::wizard::Invocation;

pub async fn run(
    args: &SetupArgs,
    answers: &SetupAnswers,
    services: &Services,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    invocation: &Invocation,
) -> Result<i32> {
    let runs = per_workspace_answers(answers, services).await?;
    let docs = RefCell::new(Vec::new());
    let collect = out.is_json().then_some(&docs);
    let mut code = 0;
    let mut changed_before = false;
    // Every workspace's plan is checked before the first one changes anything.
    let refused = match args.plan {
        true => None,
        false => {
            if !out.is_json() {
                out.progress("checking every workspace's plan before any of them changes anything");
            }
            preflight(&runs, services).await
        }
    };
    let stopped: Option<(String, Error, Vec<String>)> = match refused {
        Some((label, e)) => {
            let not_run: Vec<String> = runs.iter().map(|(l, _)| l.clone()).filter(|l| *l != label).collect();
            let e = match e.kind {
                ErrorKind::Interrupted => e,
                _ => e.with_hint(
                    "no workspace's run was started (all of them wait for this to be fixed); see each plan with the \
                     same command and --plan",
                ),
            };
            Some((label, e, not_run))
        }
        None => {
            let mut stopped = None;
            for (at, (label, answers)) in runs.iter().enumerate() {
                if !out.is_json() {
                    out.text(&format!("\n── workspace {label}: its own key {}", answers.cloud.key_choice()));
                }
                match run_with(args, answers, services, out, env, invocation, collect).await {
                    Ok(end) => {
                        changed_before |= end.changed;
                        if code == 0 {
                            code = end.code;
                        }
                    }
                    Err(e) => {
                        // Later workspaces wait for the cause to be fixed; earlier ones keep what they did.
                        let not_run: Vec<String> = runs.iter().skip(at + 1).map(|(l, _)| l.clone()).collect();
                        let e = stopped_error(e, label, &not_run, changed_before);
                        stopped = Some((label.clone(), e, not_run));
                        break;
                    }
                }
            }
            stopped
        }
    };
    // The whole command's exit code, as each run's document carries its own.
    let exit_code = stopped.as_ref().map_or(code, |(_, e, _)| e.kind.exit_code());
    if out.is_json() {
        let mut doc = json!({ "schema": "cmek.setup-runs/v1", "key_per_workspace": true, "runs": docs.take() });
        if let Some((label, e, not_run)) = &stopped {
            doc["stopped_at"] = json!(label);
            doc["error"] = json!(e);
            doc["not_run"] = json!(not_run);
        }
        doc["exit_code"] = json!(exit_code);
        out.json(&doc);
    }
    match stopped {
        // The document above already holds the error; only the exit code is left to say.
        Some((_, e, _)) if !out.is_json() => Err(e),
        _ => Ok(exit_code),
    }
}

/// Each workspace's facts gathered and plan built (read-only, quietly), so a refusal or a blocking
/// check for the last workspace stops the command before the first one's run changes anything.
/// Each run gathers again when its turn comes: what it does rests on what it sees then.
async fn preflight(runs: &[(String, SetupAnswers)], services: &Services) -> Option<(String, Error)> {
    for (label, answers) in runs {
        let prepared = tokio::select! {
            prepared = engine::wizard_api::prepare(services, answers) => prepared,
            _ = services.cancel.cancelled() => return Some((label.clone(), super::setup::interrupted_inspecting())),
        };
        let plan = match prepared {
            Ok((_, plan)) => plan,
            Err(e) => return Some((label.clone(), e)),
        };
        let blocking = plan.blocking_failures();
        if blocking.is_empty() {
            continue;
        }
        let ids: Vec<&str> = blocking.iter().map(|c| c.id).collect();
        let e = Error::new(
            ErrorKind::Unhealthy,
            format!(
                "the plan for workspace {label} is blocked by failed checks ({}); nothing was changed for any workspace",
                ids.join(", ")
            ),
        );
        let e =
            blocking.iter().filter_map(|c| c.fix.as_ref().map(|f| format!("{}: {f}", c.id))).fold(e, Error::with_hint);
        return Some((label.clone(), e));
    }
    None
}

/// The error a workspace's run stopped on, as the whole command reports it: where it stopped,
/// what did not run, and, when an earlier workspace's run changed things, neither the exit code,
/// the message nor the hints may say that nothing was changed.
fn stopped_error(e: Error, label: &str, not_run: &[String], changed_before: bool) -> Error {
    let mut e = match changed_before {
        true => Error {
            message: format!(
                "workspace {label}: {}",
                e.message.replace("nothing was changed", "nothing more was changed for this workspace")
            ),
            ..e
        },
        false => e,
    };
    e = e.with_hint(format!(
        "stopped at workspace {label}{}; re-run the same command after fixing it: finished steps are found again, \
         not repeated",
        if not_run.is_empty() { String::new() } else { format!(" (not run: {})", not_run.join(", ")) }
    ));
    if changed_before {
        e = e.with_hint("the runs for the workspaces before it did change things: their reports are above");
        if e.kind == ErrorKind::Usage {
            e.kind = ErrorKind::Remote;
        }
    }
    e
}

/// One run's answers per workspace (labelled `name (id)`), each confirmation given to the workspace
/// it names. Refuses, before any change, what a single run's plan refuses for all of them (a
/// confirmation that names none, an archived workspace: the later runs would refuse it only after
/// the earlier ones changed things), `--key` (one key cannot be several) and two workspaces whose
/// key names would be the same.
async fn per_workspace_answers(answers: &SetupAnswers, services: &Services) -> Result<Vec<(String, SetupAnswers)>> {
    if answers.workspaces.is_empty() {
        return Err(Error::usage("--key-per-workspace needs the workspaces: name each with --workspace")
            .with_hint("e.g. --workspace production --workspace staging --key-per-workspace"));
    }
    let workspaces = engine::resolve_workspaces(services, &answers.workspaces).await?;
    check_workspace_inputs(answers, &workspaces).map_err(cmek_core::error::Error::from)?;
    let mut runs: Vec<(String, SetupAnswers)> = Vec::with_capacity(workspaces.len());
    let mut suffixes: Vec<(String, String)> = Vec::new();
    for w in &workspaces {
        let label = format!("{} ({})", shown(&w.name), w.id);
        let suffix = workspace_key_suffix(&w.name, &w.id);
        if let Some((other, _)) = suffixes.iter().find(|(_, s)| *s == suffix) {
            return Err(Error::usage(format!(
                "workspaces {other} and {label} would get keys of the same name (suffix `{suffix}`); \
                 rename one, or set them up in separate runs"
            )));
        }
        suffixes.push((label.clone(), suffix.clone()));
        let cloud = answers.cloud.for_workspace(&suffix).map_err(Error::usage)?;
        let confirm_attach: Vec<WorkspaceRef> =
            answers.confirm_attach.iter().filter(|c| c.matches(&w.id, &w.name)).cloned().collect();
        let display_name = answers.display_name.as_ref().map(|n| format!("{n} ({})", w.name));
        let workspace = WorkspaceRef::Id(w.id.parse().map_err(|e| {
            Error::remote(format!("the platform returned workspace id `{}`, which cmek cannot use: {e}", w.id))
        })?);
        runs.push((label, SetupAnswers { workspaces: vec![workspace], confirm_attach, display_name, cloud }));
    }
    Ok(runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_after_an_earlier_workspace_changed_things_does_not_exit_as_nothing_changed() {
        let not_run = vec!["staging (wrkspc_2)".to_string()];
        let refused = || Error::usage("workspace development (wrkspc_1) is archived");

        let first = stopped_error(refused(), "development (wrkspc_1)", &not_run, false);
        assert_eq!(first.kind, ErrorKind::Usage, "the first run refused: nothing was changed");
        assert!(first.hints.iter().any(|h| h.contains("stopped at workspace development") && h.contains("staging")));

        let later = stopped_error(
            Error::usage("the plan refused it; nothing was changed"),
            "development (wrkspc_1)",
            &not_run,
            true,
        );
        assert_eq!(later.kind, ErrorKind::Remote);
        assert!(!later.message.contains("nothing was changed"), "{later:?}");
        assert!(later.message.starts_with("workspace development (wrkspc_1): "), "{later:?}");
        assert_ne!(later.kind.exit_code(), ErrorKind::Usage.exit_code());
        assert!(later.hints.iter().any(|h| h.contains("did change things")), "{later:?}");

        let auth = stopped_error(Error::new(ErrorKind::Auth, "expired"), "staging (wrkspc_2)", &[], true);
        assert_eq!(auth.kind, ErrorKind::Auth, "another kind keeps its own exit code");
    }
}
