//! The command line as clap builds it from [`Cli`], with what the derive cannot say: the global
//! connection flags hidden where they mean nothing (every one under the offline `policy` tools
//! and `completions`; the clouds' under `status`, which only reads the platform).

use clap::CommandFactory;

use super::Cli;

/// The subcommands that never connect anywhere.
const OFFLINE: [&str; 2] = ["policy", "completions"];

/// The subcommands that reach the platform (or the sandbox) but never a cloud.
const PLATFORM_ONLY: [&str; 1] = ["status"];

/// Every argument that only says how to reach a service (the platform, a cloud, the sandbox).
fn is_connection(arg: &clap::Arg) -> bool {
    arg.is_global_set() && !matches!(arg.get_id().as_str(), "output" | "no_color" | "verbose")
}

/// The arguments that say how to reach a cloud (each cloud's group is headed "<cloud> connection").
fn is_cloud_connection(arg: &clap::Arg) -> bool {
    is_connection(arg) && arg.get_help_heading().is_some_and(|h| h.ends_with(" connection"))
}

/// The `cmek` command line.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    // clap propagates a global flag to a subcommand only when the subcommand has no argument of
    // that id, so a hidden copy there (and, being global too, below it) takes its place in help.
    let hidden = |keep: fn(&clap::Arg) -> bool| -> Vec<clap::Arg> {
        cmd.get_arguments().filter(|a| keep(a)).map(|a| a.clone().hide(true)).collect()
    };
    let (offline, clouds) = (hidden(is_connection), hidden(is_cloud_connection));
    let cmd = OFFLINE.iter().fold(cmd.clone(), |cmd, name| cmd.mut_subcommand(name, |sub| sub.args(offline.clone())));
    PLATFORM_ONLY.iter().fold(cmd, |cmd, name| cmd.mut_subcommand(name, |sub| sub.args(clouds.clone())))
}
