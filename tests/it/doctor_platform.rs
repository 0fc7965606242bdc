//! `cmek doctor` when the Admin API cannot be used: a missing admin credential is the ANT-01
//! finding (exit 3, the authentication exit code), not a crash; an unreachable platform with
//! nothing else to look at is a platform error (exit 4).

use std::process::Command;

use serde_json::Value;

fn doctor(env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_missing_admin_credential_is_ant_01_and_exit_3() {
    let (code, stdout, stderr) = doctor(&[], &["--output", "json", "doctor"]);
    assert_eq!(code, 3, "{stdout}\n{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["schema"], "cmek.doctor/v1");
    let ant01 = doc["findings"].as_array().unwrap().iter().find(|f| f["id"] == "ANT-01").unwrap().clone();
    assert_eq!(ant01["status"], "fail", "{doc}");
    assert!(ant01["observed"].as_str().unwrap().contains("ANTHROPIC_ADMIN_KEY"), "{ant01}");
    assert!(ant01["fix"].as_str().unwrap().contains("admin key"), "{ant01}");
}

#[test]
fn an_unreachable_platform_with_nothing_else_to_inspect_is_exit_4_and_keeps_the_key_secret() {
    let canary = "sk-ant-admin01-canary-never-printed";
    let (code, stdout, stderr) = doctor(
        &[("ANTHROPIC_ADMIN_KEY", canary), ("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"), ("CMEK_LOG", "trace")],
        &["doctor"],
    );
    assert_eq!(code, 4, "{stdout}\n{stderr}");
    assert!(stderr.contains("127.0.0.1:9"), "{stderr}");
    assert!(!stdout.contains(canary) && !stderr.contains(canary), "{stdout}\n{stderr}");
}

/// ANT-02: an organisation without the CMEK entitlement. Setup stops at inspection, before any
/// cloud change, saying only the account team can help; doctor names it as ANT-02 (not as a
/// refused credential).
#[test]
fn cmek_not_enabled_stops_setup_before_any_change_and_doctor_names_ant_02() {
    let world = super::doctor_support::World::new("cmek-not-enabled");
    let setup = world.setup("aws", &["--workspace", "production"]);
    assert_eq!(setup.code, 3, "{setup:?}");
    let said = format!("{}{}", setup.stdout, setup.stderr);
    assert!(said.contains("ANT-02") && said.contains("account team"), "{setup:?}");
    let state: Value = serde_json::from_str(&std::fs::read_to_string(world.state_file()).unwrap()).unwrap();
    assert!(state["aws"]["keys"].as_array().is_none_or(|k| k.is_empty()), "no KMS key was created: {state:#}");

    let doctor = world.doctor(true, &["--provider", "aws", "--key", "alias/anthropic-cmek", "--no-validate"]);
    assert_eq!(doctor.code, 1, "{doctor:?}");
    assert!(doctor.ids("fail").contains(&"ANT-02".to_string()), "{doctor:?}");
    assert!(doctor.ids("pass").contains(&"ANT-01".to_string()), "the credential itself is fine: {doctor:?}");
}
