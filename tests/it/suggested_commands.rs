//! The commands `cmek` suggests work when pasted: "Next:" lines repeat the run's global flags
//! (`--sandbox=...`, `--sandbox-state FILE`) and its own choices, and run to the promised end.

use std::process::Command;

fn cmek_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_BIN_EXE_cmek")).parent().unwrap().to_path_buf()
}

/// Runs `line` in a shell, as a user pasting it would, with `cmek` on the PATH.
fn paste(line: &str, home: &std::path::Path) -> std::process::Output {
    let path = format!("{}:{}", cmek_dir().display(), std::env::var("PATH").unwrap_or_default());
    Command::new("sh")
        .arg("-c")
        .arg(line)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn next_attach_line(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Next: attach (permanent): "))
        .unwrap_or_else(|| panic!("no attach suggestion in:\n{stdout}"))
        .to_string()
}

#[test]
fn the_suggested_attach_command_attaches_when_pasted() {
    for (provider, state) in [("aws", true), ("azure", true), ("aws", false)] {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("sandbox.json");
        let globals =
            if state { format!("--sandbox --sandbox-state '{}'", file.display()) } else { "--sandbox".to_string() };
        let wait = if provider == "azure" { " --azure-rbac-wait 60s" } else { "" };
        let first = paste(
            &format!("cmek {globals} setup --non-interactive --provider {provider} --workspace production{wait}"),
            home.path(),
        );
        let stdout = String::from_utf8_lossy(&first.stdout);
        let line = next_attach_line(&stdout);
        assert!(line.starts_with("cmek --sandbox=default"), "the sandbox flag is kept: {line}");
        assert_eq!(line.contains("--sandbox-state"), state, "{line}");
        let pasted = paste(&line, home.path());
        let out = String::from_utf8_lossy(&pasted.stdout);
        assert_eq!(
            pasted.status.code(),
            Some(0),
            "{provider} (state {state}): `{line}`\n{out}\n{}",
            String::from_utf8_lossy(&pasted.stderr)
        );
        assert!(out.contains("attached to"), "{out}");
    }
}
