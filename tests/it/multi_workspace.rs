//! Several workspaces in one `setup` run, through the real binary on the sandbox: one key pinned
//! to every named workspace's compartment with each attach confirmed on its own, or
//! `--key-per-workspace` (a key of its own for each, named after it); re-runs converge; inputs that
//! cannot be right are refused before any change.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

const PRODUCTION: &str = "wrkspc_01SbxProduction7Kq2Vd";
const STAGING: &str = "wrkspc_01SbxStaging4Rm8Tx";

struct Home {
    dir: TempDir,
}

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

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self:?}"))
    }
}

impl Home {
    fn new() -> Home {
        Home { dir: TempDir::new().unwrap() }
    }

    fn state_file(&self) -> PathBuf {
        self.dir.path().join("sandbox.json")
    }

    fn cmek(&self, args: &[&str]) -> Run {
        let state = self.state_file();
        let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
            .env_clear()
            .env("HOME", self.dir.path())
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("NO_COLOR", "1")
            .args(["--sandbox", "--sandbox-state", state.to_str().unwrap()])
            .args(args)
            .output()
            .expect("run cmek");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn setup_json(&self, provider: &str, args: &[&str]) -> Run {
        let mut all = vec!["--output", "json", "setup", "--non-interactive", "--provider", provider];
        all.extend_from_slice(args);
        self.cmek(&all)
    }

    fn state(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.state_file()).unwrap()).unwrap()
    }

    /// Which external key each workspace uses, as the emulated platform holds it.
    fn attached(&self, workspace_id: &str) -> Option<String> {
        let state = self.state();
        let ws = state["platform"]["workspaces"].as_array().unwrap().iter().find(|w| w["id"] == workspace_id).cloned();
        ws.and_then(|w| w["external_key_id"].as_str().map(str::to_string))
    }
}

/// The steps a run carried out, but validation (a read).
fn changed_steps(doc: &Value) -> Vec<String> {
    doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"]["status"] == "done" && s["action"] != "validate")
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect()
}

fn attach_states(doc: &Value) -> Vec<(String, String)> {
    doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["action"] == "attach")
        .map(|s| (s["title"].as_str().unwrap().to_string(), s["outcome"]["status"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn one_key_for_two_workspaces_pins_both_and_attaches_each_only_when_confirmed() {
    let home = Home::new();
    let both = ["--workspace", "production", "--workspace", "staging"];

    let first = home.setup_json("aws", &[&both[..], &["--confirm-attach", "staging"]].concat());
    assert_eq!(first.code, 0, "{first:?}");
    let doc = first.json();
    let policy = serde_json::to_string(&doc["policy"]["after"]).unwrap();
    for ws in doc["workspaces"].as_array().unwrap() {
        assert!(policy.contains(ws["compartment_id"].as_str().unwrap()), "{} is not pinned: {policy}", ws["name"]);
    }
    let attaches = attach_states(&doc);
    assert_eq!(attaches.len(), 2, "{attaches:?}");
    assert!(attaches[0].0.contains("production") && attaches[0].1 == "gated", "{attaches:?}");
    assert!(attaches[1].0.contains("staging") && attaches[1].1 == "done", "{attaches:?}");
    assert_eq!(doc["attached_workspaces"], serde_json::json!([STAGING]));
    let key = doc["external_key_id"].as_str().unwrap().to_string();
    assert_eq!(home.attached(STAGING).as_deref(), Some(key.as_str()));
    assert_eq!(home.attached(PRODUCTION), None, "production was not confirmed, so it is not attached");
    let next = doc["next"].as_array().unwrap();
    assert!(next.iter().any(|n| n.as_str().unwrap().contains(&format!("--confirm-attach {PRODUCTION}"))), "{next:?}");

    // The second confirmation attaches production to the same key; the policy stays as it is.
    let second = home
        .setup_json("aws", &[&both[..], &["--confirm-attach", "staging", "--confirm-attach", "production"]].concat());
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(home.attached(PRODUCTION).as_deref(), Some(key.as_str()));
    assert_eq!(second.json()["attached_workspaces"], serde_json::json!([PRODUCTION, STAGING]));

    // Converged: nothing changes (validation is a read).
    let third = home
        .setup_json("aws", &[&both[..], &["--confirm-attach", "staging", "--confirm-attach", "production"]].concat());
    assert_eq!(third.code, 0, "{third:?}");
    assert_eq!(changed_steps(&third.json()), Vec::<String>::new(), "{third:?}");
}

#[test]
fn a_confirmation_for_a_workspace_not_named_is_refused_before_any_change() {
    let home = Home::new();
    for extra in [&["--key-per-workspace"][..], &[][..]] {
        let args =
            [&["--workspace", "production", "--workspace", "staging", "--confirm-attach", "development"][..], extra]
                .concat();
        let run = home.setup_json("aws", &args);
        assert_eq!(run.code, 2, "{extra:?}: {run:?}");
        assert!(run.stdout.contains("development") && run.stdout.contains("production"), "{run:?}");
    }
    let keys = home.state()["aws"]["keys"].as_array().expect("the sandbox state lists its keys").len();
    assert_eq!(keys, 0, "no key was created");
}

#[test]
fn a_key_per_workspace_gives_each_its_own_named_key_and_a_rerun_converges() {
    let home = Home::new();
    let args = [
        "--workspace",
        "production",
        "--workspace",
        "staging",
        "--key-per-workspace",
        "--confirm-attach",
        "production",
        "--confirm-attach",
        STAGING,
    ];
    let first = home.setup_json("aws", &args);
    assert_eq!(first.code, 0, "{first:?}");
    let doc = first.json();
    assert_eq!(doc["schema"], "cmek.setup-runs/v1");
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    let mut keys = Vec::new();
    for (run, (name, id)) in runs.iter().zip([("production", PRODUCTION), ("staging", STAGING)]) {
        assert_eq!(run["status"], "attached", "{run:#}");
        assert_eq!(run["workspace"]["name"], name);
        let alias = format!("alias/anthropic-cmek-{name}");
        assert!(serde_json::to_string(&run["steps"]).unwrap().contains(&alias), "{name}'s key has alias {alias}");
        let key = run["external_key_id"].as_str().unwrap().to_string();
        assert_eq!(home.attached(id).as_deref(), Some(key.as_str()));
        keys.push(key);
    }
    assert_ne!(keys[0], keys[1], "each workspace has a key of its own");
    // Each key serves only its own workspace's compartment.
    let prod_policy = serde_json::to_string(&runs[0]["policy"]["after"]).unwrap();
    assert!(!prod_policy.contains(runs[1]["workspace"]["compartment_id"].as_str().unwrap()), "{prod_policy}");

    let again = home.setup_json("aws", &args);
    assert_eq!(again.code, 0, "{again:?}");
    for run in again.json()["runs"].as_array().unwrap() {
        assert_eq!(changed_steps(run), Vec::<String>::new(), "{run:#}");
    }
    assert_eq!(home.state()["aws"]["keys"].as_array().unwrap().len(), 2, "no third key");
}

#[test]
fn a_key_per_workspace_in_azure_names_each_key_after_its_workspace() {
    let home = Home::new();
    let run = home.cmek(&[
        "setup",
        "--non-interactive",
        "--provider",
        "azure",
        "--workspace",
        "production",
        "--workspace",
        "staging",
        "--key-per-workspace",
        "--plan",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    for name in ["anthropic-cmek-production", "anthropic-cmek-staging"] {
        assert!(run.stdout.contains(name), "{name} is not in the plan: {run:?}");
    }
    assert!(run.stdout.contains("── workspace production") && run.stdout.contains("── workspace staging"), "{run:?}");
}

#[test]
fn a_key_per_workspace_refuses_a_named_key_and_needs_workspaces() {
    let home = Home::new();
    let named = home.setup_json("aws", &["--workspace", "production", "--key-per-workspace", "--key", "alias/mine"]);
    assert_eq!(named.code, 2, "{named:?}");
    assert!(named.stdout.contains("--key alias/mine") && named.stdout.contains("drop --key"), "{named:?}");
    let none = home.setup_json("aws", &["--key-per-workspace"]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(none.stdout.contains("--workspace"), "{none:?}");
}

#[test]
fn the_wizard_says_to_use_the_non_interactive_setup_for_a_key_per_workspace() {
    let home = Home::new();
    let run = home.cmek(&["setup", "--workspace", "production", "--workspace", "staging", "--key-per-workspace"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("one key at a time") && run.stderr.contains("--non-interactive"), "{run:?}");
}
