//! An empty value is a mistake, never "not given": `--workspace "$WS"` with `WS` unset must not
//! quietly become a register-only run. Every flag and positional value given empty (or blank) on
//! the command line is refused, and so is an empty `CMEK_*` variable (cmek's own). Another tool's
//! variable (`ANTHROPIC_BASE_URL`, `AWS_PROFILE`, `AZURE_SUBSCRIPTION_ID`...) set empty is taken as
//! unset, as that tool takes it.

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

use crate::error::{Error, Result};

/// Refuses the first empty value in `matches` (parsed by `cmd`), naming where it came from.
pub fn refuse_empty(cmd: &Command, matches: &ArgMatches) -> Result<()> {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        let source = matches.value_source(id);
        if !matches!(source, Some(ValueSource::CommandLine | ValueSource::EnvVariable)) {
            continue;
        }
        let Ok(Some(mut raw)) = matches.try_get_raw(id) else { continue };
        if !raw.any(|v| v.to_string_lossy().trim().is_empty()) {
            continue;
        }
        let flag = match (arg.get_long(), arg.get_value_names()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(names)) => format!("<{}>", names.first().map(|n| n.as_str()).unwrap_or(id)),
            (None, None) => format!("<{id}>"),
        };
        let env = arg.get_env().map(|e| e.to_string_lossy().into_owned());
        return match (source, env) {
            (Some(ValueSource::EnvVariable), Some(var)) if !var.starts_with("CMEK_") => continue,
            (Some(ValueSource::EnvVariable), Some(var)) => Err(Error::usage(format!(
                "{var} is set but empty; it stands for {flag}, and an empty value is not valid"
            ))
            .with_hint(format!("give {var} a value, or unset it"))),
            _ => Err(Error::usage(format!("{flag} was given an empty value, which is not valid"))
                .with_hint(format!("give {flag} a value, or leave it out"))),
        };
    }
    match matches.subcommand() {
        Some((name, sub)) => match cmd.find_subcommand(name) {
            Some(sub_cmd) => refuse_empty(sub_cmd, sub),
            None => Ok(()),
        },
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;
    use crate::cli::Cli;

    fn check(args: &[&str]) -> Result<()> {
        let cmd = Cli::command();
        let matches = cmd.clone().try_get_matches_from(args).expect("clap accepts the words");
        Cli::from_arg_matches(&matches).expect("the derive reads its own matches");
        refuse_empty(&cmd, &matches)
    }

    #[test]
    fn every_value_flag_refuses_an_empty_value_and_names_itself() {
        // Walks the whole grammar so a flag added later is covered without editing this test.
        let root = Cli::command();
        let mut seen = 0;
        let mut commands = vec![(vec!["cmek".to_string()], root.clone())];
        while let Some((path, cmd)) = commands.pop() {
            for sub in cmd.get_subcommands() {
                let mut p = path.clone();
                p.push(sub.get_name().to_string());
                commands.push((p, sub.clone()));
            }
            for arg in cmd.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if !arg.get_action().takes_values() || arg.get_value_parser().possible_values().is_some() {
                    continue;
                }
                if path.len() > 1 && arg.is_global_set() {
                    continue;
                }
                let mut words: Vec<String> = path.clone();
                words.push(format!("--{long}="));
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                let cmd = Cli::command();
                let message = match cmd.clone().try_get_matches_from(&words) {
                    // Refused by the flag's own parser (a path, a number): clap exits 2 too.
                    Err(e) => e.to_string(),
                    Ok(matches) => {
                        let e = refuse_empty(&cmd, &matches).expect_err(&format!("{words:?} must be refused"));
                        assert_eq!(e.exit_code(), 2);
                        e.message
                    }
                };
                assert!(message.contains(&format!("--{long}")), "{words:?}: {message}");
                seen += 1;
            }
        }
        assert!(seen > 25, "only {seen} flags were tried: is the walk right?");
    }

    #[test]
    fn blank_values_and_positionals_are_refused_too() {
        let e = check(&["cmek", "setup", "--workspace", "  "]).unwrap_err();
        assert!(e.message.contains("--workspace"), "{}", e.message);
        let e = Cli::command().try_get_matches_from(["cmek", "policy", "check", ""]).unwrap_err();
        assert!(e.to_string().contains("<FILE>"), "{e}");
        assert!(check(&["cmek", "setup", "--workspace", "production"]).is_ok());
        assert!(check(&["cmek", "setup"]).is_ok());
    }
}
