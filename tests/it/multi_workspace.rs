//! Several workspaces in one `setup` run, through the real binary on the sandbox: one key pinned
//! to every named workspace's compartment with each attach confirmed on its own, or
//! `--key-per-workspace` (a key of its own for each, named after it); re-runs converge; inputs that
//! cannot be right are refused before any change.

use serde_json::Value;

use crate::sandbox_home::SandboxHome;

const PRODUCTION: &str = "wrkspc_01SbxProduction7Kq2Vd";
const STAGING: &str = "wrkspc_01SbxStaging4Rm8Tx";

/// Which external key each workspace uses, as the emulated platform holds it.
fn attached(home: &SandboxHome, workspace_id: &str) -> Option<String> {
    let state = home.state();
    let ws = state["platform"]["workspaces"].as_array().unwrap().iter().find(|w| w["id"] == workspace_id).cloned();
    ws.and_then(|w| w["external_key_id"].as_str().map(str::to_string))
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
    let home = SandboxHome::new();
    let both = ["--workspace", "production", "--workspace", "staging"];

    let first = home.setup(true, "aws", &[&both[..], &["--confirm-attach", "staging"]].concat());
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
    assert_eq!(attached(&home, STAGING).as_deref(), Some(key.as_str()));
    assert_eq!(attached(&home, PRODUCTION), None, "production was not confirmed, so it is not attached");
    let next = doc["next"].as_array().unwrap();
    assert!(next.iter().any(|n| n.as_str().unwrap().contains(&format!("--confirm-attach {PRODUCTION}"))), "{next:?}");

    // The second confirmation attaches production to the same key; the policy stays as it is.
    let second = home.setup(
        true,
        "aws",
        &[&both[..], &["--confirm-attach", "staging", "--confirm-attach", "production"]].concat(),
    );
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(attached(&home, PRODUCTION).as_deref(), Some(key.as_str()));
    assert_eq!(second.json()["attached_workspaces"], serde_json::json!([PRODUCTION, STAGING]));

    // Converged: nothing changes (validation is a read).
    let third = home.setup(
        true,
        "aws",
        &[&both[..], &["--confirm-attach", "staging", "--confirm-attach", "production"]].concat(),
    );
    assert_eq!(third.code, 0, "{third:?}");
    assert_eq!(changed_steps(&third.json()), Vec::<String>::new(), "{third:?}");
    // And says so, for a script that checks for drift.
    assert_eq!(third.json()["changed"], false, "{third:?}");
    assert_eq!(second.json()["changed"], true, "{second:?}");
}

#[test]
fn a_confirmation_for_a_workspace_not_named_is_refused_before_any_change() {
    let home = SandboxHome::new();
    for extra in [&["--key-per-workspace"][..], &[][..]] {
        let args =
            [&["--workspace", "production", "--workspace", "staging", "--confirm-attach", "development"][..], extra]
                .concat();
        let run = home.setup(true, "aws", &args);
        assert_eq!(run.code, 2, "{extra:?}: {run:?}");
        assert!(run.stdout.contains("development") && run.stdout.contains("production"), "{run:?}");
    }
    let keys = home.state()["aws"]["keys"].as_array().expect("the sandbox state lists its keys").len();
    assert_eq!(keys, 0, "no key was created");
}

#[test]
fn a_key_per_workspace_refuses_an_archived_workspace_before_the_first_key_is_made() {
    let home = SandboxHome::with_scenario("status-mixed");
    assert_eq!(home.cmek(&["status", "--all", "--output", "json"]).code, 0, "the scenario's sandbox starts");
    let state = home.state();
    let workspaces = state["platform"]["workspaces"].as_array().unwrap();
    let archived = workspaces.iter().find(|w| w["name"] == "legacy-2025").unwrap()["id"].as_str().unwrap().to_string();
    let keys_before = state["aws"]["keys"].as_array().unwrap().len();

    // development comes first: its run would have made and registered a key before the archived
    // workspace's own run refused it.
    let args = [
        "--workspace",
        "development",
        "--workspace",
        &archived,
        "--confirm-attach",
        "development",
        "--key-per-workspace",
    ];
    let run = home.setup(false, "aws", &args);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("archived") && run.stderr.contains(&archived), "{run:?}");
    assert_eq!(home.state()["aws"]["keys"].as_array().unwrap().len(), keys_before, "no key was created");
}

#[test]
fn a_key_per_workspace_checks_every_plan_before_the_first_key_is_made() {
    let home = SandboxHome::with_scenario("status-mixed");
    assert_eq!(home.cmek(&["status", "--all", "--output", "json"]).code, 0, "the scenario's sandbox starts");
    let keys_before = home.state()["aws"]["keys"].as_array().unwrap().len();
    let staging_key = attached(&home, STAGING).expect("staging uses a key in this scenario");

    // staging already has a key for good: a key made for it could never be attached, and
    // development's run, first in line, must not have made its key either.
    let args = [
        "--workspace",
        "development",
        "--workspace",
        "staging",
        "--confirm-attach",
        "development",
        "--key-per-workspace",
    ];
    let run = home.setup(true, "aws", &args);
    assert_eq!(run.code, 2, "{run:?}");
    let doc = run.json();
    assert_eq!(doc["runs"], serde_json::json!([]), "no run was started: {doc:#}");
    assert_eq!(doc["exit_code"], 2, "{doc:#}");
    assert!(doc["stopped_at"].as_str().unwrap().starts_with("staging"), "{doc:#}");
    let not_run = doc["not_run"].as_array().unwrap();
    assert!(not_run.len() == 1 && not_run[0].as_str().unwrap().starts_with("development"), "{doc:#}");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains(&staging_key) && message.contains("nothing was changed"), "{message}");
    assert_eq!(home.state()["aws"]["keys"].as_array().unwrap().len(), keys_before, "no key was created");
}

#[test]
fn a_key_per_workspace_stops_on_a_blocked_plan_with_its_fix_before_any_change() {
    // The Cloud KMS API is off in the project: every workspace's plan is blocked (GCP-01).
    let home = SandboxHome::with_scenario("gcp-api-disabled");
    let args = ["--workspace", "development", "--workspace", "staging", "--key-per-workspace"];
    let run = home.setup(true, "gcp", &args);
    assert_eq!(run.code, 1, "{run:?}");
    let doc = run.json();
    assert_eq!(doc["runs"], serde_json::json!([]), "no run was started: {doc:#}");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains("GCP-01") && message.contains("nothing was changed"), "{message}");
    let hints: Vec<&str> = doc["error"]["hints"].as_array().unwrap().iter().filter_map(|h| h.as_str()).collect();
    assert!(hints.iter().any(|h| h.starts_with("GCP-01: gcloud services enable")), "the check's fix: {hints:?}");
}

#[test]
fn a_key_per_workspace_gives_each_its_own_named_key_and_a_rerun_converges() {
    let home = SandboxHome::new();
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
    let first = home.setup(true, "aws", &args);
    assert_eq!(first.code, 0, "{first:?}");
    let doc = first.json();
    assert_eq!(doc["schema"], "cmek.setup-runs/v1");
    assert_eq!(doc["exit_code"], 0);
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    let mut keys = Vec::new();
    for (run, (name, id)) in runs.iter().zip([("production", PRODUCTION), ("staging", STAGING)]) {
        assert_eq!(run["status"], "attached", "{run:#}");
        assert_eq!(run["workspace"]["name"], name);
        let alias = format!("alias/anthropic-cmek-{name}");
        assert!(serde_json::to_string(&run["steps"]).unwrap().contains(&alias), "{name}'s key has alias {alias}");
        let key = run["external_key_id"].as_str().unwrap().to_string();
        assert_eq!(attached(&home, id).as_deref(), Some(key.as_str()));
        keys.push(key);
    }
    assert_ne!(keys[0], keys[1], "each workspace has a key of its own");
    // Each key serves only its own workspace's compartment.
    let prod_policy = serde_json::to_string(&runs[0]["policy"]["after"]).unwrap();
    assert!(!prod_policy.contains(runs[1]["workspace"]["compartment_id"].as_str().unwrap()), "{prod_policy}");

    let again = home.setup(true, "aws", &args);
    assert_eq!(again.code, 0, "{again:?}");
    for run in again.json()["runs"].as_array().unwrap() {
        assert_eq!(changed_steps(run), Vec::<String>::new(), "{run:#}");
    }
    assert_eq!(home.state()["aws"]["keys"].as_array().unwrap().len(), 2, "no third key");
}

#[test]
fn a_key_per_workspace_in_azure_names_each_key_after_its_workspace() {
    let home = SandboxHome::new();
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
    let home = SandboxHome::new();
    let named = home.setup(true, "aws", &["--workspace", "production", "--key-per-workspace", "--key", "alias/mine"]);
    assert_eq!(named.code, 2, "{named:?}");
    assert!(named.stdout.contains("--key alias/mine") && named.stdout.contains("drop --key"), "{named:?}");
    let none = home.setup(true, "aws", &["--key-per-workspace"]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(none.stdout.contains("--workspace"), "{none:?}");
}

#[test]
fn the_wizard_says_to_use_the_non_interactive_setup_for_a_key_per_workspace() {
    let home = SandboxHome::new();
    let run = home.cmek(&["setup", "--workspace", "production", "--workspace", "staging", "--key-per-workspace"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("one key at a time") && run.stderr.contains("--non-interactive"), "{run:?}");
}
