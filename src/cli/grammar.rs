//! The command line as clap builds it from [`Cli`], with what the derive cannot say: the global
//! connection flags hidden where they mean nothing (the offline `policy` tools, `completions`).

use clap::CommandFactory;

use super::Cli;

/// The subcommands that never connect anywhere.
const OFFLINE: [&str; 2] = ["policy", "completions"];

/// Every argument that only says how to reach a service (the platform, a cloud, the sandbox).
fn is_connection(arg: &clap::Arg) -> bool {
    arg.is_global_set() && !matches!(arg.get_id().as_str(), "output" | "no_color" | "verbose")
}

/// The `cmek` command line.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    // clap propagates a global flag to a subcommand only when the subcommand has no argument of
    // that id, so a hidden copy there (and, being global too, below it) takes its place in help.
    let hidden: Vec<clap::Arg> =
        cmd.get_arguments().filter(|a| is_connection(a)).map(|a| a.clone().hide(true)).collect();
    OFFLINE.iter().fold(cmd, |cmd, name| cmd.mut_subcommand(name, |sub| sub.args(hidden.clone())))
}
