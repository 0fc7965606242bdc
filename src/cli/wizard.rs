//! `cmek` / `cmek setup` on a terminal: the step-by-step wizard. Checks that it can run (a
//! terminal on both ends), pre-fills it from flags and `--answers`, points it at the real services
//! or the sandbox, sends logs to a file, and hands over to the TUI runtime.

use std::io::IsTerminal;

use super::args::SetupArgs;
use super::clouds;
use super::connect::Reach;
use crate::engine::journal::Journal;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::tui::runtime::{self, Connector};
use crate::tui::theme::Theme;
use cmek_core::wizard::Invocation;
use cmek_core::wizard::Prefill;

pub async fn run(
    args: &SetupArgs,
    reach: &Reach<'_>,
    out: &Output,
    no_color: bool,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    invocation: &Invocation,
) -> Result<i32> {
    // Inputs first: the answer does not depend on the terminal.
    if args.key_per_workspace {
        return Err(Error::usage(
            "the wizard sets up one key at a time (several workspaces may share it: mark them with Space); \
             --key-per-workspace runs without it",
        )
        .with_hint("run `cmek setup --non-interactive` with the same flags (add --plan to see it all first)"));
    }
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(Error::usage(
            "the setup wizard needs a terminal (stdin and stdout are not both terminals here); for scripts and CI \
             pass --non-interactive",
        )
        .with_hint("cmek setup --non-interactive --provider aws --workspace <id|name> [--confirm-attach <id|name>]"));
    }
    if out.is_json() {
        return Err(Error::usage("--output json goes with --non-interactive; the wizard talks to a person"));
    }
    let journal_root = Journal::default_root(env)
        .ok_or_else(|| Error::usage("cannot find a state directory for the run journal: set XDG_STATE_HOME or HOME"))?;
    start_log_file(&journal_root);
    let connector = Connector {
        platform: reach.platform_client()?,
        // Building a cloud's runtime makes no call; the Welcome screen says whether it can be used.
        clouds: clouds::all().iter().map(|c| (c.kind(), c.runtime(reach).map_err(|e| e.to_string()))).collect(),
        journal_root,
    };
    let mut prefill = Prefill {
        provider: args.provider.clone(),
        workspace: args.workspace.first().cloned(),
        also_workspaces: args.workspace.iter().skip(1).cloned().collect(),
        display_name: args.display_name.clone(),
        invocation: invocation.clone(),
        ..Prefill::default()
    };
    for cloud in clouds::all() {
        cloud.prefill(args, &mut prefill)?;
    }
    let no_color_env = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = if no_color || no_color_env { Theme::no_color() } else { Theme::default() };
    let finished = runtime::run(connector, prefill, theme).await?;
    for line in &finished.recap {
        out.text(line);
    }
    Ok(finished.code)
}

/// Logs go to `<state>/cmek/logs/wizard.log`, never onto the screen the wizard draws.
/// Without a writable state directory the wizard runs without a log rather than not at all.
fn start_log_file(journal_root: &std::path::Path) {
    let Some(dir) = journal_root.parent().map(|p| p.join("logs")) else { return };
    let opened = std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::OpenOptions::new().create(true).append(true).open(dir.join("wizard.log")));
    let Ok(file) = opened else { return };
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("CMEK_LOG").unwrap_or_else(|_| "info".into()))
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}
