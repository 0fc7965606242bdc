//! `cmek policy render|check|simulate` through the real binary: output, exit codes (0 healthy or
//! allowed, 1 serious finding or denied, 2 bad input naming the value), and no credentials needed
//! (the environment is empty: no HOME, no AWS or Anthropic variables).

use std::path::{Path, PathBuf};
use std::process::Command;

const ORG: &str = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";
const COMPARTMENT: &str = "5f3a9c2e-7b1d-4e8f-9a6c-0d2e4f6a8b1c";
const SESSION: &str = "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation";
const ORG_KEY: &str = "kms:EncryptionContext:anthropic:org_uuid";

fn fixture(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/policies")
}

fn cmek(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek")).env_clear().env("NO_COLOR", "1").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn render_prints_the_policy_cmek_applies() {
    let (code, out, err) = cmek(&[
        "policy",
        "render",
        "--provider",
        "aws",
        "--account",
        "111122223333",
        "--org-uuid",
        ORG,
        "--compartment",
        COMPARTMENT,
    ]);
    assert_eq!(code, 0, "{err}");
    let policy: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sids: Vec<&str> = policy["Statement"].as_array().unwrap().iter().map(|s| s["Sid"].as_str().unwrap()).collect();
    assert_eq!(sids, ["AccountRootAdmin", "AllowAnthropicCMEKCrypto", "AllowAnthropicCMEKDescribe"]);
    assert_eq!(
        policy["Statement"][1]["Condition"]["StringEqualsIfExists"]["kms:EncryptionContext:anthropic:compartment_uuid"],
        serde_json::json!([COMPARTMENT])
    );

    // What render prints passes check with the same inputs.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rendered.json");
    std::fs::write(&file, &out).unwrap();
    let (code, out, _) =
        cmek(&["policy", "check", file.to_str().unwrap(), "--org-uuid", ORG, "--compartment", COMPARTMENT]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("summary: no high or critical problem; 0 failed"), "{out}");
}

#[test]
fn render_refuses_bad_input_naming_it() {
    for (args, needle) in [
        (vec!["--provider", "azure", "--account", "111122223333", "--org-uuid", ORG], "--provider azure"),
        (vec!["--provider", "aws", "--account", "12345", "--org-uuid", ORG], "`12345`"),
        (vec!["--provider", "aws", "--account", "111122223333", "--org-uuid", "org_abc"], "`org_abc`"),
        (vec!["--provider", "aws", "--account", "111122223333", "--org-uuid", ORG, "--compartment", "x"], "`x`"),
    ] {
        let (code, _, err) = cmek(&[&["policy", "render"][..], &args].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn check_reports_in_text_and_json_with_the_exit_code() {
    let (code, out, _) = cmek(&["policy", "check", &fixture("console-wizard.json"), "--org-uuid", ORG]);
    assert_eq!(code, 1, "{out}");
    assert!(out.lines().any(|l| l.starts_with("✗ AWS-08 high")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("✓ AWS-10 high")), "{out}");
    assert!(out.lines().last().unwrap().starts_with("summary: "), "{out}");
    // The fix goes with each problem, as in doctor; the rest of the details only with -v.
    assert!(out.contains("    fix: run cmek setup") && out.contains("--replace-anthropic-grants"), "{out}");
    assert!(!out.contains("terraform:") && !out.contains("expected:"), "details only with -v: {out}");
    let (_, verbose, _) = cmek(&["policy", "check", &fixture("console-wizard.json"), "--org-uuid", ORG, "-v"]);
    assert!(verbose.contains("    fix: ") && verbose.contains("    terraform: resource \"aws_kms_key_policy\""));

    let (code, out, _) = cmek(&["policy", "check", &fixture("correct.json"), "--org-uuid", ORG, "--output", "json"]);
    assert_eq!(code, 0, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["schema"], "cmek.doctor/v1");
    assert_eq!(report["exit_code"], 0);
    let first = &report["findings"][0];
    for field in ["id", "severity", "status", "title", "group"] {
        assert!(first.get(field).is_some(), "{field} missing: {first}");
    }
}

#[test]
fn check_refuses_bad_input_naming_it() {
    let missing = fixture("no-such-policy.json");
    for (args, needle) in [
        (vec!["policy", "check", &missing, "--org-uuid", ORG], "no-such-policy.json"),
        (vec!["policy", "check", "x.json", "--org-uuid", "8C2D"], "`8C2D`"),
        (
            vec!["policy", "check", "x.json", "--org-uuid", ORG, "--key-arn", "arn:aws:kms:us-east-2:1:key/x"],
            "arn:aws:kms:us-east-2:1:key/x",
        ),
        (
            vec!["policy", "check", &fixture("correct.json"), "--org-uuid", ORG, "--rcp", &missing],
            "no-such-policy.json",
        ),
    ] {
        let (code, _, err) = cmek(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let bad_rcp = dir.path().join("rcp.json");
    std::fs::write(&bad_rcp, r#"{"Statement": [{"Effect": "Deny", "Action": 3}]}"#).unwrap();
    let (code, _, err) =
        cmek(&["policy", "check", &fixture("correct.json"), "--org-uuid", ORG, "--rcp", bad_rcp.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rcp.json") && err.contains("Statement[0].Action"), "{err}");
}

#[test]
fn simulate_prints_the_decision_and_the_deciding_statements() {
    let org_ctx = format!("{ORG_KEY}={ORG}");
    let base = ["policy", "simulate", "--principal", SESSION, "--action", "kms:Encrypt"];
    let correct = fixture("correct.json");

    let (code, out, err) = cmek(&[&base[..], &["--policy", &correct, "--context", &org_ctx]].concat());
    assert_eq!((code, out.lines().next()), (0, Some("allowed")), "{out}{err}");
    assert!(out.contains("Allow by key_policy AllowAnthropicCMEKCrypto"), "{out}");

    let (code, out, _) = cmek(&[&base[..], &["--policy", &correct]].concat());
    assert_eq!((code, out.lines().next()), (1, Some("implicitly_denied")), "{out}");

    let rcp = fixture("rcp-org-perimeter.json");
    let (code, out, _) =
        cmek(&[&base[..], &["--policy", &correct, "--context", &org_ctx, "--rcp", &rcp, "--output", "json"]].concat());
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "cmek.policy-simulate/v1");
    assert_eq!(v["decision"], "explicitly_denied");
    assert_eq!(v["deciding"][0]["policy"], "rcp");
    assert_eq!(v["deciding"][0]["sid"], "EnforceOrgIdentities");
    assert!(v["deciding"][0]["file"].as_str().unwrap().ends_with("rcp-org-perimeter.json"));
}

#[test]
fn simulate_repeated_context_keys_are_multivalued() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ForAllValues:StringEquals":
            {"kms:EncryptionContextKeys": ["anthropic:org_uuid", "anthropic:compartment_uuid"]}}}]}"#,
    )
    .unwrap();
    let run = |keys: &[&str]| {
        let mut args = vec!["policy", "simulate", "--policy", policy.to_str().unwrap()];
        args.extend(["--principal", "arn:aws:iam::111122223333:role/app", "--action", "kms:Decrypt"]);
        let pairs: Vec<String> = keys.iter().map(|k| format!("kms:EncryptionContextKeys={k}")).collect();
        for p in &pairs {
            args.extend(["--context", p]);
        }
        cmek(&args).0
    };
    assert_eq!(run(&["anthropic:org_uuid", "anthropic:compartment_uuid"]), 0);
    assert_eq!(run(&["anthropic:org_uuid", "other"]), 1);
}

#[test]
fn simulate_refuses_bad_input_naming_it() {
    let correct = fixture("correct.json");
    for (extra, needle) in [
        (vec!["--principal", "anthropic", "--action", "kms:Encrypt"], "--principal anthropic"),
        (vec!["--principal", SESSION, "--action", "Encrypt"], "--action Encrypt"),
        (vec!["--principal", SESSION, "--action", "kms:Encrypt", "--context", "novalue"], "--context novalue"),
        (vec!["--principal", SESSION, "--action", "kms:Encrypt", "--resource", "key-1"], "--resource key-1"),
    ] {
        let (code, _, err) = cmek(&[&["policy", "simulate", "--policy", &correct][..], &extra].concat());
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains(needle), "{extra:?}: {err}");
    }
    let (code, _, err) =
        cmek(&["policy", "simulate", "--policy", "/nonexistent/p.json", "--principal", SESSION, "--action", "kms:X"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/p.json"), "{err}");
}

#[test]
fn an_unparseable_or_oversized_file_is_an_input_error_naming_the_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let huge = format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}", vec!["{}"; 20_000].join(","));
    let cases: Vec<(String, &str)> = vec![
        (write("empty.json", b""), "is empty"),
        (write("text.json", b"not json"), "line 1, column 2"),
        (write("array.json", b"[1]"), "JSON array, not an object"),
        (write("bom.json", b"\xef\xbb\xbf{\"Version\":\"2012-10-17\",\"Statement\":[]}"), "byte-order mark"),
        (write("deep.json", deep.as_bytes()), "line 1, column"),
        (write("huge.json", huge.as_bytes()), "larger than 32768 bytes"),
    ];
    for (file, needle) in &cases {
        for args in [
            vec!["policy", "check", "--org-uuid", ORG, file.as_str()],
            vec!["policy", "simulate", "--policy", file.as_str(), "--principal", SESSION, "--action", "kms:Encrypt"],
        ] {
            // A file over the limit is refused after reading at most 32 KB + 1 byte of it.
            let (code, _, err) = cmek(&args);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(err.contains(file.as_str()) && err.contains(needle), "{args:?}: {err}");
        }
    }
}
