//! The command-line front end: clap definitions, then one file per command. Translates between
//! people and the engine; decides nothing about keys or policies itself.

mod answers_file;
mod args;
mod auth;
#[cfg(test)]
mod auth_tests;
pub mod aws;
pub mod azure;
mod clouds;
mod completions;
mod connect;
mod doctor;
mod doctor_report;
mod durations;
mod empty_values;
mod endpoint;
mod export;
pub mod gcp;
mod grammar;
mod invocation;
mod parse_hints;
mod sandbox;
mod sandbox_proxy;
mod setup;
mod setup_per_workspace;
mod setup_report;
mod status;
mod wizard;

pub use args::{AuthCommand, Cli, Command, ExportCommand, OutputFormat, SetupArgs};
use connect::Reach;

use clap::FromArgMatches;

use crate::error::{Error, ErrorKind, Result};
use crate::output::{Format, Output};

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let grammar = grammar::command();
    let parsed = grammar.clone().try_get_matches().and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (mut cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            if !e.use_stderr() {
                let _ = e.print();
                return 0;
            }
            // clap repeats the words it did not understand: escaped, like every user string.
            let message = e.render().to_string();
            // A key typed where a flag was expected must not be repeated back (nor saved by a script).
            let lines: Vec<_> = message
                .lines()
                .map(parse_hints::mask_keys)
                .map(|l| cmek_core::text::escape_controls(&l).into_owned())
                .collect();
            eprintln!("{}", lines.join("\n"));
            let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
            let hint = parse_hints::sandbox_without_equals(&args, &grammar);
            if let Some(hint) = &hint {
                eprintln!("  hint: {hint}");
            }
            // A script that asked for JSON gets its error document too (the text above stays on
            // stderr for the person reading the log).
            if parse_hints::wants_json(&args, std::env::var("CMEK_OUTPUT").ok().as_deref()) {
                let mut error = parse_hints::as_error(&lines);
                if let Some(hint) = hint {
                    error = error.with_hint(hint);
                }
                Output::new(Format::Json, true, true, 0).error(&error);
            }
            return ErrorKind::Usage.exit_code();
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let format = match cli.output {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
    };
    let no_color_env = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let out = Output::new(format, cli.no_color, no_color_env, cli.verbose);
    if let Err(e) = empty_values::refuse_empty(&grammar, &matches) {
        out.error(&e);
        return e.exit_code();
    }
    cli.invocation = invocation::of(&grammar, &matches);

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            out.error(&Error::remote(format!("cannot start the async runtime: {e}")));
            return ErrorKind::Remote.exit_code();
        }
    };
    // The sandbox treats Ctrl-C as its normal stop; every other command is interrupted by it. (In
    // the wizard, raw mode turns Ctrl-C into a key the wizard asks about itself; a SIGINT sent from
    // elsewhere still ends it here, and dropping the wizard's terminal guard restores the screen.)
    // A non-interactive setup handles Ctrl-C itself: it stops a wait (or the run between steps) and
    // still reports what was done.
    let stops_on_ctrl_c = matches!(&cli.command, Some(Command::Sandbox(_)))
        || matches!(&cli.command, Some(Command::Setup(a)) if a.non_interactive);
    let result = runtime.block_on(async {
        if stops_on_ctrl_c {
            return run(cli, &out, &env).await;
        }
        tokio::select! {
            r = run(cli, &out, &env) => r,
            _ = tokio::signal::ctrl_c() => Err(Error::new(
                ErrorKind::Interrupted,
                "interrupted; the run journal records every step that finished",
            )),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            out.error(&e);
            e.exit_code()
        }
    }
}

/// Dispatches to the command; `Ok(code)` is 0 for healthy, 1 for "ran, but not healthy".
async fn run(cli: Cli, out: &Output, env: &(dyn Fn(&str) -> Option<String> + Sync)) -> Result<i32> {
    match &cli.command {
        Some(Command::Sandbox(args)) => sandbox::run(&cli, args, out).await,
        Some(Command::Completions { shell }) => completions::run(*shell),
        Some(Command::Policy(args)) => clouds::run_policy(args, out),
        Some(Command::Setup(args)) => setup_with_reach(&cli, args, out, env).await,
        Some(Command::Doctor(args)) => doctor_with_reach(&cli, args, out, env).await,
        Some(Command::Auth(AuthCommand::Status)) => auth_status_with_reach(&cli, out, env).await,
        Some(Command::Export(ExportCommand::Terraform(args))) => export_with_reach(&cli, args, out, env).await,
        Some(Command::Status(args)) => status_with_reach(&cli, args, out, env).await,
        None => setup_with_reach(&cli, &SetupArgs::default(), out, env).await,
    }
}

/// `setup` against the real services or the in-process sandbox, as a wizard or non-interactively.
async fn setup_with_reach(
    cli: &Cli,
    args: &SetupArgs,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let args = match &args.answers {
        Some(path) => answers_file::load_under(path, args)?,
        None => args.clone(),
    };
    let sandbox = sandbox::start_for_command(cli, out).await?;
    let reach = reach(cli, &sandbox, out, env)?;
    let result = if args.non_interactive {
        setup::run(&args, &reach, out, env, &cli.invocation).await
    } else {
        wizard::run(&args, &reach, out, cli.no_color, env, &cli.invocation).await
    };
    stop_sandbox(sandbox, result).await
}

/// `doctor` against the real services or the in-process sandbox.
async fn doctor_with_reach(
    cli: &Cli,
    args: &args::DoctorArgs,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let request = doctor::request_from(args)?;
    let sandbox = sandbox::start_for_command(cli, out).await?;
    let reach = reach(cli, &sandbox, out, env)?;
    let result = doctor::run(&request, &reach, out).await;
    stop_sandbox(sandbox, result).await
}

/// `export terraform` against the real services or the in-process sandbox (read-only).
async fn export_with_reach(
    cli: &Cli,
    args: &args::ExportTerraformArgs,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let setup = match &args.answers {
        Some(path) => answers_file::load_under(path, &args.setup_args())?,
        None => args.setup_args(),
    };
    let answers = setup::answers_from(&setup)?;
    export::refuse_overwrite(args, &[cmek_core::export::terraform::MAIN_FILE])?;
    let sandbox = sandbox::start_for_command(cli, out).await?;
    let reach = reach(cli, &sandbox, out, env)?;
    let result = export::run(args, &answers, &reach, out).await;
    stop_sandbox(sandbox, result).await
}

/// `auth status` against the real platform or the in-process sandbox.
async fn auth_status_with_reach(cli: &Cli, out: &Output, env: &(dyn Fn(&str) -> Option<String> + Sync)) -> Result<i32> {
    let sandbox = sandbox::start_for_command(cli, out).await?;
    let reach = reach(cli, &sandbox, out, env)?;
    let result = auth::status(&reach, out).await;
    stop_sandbox(sandbox, result).await
}

/// `status` against the real platform or the in-process sandbox.
async fn status_with_reach(
    cli: &Cli,
    args: &args::StatusArgs,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let sandbox = sandbox::start_for_command(cli, out).await?;
    let reach = reach(cli, &sandbox, out, env)?;
    let result = status::run(args, &reach, out, env, &cli.invocation).await;
    stop_sandbox(sandbox, result).await
}

/// Where this command's clients go: the in-process sandbox, a running one (`--sandbox-endpoints`),
/// or the real services.
fn reach<'a>(
    cli: &'a Cli,
    sandbox: &Option<cmek_sandbox::Sandbox>,
    out: &Output,
    env: &'a (dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Reach<'a>> {
    if let Some(sb) = sandbox {
        let endpoints = sb.endpoints().map_err(|e| {
            Error::usage(e.to_string()).with_hint("start it afresh: run without --sandbox-state, or remove that file")
        })?;
        return Ok(Reach::Sandbox(Box::new(endpoints)));
    }
    if let Some(path) = &cli.sandbox_endpoints {
        let endpoints = cmek_sandbox::endpoints_file::read(path).map_err(|e| Error::usage(e.to_string()))?;
        if !out.is_json() {
            out.progress(&format!(
                "sandbox: the running sandbox at {} (nothing real is touched)",
                endpoints.base_url.as_str().trim_end_matches('/')
            ));
        }
        return Ok(Reach::Sandbox(Box::new(endpoints)));
    }
    Ok(Reach::Real { platform: &cli.platform, clouds: &cli.clouds, env })
}

/// Stops an in-process sandbox (saving its state) after a command; the command's own error wins.
async fn stop_sandbox(sandbox: Option<cmek_sandbox::Sandbox>, result: Result<i32>) -> Result<i32> {
    let Some(sb) = sandbox else { return result };
    let stopped = sb.shutdown().await;
    let code = result?;
    stopped.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    Ok(code)
}
