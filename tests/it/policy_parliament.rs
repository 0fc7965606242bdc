//! Every key policy cmek generates passes `parliament` (PyPI, pinned in
//! scripts/install-test-peers.sh) at `--minimum_severity MEDIUM`: what `cmek policy render`
//! prints (with and without compartments), the statements for several organisations and for
//! existing data, and what setup's merge makes of every fixture policy. A missing parliament
//! fails the test (run scripts/install-test-peers.sh).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cmek_core::model::{CompartmentId, OrgUuid};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::merge::merge;
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};

const ORG: &str = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";
const OTHER_ORG: &str = "0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c";
const A: &str = "5f3a9c2e-7b1d-4e8f-9a6c-0d2e4f6a8b1c";
const B: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const OLD: &str = "d4c3b2a1-9f8e-4d7c-8b6a-5f4e3d2c1b0a";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parliament() -> PathBuf {
    let exe = std::env::var_os("CMEK_TEST_PARLIAMENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/parliament"));
    assert!(exe.is_file(), "parliament is missing at {}: run scripts/install-test-peers.sh", exe.display());
    exe
}

/// Condition values written as JSON numbers or booleans, as strings: AWS compares them as strings
/// either way, and parliament 1.6.4 crashes on a number (`TypeError: expected string ... got
/// 'int'`), e.g. on the customer's `"aws:MultiFactorAuthAge": 3600` that the merge keeps.
fn stringify_condition_values(policy: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(policy).unwrap();
    let statements = match &mut v["Statement"] {
        serde_json::Value::Array(list) => list.iter_mut().collect::<Vec<_>>(),
        one => vec![one],
    };
    for s in statements {
        let Some(ops) = s.get_mut("Condition").and_then(|c| c.as_object_mut()) else { continue };
        for keys in ops.values_mut().filter_map(|k| k.as_object_mut()) {
            for value in keys.values_mut() {
                let text = |x: &serde_json::Value| match x {
                    serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                        serde_json::Value::String(x.to_string())
                    }
                    other => other.clone(),
                };
                let replaced = match &*value {
                    serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(text).collect()),
                    single => text(single),
                };
                *value = replaced;
            }
        }
    }
    v.to_string()
}

/// Parliament's findings (one JSON object per line) for one policy; empty when it has none.
fn lint(exe: &Path, policy: &str) -> Vec<String> {
    let policy = stringify_condition_values(policy);
    let out = Command::new(exe)
        .args(["--string", &policy, "--minimum_severity", "MEDIUM", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let findings: Vec<String> = stdout.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    // Exit 1 means findings; anything else without findings is parliament failing to run.
    assert!(
        out.status.success() || !findings.is_empty(),
        "parliament failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    findings
}

fn grant() -> AnthropicGrant {
    AnthropicGrant::published("111122223333".parse().unwrap(), ORG.parse::<OrgUuid>().unwrap())
}

fn ids(v: &[&str]) -> Vec<CompartmentId> {
    v.iter().map(|c| c.parse().unwrap()).collect()
}

fn rendered_by_the_cli(compartments: &[&str]) -> String {
    let mut args = vec!["policy", "render", "--provider", "aws", "--account", "111122223333", "--org-uuid", ORG];
    for c in compartments {
        args.extend(["--compartment", c]);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_cmek")).env_clear().args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_generated_policy_passes_parliament() {
    let exe = parliament();
    let mut policies: Vec<(String, String)> = vec![
        ("render, not pinned".into(), rendered_by_the_cli(&[])),
        ("render, one compartment".into(), rendered_by_the_cli(&[A])),
        ("render, two compartments".into(), rendered_by_the_cli(&[A, B])),
        (
            "two organisations, pinned, with existing data".into(),
            key_policy(&AnthropicGrant {
                org_uuids: vec![ORG.parse().unwrap(), OTHER_ORG.parse().unwrap()],
                compartments: ids(&[A, B]),
                decrypt_existing_compartments: ids(&[OLD]),
                ..grant()
            })
            .to_json_pretty(),
        ),
    ];
    let fixtures = root().join("tests/fixtures/policies");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.starts_with("rcp-"))
        .collect();
    names.sort();
    for name in names {
        let existing = PolicyDocument::parse(&std::fs::read_to_string(fixtures.join(&name)).unwrap()).unwrap();
        let merged = merge(&existing, &AnthropicGrant { compartments: ids(&[A]), ..grant() });
        policies.push((format!("{name} merged"), merged.policy.to_json_pretty()));
    }
    assert!(policies.len() >= 12, "the test must cover every fixture");
    let failures: Vec<String> = policies
        .iter()
        .flat_map(|(name, text)| lint(&exe, text).into_iter().map(move |f| format!("{name}: {f}")))
        .collect();
    assert!(failures.is_empty(), "parliament findings at MEDIUM or above:\n{}", failures.join("\n"));

    // The check can fail: a policy parliament does flag is reported.
    let flagged = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}]}"#;
    assert!(!lint(&exe, flagged).is_empty(), "parliament reported nothing for a policy it flags");
}
