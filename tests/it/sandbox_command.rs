//! `cmek sandbox` as a user runs it: start it, read its `export` lines up to `# ready`, point
//! `cmek setup` at it with exactly those variables (the HTTPS proxy's among them: cmek stays off
//! it), and get an attached key; with `--state FILE` it remembers across a restart; with
//! `--aws-endpoint` it validates against that AWS (moto).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::foreground::Foreground;
use crate::moto::Moto;

const AWS_VARS: [&str; 3] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"];

fn setup_with(home: &Path, exports: &BTreeMap<String, String>) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .envs(exports)
        .args(["--output", "json", "setup", "--non-interactive", "--provider", "aws"])
        .args(["--workspace", "production", "--confirm-attach", "production"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), doc)
}

fn outcome(doc: &Value, action: &str) -> String {
    let steps = doc["steps"].as_array().unwrap();
    let step = steps.iter().find(|s| s["action"] == action).unwrap();
    step["outcome"]["status"].as_str().unwrap().to_string()
}

#[test]
fn the_built_in_sandbox_exports_are_enough_to_run_the_main_job() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    for var in ["ANTHROPIC_BASE_URL", "ANTHROPIC_ADMIN_KEY"].into_iter().chain(AWS_VARS) {
        assert!(sandbox.exports.contains_key(var), "{var} is not exported: {:?}", sandbox.exports);
    }
    assert!(sandbox.exports["ANTHROPIC_ADMIN_KEY"].starts_with("sk-ant-admin01-"));
    // Standard clients go through the proxy; cmek itself (CMEK_SANDBOX_ENDPOINTS) stays off it.
    assert!(sandbox.exports["HTTPS_PROXY"].starts_with("http://127.0.0.1:"));
    assert!(!sandbox.exports.contains_key("AWS_ENDPOINT_URL"), "the AWS clients reach KMS by its real name");
    assert_eq!(sandbox.notes["scenario"].split(':').next(), Some("default"));

    let (code, doc) = setup_with(home.path(), &sandbox.exports);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["status"], "attached");
    // The organisation is named by the header on every answer: its UUID, with no call for the name.
    assert_eq!(doc["organization"]["uuid"], cmek_sandbox::platform::seed::ORG_ID);
    assert_eq!(doc["organization"]["name"], serde_json::Value::Null);
    assert_eq!(sandbox.interrupt(), 0, "Ctrl-C is the normal way to stop it");
}

#[test]
fn a_state_file_survives_a_restart() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("state.json");
    let state_arg = state.to_str().unwrap();

    let first = Foreground::start(home.path(), &["sandbox", "--state", state_arg]);
    let (code, doc) = setup_with(home.path(), &first.exports);
    assert_eq!(code, 0, "{doc:#}");
    let key_arn = doc["key"]["arn"].clone();
    let admin_key = first.exports["ANTHROPIC_ADMIN_KEY"].clone();
    assert_eq!(first.interrupt(), 0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(saved["format"], "cmek.sandbox-state/v1");

    let second = Foreground::start(home.path(), &["sandbox", "--state", state_arg]);
    assert_eq!(second.exports["ANTHROPIC_ADMIN_KEY"], admin_key, "clients keep working after a restart");
    let (code, doc) = setup_with(home.path(), &second.exports);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["key"]["arn"], key_arn, "the same key, found again");
    for action in ["update_key_policy", "register_key", "attach"] {
        assert_eq!(outcome(&doc, action), "unchanged", "{action}");
    }
}

#[test]
fn with_an_external_aws_endpoint_it_validates_against_that() {
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["--aws-endpoint", moto.endpoint(), "sandbox"]);
    assert_eq!(sandbox.exports["AWS_ENDPOINT_URL"], moto.endpoint());
    let (code, doc) = setup_with(home.path(), &sandbox.exports);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["status"], "attached");
}

/// Runs `setup --provider azure` (text output) against a running sandbox's exports.
fn azure_setup_with(home: &Path, exports: &BTreeMap<String, String>) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(exports)
        .args(["setup", "--non-interactive", "--provider", "azure", "--workspace", "production"])
        .args(["--confirm-attach", "production"])
        .output()
        .unwrap()
}

/// In Azure a new role assignment takes minutes to count; the sandbox makes every rehearsal show
/// that wait (5 s by default), and `--azure-rbac-delay 0` takes it away for whoever asks.
#[test]
fn azure_role_assignments_take_a_while_unless_the_delay_is_turned_off() {
    for (args, waits) in [(&["sandbox"][..], true), (&["sandbox", "--azure-rbac-delay", "0"][..], false)] {
        let home = tempfile::tempdir().unwrap();
        let sandbox = Foreground::start(home.path(), args);
        let out = azure_setup_with(home.path(), &sandbox.exports);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        let waited = stderr.contains("ForbiddenByRbac") && stderr.contains("retrying in");
        assert_eq!(waited, waits, "{args:?}: {stderr}");
        assert_eq!(sandbox.interrupt(), 0);
    }
}

#[test]
fn a_bad_azure_rbac_delay_is_a_usage_error_naming_the_value() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_cmek")).args(["sandbox", "--azure-rbac-delay", "soon"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("soon") && stderr.contains("--azure-rbac-delay"), "{stderr}");
}
