//! `cmek --sandbox=<scenario>`: every scenario shows the failure (or the repair) it is meant to
//! show, on a machine with no cloud account and nothing in the environment.

use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    doc: Value,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n{:#}\n{}", self.code, self.doc, self.stderr)
    }
}

/// `cmek <global> --output json setup --non-interactive --provider aws <args>`, environment empty.
fn setup(global: &[&str], args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    run_in(home.path(), global, args)
}

fn run_in(home: &std::path::Path, global: &[&str], args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home)
        .args(global)
        .args(["--output", "json", "setup", "--non-interactive", "--provider", "aws"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}\n{stderr}"));
    Run { code: out.status.code().unwrap_or(-1), doc, stderr }
}

const ATTACH: &[&str] = &["--workspace", "production", "--confirm-attach", "production"];

/// The distinct ids of the failed checks, sorted.
fn failing_checks(r: &Run) -> Vec<String> {
    let mut ids: Vec<String> = r.doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn outcome(r: &Run, action: &str) -> String {
    r.doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["action"] == action)
        .map(|s| s["outcome"]["status"].as_str().unwrap_or("none").to_string())
        .unwrap_or_else(|| "absent".into())
}

fn policy_after(r: &Run) -> String {
    r.doc["policy"]["after"].to_string()
}

#[test]
fn default_runs_the_whole_job() {
    let r = setup(&["--sandbox"], ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.doc["status"], "attached", "{r:?}");
    assert_eq!(outcome(&r, "create_key"), "done");
}

#[test]
fn customer_statements_are_kept_while_anthropic_is_added() {
    let r = setup(&["--sandbox=customer-statements"], ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(outcome(&r, "update_key_policy"), "done", "{r:?}");
    let after = policy_after(&r);
    assert!(after.contains("AllowDataPipelineRole") && after.contains("AllowAnthropicCMEKCrypto"), "{after}");
    assert_eq!(r.doc["status"], "attached");
}

#[test]
fn console_wizard_is_blocked_as_over_permissive() {
    let r = setup(&["--sandbox=console-wizard"], ATTACH);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.doc["status"], "blocked");
    assert_eq!(failing_checks(&r), ["AWS-08"], "{r:?}");
}

#[test]
fn missing_org_condition_is_repaired() {
    let r = setup(&["--sandbox=missing-org-condition"], ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(outcome(&r, "update_key_policy"), "done");
    assert!(policy_after(&r).contains("kms:EncryptionContext:anthropic:org_uuid"), "{r:?}");
}

#[test]
fn a_placeholder_is_reported_and_replaced() {
    let r = setup(&["--sandbox=placeholder"], ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    let warned = r.doc["checks"].as_array().unwrap().iter().any(|c| c["id"] == "ANT-04" && c["status"] == "warn");
    assert!(warned, "{r:?}");
    assert!(!policy_after(&r).contains("<compartment-uuid>"), "{r:?}");

    // Without a workspace to put in its place, the placeholder is not dropped into a grant every
    // workspace of the organisation could use: the plan blocks and says to name them.
    let r = setup(&["--sandbox=placeholder"], &["--key", "alias/anthropic-cmek"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.doc["status"], "blocked", "{r:?}");
    let fix = r.doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "ANT-04" && c["status"] == "fail");
    assert!(fix.is_some_and(|c| c["fix"].as_str().unwrap_or("").contains("--workspace")), "{r:?}");
}

#[test]
fn a_workspace_missing_from_the_compartment_list_is_added() {
    let staging = "1c8a4d3f-7b2e-4f9a-8c3d-6e5f4a3b2c1d";
    let production = "0b7f3c2e-6a1d-4e8f-9b2c-5d4e3f2a1b0c";
    let plan = setup(&["--sandbox=workspace-not-pinned"], &["--workspace", "production", "--plan"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    let diff = plan.doc["policy"]["diff"].as_str().unwrap();
    assert!(diff.lines().any(|l| l.starts_with('+') && l.contains(production)), "{diff}");
    let r = setup(&["--sandbox=workspace-not-pinned"], ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    let after = policy_after(&r);
    assert!(after.contains(staging) && after.contains(production), "{after}");
}

#[test]
fn a_disabled_key_is_blocked_with_the_fix() {
    let r = setup(&["--sandbox=disabled-key"], ATTACH);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(failing_checks(&r), ["AWS-01"], "{r:?}");
}

#[test]
fn a_key_pending_deletion_is_blocked_with_the_fix() {
    let r = setup(&["--sandbox=pending-deletion"], ATTACH);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(failing_checks(&r), ["AWS-02"], "{r:?}");
    assert!(r.doc.to_string().contains("cancel-key-deletion"));
}

#[test]
fn a_multi_region_key_is_blocked() {
    let r = setup(&["--sandbox=multi-region"], ATTACH);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(failing_checks(&r), ["AWS-04"], "{r:?}");
}

#[test]
fn a_resource_control_policy_makes_validation_fail() {
    let r = setup(&["--sandbox=rcp-deny"], ATTACH);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.doc["status"], "validation_failed", "{r:?}");
    let error = r.doc["validation"]["error"].as_str().unwrap();
    assert!(error.starts_with("AccessDenied:") && error.contains("resource control policy"), "{error}");
    assert_eq!(r.doc["validation"]["causes"][0]["id"], "AWS-12", "the error is mapped to its catalogue id: {r:?}");
    // The attach was the validation: refused, so the workspace stays without the key.
    assert_eq!(outcome(&r, "attach"), "failed");
    assert_eq!(r.doc["attached_workspaces"], serde_json::json!([]), "{r:?}");
}

#[test]
fn flaky_services_are_ridden_out() {
    let r = setup(&["--sandbox=flaky"], ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.doc["status"], "attached");
}

#[test]
fn an_unknown_scenario_is_a_usage_error_listing_them() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .args(["--sandbox=nope", "setup", "--non-interactive", "--provider", "aws"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nope") && stderr.contains("console-wizard"), "{stderr}");
}

#[test]
fn every_scenario_is_listed_in_one_line() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_cmek")).env_clear().args(["sandbox", "--list-scenarios"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for name in [
        "default",
        "customer-statements",
        "console-wizard",
        "missing-org-condition",
        "placeholder",
        "workspace-not-pinned",
        "disabled-key",
        "pending-deletion",
        "multi-region",
        "rcp-deny",
        "flaky",
        "status-mixed",
        "status-at-scale",
    ] {
        assert_eq!(text.lines().filter(|l| l.starts_with(&format!("{name} "))).count(), 1, "{name}:\n{text}");
    }
}

#[test]
fn a_state_file_makes_the_sandbox_remember_between_runs() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sandbox.json");
    let global = ["--sandbox", "--sandbox-state", state.to_str().unwrap()];
    let first = run_in(home.path(), &global, ATTACH);
    assert_eq!(first.code, 0, "{first:?}");
    assert!(state.exists());
    let second = run_in(home.path(), &global, ATTACH);
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(outcome(&second, "update_key_policy"), "unchanged", "{second:?}");
    assert_eq!(outcome(&second, "register_key"), "unchanged");
    assert_eq!(outcome(&second, "attach"), "unchanged");
}
