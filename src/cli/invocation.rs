//! `cmek` with the global flags this run was started with, for the commands `cmek` suggests
//! ("Next:", the wizard's equivalent command): pasted, they reach the same place (the same
//! sandbox and state file, the same profile or endpoint). Presentation flags (`--output`,
//! `--no-color`, `-v`) are left out; secrets are never flags.

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

use cmek_core::shell::quoted;
use cmek_core::wizard::Invocation;

/// Global flags that only change how this run prints.
const PRESENTATION: &[&str] = &["output", "no_color", "verbose"];

/// Whether the objects a run makes are still there for the command it suggests: not with the
/// in-process sandbox and no `--sandbox-state` (each run starts afresh), so a suggestion must not
/// name a key that run made.
fn keeps_state(cmd: &Command, matches: &ArgMatches) -> bool {
    let given = |id: &str| cmd.get_arguments().any(|a| a.get_id() == id) && matches.contains_id(id);
    !given("sandbox") || given("sandbox_state")
}

/// The run's invocation, as the commands it suggests must repeat it.
pub fn of(cmd: &Command, matches: &ArgMatches) -> Invocation {
    Invocation { prefix: prefix(cmd, matches), keeps_state: keeps_state(cmd, matches) }
}

fn prefix(cmd: &Command, matches: &ArgMatches) -> String {
    let mut out = String::from("cmek");
    for arg in cmd.get_arguments().filter(|a| a.is_global_set() || a.get_long().is_some()) {
        let id = arg.get_id().as_str();
        if PRESENTATION.contains(&id) || matches.value_source(id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let Some(long) = arg.get_long() else { continue };
        let Ok(Some(values)) = matches.try_get_raw(id) else { continue };
        for value in values {
            let value = value.to_string_lossy();
            if arg.is_require_equals_set() {
                out.push_str(&format!(" --{long}={}", quoted(&value)));
            } else if arg.get_action().takes_values() {
                out.push_str(&format!(" --{long} {}", quoted(&value)));
            } else {
                out.push_str(&format!(" --{long}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn prefix_of(args: &[&str]) -> String {
        let cmd = Cli::command();
        let matches = cmd.clone().try_get_matches_from(args).unwrap();
        prefix(&cmd, &matches)
    }

    #[test]
    fn the_sandbox_and_connection_flags_are_repeated_and_presentation_is_not() {
        assert_eq!(prefix_of(&["cmek", "setup"]), "cmek");
        assert_eq!(
            prefix_of(&[
                "cmek",
                "--sandbox=flaky",
                "--sandbox-state",
                "/tmp/my state.json",
                "--output",
                "json",
                "setup"
            ]),
            "cmek --sandbox=flaky --sandbox-state '/tmp/my state.json'"
        );
        assert_eq!(prefix_of(&["cmek", "--sandbox", "setup"]), "cmek --sandbox=default");
        assert_eq!(prefix_of(&["cmek", "--aws-profile", "prod", "-v", "setup"]), "cmek --aws-profile prod");
        assert_eq!(prefix_of(&["cmek", "setup", "--sandbox"]), "cmek --sandbox=default", "a global flag after setup");
    }

    #[test]
    fn only_an_ephemeral_sandbox_forgets_what_a_run_made() {
        let keeps = |args: &[&str]| {
            let cmd = Cli::command();
            let m = cmd.clone().try_get_matches_from(args).unwrap();
            keeps_state(&cmd, &m)
        };
        assert!(keeps(&["cmek", "setup"]));
        assert!(!keeps(&["cmek", "--sandbox", "setup"]));
        assert!(keeps(&["cmek", "--sandbox", "--sandbox-state", "s.json", "setup"]));
    }
}
