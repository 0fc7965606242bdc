//! Two runs at once produce one result. Five `cmek setup` runs start together against one
//! sandbox (as from five machines: separate state directories, so the local lock does not
//! serialise them); they must all finish healthy and leave one key in use, one registration and
//! the workspace attached once, every extra object undone (a duplicate KMS key scheduled for
//! deletion) and reported by the run that made it.

use std::process::{Output, Stdio};

use serde_json::Value;

use crate::safety_support::{Running, aws_converged, azure_converged, home, report, setup_args, show};

const RUNS: usize = 5;

/// Starts `RUNS` setups at once and waits for all of them.
fn at_once(world: &Running, provider: &str) -> Vec<Output> {
    let homes: Vec<_> = (0..RUNS).map(|_| home()).collect();
    let args = setup_args(provider);
    let children: Vec<_> = homes
        .iter()
        .map(|(_, h)| world.client(h, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap())
        .collect();
    children.into_iter().map(|c| c.wait_with_output().unwrap()).collect()
}

fn notes(outs: &[Output]) -> String {
    outs.iter().filter_map(report).map(|r| format!("{}\n{}", r["notes"], r["steps"])).collect()
}

#[test]
fn five_aws_runs_at_once_leave_one_key_and_one_registration() {
    let world = Running::start("default");
    let outs = at_once(&world, "aws");
    for out in &outs {
        assert_eq!(out.status.code(), Some(0), "{}", show(out));
    }
    let state = world.state();
    let converged = aws_converged(&state, &[]).unwrap_or_else(|e| panic!("{e}\n{}", notes(&outs)));
    same_result(&outs, &converged.attached);
    let said = notes(&outs);
    for key in &converged.retired {
        assert!(said.contains(key.as_str()), "duplicate key {key} was retired without saying so:\n{said}");
    }
    // Retired keys wait the longest window KMS allows.
    for key in state["aws"]["keys"].as_array().unwrap().iter().filter(|k| k["state"] == "PendingDeletion") {
        assert_eq!(key["pending_window_days"], 30, "{key}");
    }
    println!("aws: {RUNS} runs at once, {} duplicate keys retired and reported", converged.retired.len());
}

#[test]
fn five_azure_runs_at_once_leave_one_key_one_role_and_one_registration() {
    let world = Running::start("default");
    let outs = at_once(&world, "azure");
    for out in &outs {
        assert_eq!(out.status.code(), Some(0), "{}", show(out));
    }
    let state = world.state();
    let converged = azure_converged(&state, &[]).unwrap_or_else(|e| panic!("{e}\n{}", notes(&outs)));
    same_result(&outs, &converged.attached);
    let versions = versions(&state);
    if versions > 1 {
        // Key Vault cannot create only if absent: a version another run added is reported.
        assert!(notes(&outs).contains("at the same moment"), "{versions} versions, not reported:\n{}", notes(&outs));
    }
    println!("azure: {RUNS} runs at once, the key has {versions} version(s)");
}

/// Every run ends reporting the registration the workspace uses, attached.
fn same_result(outs: &[Output], attached: &str) {
    for out in outs {
        let doc = report(out).unwrap_or_else(|| panic!("no report:\n{}", show(out)));
        assert_eq!(doc["external_key_id"], attached, "{}", show(out));
        assert_eq!(doc["attached_to"], doc["workspace"]["id"], "{}", show(out));
    }
}

fn versions(state: &Value) -> usize {
    state["azure"]["vaults"][0]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "anthropic-cmek")
        .map_or(0, |k| k["versions"].as_array().unwrap().len())
}
