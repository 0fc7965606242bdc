//! What clap's own parse errors cannot know: the likely slip behind them, said as a hint.

use std::ffi::OsString;

/// `--sandbox nope` (a space, not `=`) leaves `nope` to be read as a command or an argument, and
/// clap then reports that word; the user meant `--sandbox=nope`.
pub fn sandbox_without_equals(args: &[OsString], grammar: &clap::Command) -> Option<String> {
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let at = words.iter().position(|w| w == "--sandbox")?;
    let next = words.get(at + 1)?;
    let is_command = grammar.get_subcommands().any(|c| c.get_name() == next) || next == "help";
    if next.starts_with('-') || is_command {
        return None;
    }
    // The word may be a key typed in the wrong place: it is repeated hidden, like clap's echo.
    let next = cmek_core::text::escape_controls(&mask_keys(next)).into_owned();
    Some(format!(
        "--sandbox takes its scenario after an '=': write --sandbox={next} (`cmek sandbox --list-scenarios` lists them)"
    ))
}

/// Whether the command line (or `CMEK_OUTPUT`) asked for JSON, read from the raw arguments: for a
/// command line clap refused, so a script still gets a `cmek.error/v1` document.
pub fn wants_json(args: &[std::ffi::OsString], env_output: Option<&str>) -> bool {
    let mut from_args = None;
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if let Some(value) = word.strip_prefix("--output=") {
            from_args = Some(value.to_string());
        } else if word == "--output" {
            from_args = words.next().map(|v| v.to_string());
        }
    }
    // Any case: `--output=JSON` is itself refused by clap, and a script that wrote it still
    // meant JSON.
    from_args.as_deref().or(env_output).is_some_and(|v| v.eq_ignore_ascii_case("json"))
}

/// `line` with every Anthropic key or token (`sk-ant-...`: admin and API keys, OAuth tokens)
/// cut to its kind, as clap would otherwise repeat one given in the wrong place.
pub fn mask_keys(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("sk-ant-") {
        out.push_str(&rest[..at]);
        let key = &rest[at..];
        let end = key.find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`')).unwrap_or(key.len());
        let kind = key[..end].splitn(4, '-').take(3).collect::<Vec<_>>().join("-");
        out.push_str(&format!("{kind}-…(hidden)"));
        rest = &key[end..];
    }
    out.push_str(rest);
    out
}

/// clap's message as the one edge error: its first line (without `error: `) and the rest as hints.
pub fn as_error(lines: &[String]) -> crate::error::Error {
    let mut rest = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
    let first = rest.next().unwrap_or("the command line could not be read");
    let mut error = crate::error::Error::usage(first.strip_prefix("error: ").unwrap_or(first));
    for line in rest {
        error = error.with_hint(line);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_clap_would_repeat_is_hidden() {
        let line = "error: unexpected argument 'sk-ant-admin01-CANARYparse9f' found";
        let masked = mask_keys(line);
        assert!(!masked.contains("CANARY"), "{masked}");
        assert_eq!(masked, "error: unexpected argument 'sk-ant-admin01-…(hidden)' found");
        assert_eq!(mask_keys("no key here"), "no key here");
        assert!(!mask_keys("a sk-ant-oat01-CANARYa and sk-ant-ort01-CANARYb").contains("CANARY"));
    }

    #[test]
    fn json_is_wanted_by_the_flag_else_the_variable() {
        let args = |words: &[&str]| words.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(wants_json(&args(&["cmek", "--output", "json", "setup"]), None));
        assert!(wants_json(&args(&["cmek", "--output=JSON", "setup"]), None));
        assert!(wants_json(&args(&["cmek", "setup"]), Some("json")));
        assert!(!wants_json(&args(&["cmek", "--output", "text", "setup"]), Some("json")), "the flag wins");
        assert!(!wants_json(&args(&["cmek", "--", "--output", "json"]), None), "after -- it is not a flag");
    }

    fn hint(words: &[&str]) -> Option<String> {
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        sandbox_without_equals(&args, &super::super::grammar::command())
    }

    #[test]
    fn a_scenario_after_a_space_gets_the_equals_form() {
        let h = hint(&["cmek", "--sandbox", "console-wizard", "doctor"]).unwrap();
        assert!(h.contains("--sandbox=console-wizard"), "{h}");
        assert!(hint(&["cmek", "setup", "--sandbox", "nope"]).unwrap().contains("--sandbox=nope"));
    }

    #[test]
    fn a_command_or_a_flag_after_sandbox_is_not_a_slip() {
        assert_eq!(hint(&["cmek", "--sandbox", "setup", "nope"]), None);
        assert_eq!(hint(&["cmek", "--sandbox", "--output", "json"]), None);
        assert_eq!(hint(&["cmek", "--sandbox=nope", "setup"]), None);
    }
}
