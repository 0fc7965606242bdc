//! The official `anthropic` Python SDK (pinned in scripts/install-test-peers.sh) through every
//! external-key and workspace call on a running `cmek sandbox`, with nothing but its exports: the
//! key `cmek setup` made validates, attaches write-once, cannot be deleted or re-pointed once
//! attached; refusals carry API 2026-10-21's structured `error_code`; archive and the listings'
//! filters; an organisation without CMEK is refused with `cmek_not_approved`
//! (tests/peers/anthropic_sdk_lifecycle.py). The platform-only checks are the sandbox crate's
//! `sdk_peer` test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::foreground::Foreground;
use crate::peers::python;

fn run_check(home: &Path, exports: &BTreeMap<String, String>, mode: &str, arn: Option<&str>) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/peers/anthropic_sdk_lifecycle.py");
    let mut cmd = Command::new(python());
    cmd.env_clear()
        .env("HOME", home)
        .env("ANTHROPIC_CONFIG_DIR", home.join("anthropic"))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("ANTHROPIC_BASE_URL", &exports["ANTHROPIC_BASE_URL"])
        .env("ANTHROPIC_ADMIN_KEY", &exports["ANTHROPIC_ADMIN_KEY"])
        .arg(script)
        .arg(mode);
    if let Some(arn) = arn {
        cmd.env("CMEK_CHECK_KMS_ARN", arn);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the anthropic SDK check ({mode}) failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("anthropic_sdk_lifecycle: OK"), "{stdout}\n{stderr}");
}

#[test]
fn the_official_sdk_takes_cmeks_key_through_validate_attach_and_archive() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let setup = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .envs(&sandbox.exports)
        .args(["--output", "json", "setup", "--non-interactive", "--provider", "aws"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&setup.stdout).unwrap();
    assert_eq!(doc["status"], "validated", "{doc:#}");
    let arn = doc["key"]["arn"].as_str().unwrap().to_string();
    run_check(home.path(), &sandbox.exports, "lifecycle", Some(&arn));
    assert_eq!(sandbox.interrupt(), 0);
}

#[test]
fn the_official_sdk_sees_cmek_not_approved_for_an_organisation_without_cmek() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox", "--scenario", "cmek-not-enabled"]);
    run_check(home.path(), &sandbox.exports, "not-approved", None);
    assert_eq!(sandbox.interrupt(), 0);
}
