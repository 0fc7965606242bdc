//! Differential test of the policy evaluator (and `cmek policy simulate`) against the npm package
//! `@cloud-copilot/iam-simulate` (AGPL: test-only, installed by scripts/install-test-peers.sh
//! into .test-peers/node, never shipped, linked or vendored), over a generated matrix of key
//! policies x RCPs x requests. The peer is driven by tests/iam_simulate_peer.mjs, which calls its
//! core `authorize` so `kms:EncryptionContext:*` keys are evaluated, not dropped.
//!
//! A missing peer FAILS the test (run scripts/install-test-peers.sh); it never skips.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cmek_core::model::{CompartmentId, OrgUuid};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::eval::{Outcome, Request, RequestPrincipal, evaluate};
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};
use serde_json::{Value, json};

const ORG: &str = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";
const OTHER_ORG: &str = "0f9e8d7c-6b5a-4f3e-8d2c-1b0a9f8e7d6c";
const A: &str = "5f3a9c2e-7b1d-4e8f-9a6c-0d2e4f6a8b1c";
const B: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
const ACCOUNT: &str = "111122223333";
const KEY: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE: &str = "arn:aws:iam::915198916910:role/anthropic-cmek-client-us";
const ORG_KEY: &str = "kms:EncryptionContext:anthropic:org_uuid";
const COMPARTMENT_KEY: &str = "kms:EncryptionContext:anthropic:compartment_uuid";

/// The one known divergence. AWS documents that for `NotPrincipal` with `Deny` it "might validate
/// the account first, then the role, and then the assumed-role user", and recommends listing the
/// session ARN too: cmek's evaluator takes the strict reading (a session or a role of an account
/// is spared only when its own ARN is listed), iam-simulate spares every principal of a listed
/// account or role. On a policy listing only roles and accounts, cmek says explicitly denied where
/// iam-simulate allows or implicitly denies. The test checks the divergence is exactly that (a
/// caller whose own ARN is not listed), and that both agree for the callers listed exactly.
const NOT_PRINCIPAL: &str = "NotPrincipal deny";
const NOT_PRINCIPAL_ROLE_AND_ACCOUNT: &str = "NotPrincipal deny listing only roles and accounts";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn peer_dir() -> PathBuf {
    std::env::var_os("CMEK_TEST_IAM_SIMULATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".test-peers/node/node_modules/@cloud-copilot/iam-simulate"))
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("tests/fixtures/policies").join(name)).unwrap()).unwrap()
}

fn allow_role(action: Value, condition: Value) -> Value {
    let mut s = json!({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": action, "Resource": "*"});
    if condition != json!({}) {
        s["Condition"] = condition;
    }
    s
}

fn with(base: &Value, extra: Vec<Value>) -> Value {
    let mut p = base.clone();
    p["Statement"].as_array_mut().unwrap().extend(extra);
    p
}

/// The key policies of the matrix, by name.
fn policies() -> Vec<(&'static str, Value)> {
    let mut g = AnthropicGrant::published(ACCOUNT.parse().unwrap(), ORG.parse::<OrgUuid>().unwrap());
    g.compartments = vec![A.parse::<CompartmentId>().unwrap()];
    let correct = key_policy(&g).to_json_value();
    let root_only = fixture("aws-default.json");
    vec![
        ("correct", correct.clone()),
        ("correct, not pinned", key_policy(&AnthropicGrant { compartments: vec![], ..g.clone() }).to_json_value()),
        ("console wizard (over-broad)", fixture("console-wizard.json")),
        ("missing grant", root_only.clone()),
        ("missing org condition", fixture("missing-org-condition.json")),
        ("wrong org", with(&root_only, vec![allow_role(json!(["kms:Encrypt", "kms:Decrypt"]), json!({"StringEquals": {ORG_KEY: OTHER_ORG}}))])),
        ("deny with conditions (source ip)", fixture("explicit-deny-source-ip.json")),
        (NOT_PRINCIPAL_ROLE_AND_ACCOUNT, fixture("not-principal-deny.json")),
        ("NotPrincipal deny listing the session, role and account", {
            let mut p = fixture("not-principal-deny.json");
            p["Statement"][2]["NotPrincipal"]["AWS"] = json!([
                "arn:aws:iam::111122223333:root",
                "arn:aws:iam::111122223333:role/app",
                "arn:aws:iam::915198916910:root",
                ROLE,
                "arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation",
            ]);
            p
        }),
        ("customer statements", fixture("customer-statements.json")),
        ("old anthropic + decrypt existing", fixture("old-anthropic.json")),
        ("placeholder", fixture("placeholder-left.json")),
        ("compartment StringEquals", fixture("compartment-string-equals.json")),
        (
            "NotAction allow and deny",
            with(&root_only, vec![
                allow_role(json!(null), json!({"StringEquals": {ORG_KEY: ORG}})),
                json!({"Effect": "Deny", "Principal": {"AWS": ROLE}, "NotAction": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}),
            ])
            .pipe(|mut p| {
                let s = &mut p["Statement"][1];
                s.as_object_mut().unwrap().remove("Action");
                s["NotAction"] = json!(["kms:ReEncrypt*", "kms:Put*"]);
                p
            }),
        ),
        (
            "wildcards",
            with(&root_only, vec![json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::915198916910:role/anthropic-*"},
                "Action": "kms:*crypt", "Resource": "arn:aws:kms:*:111122223333:key/*",
                "Condition": {"StringLike": {ORG_KEY: "8c2d1e4f-*"}}})])
            .pipe(|mut p| {
                // A principal ARN with a wildcard is not a pattern in AWS: it only matches literally.
                p["Statement"][1]["Principal"] = json!({"AWS": "*"});
                p["Statement"][1]["Condition"]["ArnLike"] = json!({"aws:PrincipalArn": "arn:aws:iam::915198916910:role/anthropic-*"});
                p
            }),
        ),
        (
            "IfExists with the key absent",
            with(&root_only, vec![
                allow_role(json!(["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]), json!({
                    "StringEqualsIfExists": {ORG_KEY: ORG, COMPARTMENT_KEY: A}})),
                json!({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                    "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"},
                                  "StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}, "Null": {"aws:SourceIp": "false"},
                                  "NotIpAddressIfExists": {"aws:SourceIp": "160.79.104.0/21"}}}),
            ]),
        ),
        (
            "set operators on EncryptionContextKeys",
            with(&root_only, vec![
                allow_role(json!("kms:Encrypt"), json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["anthropic:org_uuid", "anthropic:compartment_uuid"]},
                    "ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "anthropic:org_uuid"}})),
                allow_role(json!("kms:Decrypt"), json!({"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": "anthropic:org_uuid"}})),
            ]),
        ),
        (
            "principal org id and source ip",
            with(&root_only, vec![
                json!({"Effect": "Allow", "Principal": "*", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-customer1234"}}}),
                allow_role(json!(["kms:Encrypt", "kms:Decrypt"]), json!({"StringEquals": {ORG_KEY: ORG},
                    "IpAddress": {"aws:SourceIp": ["160.79.104.0/22", "160.79.108.0/22"]}})),
            ]),
        ),
    ]
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Value {}

/// Context pairs; a key repeated is multivalued.
type Pairs = Vec<(&'static str, &'static str)>;

fn principals() -> Vec<(&'static str, RequestPrincipal, Pairs)> {
    let p = |arn: &str| RequestPrincipal::from_arn(arn).unwrap();
    vec![
        (
            "anthropic session",
            p("arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation"),
            vec![],
        ),
        (
            "customer role in org",
            p("arn:aws:iam::111122223333:role/app"),
            vec![("aws:PrincipalOrgID", "o-customer1234")],
        ),
        ("other account role", p("arn:aws:iam::444455556666:role/x"), vec![("aws:PrincipalOrgID", "o-other")]),
        ("other anthropic role", p("arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-eu/s"), vec![]),
    ]
}

/// Request contexts: (label, pairs); a key repeated is multivalued.
fn contexts() -> Vec<(&'static str, Pairs)> {
    let ip = ("aws:SourceIp", "160.79.104.20");
    vec![
        ("none", vec![ip]),
        ("org", vec![ip, (ORG_KEY, ORG), ("kms:EncryptionContextKeys", "anthropic:org_uuid")]),
        (
            "org + A",
            vec![
                ip,
                (ORG_KEY, ORG),
                (COMPARTMENT_KEY, A),
                ("kms:EncryptionContextKeys", "anthropic:org_uuid"),
                ("kms:EncryptionContextKeys", "anthropic:compartment_uuid"),
            ],
        ),
        (
            "org + B",
            vec![
                ip,
                (ORG_KEY, ORG),
                (COMPARTMENT_KEY, B),
                ("kms:EncryptionContextKeys", "anthropic:org_uuid"),
                ("kms:EncryptionContextKeys", "anthropic:compartment_uuid"),
            ],
        ),
        ("other org", vec![ip, (ORG_KEY, OTHER_ORG), ("kms:EncryptionContextKeys", "anthropic:org_uuid")]),
        (
            "org + extra key",
            vec![
                ip,
                (ORG_KEY, ORG),
                ("kms:EncryptionContext:purpose", "x"),
                ("kms:EncryptionContextKeys", "anthropic:org_uuid"),
                ("kms:EncryptionContextKeys", "purpose"),
            ],
        ),
        (
            "org from elsewhere",
            vec![("aws:SourceIp", "203.0.113.5"), (ORG_KEY, ORG), ("kms:EncryptionContextKeys", "anthropic:org_uuid")],
        ),
    ]
}

const ACTIONS: &[&str] = &["kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom"];

struct Case {
    label: String,
    policy: Value,
    rcps: Vec<Value>,
    request: Request,
    principal_arn: String,
}

fn cases() -> Vec<Case> {
    let rcp_sets: Vec<(&str, Vec<Value>)> = vec![
        ("no RCP", vec![]),
        ("RCP org perimeter", vec![fixture("rcp-org-perimeter.json")]),
        ("RCP with carve-out", vec![fixture("rcp-org-perimeter-with-carve-out.json")]),
    ];
    let mut out = Vec::new();
    for (pname, policy) in policies() {
        for (rname, rcps) in &rcp_sets {
            for (who, principal, extra) in principals() {
                for (cname, ctx) in contexts() {
                    for action in ACTIONS {
                        let mut request = Request::new(principal.clone(), *action, KEY, ACCOUNT);
                        for (k, v) in ctx.iter().chain(extra.iter()) {
                            request = request.with_context(*k, *v);
                        }
                        let principal_arn = match &principal {
                            RequestPrincipal::Aws { arn, .. } => arn.clone(),
                            RequestPrincipal::Service { name } => name.clone(),
                        };
                        out.push(Case {
                            label: format!("{pname} | {rname} | {who} | {action} | {cname}"),
                            policy: policy.clone(),
                            rcps: rcps.clone(),
                            request,
                            principal_arn,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The context as the peer gets it: the request's keys plus the ones AWS derives (which the
/// peer's core does not add by itself), exactly as cmek's evaluator derives them.
fn peer_context(c: &Case) -> BTreeMap<String, Vec<String>> {
    let mut ctx = BTreeMap::new();
    if let RequestPrincipal::Aws { arn, account, role_arn } = &c.request.principal {
        ctx.insert("aws:PrincipalArn".to_string(), vec![role_arn.clone().unwrap_or(arn.clone())]);
        ctx.insert("aws:PrincipalAccount".to_string(), vec![account.clone()]);
        ctx.insert("kms:CallerAccount".to_string(), vec![account.clone()]);
        ctx.insert("aws:PrincipalIsAWSService".to_string(), vec!["false".to_string()]);
    }
    ctx.insert("aws:ResourceAccount".to_string(), vec![ACCOUNT.to_string()]);
    ctx.extend(c.request.context.clone());
    ctx
}

fn peer(cases: &[Case]) -> Vec<Value> {
    let dir = peer_dir();
    assert!(
        dir.join("package.json").is_file(),
        "the differential peer @cloud-copilot/iam-simulate is missing at {}: run scripts/install-test-peers.sh",
        dir.display()
    );
    let node = std::env::var("CMEK_TEST_NODE").unwrap_or_else(|_| "node".to_string());
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({"policy": c.policy, "rcps": c.rcps, "principal": c.principal_arn, "action": c.request.action,
                   "resource": KEY, "account": ACCOUNT, "context": peer_context(c),
                   "multi_valued": ["kms:EncryptionContextKeys"]})
        })
        .collect();
    let mut child = Command::new(&node)
        .arg(root().join("tests/iam_simulate_peer.mjs"))
        .env("CMEK_IAM_SIMULATE_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run `{node}` ({e}): run scripts/install-test-peers.sh, which installs Node.js")
        });
    let mut stdin = child.stdin.take().unwrap();
    let payload = serde_json::to_vec(&input).unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&payload));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "the peer failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Whether the NotPrincipal statement (the fixture's third) lists this exact caller ARN.
fn listed_exactly(policy: &Value, arn: &str) -> bool {
    policy["Statement"][2]["NotPrincipal"]["AWS"].as_array().is_some_and(|l| l.iter().any(|v| v == arn))
}

fn word(o: Outcome) -> &'static str {
    match o {
        Outcome::Allowed => "Allowed",
        Outcome::ImplicitlyDenied => "ImplicitlyDenied",
        Outcome::ExplicitlyDenied => "ExplicitlyDenied",
    }
}

#[test]
fn the_evaluator_agrees_with_iam_simulate_on_the_matrix() {
    let cases = cases();
    let theirs = peer(&cases);
    assert_eq!(theirs.len(), cases.len());
    let mut disagreements = Vec::new();
    let mut seen = BTreeMap::<&str, usize>::new();
    for (c, t) in cases.iter().zip(&theirs) {
        let policy = PolicyDocument::from_json_value(&c.policy).unwrap();
        let rcps: Vec<PolicyDocument> = c.rcps.iter().map(|r| PolicyDocument::from_json_value(r).unwrap()).collect();
        let ours = word(evaluate(&policy, &rcps, &c.request).outcome);
        let Some(their) = t["result"].as_str() else {
            panic!("{}: the peer could not evaluate it: {}", c.label, t["error"]);
        };
        *seen.entry(ours).or_default() += 1;
        let known = c.label.starts_with(NOT_PRINCIPAL)
            && ours == "ExplicitlyDenied"
            && !listed_exactly(&c.policy, &c.principal_arn);
        if ours != their && !known {
            disagreements.push(format!("{}: cmek {ours}, iam-simulate {their}", c.label));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    // The matrix must exercise all three outcomes, or it proves little.
    assert!(seen.len() == 3 && seen.values().all(|n| *n >= 20), "{seen:?}");
}

#[test]
fn cmek_policy_simulate_reports_what_the_evaluator_decides() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    for (n, c) in cases.iter().enumerate().step_by(97) {
        let policy_file = write(dir.path(), &format!("p{n}.json"), &c.policy);
        let mut args = vec!["policy".to_string(), "simulate".into(), "--policy".into(), policy_file];
        args.extend(["--principal".into(), c.principal_arn.clone(), "--action".into(), c.request.action.clone()]);
        args.extend(["--resource".into(), KEY.into(), "--output".into(), "json".into()]);
        for (k, values) in &c.request.context {
            for v in values {
                args.extend(["--context".into(), format!("{k}={v}")]);
            }
        }
        for (i, r) in c.rcps.iter().enumerate() {
            args.extend(["--rcp".into(), write(dir.path(), &format!("r{n}-{i}.json"), r)]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_cmek")).env_clear().args(&args).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: {e}", c.label));
        let policy = PolicyDocument::from_json_value(&c.policy).unwrap();
        let rcps: Vec<PolicyDocument> = c.rcps.iter().map(|r| PolicyDocument::from_json_value(r).unwrap()).collect();
        let expected = evaluate(&policy, &rcps, &c.request).outcome;
        assert_eq!(v["decision"], json!(expected), "{}", c.label);
        assert_eq!(out.status.code(), Some(if expected == Outcome::Allowed { 0 } else { 1 }), "{}", c.label);
    }
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path.display().to_string()
}
