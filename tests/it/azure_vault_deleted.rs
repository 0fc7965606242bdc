//! `azure-vault-deleted`: the registered key's vault is soft-deleted. `cmek setup` naming it stops
//! with AZ-12 and the recover command, changing nothing; `cmek doctor` fails AZ-12 (critical).

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

const SCENARIO: &str = "azure-vault-deleted";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// `cmek --sandbox=azure-vault-deleted --sandbox-state <dir>/sandbox.json <args>`, empty environment.
fn cmek(home: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("NO_COLOR", "1")
        .arg(format!("--sandbox={SCENARIO}"))
        .args(["--sandbox-state", home.join("sandbox.json").to_str().unwrap()])
        .args(args)
        .output()
        .expect("run cmek");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn state(home: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(home.join("sandbox.json")).unwrap()).unwrap()
}

const SETUP: &[&str] = &[
    "setup",
    "--non-interactive",
    "--provider",
    "azure",
    "--azure-vault",
    "cmek-sandbox",
    "--workspace",
    "production",
];

#[test]
fn setup_on_a_deleted_vault_names_az12_and_the_recover_command_and_changes_nothing() {
    let home = TempDir::new().unwrap();
    let r = cmek(home.path(), SETUP);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("AZ-12: vault cmek-sandbox was deleted on "), "{r:?}");
    assert!(r.stderr.contains(" and can be recovered until "), "{r:?}");
    assert!(
        r.stderr.contains("az keyvault recover --name cmek-sandbox --resource-group cmek-sandbox (then re-run)"),
        "{r:?}"
    );
    let before = state(home.path());
    assert_eq!(before["azure"]["deletedVaults"][0]["vault"]["name"], "cmek-sandbox", "saved with the sandbox");
    let again = cmek(home.path(), SETUP);
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(state(home.path()), before, "setup changed nothing");
}

#[test]
fn setup_without_a_vault_named_offers_the_deleted_one_for_recovery() {
    let home = TempDir::new().unwrap();
    let r = cmek(home.path(), &["setup", "--non-interactive", "--provider", "azure", "--workspace", "production"]);
    assert_eq!(r.code, 2, "nothing in reach is a usage error: {r:?}");
    assert!(r.stderr.contains("no Key Vault is visible"), "{r:?}");
    assert!(r.stderr.contains("hint: AZ-12: vault cmek-sandbox was deleted on "), "{r:?}");
    assert!(r.stderr.contains("az keyvault recover --name cmek-sandbox --resource-group cmek-sandbox"), "{r:?}");
}
