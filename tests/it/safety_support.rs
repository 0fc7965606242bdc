//! What the crash, concurrency and flaky-cloud tests share: a sandbox running as its own process
//! (`cmek sandbox --state`, saved after every change, so it outlives a killed client), clients
//! pointed at it (`--sandbox-endpoints`), and the check that the organisation converged: one key
//! in use, one alias, one registration, the workspace attached once, rotation on, and nothing of
//! the customer's lost.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use crate::foreground::Foreground;

/// A sandbox process and its state file.
pub struct Running {
    // Dropped last: the directory holds the state file the sandbox writes.
    sandbox: Foreground,
    pub dir: TempDir,
}

impl Running {
    pub fn start(scenario: &str) -> Running {
        let dir = TempDir::new().unwrap();
        let state = dir.path().join("sandbox.json");
        let sandbox =
            Foreground::start(dir.path(), &["sandbox", "--scenario", scenario, "--state", state.to_str().unwrap()]);
        Running { sandbox, dir }
    }

    pub fn endpoints(&self) -> &str {
        &self.sandbox.exports["CMEK_SANDBOX_ENDPOINTS"]
    }

    /// The sandbox's state as it saved it after its last change.
    pub fn state(&self) -> Value {
        let text = std::fs::read_to_string(self.dir.path().join("sandbox.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// `cmek --sandbox-endpoints … <args>` for a client whose home (journals, lock) is `home`.
    pub fn client(&self, home: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("NO_COLOR", "1")
            .env("CMEK_SANDBOX_ENDPOINTS", self.endpoints())
            .args(args)
            .stdin(Stdio::null());
        cmd
    }
}

/// `setup` attaching to production, for `provider`, as JSON.
pub fn setup_args(provider: &str) -> Vec<&str> {
    let mut args = vec![
        "--output",
        "json",
        "setup",
        "--non-interactive",
        "--provider",
        provider,
        "--workspace",
        "production",
        "--confirm-attach",
        "production",
    ];
    if provider == "azure" {
        args.extend(["--azure-rbac-wait", "60s"]);
    }
    args
}

pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every journal line the runs under `home` have written so far.
pub fn journal_lines(home: &Path) -> usize {
    let runs = home.join("state").join("cmek").join("runs");
    let Ok(dirs) = std::fs::read_dir(runs) else { return 0 };
    dirs.filter_map(|d| d.ok())
        .map(|d| std::fs::read_to_string(d.path().join("journal.jsonl")).map(|t| t.lines().count()).unwrap_or(0))
        .sum()
}

/// What a converged organisation holds, read from the sandbox's state.
#[derive(Debug)]
pub struct Converged {
    /// The registration the production workspace uses.
    pub attached: String,
    /// Keys cmek scheduled for deletion (duplicates of a concurrent run), by id.
    pub retired: Vec<String>,
}

fn production(state: &Value) -> &Value {
    state["platform"]["workspaces"].as_array().unwrap().iter().find(|w| w["name"] == "production").unwrap()
}

fn registrations(state: &Value) -> Vec<&Value> {
    state["platform"]["keys"].as_array().unwrap().iter().map(|k| &k["key"]).collect()
}

/// AWS converged: one usable key with the alias on it and rotation on, the registration of that
/// key and no other, production attached to it; `kept_sids` still in the policy.
pub fn aws_converged(state: &Value, kept_sids: &[&str]) -> Result<Converged, String> {
    let keys = state["aws"]["keys"].as_array().unwrap();
    let live: Vec<&Value> = keys.iter().filter(|k| k["state"] != "PendingDeletion").collect();
    let retired = keys.iter().filter(|k| k["state"] == "PendingDeletion").map(|k| k["id"].as_str().unwrap().into());
    let [key] = live.as_slice() else { return Err(format!("{} keys not pending deletion", live.len())) };
    let id = key["id"].as_str().unwrap();
    let aliases: Vec<&Value> =
        state["aws"]["aliases"].as_array().unwrap().iter().filter(|a| a["name"] == "alias/anthropic-cmek").collect();
    match aliases.as_slice() {
        [a] if a["target_key_id"] == id => {}
        other => return Err(format!("the alias is not on {id}: {other:?}")),
    }
    if key["rotation"].is_null() {
        return Err(format!("rotation is off for {id}"));
    }
    let policy: Value = serde_json::from_str(key["policy"].as_str().unwrap()).unwrap();
    let sids: Vec<&str> = policy["Statement"].as_array().unwrap().iter().filter_map(|s| s["Sid"].as_str()).collect();
    for sid in kept_sids {
        if !sids.contains(sid) {
            return Err(format!("the customer's statement {sid} is gone: {sids:?}"));
        }
    }
    let attached = one_registration(state, |config| config["kms_arn"].as_str().is_some_and(|a| a.ends_with(id)))?;
    Ok(Converged { attached, retired: retired.collect() })
}

/// Azure converged: Anthropic's service principal once, one key named anthropic-cmek with the
/// organisation tag (and `kept_tags`), one Key Vault Crypto User assignment for it at the key, the
/// registration of that key and no other, production attached to it.
pub fn azure_converged(state: &Value, kept_tags: &[&str]) -> Result<Converged, String> {
    let az = &state["azure"];
    let app = "8635ae1a-3e5d-44e8-a4ed-e0f614466f87";
    let sps: Vec<&Value> = az["servicePrincipals"].as_array().unwrap().iter().filter(|s| s["appId"] == app).collect();
    let [sp] = sps.as_slice() else { return Err(format!("{} service principals for Anthropic's app", sps.len())) };
    let vault = &az["vaults"][0];
    let keys: Vec<&Value> =
        vault["keys"].as_array().unwrap().iter().filter(|k| k["name"] == "anthropic-cmek").collect();
    let [key] = keys.as_slice() else { return Err(format!("{} keys named anthropic-cmek", keys.len())) };
    let newest = key["versions"].as_array().unwrap().last().unwrap();
    let tags = newest["tags"].as_object().unwrap();
    if !tags.keys().any(|t| t.starts_with("anthropic-org-")) {
        return Err(format!("the organisation tag is missing: {tags:?}"));
    }
    for t in kept_tags {
        if !tags.contains_key(*t) {
            return Err(format!("the customer's tag {t} is gone: {tags:?}"));
        }
    }
    let roles: Vec<&Value> = az["roleAssignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["principalId"] == sp["id"] && r["scope"].as_str().unwrap().ends_with("/keys/anthropic-cmek"))
        .collect();
    if roles.len() != 1 {
        return Err(format!("{} role assignments for Anthropic at the key", roles.len()));
    }
    let attached = one_registration(state, |config| config["key_name"] == "anthropic-cmek")?;
    Ok(Converged { attached, retired: Vec::new() })
}

/// One key ring and one key (with its organisation label and Anthropic's two roles, each granted
/// once), one registration, production attached to it.
pub fn gcp_converged(state: &Value) -> Result<Converged, String> {
    let project = &state["gcp"]["projects"][0];
    let rings = project["keyRings"].as_array().unwrap();
    let [ring] = rings.as_slice() else { return Err(format!("{} key rings", rings.len())) };
    let keys = ring["cryptoKeys"].as_array().unwrap();
    let [key] = keys.as_slice() else { return Err(format!("{} keys in the ring", keys.len())) };
    let labels = key["labels"].as_object().unwrap();
    if !labels.keys().any(|l| l.starts_with("anthropic-org-")) {
        return Err(format!("the organisation label is missing: {labels:?}"));
    }
    let anthropic = cmek_core::identities::published().gcp.service_account.as_str();
    let bindings = key["iamPolicy"]["bindings"].as_array().unwrap();
    for role in ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.viewer"] {
        // A retried write must not leave the member twice (or the role in two bindings).
        let grants = bindings
            .iter()
            .filter(|b| b["role"] == role)
            .flat_map(|b| b["members"].as_array().unwrap())
            .filter(|m| *m == anthropic)
            .count();
        if grants != 1 {
            return Err(format!("Anthropic holds {role} {grants} times on the key: {bindings:?}"));
        }
    }
    let attached = one_registration(state, |config| {
        config["key_name"].as_str().is_some_and(|k| k.ends_with("/cryptoKeys/anthropic-cmek"))
    })?;
    Ok(Converged { attached, retired: Vec::new() })
}

/// Exactly one registration (of any kind) and it is `wanted`; production uses it.
fn one_registration(state: &Value, wanted: impl Fn(&Value) -> bool) -> Result<String, String> {
    let regs = registrations(state);
    let [reg] = regs.as_slice() else { return Err(format!("{} registrations: {regs:?}", regs.len())) };
    if !wanted(&reg["provider_config"]) {
        return Err(format!("the registration names another key: {}", reg["provider_config"]));
    }
    let id = reg["id"].as_str().unwrap().to_string();
    let ws = production(state);
    if ws["external_key_id"] != id.as_str() {
        return Err(format!("production uses {}, not {id}", ws["external_key_id"]));
    }
    Ok(id)
}

/// The run's report, when it printed one.
pub fn report(out: &Output) -> Option<Value> {
    serde_json::from_slice(&out.stdout).ok()
}

/// A scratch home for one client.
pub fn home() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().to_path_buf();
    (dir, path)
}
