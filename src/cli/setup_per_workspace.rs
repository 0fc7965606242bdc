//! `setup --key-per-workspace`: one key for each `--workspace`, named after it (the blast-radius
//! practice: a key's loss or compromise reaches one environment). The workspaces and which
//! `--confirm-attach` belongs to which are settled before anything changes; then each gets the
//! ordinary run, its attach gated on its own confirmation. With `--output json` the runs make one
//! `cmek.setup-runs/v1` document.

use std::cell::RefCell;

use serde_json::json;

use super::args::SetupArgs;
use super::setup::run_with;
use crate::engine::{self, Services};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use cmek_core::model::{WorkspaceRef, workspace_key_suffix};
use cmek_core::plan::SetupAnswers;
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
    let mut stopped: Option<(String, Error)> = None;
    for (label, answers) in &runs {
        if !out.is_json() {
            out.text(&format!("\n── workspace {label}: its own key {}", answers.cloud.key_choice()));
        }
        match run_with(args, answers, services, out, env, invocation, collect).await {
            Ok(c) => {
                if code == 0 {
                    code = c;
                }
            }
            Err(e) => {
                // Later workspaces wait for the cause to be fixed; earlier ones keep what they did.
                stopped = Some((label.clone(), e));
                break;
            }
        }
    }
    let done = docs.borrow().len();
    let changed_before = docs.borrow().iter().any(|d| d["changed"] == json!(true));
    if out.is_json() {
        let mut doc = json!({ "schema": "cmek.setup-runs/v1", "key_per_workspace": true, "runs": docs.take() });
        if let Some((label, e)) = &stopped {
            doc["stopped_at"] = json!(label);
            doc["error"] = json!(e);
            doc["not_run"] = json!(runs.iter().skip(done + 1).map(|(l, _)| l).collect::<Vec<_>>());
        }
        out.json(&doc);
    }
    match stopped {
        None => Ok(code),
        Some((label, e)) => {
            let not_run: Vec<&str> = runs.iter().skip(done + 1).map(|(l, _)| l.as_str()).collect();
            let mut e = e.with_hint(format!(
                "stopped at workspace {label}{}; re-run the same command after fixing it: finished steps are found \
                 again, not repeated",
                if not_run.is_empty() { String::new() } else { format!(" (not run: {})", not_run.join(", ")) }
            ));
            // "Nothing was changed" (exit 2) is not true when an earlier workspace's run changed things.
            if changed_before && e.kind == ErrorKind::Usage {
                e.kind = ErrorKind::Remote;
            }
            if out.is_json() {
                // The document above already holds the error; only the exit code is left to say.
                return Ok(e.kind.exit_code());
            }
            Err(e)
        }
    }
}

/// One run's answers per workspace (labelled `name (id)`), each confirmation given to the workspace
/// it names. Refuses, before any change, `--key` (one key cannot be several), a confirmation that
/// names none of them and two workspaces whose key names would be the same.
async fn per_workspace_answers(answers: &SetupAnswers, services: &Services) -> Result<Vec<(String, SetupAnswers)>> {
    if answers.workspaces.is_empty() {
        return Err(Error::usage("--key-per-workspace needs the workspaces: name each with --workspace")
            .with_hint("e.g. --workspace production --workspace staging --key-per-workspace"));
    }
    let workspaces = engine::resolve_workspaces(services, &answers.workspaces).await?;
    for given in &answers.confirm_attach {
        if !workspaces.iter().any(|w| given.matches(&w.id, &w.name)) {
            let named: Vec<String> = workspaces.iter().map(|w| format!("{} ({})", shown(&w.name), w.id)).collect();
            return Err(Error::usage(format!(
                "--confirm-attach {} names none of the workspaces: {}; attaching is permanent, so each \
                 confirmation must repeat one of them (its id or exact name)",
                shown(&given.to_string()),
                named.join(", ")
            )));
        }
    }
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
