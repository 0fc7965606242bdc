//! The corpus of broken key policies (tests/corpus/aws/, one file per catalogue id, named after
//! it) through `cmek policy check`: every expected id must fail, and no other high or critical
//! failure may appear. Each `<file>.expected` holds `expect: IDS` and optionally `args: FLAGS`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const ORG: &str = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";

/// Every id a key-policy file can show; the corpus must hold a case for each.
const DETECTABLE: &[&str] = &[
    "AWS-05", "AWS-06", "AWS-07", "AWS-08", "AWS-09", "AWS-10", "AWS-11", "AWS-12", "AWS-13", "AWS-14", "ANT-03",
    "ANT-04", "ANT-05", "ANT-11", "GEN-04",
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/aws")
}

struct Case {
    file: String,
    expect: BTreeSet<String>,
    args: Vec<String>,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !file.ends_with(".json") {
            continue;
        }
        let sidecar = std::fs::read_to_string(corpus().join(format!("{file}.expected")))
            .unwrap_or_else(|e| panic!("{file} has no {file}.expected: {e}"));
        let field = |name: &str| -> Option<Vec<String>> {
            sidecar.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.split_whitespace().map(String::from).collect())
        };
        let expect: BTreeSet<String> =
            field("expect:").unwrap_or_else(|| panic!("{file}.expected: no `expect:` line")).into_iter().collect();
        out.push(Case { file, expect, args: field("args:").unwrap_or_default() });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

fn check(case: &Case) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .current_dir(corpus())
        .env_clear()
        .env("NO_COLOR", "1")
        .args(["policy", "check", &case.file, "--org-uuid", ORG, "--output", "json"])
        .args(&case.args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{}: not JSON ({e}): {stdout}\n{}", case.file, String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn every_corpus_policy_shows_exactly_its_expected_problems() {
    let cases = cases();
    let mut covered = BTreeSet::new();
    for case in &cases {
        let named = case.file.get(..6).unwrap_or_default().to_string();
        assert!(
            case.expect.contains(&named),
            "{}: the file is named after {named}, which it does not expect",
            case.file
        );
        covered.insert(named);
        let (code, report) = check(case);
        assert_eq!(report["schema"], "cmek.doctor/v1");
        let findings = report["findings"].as_array().unwrap();
        let failing: BTreeSet<String> = findings
            .iter()
            .filter(|f| f["status"] == "fail" || f["status"] == "warn")
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        let missing: Vec<&String> = case.expect.difference(&failing).collect();
        assert!(missing.is_empty(), "{}: expected {missing:?} to fail; got {failing:?}", case.file);
        let unexpected: Vec<&str> = findings
            .iter()
            .filter(|f| f["status"] == "fail" && (f["severity"] == "high" || f["severity"] == "critical"))
            .map(|f| f["id"].as_str().unwrap())
            .filter(|id| !case.expect.contains(*id))
            .collect();
        assert!(unexpected.is_empty(), "{}: unexpected high/critical failures {unexpected:?}", case.file);
        let serious =
            findings.iter().any(|f| f["status"] == "fail" && (f["severity"] == "high" || f["severity"] == "critical"));
        assert_eq!(code, if serious { 1 } else { 0 }, "{}: exit code", case.file);
        for f in findings.iter().filter(|f| f["status"] == "fail") {
            assert!(f["observed"].is_string() && f["fix"].is_string(), "{}: {f}", case.file);
        }
    }
    let uncovered: Vec<&&str> = DETECTABLE.iter().filter(|id| !covered.contains(**id)).collect();
    assert!(uncovered.is_empty(), "no corpus file for {uncovered:?}");
}
