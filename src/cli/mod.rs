//! The command-line front end: clap definitions, then one file per command. Translates between
//! people and the engine; decides nothing about keys or policies itself.

mod args;
mod completions;
mod connect;
mod sandbox;
mod setup;
mod setup_report;

pub use args::{Cli, Command, OutputFormat};
use connect::Reach;

use clap::Parser;

use crate::error::{Error, ErrorKind, Result};
use crate::output::{Format, Output};

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ErrorKind::Usage.exit_code() } else { 0 };
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let format = match cli.output {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
    };
    let no_color_env = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let out = Output::new(format, cli.no_color, no_color_env, cli.verbose);

    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            out.error(&Error::remote(format!("cannot start the async runtime: {e}")));
            return ErrorKind::Remote.exit_code();
        }
    };
    // The sandbox treats Ctrl-C as its normal stop; every other command is interrupted by it.
    let stops_on_ctrl_c = matches!(cli.command, Command::Sandbox(_));
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
        Command::Sandbox(args) => sandbox::run(&cli, args, out).await,
        Command::Completions { shell } => completions::run(*shell),
        Command::Setup(args) => match sandbox::start_for_command(&cli, out).await? {
            None => {
                let reach = Reach::Real { platform: &cli.platform, aws: &cli.aws, env };
                setup::run(args, &reach, out, env).await
            }
            Some(sb) => {
                let result = setup::run(args, &Reach::Sandbox(sb.endpoints()), out, env).await;
                let stopped = sb.shutdown().await;
                let code = result?;
                stopped.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
                Ok(code)
            }
        },
    }
}
