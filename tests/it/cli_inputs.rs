//! Bad or missing input: exit 2, a message naming the flag (and environment variable) and the
//! offending value, and no call to any service (the endpoints here are closed ports).

use std::process::Command;

fn cmek(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        // Closed ports: a run that made a call would fail with exit 4, not 2.
        .env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const KEY: (&str, &str) = ("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-CANARYinputs");

#[test]
fn missing_provider_names_the_flag_and_the_variable() {
    let (code, _, err) = cmek(&["setup", "--non-interactive"], &[KEY]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--provider") && err.contains("CMEK_PROVIDER"), "{err}");
}

#[test]
fn missing_admin_key_names_the_flag_and_the_variable_and_is_exit_3_as_in_doctor() {
    let (code, _, err) = cmek(&["setup", "--non-interactive", "--provider", "aws"], &[]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("--admin-key-file") && err.contains("ANTHROPIC_ADMIN_KEY"), "{err}");
    let (code, out, err) = cmek(&["doctor", "--provider", "aws", "--key", "alias/anthropic-cmek"], &[]);
    assert_eq!(code, 3, "doctor: {out}{err}");
    assert!(out.contains("ANTHROPIC_ADMIN_KEY"), "doctor says why without -v: {out}");
}

#[test]
fn an_api_key_that_is_not_an_admin_key_is_refused_without_printing_it() {
    // In ANTHROPIC_API_KEY, or in ANTHROPIC_ADMIN_KEY: refused before it is sent (the platform
    // port is closed, so a sent request would fail with 4, not 3).
    for var in ["ANTHROPIC_API_KEY", "ANTHROPIC_ADMIN_KEY"] {
        let (code, out, err) =
            cmek(&["setup", "--non-interactive", "--provider", "aws"], &[(var, "sk-ant-api03-CANARYapi")]);
        assert_eq!(code, 3, "{var}: {err}");
        assert!(err.contains("ANTHROPIC_ADMIN_KEY"), "{err}");
        assert!(!out.contains("CANARYapi") && !err.contains("CANARYapi"));
    }
}

#[test]
fn malformed_values_are_refused_before_any_call() {
    for (flag, value, needle) in [
        ("--key", "arn:aws:kms:us-east-2:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab", "12-digit"),
        ("--key", "arn:aws:s3:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "not `kms`"),
        ("--key", "not-a-key", "KMS key reference"),
        ("--region", "mars-north-1x", "AWS region"),
        ("--workspace", "wrkspc_bad/id", "workspace id"),
        ("--alias", "anthropic-cmek", "alias/"),
        ("--provider", "oracle", "aws, gcp, azure"),
    ] {
        let mut args = vec!["setup", "--non-interactive"];
        if flag != "--provider" {
            args.extend(["--provider", "aws"]);
        }
        args.extend([flag, value]);
        let (code, _, err) = cmek(&args, &[KEY]);
        assert_eq!(code, 2, "{flag} {value}: {err}");
        assert!(err.contains(value), "{flag}: the message names the value: {err}");
        assert!(err.contains(needle), "{flag}: {err}");
    }
}

#[test]
fn a_region_that_contradicts_the_key_arn_is_refused() {
    let arn = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let (code, _, err) =
        cmek(&["setup", "--non-interactive", "--provider", "aws", "--key", arn, "--region", "us-east-2"], &[KEY]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("us-west-2") && err.contains("us-east-2"), "{err}");
}

#[test]
fn json_errors_carry_the_schema_and_exit_code() {
    let (code, out, _) = cmek(&["--output", "json", "setup", "--non-interactive"], &[KEY]);
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schema"], "cmek.error/v1");
    assert_eq!(doc["exit_code"], 2);
    assert_eq!(doc["error"]["kind"], "usage");
}

#[test]
fn an_unreachable_platform_is_exit_4_naming_the_address() {
    let (code, _, err) = cmek(&["setup", "--non-interactive", "--provider", "aws"], &[KEY]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("127.0.0.1:9"), "{err}");
}

#[test]
fn completions_are_generated() {
    let (code, out, _) = cmek(&["completions", "bash"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("cmek") && out.contains("--confirm-attach"));
}

#[test]
fn the_wizard_off_a_terminal_is_exit_2_pointing_at_non_interactive() {
    let (code, _, err) = cmek(&["setup"], &[KEY]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--non-interactive") && err.contains("terminal"), "{err}");
    let (code, _, err) = cmek(&[], &[KEY]);
    assert_eq!(code, 2, "plain `cmek` opens the wizard, which needs a terminal: {err}");
}

#[test]
fn an_answers_file_fills_what_the_flags_leave_out_and_refuses_attach() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answers.toml");
    std::fs::write(&file, "provider = \"aws\"\nregion = \"mars-north-1x\"\n").unwrap();
    let (code, _, err) = cmek(&["setup", "--non-interactive", "--answers", file.to_str().unwrap()], &[KEY]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("mars-north-1x"), "the file's region was used (and refused): {err}");

    std::fs::write(&file, "provider = \"aws\"\nconfirm_attach = \"production\"\n").unwrap();
    let (code, _, err) = cmek(&["setup", "--non-interactive", "--answers", file.to_str().unwrap()], &[KEY]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--confirm-attach on the command line"), "{err}");
}

#[test]
fn empty_values_are_refused_not_taken_as_not_given() {
    // `--workspace "$WS"` with WS unset must not quietly become a register-only run.
    for flag in ["--workspace", "--confirm-attach", "--region", "--key", "--display-name", "--alias"] {
        let (code, _, err) = cmek(&["setup", "--non-interactive", "--provider", "aws", flag, ""], &[KEY]);
        assert_eq!(code, 2, "{flag}: {err}");
        assert!(err.contains(flag) && err.contains("empty"), "{flag}: {err}");
    }
    let (code, _, err) = cmek(&["setup", "--non-interactive", "--provider", "aws"], &[KEY, ("CMEK_WORKSPACE", "")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("CMEK_WORKSPACE") && err.contains("--workspace"), "{err}");
    // Another tool's variable set empty means unset, as that tool reads it: the run gets as far as
    // the (closed) platform port.
    let (code, _, err) = cmek(&["setup", "--non-interactive", "--provider", "aws"], &[KEY, ("AWS_PROFILE", "")]);
    assert_ne!(code, 2, "{err}");
}

/// `--sandbox nope` (a space) makes clap read `nope` as a command; the hint gives the `=` form.
#[test]
fn a_scenario_after_a_space_is_pointed_at_the_equals_form() {
    let (code, _, err) = cmek(&["--sandbox", "console-wizard", "doctor"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("write --sandbox=console-wizard"), "{err}");
    let (code, _, err) = cmek(&["setup", "--sandbox", "nope", "--non-interactive"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("write --sandbox=nope"), "{err}");
}

/// `setup --help` groups its options and ends with examples; the offline commands do not list
/// flags that say how to reach a service they never call.
#[test]
fn help_is_grouped_and_offline_commands_do_not_offer_connection_flags() {
    let (code, help, _) = cmek(&["setup", "--help"], &[]);
    assert_eq!(code, 0);
    for heading in [
        "How to run:",
        "What to set up:",
        "Irreversible: typed confirmations:",
        "AWS KMS:",
        "Azure Key Vault:",
        "Claude Platform:",
        "AWS connection:",
        "Azure connection:",
        "Examples:",
    ] {
        assert!(help.contains(heading), "{heading} missing:\n{help}");
    }
    assert!(help.contains("cmek --sandbox setup"), "{help}");
    for offline in [&["policy", "check", "--help"][..], &["policy", "--help"], &["completions", "--help"]] {
        let (code, help, _) = cmek(offline, &[]);
        assert_eq!(code, 0);
        for flag in ["--aws-profile", "--azure-subscription", "--base-url", "--admin-key-file", "--sandbox"] {
            assert!(!help.contains(flag), "{offline:?} lists {flag}:\n{help}");
        }
        assert!(help.contains("--output"), "output flags stay: {help}");
    }
    // Hidden, not removed: a global flag before the command still parses.
    let (code, out, err) = cmek(&["--aws-profile", "p", "completions", "bash"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("cmek"));
}

#[test]
fn a_command_line_clap_refuses_still_gives_a_json_error_when_json_was_asked_for() {
    for (args, env) in [
        (&["--output", "json", "setup", "--bogus"][..], &[][..]),
        (&["--output=json", "setup", "--bogus"][..], &[][..]),
        (&["setup", "--bogus"][..], &[("CMEK_OUTPUT", "json")][..]),
    ] {
        let (code, out, err) = cmek(args, env);
        assert_eq!(code, 2, "{args:?}: {err}");
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"));
        assert_eq!(doc["schema"], "cmek.error/v1");
        assert_eq!(doc["exit_code"], 2);
        assert!(doc["error"]["message"].as_str().unwrap().contains("'--bogus'"), "{doc}");
        assert!(err.contains("--bogus"), "the person still reads it on stderr: {err}");
    }
    // Text was asked for: stdout stays empty.
    let (code, out, _) = cmek(&["setup", "--bogus"], &[]);
    assert_eq!((code, out.as_str()), (2, ""));
}

#[test]
fn an_anthropic_key_typed_in_the_wrong_place_is_never_repeated() {
    const CANARY: &str = "sk-ant-admin01-CANARYcanary0123456789";
    for args in [
        &["--output", "json", "setup", CANARY][..],
        // After `--sandbox`, clap's refusal and cmek's own hint both repeat the word.
        &["--output", "json", "--sandbox", CANARY, "setup"][..],
    ] {
        let (code, out, err) = cmek(args, &[]);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!out.contains("CANARY") && !err.contains("CANARY"), "{args:?}:\n{out}\n{err}");
        assert!(err.contains("sk-ant-admin01-…(hidden)"), "the kind is still said: {err}");
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["schema"], "cmek.error/v1");
    }
}
