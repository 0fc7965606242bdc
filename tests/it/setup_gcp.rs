//! `cmek --sandbox setup --non-interactive --provider gcp` through the real binary: the whole job
//! on the default sandbox (key ring, key, label, both roles, register, validate, attach), a re-run
//! that changes nothing, an existing key whose labels and bindings are merged (the customer's kept),
//! the failures setup stops on, and input errors (exit 2, nothing changed).

use serde_json::Value;

use super::doctor_support::{Run, World};

const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";
const ANTHROPIC: &str = "serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com";
const ORG_LABEL: &str = "anthropic-org-5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";

/// The key in the saved sandbox.
fn saved_key(world: &World) -> Value {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(world.state_file()).unwrap()).unwrap();
    let ring = doc["gcp"]["projects"][0]["keyRings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["keyRingId"] == "anthropic-cmek" && r["location"] == "us-central1")
        .cloned()
        .unwrap_or_else(|| panic!("no ring in {doc:#}"));
    ring["cryptoKeys"].as_array().unwrap().iter().find(|k| k["cryptoKeyId"] == "anthropic-cmek").cloned().unwrap()
}

fn members(key: &Value, role: &str) -> Vec<String> {
    key["iamPolicy"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["role"] == role && b.get("condition").is_none_or(Value::is_null))
        .flat_map(|b| b["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()))
        .collect()
}

fn steps(run: &Run) -> Vec<(String, String)> {
    run.json()["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{run:?}"))
        .iter()
        .map(|s| {
            (s["action"].as_str().unwrap_or("").to_string(), s["outcome"]["status"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn the_whole_job_on_the_default_sandbox_then_a_rerun_changes_nothing() {
    let world = World::new("default");
    let first = world.setup("gcp", &["--workspace", "production", "--confirm-attach", "production"]);
    assert_eq!(first.code, 0, "{first:?}");
    let doc = first.json();
    assert_eq!(doc["gcp"]["key"]["name"], KEY, "{doc:#}");
    assert_eq!(doc["validation"]["success"], true, "{doc:#}");
    assert!(doc["attached_to"].as_str().unwrap().starts_with("wrkspc_"), "{doc:#}");
    let key = saved_key(&world);
    assert_eq!(key["purpose"], "ENCRYPT_DECRYPT");
    assert_eq!(key["versionTemplate"]["protectionLevel"], "HSM");
    assert_eq!(key["rotationPeriodSecs"], 7_776_000);
    assert_eq!(key["labels"][ORG_LABEL], "true");
    for role in ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.viewer"] {
        assert_eq!(members(&key, role), vec![ANTHROPIC.to_string()], "{role}: {key:#}");
    }

    let again = world.setup("gcp", &["--workspace", "production", "--confirm-attach", "production"]);
    assert_eq!(again.code, 0, "{again:?}");
    let changed: Vec<_> = steps(&again).into_iter().filter(|(_, status)| status == "done").collect();
    assert_eq!(changed, vec![("validate".to_string(), "done".to_string())], "only validation runs again: {again:?}");
    assert_eq!(saved_key(&world)["iamPolicy"]["bindings"], key["iamPolicy"]["bindings"], "no duplicate member");
}

#[test]
fn an_existing_key_gets_the_label_and_roles_merged_and_the_customers_kept() {
    for scenario in ["gcp-label-missing", "gcp-binding-at-keyring", "gcp-one-role"] {
        let world = World::new(scenario);
        let before = saved_key_after_start(&world);
        let run = world.setup("gcp", &["--workspace", "production"]);
        assert_eq!(run.code, 0, "{scenario}: {run:?}");
        let after = saved_key(&world);
        assert_eq!(after["labels"][ORG_LABEL], "true", "{scenario}");
        for (k, v) in before["labels"].as_object().unwrap() {
            assert_eq!(&after["labels"][k], v, "{scenario}: the customer's label {k} is kept");
        }
        for binding in before["iamPolicy"]["bindings"].as_array().unwrap() {
            assert!(
                after["iamPolicy"]["bindings"].as_array().unwrap().iter().any(|b| b["role"] == binding["role"]
                    && b["condition"] == binding["condition"]
                    && binding["members"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|m| b["members"].as_array().unwrap().contains(m))),
                "{scenario}: the customer's binding {binding} is kept in {after:#}"
            );
        }
        for role in ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.viewer"] {
            assert_eq!(members(&after, role).iter().filter(|m| *m == ANTHROPIC).count(), 1, "{scenario} {role}");
        }
        // The journal keeps what was replaced.
        let journal = run.json()["journal"].as_str().unwrap().to_string();
        let backups: Vec<String> = std::fs::read_dir(&journal)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.contains("gcp-"))
            .collect();
        assert!(!backups.is_empty(), "{scenario}: a backup of the labels or the IAM policy in {journal}");
    }
}

/// The scenario's key as seeded (a `--plan` run saves the world without changing it).
fn saved_key_after_start(world: &World) -> Value {
    let plan = world.setup("gcp", &["--plan"]);
    assert!(plan.code == 0 || plan.code == 1, "{plan:?}");
    saved_key(world)
}

#[test]
fn setup_stops_before_any_change_on_what_it_can_check() {
    for (scenario, args, id) in [
        ("gcp-api-disabled", &[][..], "GCP-01"),
        ("gcp-multi-region", &["--gcp-location", "us"][..], "GCP-02"),
        ("gcp-wrong-purpose", &[][..], "GCP-03"),
        ("gcp-primary-disabled", &[][..], "GCP-04"),
        ("gcp-destroy-scheduled", &[][..], "GCP-04"),
    ] {
        let world = World::new(scenario);
        let run = world.setup("gcp", args);
        assert_eq!(run.code, 1, "{scenario}: {run:?}");
        let doc = run.json();
        let failed: Vec<&str> = doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(failed.contains(&id), "{scenario}: {id} among {failed:?}");
        assert!(steps(&run).iter().all(|(_, s)| s != "done"), "{scenario}: nothing was changed: {run:?}");
    }
}

#[test]
fn domain_restricted_sharing_is_named_with_its_fix() {
    let world = World::new("gcp-domain-restricted");
    let run = world.setup("gcp", &[]);
    assert_ne!(run.code, 0, "{run:?}");
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("do not belong to a permitted customer") && all.contains("GCP-07"), "{run:?}");
    let doctor = world.doctor(true, &["--provider", "gcp", "--key", KEY]);
    assert!(doctor.ids("fail").contains(&"GCP-06".to_string()), "{doctor:?}");
}

#[test]
fn bad_gcp_inputs_are_exit_2_naming_the_value_and_change_nothing() {
    let world = World::new("default");
    for (args, says) in [
        (
            vec!["--key", "projects/cmek-sandbox/locations/us-central1/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"],
            "without /cryptoKeyVersions",
        ),
        (vec!["--key", "projects/Bad_Project/locations/us-central1/keyRings/r/cryptoKeys/k"], "Bad_Project"),
        (vec!["--gcp-key-ring", "a ring"], "a ring"),
        (vec!["--gcp-protection", "external"], "external"),
        (vec!["--gcp-iam-wait", "soon"], "soon"),
        (vec!["--key", KEY, "--gcp-key", "other"], "contradicts"),
    ] {
        let run = world.setup("gcp", &args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(says) || run.stdout.contains(says), "{args:?} says {says}: {run:?}");
    }
    assert!(!world.state_file().exists() || saved_ring_count(&world) == 0, "nothing was created");
}

fn saved_ring_count(world: &World) -> usize {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(world.state_file()).unwrap()).unwrap();
    doc["gcp"]["projects"][0]["keyRings"].as_array().map_or(0, Vec::len)
}
