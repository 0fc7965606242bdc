//! `cmek export terraform` through the real binary against the sandbox, per cloud: before setup
//! (what the plan would create) and after it (what exists, adopted with import blocks); every
//! file parses with an HCL parser (python-hcl2, pinned in scripts/install-test-peers.sh); after an
//! AWS setup the exported key policy is byte-identical to what the official `aws` CLI's
//! GetKeyPolicy returns; existing files are never overwritten without --force.

use crate::peers::{aws_cli, python};
use std::path::Path;
use std::process::Command;

use regex::Regex;
use serde_json::Value;
use tempfile::TempDir;

use super::doctor_support::World;
use super::foreground::Foreground;

/// What python-hcl2 reads in `file`: each resource type with its attribute and block names, and
/// the number of import blocks. Fails the test when the file does not parse.
fn parsed(file: &Path) -> Value {
    const SCRIPT: &str = r#"
import hcl2, json, sys
doc = hcl2.load(open(sys.argv[1]))
unq = lambda s: s.strip('"')
types = {}
for entry in doc.get("resource", []):
    for rtype, named in entry.items():
        for _name, body in named.items():
            types.setdefault(unq(rtype), sorted(k for k in body if not k.startswith("__")))
print(json.dumps({"resources": types, "imports": len(doc.get("import", [])),
                  "providers": sorted(unq(k) for p in doc.get("provider", []) for k in p)}))
"#;
    let out = Command::new(python()).args(["-c", SCRIPT]).arg(file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python-hcl2 cannot parse {}: {stderr}", file.display());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The exported text with what differs between runs replaced: ids the sandbox makes up.
fn redacted(text: &str, aws_key_id: Option<&str>) -> String {
    let mut text = text.to_string();
    if let Some(id) = aws_key_id {
        text = text.replace(id, "<key-id>");
    }
    for (pattern, with) in [
        (r"ekey_[A-Za-z0-9]+", "ekey_<id>"),
        (r"\d{8}T\d{6}\.\d{3}Z-setup-[0-9a-f]+", "<run>"),
        (r"/keys/anthropic-cmek/[0-9a-f]{32}", "/keys/anthropic-cmek/<version>"),
        (r"roleAssignments/[0-9a-f-]{36}", "roleAssignments/<guid>"),
    ] {
        text = Regex::new(pattern).unwrap().replace_all(&text, with).into_owned();
    }
    text
}

fn resource_types(doc: &Value) -> Vec<String> {
    let mut types: Vec<String> = doc["resources"].as_object().unwrap().keys().cloned().collect();
    types.sort();
    types
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `export terraform --provider <p> --workspace production --import --out <dir>`, checked to succeed.
fn export_into(world: &World, provider: &str, dir: &Path, extra: &[&str]) -> Value {
    let out = dir.to_str().unwrap();
    let mut args = vec!["export", "terraform", "--provider", provider, "--workspace", "production", "--out", out];
    args.extend(extra);
    let run = world.cmek(true, &args);
    assert_eq!(run.code, 0, "{run:?}");
    run.json()
}

#[test]
fn aws_before_setup_prints_the_plan_and_after_it_adopts_the_key_with_its_exact_policy() {
    let world = World::new("default");
    let before = world.cmek(false, &["export", "terraform", "--provider", "aws", "--workspace", "production"]);
    assert_eq!(before.code, 0, "{before:?}");
    let scratch = TempDir::new().unwrap();
    let printed = scratch.path().join("main.tf");
    std::fs::write(&printed, &before.stdout).unwrap();
    let doc = parsed(&printed);
    assert_eq!(resource_types(&doc), ["aws_kms_alias", "aws_kms_key", "aws_kms_key_policy"]);
    assert_eq!(doc["imports"], 0, "nothing exists yet");
    assert!(before.stdout.contains("policy = chomp(<<EOT\n{\n"), "on stdout the policy is inline: {before:?}");
    insta::assert_snapshot!("aws_before_setup", redacted(&before.stdout, None));

    let setup = world.setup("aws", &["--workspace", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let dir = scratch.path().join("tf");
    let summary = export_into(&world, "aws", &dir, &["--import"]);
    assert_eq!(summary["schema"], "cmek.export/v1");
    assert_eq!(summary["existing"].as_array().unwrap().len(), 3, "{summary:#}");
    let doc = parsed(&dir.join("main.tf"));
    assert_eq!(doc["imports"], 3);
    assert_eq!(
        doc["resources"]["aws_kms_key"],
        serde_json::json!([
            "customer_master_key_spec",
            "deletion_window_in_days",
            "description",
            "enable_key_rotation",
            "key_usage",
            "lifecycle",
            "multi_region",
            "tags"
        ])
    );

    // The policy on the key, as the official aws CLI reads it from the sandbox (GetKeyPolicy).
    let home = TempDir::new().unwrap();
    let state = world.state_file();
    let sandbox = Foreground::start(home.path(), &["sandbox", "--state", state.to_str().unwrap()]);
    let key_id = get_key_id(&sandbox, home.path());
    let on_key =
        aws(&sandbox, home.path(), &["kms", "get-key-policy", "--key-id", &key_id, "--policy-name", "default"]);
    drop(sandbox);
    let exported = read(&dir.join("key-policy.json"));
    assert_eq!(exported.as_bytes(), on_key["Policy"].as_str().unwrap().as_bytes(), "byte-identical to GetKeyPolicy");
    let main = read(&dir.join("main.tf"));
    assert!(main.contains("policy = file(\"${path.module}/key-policy.json\")"), "{main}");
    insta::assert_snapshot!("aws_after_setup", redacted(&main, Some(&key_id)));

    // Existing files stay unless --force; the refusal names them and writes nothing.
    let out = dir.to_str().unwrap();
    let again = world.cmek(false, &["export", "terraform", "--provider", "aws", "--out", out]);
    assert_eq!(again.code, 2, "{again:?}");
    assert!(again.stderr.contains("main.tf") && again.stderr.contains("--force"), "{again:?}");
    assert_eq!(read(&dir.join("main.tf")), main, "nothing was overwritten");
    let forced = world.cmek(false, &["export", "terraform", "--provider", "aws", "--out", out, "--force"]);
    assert_eq!(forced.code, 0, "{forced:?}");
    assert!(!read(&dir.join("main.tf")).contains("\nimport {"), "no import blocks without --import");
}

fn aws(sandbox: &Foreground, home: &Path, args: &[&str]) -> Value {
    let out = Command::new(aws_cli())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("none"))
        .envs(&sandbox.exports)
        .env("AWS_DEFAULT_REGION", "us-east-2")
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "aws {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn get_key_id(sandbox: &Foreground, home: &Path) -> String {
    let described = aws(sandbox, home, &["kms", "describe-key", "--key-id", "alias/anthropic-cmek"]);
    described["KeyMetadata"]["KeyId"].as_str().unwrap().to_string()
}

#[test]
fn azure_after_setup_imports_the_vault_key_and_role() {
    let world = World::new("default");
    let setup = world.setup("azure", &["--workspace", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let scratch = TempDir::new().unwrap();
    let dir = scratch.path().join("tf");
    let summary = export_into(&world, "azure", &dir, &["--import"]);
    assert_eq!(summary["files"].as_array().unwrap().len(), 1, "Azure has no document beside main.tf");
    let doc = parsed(&dir.join("main.tf"));
    assert_eq!(
        resource_types(&doc),
        ["azuread_service_principal", "azurerm_key_vault", "azurerm_key_vault_key", "azurerm_role_assignment"]
    );
    assert_eq!(doc["imports"], 3, "vault, key and role; the service principal is adopted by use_existing");
    assert_eq!(doc["providers"], serde_json::json!(["azuread", "azurerm"]));
    insta::assert_snapshot!("azure_after_setup", redacted(&read(&dir.join("main.tf")), None));
}

#[test]
fn gcp_before_and_after_setup() {
    let world = World::new("default");
    let scratch = TempDir::new().unwrap();
    let fresh = scratch.path().join("fresh");
    let summary = export_into(&world, "gcp", &fresh, &["--import"]);
    assert_eq!(summary["existing"], serde_json::json!([]), "nothing exists before setup: {summary:#}");
    let doc = parsed(&fresh.join("main.tf"));
    assert_eq!(doc["imports"], 0);

    let setup = world.setup("gcp", &["--workspace", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let dir = scratch.path().join("tf");
    export_into(&world, "gcp", &dir, &["--import"]);
    let doc = parsed(&dir.join("main.tf"));
    assert_eq!(
        resource_types(&doc),
        ["google_kms_crypto_key", "google_kms_crypto_key_iam_member", "google_kms_key_ring"]
    );
    assert_eq!(doc["imports"], 4, "ring, key and both members");
    let main = read(&dir.join("main.tf"));
    assert!(main.contains("prevent_destroy = true"));
    insta::assert_snapshot!("gcp_after_setup", redacted(&main, None));
}

#[test]
fn inputs_are_checked_before_any_call() {
    let world = World::new("default");
    let run = world.cmek(false, &["export", "terraform", "--provider", "nope"]);
    assert_eq!(run.code, 2, "{run:?}");
    let run = world.cmek(false, &["export", "terraform", "--provider", "aws", "--azure-vault", "v"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--azure-vault"), "{run:?}");
    let run = world.cmek(false, &["export", "terraform", "--provider", "aws", "--force"]);
    assert_eq!(run.code, 2, "--force without --out: {run:?}");
}
